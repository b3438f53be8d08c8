import { z } from "zod";
import { RioInputError, under } from "../errors";
import { assertDnsLabel, assertHostname } from "../service/names";
import { fromZod } from "../service/spec";

const stringMatch = z
    .object({ exact: z.string(), prefix: z.string(), regexp: z.string(), regxp: z.string() })
    .partial()
    .strict();
// Gateway API takes a header modifier's value only as printable ASCII without leading or trailing blanks (the
// HTTPRoute CRD's pattern, minLength 1), so anything else is refused here, at its key.
const headerValue = z
    .string()
    .min(1, "a header value may not be empty (Gateway API requires at least 1 character)")
    .regex(
        /^[!-~]+([\t ]?[!-~]+)*$/,
        "a header value must be printable ASCII with single inner spaces and no leading or trailing blank (Gateway API's pattern)",
    );
const nameValue = z.object({ name: z.string().min(1), value: headerValue }).strict();
const headerEdits = z.union([z.array(nameValue), z.record(headerValue)]);
const destination = z
    .object({
        app: z.string(),
        version: z.string().optional(),
        port: z.number().int().min(1).max(65535).optional(),
        namespace: z.string().optional(),
    })
    .strict();

/** Rio's router keys (v0.8: `pkg/apis/rio.cattle.io/v1/router.go`), accepting the docs' `regxp` spelling too. */
export const routeSchema = z
    .object({
        match: z
            .object({
                path: stringMatch,
                methods: z.union([z.string().transform((m) => [m]), z.array(z.string())]),
                headers: z.array(z.object({ name: z.string().min(1), value: stringMatch }).strict()),
            })
            .partial()
            .strict(),
        to: z.array(destination.extend({ weight: z.number().int().min(0).max(1_000_000).optional() }).strict()),
        redirect: z.object({ host: z.string(), path: z.string(), toHTTPS: z.boolean() }).partial().strict(),
        rewrite: z.object({ host: z.string(), path: z.string() }).partial().strict(),
        headers: z
            .object({ add: headerEdits, set: headerEdits, remove: z.array(z.string()) })
            .partial()
            .strict(),
        mirror: destination,
        timeoutSeconds: z.number().int().min(1, "timeoutSeconds must be at least 1"),
        retry: z
            .object({
                attempts: z.number().int().min(1, "attempts must be at least 1"),
                timeoutSeconds: z.number().int().min(1).optional(),
            })
            .strict(),
        fault: z
            .object({
                percentage: z.number().min(0).max(100, "percentage is at most 100"),
                delayMillis: z.number().int().min(0),
                abortHTTPStatus: z
                    .number()
                    .int()
                    .min(200, "abortHTTPStatus must be an HTTP status (200-599)")
                    .max(599, "abortHTTPStatus must be an HTTP status (200-599)"),
            })
            .partial()
            .strict(),
    })
    .partial()
    .strict();

export const routerSchema = z
    .object({
        routes: z.array(routeSchema).min(1, "a router needs at least one route"),
        internal: z.boolean(),
        hostnames: z.array(z.string()),
    })
    .partial()
    .strict();

export type RouterSpec = z.input<typeof routerSchema>;
type RouteInput = z.infer<typeof routeSchema>;

export type PathMatch = { type: "Exact" | "PathPrefix" | "RegularExpression"; value: string };
export type HeaderMatch = { type: "Exact" | "RegularExpression"; name: string; value: string };
export interface Destination {
    app: string;
    version?: string;
    port: number;
    weight?: number;
    /**
     * The namespace of the app's Service when it is not the router's (Rio's Reference's `to.namespace`): the
     * HTTPRoute names it, and a ReferenceGrant there lets the route in.
     */
    namespace?: string;
}

