import { RioInputError, under } from "../errors";
import { BuildContext, DEFAULT_BUILD_CONTEXT } from "../build/job";
import { cached, CommitResolver, gitResolver } from "../build/resolve";
import { assertDnsLabel, assertHostname } from "./names";

/**
 * Where a service is deployed and how the gateway reaches it. Until `RioSystem` exists these are plain
 * settings; `RioSystem` will hand out the same shape.
 */
export interface GatewayRef {
    /** Gateway name. Default `rio-gateway`. */
    name?: string;
    /** Gateway namespace. Default `rio-system`. */
    namespace?: string;
    /** Cluster domain: apps are served at `<app>-<namespace>.<domain>`. Required to expose ports. */
    domain?: string;
    /** Scheme of the URLs handed out. Default `https` (the gateway terminates TLS). */
    scheme?: "https" | "http";
    /** Listener (`sectionName`) routes attach to, e.g. `https` so plain HTTP only redirects. Default: every listener. */
    listener?: string;
    /** The gateway's implementation, which decides how router features are expressed. Default `traefik`. */
    implementation?: "traefik" | "envoy";
    /**
     * Custom domains the gateway has listeners for (RioSystem's `domains`). When given, a hostname outside
     * `*.<domain>` must be one of them, and routes attach to its listener. Default: unknown (no check).
     */
    customDomains?: string[];
}

/** Where KEDA's HTTP add-on runs (RioSystem's `autoscaling` feature): its interceptor proxy and external scaler. */
export interface AutoscalingRef {
    /** Namespace of the add-on. Default `rio-system`. */
    namespace?: string;
}

/**
 * What a stack may allow by name that is refused otherwise: Rio's admission verbs rio-hostport, rio-hostnetwork,
 * rio-hostpath and rio-privileged. Each reaches into the node, so the namespace then enforces Pod Security privileged.
 */
export const ALLOWABLE = ["hostPort", "hostNetwork", "hostPath", "privileged"] as const;
export type Allowable = (typeof ALLOWABLE)[number];

/**
 * What each allowable feature does to the node: why a use is refused until allowed, in RioService's errors and
 * in the policy pack's messages alike. `hostPath` names the node's path the volume opens.
 */
export function nodeReach(feature: Allowable, hostPath = "files"): string {
    switch (feature) {
        case "hostPort":
            return "binds a port on every node the pod runs on";
        case "hostNetwork":
            return "puts the pod on the node's own network";
        case "hostPath":
            return `reads and writes the node's ${hostPath}`;
        case "privileged":
            return "is root on the node";
    }
}

export interface ServiceContext {
    namespace: string;
    /** Host-reaching features this stack allows by name (default none). */
    allow: Allowable[];
    /** What follows `<app>-` in hostnames: the namespace (Rio's), or a preview's slug. */
    hostLabel: string;
    /** Where builds run and push (RioSystem's builder and registry, and that registry's address outside the cluster). */
    build: BuildContext & { registry: { external?: { host: string } } };
    /** Where a local folder build's relative path starts: the Riofile's folder, or the program's. */
    baseDir: string;
    /** Which commit a git ref is now (real `git ls-remote`, memoized per context). */
    resolveCommit: CommitResolver;
    gateway: Required<Omit<GatewayRef, "domain" | "listener" | "customDomains">> & {
        domain?: string;
        listener?: string;
        customDomains?: string[];
    };
    autoscaling: { namespace: string; interceptor: { name: string; port: number }; scalerAddress: string };
}

/** Service names the keda-add-ons-http chart (0.15.0) gives its interceptor proxy and external scaler. */
export const KEDA_HTTP = {
    interceptor: "keda-add-ons-http-interceptor-proxy",
    interceptorPort: 8080,
    scaler: "keda-add-ons-http-external-scaler",
    scalerPort: 9090,
};

export const DEFAULT_NAMESPACE = "default";
export const DEFAULT_GATEWAY = {
    name: "rio-gateway",
    namespace: "rio-system",
    scheme: "https",
    implementation: "traefik",
} as const;

