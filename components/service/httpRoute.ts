import { RioInputError } from "../errors";
import { KubeObject } from "../kube/object";
import { NormalizedApp } from "./app";
import { appObjectLabels, objectLabels } from "./labels";
import { VERSION_HEADER } from "./autoscaler";
import { Port } from "./ports";
import { ServiceContext, traefikCannot } from "./context";
import { NormalizedService } from "./spec";
import { coveredByWildcard } from "./names";
import { GATEWAY_LIMITS } from "../router/spec";

/** One gateway-exposed port: the hostnames it is served on and the HTTPRoute that serves it. */
export interface ExposedPort {
    port: Port;
    hostnames: string[];
    route: KubeObject;
    /** Resource-name suffix: `""` for the app's first exposed port, `-<port>` or `-<version>` otherwise. */
    suffix: string;
}

/** A Service a route sends to, and its share of the traffic (absent: the only backend). */
export interface Backend {
    name: string;
    weight?: number;
    /** Another namespace's Service (KEDA's interceptor), with its own port. */
    namespace?: string;
    port?: number;
    /** A version header the request gets on its way (so the interceptor can tell versions apart). */
    header?: { name: string; value: string };
}

/** Rio's hostname `<label>.<domain>`; the label must stay a DNS label, so overlong ones are refused, not cut. */
function hostname(label: string, domain: string): string {
    if (label.length > 63) {
        throw new RioInputError(
            [],
            `the hostname label "${label}" is ${label.length} characters long (at most 63); shorten the app name or the namespace`,
        );
    }
    return `${label}.${domain}`;
}

function domainOf(ctx: ServiceContext): string {
    if (ctx.gateway.domain === undefined) {
        throw new RioInputError(
            ["ports"],
            "exposed ports need a cluster domain (gateway.domain, or --domain for rio render)",
        );
    }
    return ctx.gateway.domain;
}

/**
 * The Gateway listeners a route attaches to: the one the context names (HTTPS, so plain HTTP only redirects)
 * and, for each hostname outside `*.<domain>`, that custom domain's own listener — which must exist, when the
 * gateway's custom domains are known (RioSystem's `domains`).
 */
export function parentRefsFor(ctx: ServiceContext, hostnames: string[]): Record<string, unknown>[] {
    const base = {
        group: "gateway.networking.k8s.io",
        kind: "Gateway",
        name: ctx.gateway.name,
        namespace: ctx.gateway.namespace,
    };
    const { listener, customDomains, domain } = ctx.gateway;
    const main = { ...base, ...(listener !== undefined && { sectionName: listener }) };
    if (listener === undefined || customDomains === undefined) return [main];
    const extra = hostnames
        .filter((h) => !coveredByWildcard(h, domain))
        .map((h) => {
            if (!customDomains.includes(h)) {
                throw new RioInputError(
                    ["hostnames"],
                    `"${h}" is neither under *.${domain} nor one of RioSystem's domains (${customDomains.join(", ") || "none"}); add it to RioSystem's domains`,
                );
            }
            return { ...base, sectionName: `${listener}-${h}` };
        });
    return [main, ...extra];
}

/**
 * Seconds as a Gateway API duration (GEP-2257, the CRD's `^([0-9]{1,5}(h|m|s|ms)){1,4}$`): each part has at
 * most 5 digits, so 100000 is `27h46m40s`, not `100000s`. Beyond 99999 hours there is no such duration.
 */
export function gatewayDuration(seconds: number, at: (string | number)[]): string {
    if (seconds > 99999 * 3600 + 3599)
        throw new RioInputError(at, `${seconds} seconds is longer than Gateway API's longest duration (99999h)`);
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (h === 0 && m === 0) return `${s}s`;
    return `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${s > 0 ? `${s}s` : ""}`;
}

/** Rio's requestTimeoutSeconds as an HTTPRoute timeout, which Envoy Gateway honours and Traefik does not. */
function timeouts(svc: NormalizedService, ctx: ServiceContext): Record<string, unknown> {
    if (svc.requestTimeoutSeconds === undefined) return {};
    if (ctx.gateway.implementation === "traefik") {
        throw traefikCannot(["requestTimeoutSeconds"], "time out requests per route", "no HTTPRoute request timeouts");
    }
    return { timeouts: { request: gatewayDuration(svc.requestTimeoutSeconds, ["requestTimeoutSeconds"]) } };
}

