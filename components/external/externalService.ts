import { isIP } from "net";
import { z } from "zod";
import { RioInputError, under } from "../errors";
import { KubeObject } from "../kube/object";
import { MANAGED_BY } from "../service/labels";
import { ServiceContext } from "../service/context";
import { assertDnsLabel, assertHostname } from "../service/names";
import { fromZod } from "../service/spec";

/** Rio's ExternalService keys (`pkg/apis/rio.cattle.io/v1/externalservice.go`). */
export const externalServiceSchema = z
    .object({
        ipAddresses: z.array(z.string()).min(1, "list at least one address"),
        fqdn: z.string(),
        targetApp: z.string(),
        targetVersion: z.string(),
        targetRouter: z.string(),
        targetServiceNamespace: z.string(),
    })
    .partial()
    .strict();
export type ExternalServiceSpec = z.infer<typeof externalServiceSchema>;

/** Where an external service points: addresses, a DNS name, or another namespace's app or router. */
export type ExternalTarget = { kind: "ips"; v4: string[]; v6: string[] } | { kind: "name"; name: string };

export interface NormalizedExternalService {
    name: string;
    target: ExternalTarget;
}

/** Checks one `externalservices.<name>`: exactly one target. Paths are relative to it. */
export function normalizeExternalService(name: string, input: unknown, ctx: ServiceContext): NormalizedExternalService {
    under([], () => assertDnsLabel(name, "external service name"));
    const parsed = externalServiceSchema.safeParse(input ?? {});
    if (!parsed.success) throw fromZod(parsed.error, externalServiceSchema);
    const s = parsed.data;
    const kinds = (["ipAddresses", "fqdn", "targetApp", "targetRouter"] as const).filter((k) => s[k] !== undefined);
    if (kinds.length !== 1) {
        throw new RioInputError(
            [],
            kinds.length === 0
                ? "give one of ipAddresses, fqdn, targetApp or targetRouter"
                : `give one target, not ${kinds.join(" and ")}`,
        );
    }
    if (s.targetVersion !== undefined && s.targetApp === undefined)
        throw new RioInputError(["targetVersion"], "needs targetApp", undefined, true);
    const ns =
        s.targetServiceNamespace === undefined
            ? ctx.namespace
            : under(["targetServiceNamespace"], () => assertDnsLabel(s.targetServiceNamespace!, "namespace"));
    if (s.ipAddresses) {
        const v4: string[] = [];
        const v6: string[] = [];
        s.ipAddresses.forEach((ip, i) => {
            const family = isIP(ip);
            if (family === 0) throw new RioInputError(["ipAddresses", i], `"${ip}" is not an IP address`);
            (family === 4 ? v4 : v6).push(ip);
        });
        return { name, target: { kind: "ips", v4, v6 } };
    }
    if (s.fqdn !== undefined)
        return { name, target: { kind: "name", name: under(["fqdn"], () => assertHostname(s.fqdn!, "fqdn")) } };
    if (s.targetApp !== undefined) {
        under(["targetApp"], () => assertDnsLabel(s.targetApp!, "app"));
        if (s.targetVersion !== undefined) under(["targetVersion"], () => assertDnsLabel(s.targetVersion!, "version"));
        const service = s.targetVersion !== undefined ? `${s.targetApp}-${s.targetVersion}` : s.targetApp;
        return { name, target: { kind: "name", name: `${service}.${ns}.svc.cluster.local` } };
    }
    under(["targetRouter"], () => assertDnsLabel(s.targetRouter!, "router"));
    if (ctx.gateway.domain === undefined)
        throw new RioInputError(["targetRouter"], "a router target needs the cluster domain");
    // A router is served by the gateway on its own hostname, which is where in-cluster clients reach it too.
    return { name, target: { kind: "name", name: `${s.targetRouter}-${ns}.${ctx.gateway.domain}` } };
}

/**
 * Rio's ExternalService: a DNS name for something outside the app. Addresses become a headless Service with
 * EndpointSlices (one per IP family); a DNS name, or another namespace's app or router, an ExternalName Service.
 */
export function planExternalService(ext: NormalizedExternalService, namespace: string): KubeObject[] {
    const labels = {
        "app.kubernetes.io/name": ext.name,
        "app.kubernetes.io/component": "external-service",
        "app.kubernetes.io/managed-by": MANAGED_BY,
    };
    const metadata = { name: ext.name, namespace, labels };
    if (ext.target.kind === "name") {
        return [
            {
                apiVersion: "v1",
                kind: "Service",
                metadata,
                spec: { type: "ExternalName", externalName: ext.target.name },
            },
        ];
    }
    const slice = (family: "IPv4" | "IPv6", addresses: string[]): KubeObject => ({
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
            name: `${ext.name}-${family.toLowerCase()}`,
            namespace,
            labels: {
                ...labels,
                "kubernetes.io/service-name": ext.name,
                "endpointslice.kubernetes.io/managed-by": MANAGED_BY,
            },
        },
        addressType: family,
        endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: true } })),
    });
    return [
        { apiVersion: "v1", kind: "Service", metadata, spec: { clusterIP: "None" } },
        ...(ext.target.v4.length > 0 ? [slice("IPv4", ext.target.v4)] : []),
        ...(ext.target.v6.length > 0 ? [slice("IPv6", ext.target.v6)] : []),
    ];
}