/** One route, checked: what the planner turns into one HTTPRoute rule (plus policies where a gateway needs them). */
export interface NormalizedRoute {
    path?: PathMatch;
    methods: string[];
    headers: HeaderMatch[];
    to: Destination[];
    redirect?: { host?: string; path?: string; toHTTPS: boolean };
    rewrite?: { host?: string; path?: string };
    headerEdits?: { add: { name: string; value: string }[]; set: { name: string; value: string }[]; remove: string[] };
    mirror?: Destination;
    timeoutSeconds?: number;
    retry?: { attempts: number; timeoutSeconds?: number };
    fault?: { percentage: number; delayMillis?: number; abortHTTPStatus?: number };
}

export interface NormalizedRouter {
    name: string;
    routes: NormalizedRoute[];
    hostnames: string[];
}

/** Gateway API's limits on one rule's lists (`maxItems` in the HTTPRoute CRD, v1.6.1). */
export const GATEWAY_LIMITS = { rules: 16, hostnames: 16, matches: 128, backendRefs: 16, headers: 16 } as const;

/**
 * An Exact or PathPrefix path as the HTTPRoute CRD's CEL rules take it (v1.6.1 `HTTPPathMatch`): absolute, at
 * most 1024 characters, no `//`, `/./`, `/../`, `%2f`, `#`, no trailing `/.` or `/..`, URL path characters only.
 */
export function assertGatewayPath(value: string, what: string): string {
    const bad = (why: string) => new RioInputError([], `${what} ${why} (Gateway API refuses it): "${value}"`);
    if (!value.startsWith("/")) throw new RioInputError([], `${what} starts with "/", not "${value}"`);
    if (value.length > 1024) throw bad("is longer than 1024 characters");
    for (const part of ["//", "/./", "/../", "%2f", "%2F", "#"])
        if (value.includes(part)) throw bad(`must not contain "${part}"`);
    for (const end of ["/..", "/."]) if (value.endsWith(end)) throw bad(`must not end with "${end}"`);
    if (!/^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/.test(value))
        throw bad("has a character a URL path cannot hold unescaped");
    return value;
}

