import { RioInputError, under } from "../errors";
import { PlannedObject } from "../kube/object";
import { MANAGED_BY } from "../service/labels";
import { ServiceContext, traefikCannot } from "../service/context";
import { NormalizedApp } from "../service/app";
import { backendRef, gatewayDuration, parentRefsFor } from "../service/httpRoute";
import { backendsOf, interceptedHosts, mirrorOf, servicesElsewhere } from "./targets";
import { GATEWAY_LIMITS, NormalizedRoute, NormalizedRouter, PathMatch } from "./spec";

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

/** Whether two routes' relative order decides some request: they overlap and neither outranks the other. */
function orderMatters(a: NormalizedRoute, b: NormalizedRoute): boolean {
    const ra = rank(a);
    const rb = rank(b);
    if (ra && rb && (outranks(ra, rb) || outranks(rb, ra))) return false;
    return overlap(a, b);
}

/**
 * A route's rules. Several methods are several matches of one rule — except with a prefix rewrite, which
 * Gateway API allows only in a rule of exactly one PathPrefix match (the CRD's CEL rule on
 * `ReplacePrefixMatch`): then one rule per method, `route-<i>-<method>`, which match disjoint requests, so
 * Rio's meaning is kept.
 */
function rulesOf(r: NormalizedRoute, i: number, rest: Record<string, unknown>): Record<string, unknown>[] {
    const base = {
        path: r.path ?? { type: "PathPrefix", value: "/" },
        ...(r.headers.length > 0 && { headers: r.headers }),
    };
    const prefixRewrite = r.rewrite?.path !== undefined && r.path?.type !== "Exact";
    if (prefixRewrite && r.methods.length > 1) {
        return r.methods.map((method) => ({
            name: `route-${i}-${method.toLowerCase()}`,
            matches: [{ ...base, method }],
            ...rest,
        }));
    }
    const matches = r.methods.length > 0 ? r.methods.map((method) => ({ ...base, method })) : [base];
    return [{ name: `route-${i}`, matches, ...rest }];
}

/**
 * Splits the routes' rules, in Rio's order, into HTTPRoutes within Gateway API's limits (16 rules, 128
 * matches). Rules in different HTTPRoutes keep their precedence (exact path, longest prefix, method, headers)
 * but lose their list order, which Gateway API then takes from the routes' age and names: so two routes whose
 * order decides some request must share an HTTPRoute, else the router is refused, naming the limit.
 */
function chunkRules(
    routes: NormalizedRoute[],
    rules: Record<string, unknown>[][],
): { rules: Record<string, unknown>[]; routes: number[] }[] {
    const chunks: { rules: Record<string, unknown>[]; routes: number[]; matches: number }[] = [];
    rules.forEach((own, i) => {
        const matches = own.reduce((n, rule) => n + (rule.matches as unknown[]).length, 0);
        const last = chunks[chunks.length - 1];
        if (
            last &&
            last.rules.length + own.length <= GATEWAY_LIMITS.rules &&
            last.matches + matches <= GATEWAY_LIMITS.matches
        ) {
            last.rules.push(...own);
            last.routes.push(i);
            last.matches += matches;
            return;
        }
        if (last) {
            const before = chunks.flatMap((c) => c.routes).find((j) => orderMatters(routes[j]!, routes[i]!));
            if (before !== undefined) {
                throw new RioInputError(
                    ["routes", i],
                    `would go to a second HTTPRoute (Gateway API takes at most ${GATEWAY_LIMITS.rules} rules and ${GATEWAY_LIMITS.matches} matches in one), but it matches some of the same requests as routes[${before}] with the same precedence, and HTTPRoutes keep no order between them; make the routes more specific or use fewer of them`,
                );
            }
        }
        chunks.push({ rules: [...own], routes: [i], matches });
    });
    return chunks.map(({ rules, routes }) => ({ rules, routes }));
}

/** The hostnames a router is served on: `<router>-<namespace>.<domain>`, then its extra hostnames. */
export function routerHostnames(router: NormalizedRouter, ctx: ServiceContext): string[] {
    if (ctx.gateway.domain === undefined)
        throw new RioInputError([], "a router needs a cluster domain (gateway.domain, or --domain for rio render)");
    const label = `${router.name}-${ctx.hostLabel}`;
    if (label.length > 63)
        throw new RioInputError(
            [],
            `the hostname label "${label}" is ${label.length} characters long (at most 63); shorten the router name or the namespace`,
        );
    return [...new Set([`${label}.${ctx.gateway.domain}`, ...router.hostnames])];
}

/** The hosts routers send `app`'s requests on through KEDA's interceptor (for its InterceptorRoute). */
export function routedHosts(
    app: NormalizedApp,
    routers: { normalized: NormalizedRouter }[],
    ctx: ServiceContext,
): string[] {
    return [
        ...new Set(
            routers.flatMap((r) =>
                interceptedHosts(r.normalized, routerHostnames(r.normalized, ctx), app, ctx.namespace),
            ),
        ),
    ];
}

/**
 * The HTTPRoute `<router>` on `<router>-<namespace>.<domain>` (plus the extra hostnames), a rule per route in
 * Rio's order, with standard filters (redirect, rewrite, header edits, mirror) and, where a gateway needs its
 * own objects, those: a Traefik Middleware for retries, an Envoy Gateway BackendTrafficPolicy for retries and
 * fault injection. A feature the gateway cannot do at all is refused, naming the gateway that can. Past
 * Gateway API's limits (16 hostnames, 16 rules per HTTPRoute) the router is several HTTPRoutes, `<router>-2`…:
 * each hostname group carries every rule, and rules split only where their order cannot matter.
 */
