import { isIP } from "net";
import { z } from "zod";
import { RioInputError, under } from "../errors";
import { KubeObject } from "../kube/object";
import { MANAGED_BY } from "../service/labels";
import { ServiceContext } from "../service/context";
import { assertDnsLabel, assertHostname } from "../service/names";
import { fromZod } from "../service/spec";
import { RioWarning } from "../riofile/warnings";

/** Rio's ExternalService keys (`pkg/apis/rio.cattle.io/v1/externalservice.go`). */
export const externalServiceSchema = z
    .object({
        ipAddresses: z.array(z.string()).min(1, "list at least one address"),
        fqdn: z.string(),
        targetApp: z.string(),
        targetVersion: z.string(),
        targetRouter: z.string(),
        targetServiceNamespace: z.string(),
        /** The docs' form of targetServiceNamespace/targetApp[@targetVersion]: `<namespace>/<app>[@<version>]`. */
        service: z.string().min(1, "service may not be empty"),
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

/** Rio's order of targets (`populate.go`'s getSpec): the first one given is used, the others are ignored. */
const PRECEDENCE = ["fqdn", "ipAddresses", "targetApp", "service", "targetRouter"] as const;

/**
 * The docs' `service: <namespace>/<app>[@<version>]` (Rio's Reference; Rio's own code knew only the target keys)
 * as those keys. Paths are relative to the external service.
 */
function serviceTarget(value: string): { app: string; version?: string; namespace?: string } {
    const slash = value.indexOf("/");
    const namespace = slash >= 0 ? value.slice(0, slash) : undefined;
    const [app = "", version, ...more] = value.slice(slash + 1).split("@");
    return under(["service"], () => {
        if (more.length > 0) throw new RioInputError([], `"${value}" is not <namespace>/<app>[@<version>]`);
        if (namespace !== undefined) assertDnsLabel(namespace, "namespace");
        assertDnsLabel(app, "app");
        if (version !== undefined) assertDnsLabel(version, "version");
        return { app, ...(version !== undefined && { version }), ...(namespace !== undefined && { namespace }) };
    });
}

/**
 * Checks one `externalservices.<name>`. Several targets are taken as Rio took them: the first of fqdn,
 * ipAddresses, targetApp (or the docs' `service`), targetRouter, each other one ignored with a warning pushed on
 * `warnings` (its key and what was used instead). Paths are relative to the external service.
 */
export function normalizeExternalService(
    name: string,
    input: unknown,
    ctx: ServiceContext,
    warnings: RioWarning[] = [],
): NormalizedExternalService {
    under([], () => assertDnsLabel(name, "external service name"));
    const parsed = externalServiceSchema.safeParse(input ?? {});
    if (!parsed.success) throw fromZod(parsed.error, externalServiceSchema);
    const s = parsed.data;
    if (s.service !== undefined) {
        // The same target twice, in two spellings: which one was meant cannot be told.
        for (const key of ["targetApp", "targetVersion", "targetServiceNamespace"] as const) {
            if (s[key] !== undefined)
                throw new RioInputError(
                    [key],
                    "service already names the target (<namespace>/<app>[@<version>]): give one of them",
                    undefined,
                    true,
                );
        }
    }
    const kinds = PRECEDENCE.filter((k) => s[k] !== undefined);
    const used = kinds[0];
    if (used === undefined) throw new RioInputError([], "give one of ipAddresses, fqdn, targetApp or targetRouter");
    if (s.targetVersion !== undefined && s.targetApp === undefined)
        throw new RioInputError(["targetVersion"], "needs targetApp", undefined, true);
    // An address or DNS name takes no namespace or version either.
    const qualifiers =
        used === "fqdn" || used === "ipAddresses" ? (["targetVersion", "targetServiceNamespace"] as const) : [];
    for (const key of [...kinds.slice(1), ...qualifiers].filter((k) => s[k] !== undefined))
        warnings.push({ path: [key], detail: `is ignored, as Rio ignored it: ${used} comes first and is the target` });
    if (used === "ipAddresses") {
        const v4: string[] = [];
        const v6: string[] = [];
        s.ipAddresses!.forEach((ip, i) => {
            const family = isIP(ip);
            if (family === 0) throw new RioInputError(["ipAddresses", i], `"${ip}" is not an IP address`);
            (family === 4 ? v4 : v6).push(ip);
        });
        return { name, target: { kind: "ips", v4, v6 } };
    }
    if (used === "fqdn")
        return { name, target: { kind: "name", name: under(["fqdn"], () => assertHostname(s.fqdn!, "fqdn")) } };
    const ns =
        s.targetServiceNamespace === undefined
            ? ctx.namespace
            : under(["targetServiceNamespace"], () => assertDnsLabel(s.targetServiceNamespace!, "namespace"));
    if (used === "targetApp" || used === "service") {
        const t: { app: string; version?: string; namespace?: string } =
            used === "service"
                ? serviceTarget(s.service!)
                : {
                      app: under(["targetApp"], () => assertDnsLabel(s.targetApp!, "app")),
                      ...(s.targetVersion !== undefined && {
                          version: under(["targetVersion"], () => assertDnsLabel(s.targetVersion!, "version")),
                      }),
                  };
        const service = t.version !== undefined ? `${t.app}-${t.version}` : t.app;
        return { name, target: { kind: "name", name: `${service}.${t.namespace ?? ns}.svc.cluster.local` } };
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