/** A Backend as an HTTPRoute backendRef (`port`: the Service port, unless the backend has its own). */
export function backendRef(b: Backend, port: number): Record<string, unknown> {
    return {
        group: "",
        kind: "Service",
        name: b.name,
        ...(b.namespace !== undefined && { namespace: b.namespace }),
        port: b.port ?? port,
        ...(b.weight !== undefined && { weight: b.weight }),
        ...(b.header && {
            filters: [{ type: "RequestHeaderModifier", requestHeaderModifier: { set: [b.header] } }],
        }),
    };
}

function route(
    name: string,
    hostnames: string[],
    backends: Backend[],
    port: Port,
    labels: Record<string, string>,
    ctx: ServiceContext,
    ruleExtra: Record<string, unknown> = {},
): KubeObject {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name, namespace: ctx.namespace, labels },
        spec: {
            parentRefs: parentRefsFor(ctx, hostnames),
            hostnames,
            rules: [
                {
                    matches: [{ path: { type: "PathPrefix", value: "/" } }],
                    backendRefs: backends.map((b) => backendRef(b, port.port)),
                    ...ruleExtra,
                },
            ],
        },
    };
}

/**
 * The app's HTTPRoutes, one per exposed HTTP-family port. The first is served on `<app>-<namespace>.<domain>`
 * (Rio's app endpoint) plus the extra hostnames, each further one on `<app>-<port>-<namespace>.<domain>`, so no
 * exposed port is silently left without a URL. With several versions the route splits by weight across the
 * versions' Services `<app>-<version>`.
 */
/**
 * Where a version's traffic goes: straight to its Service, or — when it scales on concurrency — through KEDA's
 * interceptor (which counts requests and holds them while a pod starts). Only the first exposed port is
 * scaled on; with several versions, a header names the version for the interceptor.
 */
export function backendOf(v: NormalizedService, multi: boolean, ctx: ServiceContext, primaryPort: boolean): Backend {
    const own = multi ? `${v.app}-${v.version}` : v.app;
    if (v.autoscale?.kind !== "concurrency" || !primaryPort) return { name: own };
    return {
        name: ctx.autoscaling.interceptor.name,
        namespace: ctx.autoscaling.namespace,
        port: ctx.autoscaling.interceptor.port,
        ...(multi && { header: { name: VERSION_HEADER, value: v.version } }),
    };
}

export function planHttpRoutes(app: NormalizedApp, ctx: ServiceContext): ExposedPort[] {
    const first = app.versions[0]!;
    const exposed = first.ports.filter((p) => p.expose);
    if (exposed.length === 0) return [];
    const domain = domainOf(ctx);
    const multi = app.versions.length > 1;
    return exposed.map((port, i) => {
        const primary = i === 0;
        const backends: Backend[] = app.versions.map((v) => ({
            ...backendOf(v, multi, ctx, primary),
            ...(multi && { weight: v.weight }),
        }));
        const hostnames = [
            ...new Set(
                primary
                    ? [hostname(`${app.app}-${ctx.hostLabel}`, domain), ...app.hostnames]
                    : [hostname(`${app.app}-${port.port}-${ctx.hostLabel}`, domain)],
            ),
        ];
        if (hostnames.length > GATEWAY_LIMITS.hostnames) {
            throw new RioInputError(
                ["hostnames", GATEWAY_LIMITS.hostnames - 1],
                `with ${hostnames[0]} the app would be served on ${hostnames.length} hostnames; an HTTPRoute takes at most ${GATEWAY_LIMITS.hostnames} (Gateway API maxItems): serve the others through a router`,
            );
        }
        const name = primary ? app.app : `${app.app}-${port.port}`;
        return {
            port,
            hostnames,
            route: route(name, hostnames, backends, port, appObjectLabels(first), ctx, timeouts(first, ctx)),
            suffix: primary ? "" : `-${port.port}`,
        };
    });
}

/** Rio's revision endpoint `<app>-<version>-<namespace>.<domain>`: one version, whatever the weights. */
export function planVersionRoute(svc: NormalizedService, ctx: ServiceContext): ExposedPort | undefined {
    const port = svc.ports.find((p) => p.expose);
    if (!port) return undefined;
    const name = `${svc.app}-${svc.version}`;
    const hostnames = [hostname(`${name}-${ctx.hostLabel}`, domainOf(ctx))];
    return {
        port,
        hostnames,
        route: route(
            name,
            hostnames,
            [backendOf(svc, true, ctx, true)],
            port,
            objectLabels(svc),
            ctx,
            timeouts(svc, ctx),
        ),
        suffix: `-${svc.version}`,
    };
}
