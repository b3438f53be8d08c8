import { KubeObject } from "../kube/object";
import { MANAGED_BY } from "../service/labels";
import { BUDGETS } from "./budget";
import { GatewayImplementation, SystemSettings } from "./settings";

/** The one Gateway every route attaches to, and its listeners. */
export const GATEWAY_NAME = "rio-gateway";
export const HTTP_LISTENER = "http";
export const HTTPS_LISTENER = "https";
/** The Secret holding the wildcard certificate (written by cert-manager, read by the HTTPS listener). */
export const WILDCARD_SECRET = "rio-wildcard-tls";

/**
 * Per implementation: the GatewayClass controller, and the listener ports. Traefik only accepts listeners on
 * its entrypoints' container ports (8000/8443, published as 80/443 by its LoadBalancer Service); Envoy
 * Gateway provisions a proxy per Gateway that listens on the listener ports themselves.
 */
export const IMPLEMENTATIONS: Record<
    GatewayImplementation,
    { className: string; controllerName: string; http: number; https: number }
> = {
    traefik: { className: "rio-traefik", controllerName: "traefik.io/gateway-controller", http: 8000, https: 8443 },
    envoy: {
        className: "rio-envoy",
        controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
        http: 80,
        https: 443,
    },
};

export const systemLabels = (component: string): Record<string, string> => ({
    "app.kubernetes.io/name": component,
    "app.kubernetes.io/part-of": "rio-system",
    "app.kubernetes.io/managed-by": MANAGED_BY,
});

/**
 * GatewayClass, Gateway and — with TLS — the HTTP→HTTPS redirect. Listeners accept routes from every namespace
 * (apps and previews live in their own) and, with a known domain, only for `*.<domain>`; for a derived
 * sslip.io domain the hostname is not known until the gateway has an address, so listeners match any host.
 */
export function planGateway(s: SystemSettings): KubeObject[] {
    const impl = IMPLEMENTATIONS[s.gateway];
    const hostname = s.domain !== undefined ? { hostname: `*.${s.domain}` } : {};
    const allowedRoutes = { namespaces: { from: "All" } };
    const listeners: Record<string, unknown>[] = [
        { name: HTTP_LISTENER, protocol: "HTTP", port: impl.http, ...hostname, allowedRoutes },
    ];
    if (s.features.tls) {
        listeners.push({
            name: HTTPS_LISTENER,
            protocol: "HTTPS",
            port: impl.https,
            ...hostname,
            tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: WILDCARD_SECRET }] },
            allowedRoutes,
        });
    }
    // Rio's `rio domain register`: each custom domain gets its own listeners (and certificate, see tls.ts).
    for (const d of s.domains) {
        listeners.push({
            name: domainListener(HTTP_LISTENER, d),
            protocol: "HTTP",
            port: impl.http,
            hostname: d,
            allowedRoutes,
        });
        if (s.features.tls) {
            listeners.push({
                name: domainListener(HTTPS_LISTENER, d),
                protocol: "HTTPS",
                port: impl.https,
                hostname: d,
                tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: domainSecret(d) }] },
                allowedRoutes,
            });
        }
    }
    // Envoy Gateway provisions a proxy per Gateway; its size is set through an EnvoyProxy the class points at.
    const envoyProxy: KubeObject = {
        apiVersion: "gateway.envoyproxy.io/v1alpha1",
        kind: "EnvoyProxy",
        metadata: { name: "rio-envoy-proxy", namespace: s.namespace, labels: systemLabels("gateway") },
        spec: {
            provider: {
                type: "Kubernetes",
                kubernetes: { envoyDeployment: { replicas: 1, container: { resources: BUDGETS.envoyProxy } } },
            },
        },
    };
    const parametersRef =
        s.gateway === "envoy"
            ? {
                  parametersRef: {
                      group: "gateway.envoyproxy.io",
                      kind: "EnvoyProxy",
                      name: envoyProxy.metadata.name,
                      namespace: s.namespace,
                  },
              }
            : {};
    const objects: KubeObject[] = [
        ...(s.gateway === "envoy" ? [envoyProxy] : []),
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "GatewayClass",
            metadata: { name: impl.className, labels: systemLabels("gateway") },
            spec: { controllerName: impl.controllerName, ...parametersRef },
        },
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: {
                name: GATEWAY_NAME,
                namespace: s.namespace,
                labels: systemLabels("gateway"),
                // The address is an output of RioSystem: Pulumi waits until the implementation has published it.
                annotations: { "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}" },
            },
            spec: { gatewayClassName: impl.className, listeners },
        },
    ];
    if (s.features.tls) {
        objects.push({
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: "rio-https-redirect", namespace: s.namespace, labels: systemLabels("gateway") },
            spec: {
                parentRefs: [HTTP_LISTENER, ...s.domains.map((d) => domainListener(HTTP_LISTENER, d))].map(
                    (sectionName) => ({
                        group: "gateway.networking.k8s.io",
                        kind: "Gateway",
                        name: GATEWAY_NAME,
                        sectionName,
                    }),
                ),
                rules: [
                    { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
                ],
            },
        });
    }
    return objects;
}

/** The listener a custom domain is served on: `https-www.example.com` (a valid Gateway API section name). */
export function domainListener(base: string, domain: string): string {
    return `${base}-${domain}`;
}

/** The Secret holding a custom domain's certificate. */
export function domainSecret(domain: string): string {
    return `rio-domain-${domain.replace(/\./g, "-")}-tls`.slice(0, 253);
}

/** How services reach this gateway: with TLS, routes attach to the HTTPS listener only, so HTTP just redirects. */
export function gatewayRef(s: SystemSettings): {
    name: string;
    namespace: string;
    scheme: "https" | "http";
    listener: string;
    implementation: GatewayImplementation;
    customDomains: string[];
} {
    const base = { name: GATEWAY_NAME, namespace: s.namespace, implementation: s.gateway, customDomains: s.domains };
    return s.features.tls
        ? { ...base, scheme: "https", listener: HTTPS_LISTENER }
        : { ...base, scheme: "http", listener: HTTP_LISTENER };
}

/**
 * The gateway's LoadBalancer Service annotations (e.g. Civo's `kubernetes.civo.com/firewall-id`), as Helm values
 * for Traefik or on the EnvoyProxy for Envoy Gateway (which owns its proxy's Service).
 */
export function withServiceAnnotations(envoyProxy: KubeObject, annotations: Record<string, string>): KubeObject {
    const spec = envoyProxy.spec as { provider: { kubernetes: Record<string, unknown> } };
    return {
        ...envoyProxy,
        spec: {
            ...spec,
            provider: { ...spec.provider, kubernetes: { ...spec.provider.kubernetes, envoyService: { annotations } } },
        },
    };
}