function oneImplementation(v: string | undefined): "traefik" | "envoy" {
    if (v === undefined) return DEFAULT_GATEWAY.implementation;
    if (v !== "traefik" && v !== "envoy")
        throw new RioInputError(["gateway", "implementation"], `must be traefik or envoy, not "${v}"`);
    return v;
}

/** Checks and defaults the deployment context. Error paths name the argument (`namespace`, `gateway.domain`). */
/** The rest of what a service may need from RioSystem, and how commits are resolved (injectable for tests). */
export interface ContextOptions {
    autoscaling?: AutoscalingRef;
    /** RioSystem's registry (`ref.registry`). Default: RioSystem's, in rio-system, not served outside the cluster. */
    registry?: { push: string; pull: string; external?: { host: string } };
    /** Where relative local folders are found. Default: the working directory (a Pulumi program's folder). */
    baseDir?: string;
    resolveCommit?: CommitResolver;
    /** Hostnames are `<app>-<hostLabel>.<domain>`. Default: the namespace, as in Rio. */
    hostLabel?: string;
    /** Host-reaching features allowed by name (e.g. `hostPort`). Default none. */
    allow?: readonly string[];
}

export function resolveContext(
    namespace: string | undefined,
    gateway: GatewayRef | undefined,
    options: ContextOptions = {},
): ServiceContext {
    const g = gateway ?? {};
    const kedaNs = options.autoscaling?.namespace ?? "rio-system";
    const scheme = g.scheme ?? DEFAULT_GATEWAY.scheme;
    if (scheme !== "https" && scheme !== "http")
        throw new RioInputError(["gateway", "scheme"], `must be https or http, not "${scheme}"`);
    const ns = under(["namespace"], () => assertDnsLabel(namespace ?? DEFAULT_NAMESPACE, "namespace"));
    return {
        namespace: ns,
        hostLabel: options.hostLabel ?? ns,
        allow: (options.allow ?? []).map((a, i) =>
            under(["allow", i], () => {
                if (!(ALLOWABLE as readonly string[]).includes(a))
                    throw new RioInputError([], `"${a}" cannot be allowed (only ${ALLOWABLE.join(", ")})`);
                return a as Allowable;
            }),
        ),
        build: { ...DEFAULT_BUILD_CONTEXT, ...(options.registry && { registry: options.registry }) },
        baseDir: options.baseDir ?? process.cwd(),
        resolveCommit: options.resolveCommit ?? cached(gitResolver),
        gateway: {
            name: under(["gateway", "name"], () => assertDnsLabel(g.name ?? DEFAULT_GATEWAY.name, "gateway name")),
            namespace: under(["gateway", "namespace"], () =>
                assertDnsLabel(g.namespace ?? DEFAULT_GATEWAY.namespace, "gateway namespace"),
            ),
            scheme,
            implementation: oneImplementation(g.implementation),
            ...(g.domain !== undefined && {
                domain: under(["gateway", "domain"], () => assertHostname(g.domain!, "domain")),
            }),
            ...(g.listener !== undefined && {
                listener: under(["gateway", "listener"], () => assertDnsLabel(g.listener!, "listener name")),
            }),
            ...(g.customDomains !== undefined && { customDomains: [...g.customDomains] }),
        },
        autoscaling: {
            namespace: kedaNs,
            interceptor: { name: KEDA_HTTP.interceptor, port: KEDA_HTTP.interceptorPort },
            scalerAddress: `${KEDA_HTTP.scaler}.${kedaNs}:${KEDA_HTTP.scalerPort}`,
        },
    };
}

/** The error for a route feature Traefik lacks, naming the gateway that has it. */
export function traefikCannot(at: (string | number)[], feature: string, why: string): RioInputError {
    return new RioInputError(
        at,
        `Traefik cannot ${feature} (${why}); use gatewayImplementation: envoy (Envoy Gateway) for it`,
    );
}
