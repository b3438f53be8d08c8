import { RioInputError } from "../errors";
import { NormalizedApp } from "../service/app";
import { Backend, backendOf } from "../service/httpRoute";
import { ServiceContext } from "../service/context";
import { NormalizedService } from "../service/spec";
import { Destination, NormalizedRouter } from "./spec";

function serviceOf(d: Destination): string {
    return d.version !== undefined ? `${d.app}-${d.version}` : d.app;
}

/** The namespace a destination's Service is in, when it is not the router's own. */
export function elsewhere(d: Destination, namespace: string): string | undefined {
    return d.namespace !== undefined && d.namespace !== namespace ? d.namespace : undefined;
}

/**
 * The versions of `app` a destination reaches through KEDA's interceptor, as the app's own route does: only
 * on the app's first exposed port (the one scaled on), and only when some version it reaches scales on
 * concurrency; undefined when it goes straight to a Service.
 */
function intercepted(d: Destination, app: NormalizedApp | undefined): NormalizedService[] | undefined {
    if (!app) return undefined;
    const primary = app.versions[0]!.ports.find((p) => p.expose)?.port;
    if (primary === undefined || d.port !== primary) return undefined;
    const versions = d.version !== undefined ? app.versions.filter((v) => v.version === d.version) : app.versions;
    return versions.some((v) => v.autoscale?.kind === "concurrency") ? versions : undefined;
}

/** The largest backendRef weight Gateway API takes. */
const MAX_WEIGHT = 1_000_000;

/**
 * A route's destinations as backends. One that reaches a scale-to-zero app goes to KEDA's interceptor (which
 * counts the request and holds it while a pod starts), with the version header when the app has several; a
 * whole app of several versions becomes its versions at their weights, as the app's own route splits them,
 * the other destinations' weights scaled so each destination keeps its share.
 */
export function backendsOf(
    to: Destination[],
    apps: ReadonlyMap<string, NormalizedApp>,
    ctx: ServiceContext,
): (Backend & { port: number })[] {
    const parts = to.map((d) => {
        const namespace = elsewhere(d, ctx.namespace);
        // Another namespace's app is not this Riofile's: it is reached at its Service, whatever it scales on.
        const app = namespace === undefined ? apps.get(d.app) : undefined;
        const versions = intercepted(d, app);
        if (!versions)
            return [{ backend: { name: serviceOf(d), port: d.port, ...(namespace && { namespace }) }, weight: 1 }];
        const multi = app!.versions.length > 1;
        return versions.map((v) => {
            const b = backendOf(v, multi, ctx, true);
            return { backend: { ...b, port: b.port ?? d.port }, weight: versions.length > 1 ? v.weight : 1 };
        });
    });
    const expanded = parts.some((p) => p.length > 1);
    if (!expanded) {
        return parts.map((p, i) => ({
            ...p[0]!.backend,
            ...(to[i]!.weight !== undefined && { weight: to[i]!.weight }),
        }));
    }
    const sums = parts.map((p) => p.reduce((n, x) => n + x.weight, 0));
    return parts.flatMap((p, i) => {
        const others = sums.reduce((n, s, j) => (j === i ? n : n * s), 1);
        return p.map(({ backend, weight }) => {
            const w = (to[i]!.weight ?? 1) * weight * others;
            if (w > MAX_WEIGHT)
                throw new RioInputError(
                    ["to", i, "weight"],
                    `sharing this destination across app "${to[i]!.app}"'s versions needs a weight of ${w}, above Gateway API's ${MAX_WEIGHT}; use smaller weights`,
                );
            return { ...backend, weight: w };
        });
    });
}

/** A mirror goes where a destination would; through the interceptor it cannot name a version (no filters). */
export function mirrorOf(
    d: Destination,
    apps: ReadonlyMap<string, NormalizedApp>,
    ctx: ServiceContext,
    at: (string | number)[],
): Backend & { port: number } {
    const backends = backendsOf([d], apps, ctx);
    if (backends.length > 1 || backends[0]!.header) {
        throw new RioInputError(
            at,
            `app "${d.app}" scales to zero behind KEDA's interceptor, which tells its versions apart by a header a mirror cannot set; mirror to an app of one version`,
        );
    }
    return backends[0]!;
}

/**
 * The hosts under which a router's requests reach `app` through KEDA's interceptor, which routes by host: the
 * router's hostnames, or a route's rewritten host. The app's InterceptorRoute must list them, or the
 * interceptor cannot tell where the request goes (it would fail instead of waking the app).
 */
export function interceptedHosts(
    router: NormalizedRouter,
    hostnames: string[],
    app: NormalizedApp,
    namespace: string,
): string[] {
    const hosts = router.routes.flatMap((r) => {
        const reaches = [...r.to, ...(r.mirror ? [r.mirror] : [])].some(
            (d) => d.app === app.app && elsewhere(d, namespace) === undefined && intercepted(d, app),
        );
        if (!reaches) return [];
        return r.rewrite?.host !== undefined ? [r.rewrite.host] : hostnames;
    });
    return [...new Set(hosts)];
}

/** The Services a router sends to (or mirrors to) in other namespaces, by namespace, each once, sorted. */
export function servicesElsewhere(router: NormalizedRouter, namespace: string): Map<string, string[]> {
    const found = new Map<string, Set<string>>();
    for (const r of router.routes) {
        for (const d of [...r.to, ...(r.mirror ? [r.mirror] : [])]) {
            const ns = elsewhere(d, namespace);
            if (ns !== undefined) found.set(ns, (found.get(ns) ?? new Set()).add(serviceOf(d)));
        }
    }
    return new Map([...found].sort(([a], [b]) => a.localeCompare(b)).map(([ns, names]) => [ns, [...names].sort()]));
}
