import { createHash } from "crypto";
import { RioInputError } from "../errors";
import { KubeObject } from "../kube/object";
import { GATEWAY_NAME, HTTPS_LISTENER, systemLabels } from "./gateway";
import { REGISTRY } from "./registry";
import type { GatewayImplementation, SystemSettings } from "./settings";

/**
 * The registry's second door: `registry.<domain>` on the gateway's HTTPS listener, for pushes from outside the
 * cluster (local-folder builds). Basic auth is enforced by the gateway, not the registry, so nodes keep pulling
 * through the node-local NodePort without credentials.
 */
export const REGISTRY_ROUTE = "rio-registry";
/** The one account the gateway admits. */
export const REGISTRY_USER = "rio";
/** The Secret holding that account's htpasswd line (in rio-system, next to the route). */
export const REGISTRY_AUTH_SECRET = "rio-registry-htpasswd";
/** The gateway-side policy that enforces basic auth: a Traefik Middleware or an Envoy Gateway SecurityPolicy. */
export const REGISTRY_AUTH_POLICY = "rio-registry-basic-auth";

/**
 * The key each implementation reads the htpasswd lines from: Traefik takes an Opaque Secret with a single key
 * (any name; its docs use `users`), Envoy Gateway exactly `.htpasswd`. Both accept `{SHA}` lines, the only
 * format Envoy Gateway accepts.
 */
export const HTPASSWD_KEY: Record<GatewayImplementation, string> = { traefik: "users", envoy: ".htpasswd" };

/** What `rio render --system` prints instead of a real credential (the component fills in the real one). */
export const HTPASSWD_PLACEHOLDER = `${REGISTRY_USER}:{SHA}<set by RioSystem: htpasswd -nbs ${REGISTRY_USER} <registry password>>`;

/** The external push address. */
export function registryHost(domain: string): string {
    return `registry.${domain}`;
}

/** One htpasswd line in the `{SHA}` format (base64 of the password's SHA-1), what `htpasswd -nbs` prints. */
export function htpasswdLine(user: string, password: string): string {
    return `${user}:{SHA}${createHash("sha1").update(password, "utf8").digest("base64")}`;
}

/** What RioSystem knows of the registry's exposure (plain, so it is part of the plan and of `ref`). */
export interface RegistryExposure {
    /** `registry.<domain>`: where `docker login` and local-folder builds push. */
    host: string;
    username: string;
}

export interface RegistryExposureInput {
    /** The `registryExposed` arg. */
    exposed?: boolean;
    registry: boolean;
    tls: boolean;
    domain?: string;
    /** The Cloudflare zone's settings, when one is configured. */
    cloudflare?: { proxied: boolean };
    /** A Civo cluster: its gateway firewall admits only Cloudflare when the records are proxied. */
    civo: boolean;
}

/**
 * Whether the registry is served at `registry.<domain>`. Never over plain HTTP, and only for a domain known now
 * (the route names it). By default only where a client trusts the certificate and reaches the gateway directly:
 * Let's Encrypt certificates (a Cloudflare zone) and records Cloudflare does not proxy. A proxied zone hides the
 * gateway's address and caps request bodies at 100 MB (free plans), too small for many image layers, so turning
 * the registry on there adds a DNS-only record that publishes the address; on Civo the gateway's firewall then
 * admits only Cloudflare, so that record could not be reached at all.
 */
export function resolveRegistryExposed(i: RegistryExposureInput): boolean {
    const proxied = i.cloudflare?.proxied ?? false;
    if (i.exposed === undefined)
        return i.registry && i.tls && i.domain !== undefined && i.cloudflare !== undefined && !proxied;
    if (!i.exposed) return false;
    const refuse = (detail: string) => new RioInputError(["registryExposed"], detail);
    if (!i.registry) throw refuse("needs the registry feature; turn registry on or registryExposed off");
    if (!i.tls) throw refuse("needs the tls feature: the registry is never served over plain HTTP");
    if (i.domain === undefined) throw refuse("needs domain: the registry is served at registry.<domain>");
    if (proxied && i.civo) {
        throw refuse(
            "the gateway's Civo firewall admits only Cloudflare, which caps request bodies at 100 MB: set cloudflare.proxied to false, or push local builds to a pushRegistry",
        );
    }
    return true;
}

/** The exposure, as RioService reads it from `ref.registry.external`. */
export function registryExposure(domain: string): RegistryExposure {
    return { host: registryHost(domain), username: REGISTRY_USER };
}

/**
 * The route and the gateway's auth policy. The route takes only the registry API (`/v2`), on the HTTPS listener
 * (plain HTTP is redirected there); with Envoy Gateway it lifts Envoy's default 15 s route timeout, since a
 * layer upload is one long request ("0s" disables the timeout, and Envoy Gateway then disables the stream idle
 * timeout too). Traefik has no per-route request timeout: its entrypoint's `readTimeout` (60 s by default
 * since Traefik 2.11.2) bounds each upload, so raise it through `helmValues.traefik` for slow links.
 */
export function planRegistryRoute(s: SystemSettings): KubeObject[] {
    const labels = systemLabels("registry");
    const traefik = s.gateway === "traefik";
    const route: KubeObject = {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: REGISTRY_ROUTE, namespace: s.namespace, labels },
        spec: {
            parentRefs: [
                {
                    group: "gateway.networking.k8s.io",
                    kind: "Gateway",
                    name: GATEWAY_NAME,
                    namespace: s.namespace,
                    sectionName: HTTPS_LISTENER,
                },
            ],
            hostnames: [registryHost(s.domain!)],
            rules: [
                {
                    matches: [{ path: { type: "PathPrefix", value: "/v2" } }],
                    ...(traefik && {
                        filters: [
                            {
                                type: "ExtensionRef",
                                extensionRef: { group: "traefik.io", kind: "Middleware", name: REGISTRY_AUTH_POLICY },
                            },
                        ],
                    }),
                    backendRefs: [{ group: "", kind: "Service", name: REGISTRY.name, port: REGISTRY.port }],
                    ...(!traefik && { timeouts: { request: "0s" } }),
                },
            ],
        },
    };
    const policy: KubeObject = traefik
        ? {
              apiVersion: "traefik.io/v1alpha1",
              kind: "Middleware",
              metadata: { name: REGISTRY_AUTH_POLICY, namespace: s.namespace, labels },
              // The registry itself has no auth: the credentials stop at the gateway.
              spec: { basicAuth: { secret: REGISTRY_AUTH_SECRET, removeHeader: true } },
          }
        : {
              apiVersion: "gateway.envoyproxy.io/v1alpha1",
              kind: "SecurityPolicy",
              metadata: { name: REGISTRY_AUTH_POLICY, namespace: s.namespace, labels },
              spec: {
                  targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: REGISTRY_ROUTE }],
                  basicAuth: { users: { group: "", kind: "Secret", name: REGISTRY_AUTH_SECRET } },
              },
          };
    return [route, policy];
}

/** The Secret the auth policy reads: one htpasswd line under the key the implementation expects. */
export function registryAuthSecret(s: SystemSettings, htpasswd: string): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: REGISTRY_AUTH_SECRET, namespace: s.namespace, labels: systemLabels("registry") },
        type: "Opaque",
        stringData: { [HTPASSWD_KEY[s.gateway]]: htpasswd },
    };
}