/** Refuses a list longer than Gateway API allows, or naming a header twice (names are case-insensitive). */
function checkHeaderList(names: { name: string; at: (string | number)[] }[], what: string): void {
    if (names.length > GATEWAY_LIMITS.headers) {
        throw new RioInputError(
            names[GATEWAY_LIMITS.headers]!.at.slice(0, -1),
            `${what} lists ${names.length} headers; Gateway API takes at most ${GATEWAY_LIMITS.headers} (maxItems)`,
        );
    }
    names.forEach(({ name, at }, j) => {
        const first = names.findIndex((n) => n.name.toLowerCase() === name.toLowerCase());
        if (first < j)
            throw new RioInputError(
                at,
                `header "${name}" is already in ${what} (as "${names[first]!.name}"): Gateway API takes each header name once, whatever its case`,
            );
    });
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/** Escapes a literal for a regular expression (Rio's header prefix has no Gateway API type: it becomes `^prefix.*`). */
function escapeRegExp(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function regexp(source: string): string {
    try {
        new RegExp(source);
    } catch (e) {
        throw new RioInputError([], `"${source}" is not a valid regular expression: ${(e as Error).message}`);
    }
    return source;
}

function oneMatch(
    m: z.infer<typeof stringMatch>,
    what: string,
): { kind: "exact" | "prefix" | "regexp"; value: string } {
    const given = (["exact", "prefix", "regexp", "regxp"] as const).filter((k) => m[k] !== undefined);
    if (given.length !== 1) throw new RioInputError([], `${what} takes exactly one of exact, prefix or regexp`);
    const k = given[0]!;
    return { kind: k === "regxp" ? "regexp" : k, value: m[k]! };
}

/** A redirect or rewrite names one host: Gateway API's PreciseHostname, no wildcard. */
function assertPreciseHostname(value: string, what: string): string {
    if (value.startsWith("*")) throw new RioInputError([], `${what} "${value}" must be one host, not a wildcard`);
    return assertHostname(value, what);
}

function destinationOf(d: z.infer<typeof destination> & { weight?: number }): Destination {
    under(["app"], () => assertDnsLabel(d.app, "app"));
    if (d.version !== undefined) under(["version"], () => assertDnsLabel(d.version!, "version"));
    if (d.namespace !== undefined) under(["namespace"], () => assertDnsLabel(d.namespace!, "namespace"));
    return {
        app: d.app,
        ...(d.version !== undefined && { version: d.version }),
        port: d.port ?? 80,
        ...(d.weight !== undefined && { weight: d.weight }),
        ...(d.namespace !== undefined && { namespace: d.namespace }),
    };
}

function edits(e: z.infer<typeof headerEdits> | undefined): { name: string; value: string }[] {
    if (e === undefined) return [];
    return Array.isArray(e) ? e : Object.entries(e).map(([name, value]) => ({ name, value }));
}

function normalizeRoute(r: RouteInput): NormalizedRoute {
    const m = r.match ?? {};
    const path =
        m.path &&
        under(["match", "path"], () => {
            const p = oneMatch(m.path!, "a path match");
            if (p.kind !== "regexp") under([p.kind], () => assertGatewayPath(p.value, "a path"));
            return p.kind === "exact"
                ? { type: "Exact" as const, value: p.value }
                : p.kind === "prefix"
                  ? { type: "PathPrefix" as const, value: p.value }
                  : { type: "RegularExpression" as const, value: under([p.kind], () => regexp(p.value)) };
        });
    const methods = (m.methods ?? []).map((method, i) =>
        under(["match", "methods", i], () => {
            const up = method.toUpperCase();
            if (!METHODS.includes(up))
                throw new RioInputError([], `"${method}" is not an HTTP method (${METHODS.join(", ")})`);
            return up;
        }),
    );
    const repeated = methods.findIndex((x, i) => methods.indexOf(x) !== i);
    if (repeated >= 0)
        throw new RioInputError(["match", "methods", repeated], `method ${methods[repeated]} is listed twice`);
    const headers = (m.headers ?? []).map((h, i) =>
        under(["match", "headers", i, "value"], () => {
            const v = oneMatch(h.value, "a header match");
            return v.kind === "exact"
                ? { type: "Exact" as const, name: h.name, value: v.value }
                : {
                      type: "RegularExpression" as const,
                      name: h.name,
                      value: v.kind === "prefix" ? `^${escapeRegExp(v.value)}.*` : regexp(v.value),
                  };
        }),
    );
    checkHeaderList(
        (m.headers ?? []).map((h, i) => ({ name: h.name, at: ["match", "headers", i, "name"] })),
        "the route's header matches",
    );
    for (const kind of ["add", "set"] as const) {
        const e = r.headers?.[kind];
        if (e === undefined) continue;
        checkHeaderList(
            Array.isArray(e)
                ? e.map((h, j) => ({ name: h.name, at: ["headers", kind, j, "name"] }))
                : Object.keys(e).map((name) => ({ name, at: ["headers", kind, name] })),
            `headers.${kind}`,
        );
    }
    if (r.headers?.remove)
        checkHeaderList(
            r.headers.remove.map((name, j) => ({ name, at: ["headers", "remove", j] })),
            "headers.remove",
        );
    if ((r.to?.length ?? 0) > GATEWAY_LIMITS.backendRefs)
        throw new RioInputError(
            ["to"],
            `a route sends to at most ${GATEWAY_LIMITS.backendRefs} destinations (Gateway API's backendRefs maxItems), not ${r.to!.length}`,
        );
    const to = (r.to ?? []).map((d, i) => under(["to", i], () => destinationOf(d)));
    if (r.redirect !== undefined) {
        if (to.length > 0)
            throw new RioInputError(["redirect"], "a route either redirects or sends to services (to), not both");
        if (r.redirect.host === undefined && r.redirect.path === undefined && !r.redirect.toHTTPS) {
            throw new RioInputError(["redirect"], "a redirect needs a host, a path or toHTTPS");
        }
        if (r.redirect.host !== undefined)
            under(["redirect", "host"], () => assertPreciseHostname(r.redirect!.host!, "redirect host"));
        if (r.redirect.path !== undefined && r.redirect.path.length > 1024)
            throw new RioInputError(["redirect", "path"], "a redirect path is at most 1024 characters (Gateway API)");
    } else if (to.length === 0) {
        throw new RioInputError([], "a route needs a destination (to) or a redirect");
    }
    if (to.length > 0 && to.every((d) => d.weight === 0))
        throw new RioInputError(["to"], "no destination receives traffic: give at least one a weight above 0");
    if (r.rewrite !== undefined) {
        if (r.redirect !== undefined) throw new RioInputError(["rewrite"], "a route cannot both rewrite and redirect");
        if (r.rewrite.path !== undefined && path?.type === "RegularExpression") {
            throw new RioInputError(
                ["rewrite", "path"],
                "a path rewrite needs an exact or prefix path match, not a regexp",
            );
        }
        if (r.rewrite.host !== undefined)
            under(["rewrite", "host"], () => assertPreciseHostname(r.rewrite!.host!, "rewrite host"));
        if (r.rewrite.path !== undefined && r.rewrite.path.length > 1024)
            throw new RioInputError(["rewrite", "path"], "a rewrite path is at most 1024 characters (Gateway API)");
    }
    if (r.fault !== undefined && r.fault.delayMillis === undefined && r.fault.abortHTTPStatus === undefined) {
        throw new RioInputError(["fault"], "a fault needs delayMillis or abortHTTPStatus");
    }
    return {
        ...(path && { path }),
        methods,
        headers,
        to,
        ...(r.redirect && {
            redirect: {
                ...(r.redirect.host !== undefined && { host: r.redirect.host }),
                ...(r.redirect.path !== undefined && { path: r.redirect.path }),
                toHTTPS: r.redirect.toHTTPS ?? false,
            },
        }),
        ...(r.rewrite && { rewrite: r.rewrite }),
        ...(r.headers && {
            headerEdits: { add: edits(r.headers.add), set: edits(r.headers.set), remove: r.headers.remove ?? [] },
        }),
        ...(r.mirror && { mirror: under(["mirror"], () => destinationOf(r.mirror!)) }),
        ...(r.timeoutSeconds !== undefined && { timeoutSeconds: r.timeoutSeconds }),
        ...(r.retry && { retry: r.retry }),
        ...(r.fault && {
            fault: {
                percentage: r.fault.percentage ?? 100,
                ...(r.fault.delayMillis !== undefined && { delayMillis: r.fault.delayMillis }),
                ...(r.fault.abortHTTPStatus !== undefined && { abortHTTPStatus: r.fault.abortHTTPStatus }),
            },
        }),
    };
}

/** Checks a router (Rio's `routers.<name>`). Errors carry the key path relative to the router. */
export function normalizeRouter(name: string, input: unknown): NormalizedRouter {
    under([], () => assertDnsLabel(name, "router name"));
    const parsed = routerSchema.safeParse(input ?? {});
    if (!parsed.success) throw fromZod(parsed.error, routerSchema);
    const r = parsed.data;
    if (r.internal) {
        throw new RioInputError(
            ["internal"],
            "internal routers need a service mesh (Gateway API for meshes, GAMMA), which pulumi-rio does not install; remove internal",
            undefined,
            true,
        );
    }
    if (r.routes === undefined) throw new RioInputError([], "a router needs routes");
    return {
        name,
        routes: r.routes.map((route, i) => under(["routes", i], () => normalizeRoute(route))),
        hostnames: (r.hostnames ?? []).map((h, i) => under(["hostnames", i], () => assertHostname(h, "hostname"))),
    };
}
