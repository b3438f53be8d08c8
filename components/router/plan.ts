import { RioInputError } from "../errors";
import { KubeObject, PlannedObject } from "../kube/object";
import { MANAGED_BY } from "../service/labels";
import { ServiceContext, traefikCannot } from "../service/context";
import { parentRefsFor } from "../service/httpRoute";
import { Destination, NormalizedRoute, NormalizedRouter, PathMatch } from "./spec";

/** Everything a router becomes. */
export interface RouterPlan {
    objects: PlannedObject[];
    hostnames: string[];
    urls: string[];
}

/** Router features each gateway implementation expresses, and how (the README's table is this). */
export const ROUTER_SUPPORT = {
    traefik: {
        timeoutSeconds: false,
        mirror: false,
        fault: false,
        retry: "Middleware (ExtensionRef)",
        retryTimeout: false,
    },
    envoy: {
        timeoutSeconds: "HTTPRoute timeouts",
        mirror: "RequestMirror",
        fault: "BackendTrafficPolicy",
        retry: "BackendTrafficPolicy",
        retryTimeout: "BackendTrafficPolicy",
    },
} as const;

function serviceOf(d: Destination): string {
    return d.version !== undefined ? `${d.app}-${d.version}` : d.app;
}

/** Gateway API's path prefixes match whole path elements: `/foo` covers `/foo` and `/foo/bar`, not `/foobar`. */
function covers(prefix: string, path: string): boolean {
    const p = prefix.endsWith("/") ? prefix : `${prefix}/`;
    return prefix === "/" || path === prefix || path.startsWith(p);
}

/** Whether some request can match both routes (conservatively yes unless provably not). */
function overlap(a: NormalizedRoute, b: NormalizedRoute): boolean {
    const pa = a.path ?? { type: "PathPrefix", value: "/" };
    const pb = b.path ?? { type: "PathPrefix", value: "/" };
    if (pa.type !== "RegularExpression" && pb.type !== "RegularExpression") {
        if (pa.type === "Exact" && pb.type === "Exact" && pa.value !== pb.value) return false;
        if (pa.type === "Exact" && pb.type === "PathPrefix" && !covers(pb.value, pa.value)) return false;
        if (pb.type === "Exact" && pa.type === "PathPrefix" && !covers(pa.value, pb.value)) return false;
        if (
            pa.type === "PathPrefix" &&
            pb.type === "PathPrefix" &&
            !covers(pa.value, pb.value) &&
            !covers(pb.value, pa.value)
        )
            return false;
    }
    if (a.methods.length > 0 && b.methods.length > 0 && !a.methods.some((m) => b.methods.includes(m))) return false;
    for (const h of a.headers) {
        const other = b.headers.find((x) => x.name.toLowerCase() === h.name.toLowerCase());
        if (other && h.type === "Exact" && other.type === "Exact" && other.value !== h.value) return false;
    }
    return true;
}

/** Gateway API's precedence between rules (exact path, longest prefix, method, most headers); undefined for regexps. */
function rank(r: NormalizedRoute): number[] | undefined {
    const p: PathMatch = r.path ?? { type: "PathPrefix", value: "/" };
    if (p.type === "RegularExpression") return undefined;
    return [
        p.type === "Exact" ? 1 : 0,
        p.type === "Exact" ? 0 : p.value.length,
        r.methods.length > 0 ? 1 : 0,
        r.headers.length,
    ];
}

function outranks(a: number[], b: number[]): boolean {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
    return false;
}

/**
 * Rio tried routes in order; Gateway API ranks rules by specificity and keeps list order only for ties. The
 * two agree unless a later route outranks an earlier one that matches some of the same requests: then the
 * router would not do what it says, so it is refused with the fix (put the more specific route first).
 * Regexp ranking is each implementation's own, so regexp routes are not compared.
 */
export function checkOrder(routes: NormalizedRoute[]): void {
    routes.forEach((later, j) => {
        const rj = rank(later);
        if (!rj) return;
        for (let i = 0; i < j; i++) {
            const ri = rank(routes[i]!);
            if (ri && outranks(rj, ri) && overlap(routes[i]!, later)) {
                throw new RioInputError(
                    ["routes", j],
                    `is more specific than routes[${i}], which comes first and matches some of the same requests: Gateway API would choose this one; put it before routes[${i}]`,
                );
            }
        }
    });
}

function matchesOf(r: NormalizedRoute): Record<string, unknown>[] {
    const base = {
        path: r.path ?? { type: "PathPrefix", value: "/" },
        ...(r.headers.length > 0 && { headers: r.headers }),
    };
    return r.methods.length > 0 ? r.methods.map((method) => ({ ...base, method })) : [base];
}

/**
 * One HTTPRoute `<router>` on `<router>-<namespace>.<domain>` (plus the extra hostnames), a rule per route in
 * Rio's order, with standard filters (redirect, rewrite, header edits, mirror) and, where a gateway needs its
 * own objects, those: a Traefik Middleware for retries, an Envoy Gateway BackendTrafficPolicy for retries and
 * fault injection. A feature the gateway cannot do at all is refused, naming the gateway that can.
 */