export function planRouter(router: NormalizedRouter, ctx: ServiceContext, apps: NormalizedApp[] = []): RouterPlan {
    const hostnames = routerHostnames(router, ctx);
    checkOrder(router.routes);
    const impl = ctx.gateway.implementation;
    const byApp = new Map(apps.map((a) => [a.app, a]));
    const labels = {
        "app.kubernetes.io/name": router.name,
        "app.kubernetes.io/component": "router",
        "app.kubernetes.io/managed-by": MANAGED_BY,
    };
    const metadata = (name: string) => ({ name, namespace: ctx.namespace, labels });
    const middlewares: PlannedObject[] = [];
    const policies: { route: number; make: (targets: { name: string; sectionName: string }[]) => PlannedObject }[] = [];
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
            const { weight: _weight, header: _header, ...mirror } = mirrorOf(r.mirror, byApp, ctx, [...at, "mirror"]);
            filters.push({ type: "RequestMirror", requestMirror: { backendRef: backendRef(mirror, mirror.port) } });
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
                middlewares.push({
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
            // Targets every rule the route became, in whichever HTTPRoute each landed (known once split).
            policies.push({
                route: i,
                make: (targets) => ({
                    suffix: `-${ruleName}`,
                    object: {
                        apiVersion: "gateway.envoyproxy.io/v1alpha1",
                        kind: "BackendTrafficPolicy",
                        metadata: metadata(`${router.name}-${ruleName}`),
                        spec: {
                            targetRefs: targets.map((t) => ({
                                group: "gateway.networking.k8s.io",
                                kind: "HTTPRoute",
                                ...t,
                            })),
                            ...(r.retry && {
                                retry: {
                                    numRetries: r.retry.attempts,
                                    ...(r.retry.timeoutSeconds !== undefined && {
                                        perRetry: {
                                            timeout: gatewayDuration(r.retry.timeoutSeconds, [
                                                ...at,
                                                "retry",
                                                "timeoutSeconds",
                                            ]),
                                        },
                                    }),
                                },
                            }),
                            ...(r.fault && {
                                faultInjection: {
                                    ...(r.fault.delayMillis !== undefined && {
                                        delay: {
                                            fixedDelay: `${r.fault.delayMillis}ms`,
                                            percentage: r.fault.percentage,
                                        },
                                    }),
                                    ...(r.fault.abortHTTPStatus !== undefined && {
                                        abort: { httpStatus: r.fault.abortHTTPStatus, percentage: r.fault.percentage },
                                    }),
                                },
                            }),
                        },
                    },
                }),
            });
        }
        return rulesOf(r, i, {
            ...(filters.length > 0 && { filters }),
            ...(r.to.length > 0 && {
                backendRefs: under(at, () => backendsOf(r.to, byApp, ctx)).map((b) => backendRef(b, b.port)),
            }),
            ...(r.timeoutSeconds !== undefined && {
                timeouts: { request: gatewayDuration(r.timeoutSeconds, [...at, "timeoutSeconds"]) },
            }),
        });
    });
    const ruleChunks = chunkRules(router.routes, rules);
    const hostChunks: string[][] = [];
    for (let k = 0; k < hostnames.length; k += GATEWAY_LIMITS.hostnames)
        hostChunks.push(hostnames.slice(k, k + GATEWAY_LIMITS.hostnames));
    const routes: PlannedObject[] = [];
    const targets = new Map<number, { name: string; sectionName: string }[]>();
    hostChunks.forEach((hosts) =>
        ruleChunks.forEach((chunk) => {
            const n = routes.length;
            const name = n === 0 ? router.name : `${router.name}-${n + 1}`;
            chunk.routes.forEach((i) =>
                targets.set(i, [
                    ...(targets.get(i) ?? []),
                    ...rules[i]!.map((rule) => ({ name, sectionName: rule.name as string })),
                ]),
            );
            routes.push({
                suffix: n === 0 ? "" : `-${n + 1}`,
                object: {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "HTTPRoute",
                    metadata: metadata(name),
                    spec: { parentRefs: parentRefsFor(ctx, hosts), hostnames: hosts, rules: chunk.rules },
                },
            });
        }),
    );
    // Gateway API lets a route reach a Service in another namespace only when that namespace grants it.
    const grants = [...servicesElsewhere(router, ctx.namespace)].map(([namespace, names]): PlannedObject => ({
        suffix: `-grant-${namespace}`,
        object: {
            apiVersion: "gateway.networking.k8s.io/v1beta1",
            kind: "ReferenceGrant",
            metadata: { name: `rio-router-${ctx.namespace}-${router.name}`, namespace, labels },
            spec: {
                from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: ctx.namespace }],
                to: names.map((name) => ({ group: "", kind: "Service", name })),
            },
        },
    }));
    return {
        objects: [...routes, ...middlewares, ...policies.map((p) => p.make(targets.get(p.route)!)), ...grants],
        hostnames,
        urls: hostnames.map((h) => `${ctx.gateway.scheme}://${h}`),
    };
}