export function planRouter(router: NormalizedRouter, ctx: ServiceContext): RouterPlan {
    if (ctx.gateway.domain === undefined)
        throw new RioInputError([], "a router needs a cluster domain (gateway.domain, or --domain for rio render)");
    checkOrder(router.routes);
    const impl = ctx.gateway.implementation;
    const label = `${router.name}-${ctx.hostLabel}`;
    if (label.length > 63)
        throw new RioInputError(
            [],
            `the hostname label "${label}" is ${label.length} characters long (at most 63); shorten the router name or the namespace`,
        );
    const hostnames = [...new Set([`${label}.${ctx.gateway.domain}`, ...router.hostnames])];
    const labels = {
        "app.kubernetes.io/name": router.name,
        "app.kubernetes.io/component": "router",
        "app.kubernetes.io/managed-by": MANAGED_BY,
    };
    const metadata = (name: string) => ({ name, namespace: ctx.namespace, labels });
    const extra: PlannedObject[] = [];
    const rules = router.routes.map((r, i) => {
        const at = ["routes", i];
        const ruleName = `route-${i}`;
        const filters: Record<string, unknown>[] = [];
        if (r.redirect) {
            filters.push({
                type: "RequestRedirect",
                requestRedirect: {
                    ...(r.redirect.toHTTPS && { scheme: "https" }),
                    ...(r.redirect.host !== undefined && { hostname: r.redirect.host }),
                    ...(r.redirect.path !== undefined && {
                        path: { type: "ReplaceFullPath", replaceFullPath: r.redirect.path },
                    }),
                    statusCode: 301,
                },
            });
        }
        if (r.rewrite) {
            const exact = r.path?.type === "Exact";
            filters.push({
                type: "URLRewrite",
                urlRewrite: {
                    ...(r.rewrite.host !== undefined && { hostname: r.rewrite.host }),
                    ...(r.rewrite.path !== undefined && {
                        path: exact
                            ? { type: "ReplaceFullPath", replaceFullPath: r.rewrite.path }
                            : { type: "ReplacePrefixMatch", replacePrefixMatch: r.rewrite.path },
                    }),
                },
            });
        }
        if (r.headerEdits) {
            const { add, set, remove } = r.headerEdits;
            filters.push({
                type: "RequestHeaderModifier",
                requestHeaderModifier: {
                    ...(add.length > 0 && { add }),
                    ...(set.length > 0 && { set }),
                    ...(remove.length > 0 && { remove }),
                },
            });
        }
        if (r.mirror) {
            if (impl === "traefik")
                throw traefikCannot([...at, "mirror"], "mirror requests", "no HTTPRoute RequestMirror support");
            filters.push({
                type: "RequestMirror",
                requestMirror: {
                    backendRef: { group: "", kind: "Service", name: serviceOf(r.mirror), port: r.mirror.port },
                },
            });
        }
        if (r.timeoutSeconds !== undefined && impl === "traefik") {
            throw traefikCannot(
                [...at, "timeoutSeconds"],
                "time out requests per route",
                "no HTTPRoute request timeouts",
            );
        }
        if (r.fault && impl === "traefik") throw traefikCannot([...at, "fault"], "inject faults", "no fault injection");
        if (r.retry) {
            if (impl === "traefik") {
                if (r.retry.timeoutSeconds !== undefined)
                    throw traefikCannot(
                        [...at, "retry", "timeoutSeconds"],
                        "time out each retry",
                        "its retry middleware has attempts only",
                    );
                const name = `${router.name}-${ruleName}-retry`;
                extra.push({
                    suffix: `-${ruleName}-retry`,
                    object: {
                        apiVersion: "traefik.io/v1alpha1",
                        kind: "Middleware",
                        metadata: metadata(name),
                        spec: { retry: { attempts: r.retry.attempts } },
                    },
                });
                filters.push({ type: "ExtensionRef", extensionRef: { group: "traefik.io", kind: "Middleware", name } });
            }
        }
        if (impl === "envoy" && (r.retry || r.fault)) {
            const policy: KubeObject = {
                apiVersion: "gateway.envoyproxy.io/v1alpha1",
                kind: "BackendTrafficPolicy",
                metadata: metadata(`${router.name}-${ruleName}`),
                spec: {
                    targetRefs: [
                        {
                            group: "gateway.networking.k8s.io",
                            kind: "HTTPRoute",
                            name: router.name,
                            sectionName: ruleName,
                        },
                    ],
                    ...(r.retry && {
                        retry: {
                            numRetries: r.retry.attempts,
                            ...(r.retry.timeoutSeconds !== undefined && {
                                perRetry: { timeout: `${r.retry.timeoutSeconds}s` },
                            }),
                        },
                    }),
                    ...(r.fault && {
                        faultInjection: {
                            ...(r.fault.delayMillis !== undefined && {
                                delay: { fixedDelay: `${r.fault.delayMillis}ms`, percentage: r.fault.percentage },
                            }),
                            ...(r.fault.abortHTTPStatus !== undefined && {
                                abort: { httpStatus: r.fault.abortHTTPStatus, percentage: r.fault.percentage },
                            }),
                        },
                    }),
                },
            };
            extra.push({ suffix: `-${ruleName}`, object: policy });
        }
        return {
            name: ruleName,
            matches: matchesOf(r),
            ...(filters.length > 0 && { filters }),
            ...(r.to.length > 0 && {
                backendRefs: r.to.map((d) => ({
                    group: "",
                    kind: "Service",
                    name: serviceOf(d),
                    port: d.port,
                    ...(d.weight !== undefined && { weight: d.weight }),
                })),
            }),
            ...(r.timeoutSeconds !== undefined && { timeouts: { request: `${r.timeoutSeconds}s` } }),
        };
    });
    const route: KubeObject = {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: metadata(router.name),
        spec: {
            parentRefs: parentRefsFor(ctx, hostnames),
            hostnames,
            rules,
        },
    };
    return {
        objects: [{ suffix: "", object: route }, ...extra],
        hostnames,
        urls: hostnames.map((h) => `${ctx.gateway.scheme}://${h}`),
    };
}
