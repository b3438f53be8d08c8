/**
 * `rio route add [flags] NAME[/PATH] to|redirect|mirror TARGET…` as a route of the Riofile's `routers.<NAME>`, in
 * Rio's grammar (`cli/cmd/route`, docs/router.md, rio.md §1.8): a path `/p` exact, `/p*` a prefix, `regexp(re)`
 * a regular expression; a target `app[@version][,port=N][,weight=N]`; the flags only name route keys, which the
 * Riofile loader checks, so a flag and its key never mean different things. Errors name the flag.
 */
import { isDeepStrictEqual } from "util";
import { RioInputError } from "../errors";
import { assertDnsLabel } from "../service/names";
import { RiofileContent } from "./riofileEdit";

/** The flags, as commander gives them. */
export interface RouteFlags {
    insert?: boolean;
    header?: string[];
    method?: string[];
    addHeader?: string[];
    setHeader?: string[];
    removeHeader?: string[];
    faultPercentage?: string;
    faultDelayMilliSeconds?: string;
    faultHttpcode?: string;
    retryAttempts?: string;
    retryTimeoutSeconds?: string;
    timeoutSeconds?: string;
    rewriteHost?: string;
    rewritePath?: string;
    httpsRedirect?: boolean;
}

/** A route for a router, and where it goes. */
export interface RouteRequest {
    router: string;
    route: Record<string, unknown>;
    /** `--insert`: first, instead of last. */
    insert: boolean;
    /** The targets as typed, for errors. */
    targets: string[];
}

const USAGE = "expected NAME[/PATH] to|redirect|mirror TARGET… (rio route add myroute/path to app@v1)";

/** Rio's string match: `regexp(re)`, `value*` (a prefix), else exact. */
function stringMatch(text: string): Record<string, string> {
    const re = /^regexp\((.*)\)$/s.exec(text);
    if (re) return { regexp: re[1]! };
    if (text.endsWith("*")) return { prefix: text.slice(0, -1) };
    return { exact: text };
}

/** A whole number a flag gives (`--retry-timeout-seconds` also as Rio's docs wrote it, `1s`). */
function whole(flag: string, value: string, unit?: string): number {
    const text = unit !== undefined && value.endsWith(unit) ? value.slice(0, -unit.length) : value;
    if (!/^\d+$/.test(text.trim())) throw new RioInputError([], `${flag}: "${value}" is not a whole number`);
    return Number(text);
}

/** `NAME=VALUE` of a header flag. */
function nameValue(flag: string, text: string): { name: string; value: string } {
    const eq = text.indexOf("=");
    if (eq <= 0) throw new RioInputError([], `${flag} "${text}": expected NAME=VALUE`);
    return { name: text.slice(0, eq), value: text.slice(eq + 1) };
}

/** A destination: `app[@version][,port=N][,weight=N[%]][,version=V]`, in the router's namespace. */
export function parseDestination(text: string): Record<string, unknown> {
    const [target, ...options] = text.split(",");
    const where = `TARGET "${text}"`;
    if (target!.includes(":"))
        throw new RioInputError(
            [],
            `${where}: a router's targets are in its own namespace (rio -n NAMESPACE route add …)`,
        );
    const at = target!.indexOf("@");
    const out: Record<string, unknown> = { app: at < 0 ? target : target!.slice(0, at) };
    if (at >= 0) out.version = target!.slice(at + 1);
    for (const option of options) {
        const eq = option.indexOf("=");
        const [key, value] = eq < 0 ? [option, ""] : [option.slice(0, eq), option.slice(eq + 1)];
        if (key === "port") out.port = whole(`${where}: port`, value);
        else if (key === "weight") out.weight = whole(`${where}: weight`, value, "%");
        else if (key === "version" && out.version === undefined) out.version = value;
        else throw new RioInputError([], `${where}: unknown option "${option}" (port=N, weight=N, version=V)`);
    }
    return out;
}

/** Parses the arguments and flags of `rio route add`; the route is checked by the loader once it is placed. */
export function routeRequest(args: readonly string[], flags: RouteFlags): RouteRequest {
    const [match, action, ...targets] = args;
    if (match === undefined || action === undefined) throw new RioInputError([], `route add: ${USAGE}`);
    const slash = match.indexOf("/");
    const router = slash < 0 ? match : match.slice(0, slash);
    const pathText = slash < 0 ? "" : match.slice(slash + 1);
    try {
        assertDnsLabel(router, "router name");
    } catch (e) {
        if (e instanceof RioInputError) throw new RioInputError([], `NAME[/PATH] "${match}": ${e.detail}`);
        throw e;
    }
    if (!["to", "redirect", "mirror"].includes(action))
        throw new RioInputError(
            [],
            action === "rewrite"
                ? "route add: a rewrite is a flag here (--rewrite-host, --rewrite-path) on a route to TARGET"
                : `route add: invalid action "${action}", action must be mirror, redirect or to (${USAGE})`,
        );
    const redirectAlone = action === "redirect" && flags.httpsRedirect && targets.length === 0;
    if (targets.length === 0 && !redirectAlone) throw new RioInputError([], `route add: ${action} needs a TARGET`);
    if (action !== "to" && targets.length > 1)
        throw new RioInputError([], `route add: ${action} takes one target, not ${targets.length}`);
    if (flags.httpsRedirect && action !== "redirect")
        throw new RioInputError(
            [],
            "--https-redirect: only with redirect (rio route add --https-redirect NAME redirect)",
        );

    const m: Record<string, unknown> = {};
    if (pathText !== "") {
        const isRegexp = /^regexp\(.*\)$/s.test(pathText);
        m.path = stringMatch(isRegexp || pathText.startsWith("/") ? pathText : `/${pathText}`);
    }
    const methods = (flags.method ?? [])
        .flatMap((x) => x.split(","))
        .map((x) => x.trim())
        .filter((x) => x !== "");
    if (methods.length > 0) m.methods = methods;
    if (flags.header?.length)
        m.headers = flags.header.map((h) => {
            const { name, value } = nameValue("--header", h);
            return { name, value: stringMatch(value) };
        });

    const route: Record<string, unknown> = {};
    if (Object.keys(m).length > 0) route.match = m;
    if (action === "to") route.to = targets.map(parseDestination);
    if (action === "mirror") {
        const { weight, ...mirror } = parseDestination(targets[0]!);
        if (weight !== undefined) throw new RioInputError([], `TARGET "${targets[0]}": a mirror takes no weight`);
        route.mirror = mirror;
    }
    if (action === "redirect") {
        const target = targets[0] ?? "";
        const cut = target.indexOf("/");
        const host = cut < 0 ? target : target.slice(0, cut);
        const rest = cut < 0 ? "" : target.slice(cut + 1);
        route.redirect = {
            ...(host !== "" && { host }),
            ...(rest !== "" && { path: `/${rest}` }),
            ...(flags.httpsRedirect && { toHTTPS: true }),
        };
    }
    if (flags.rewriteHost !== undefined || flags.rewritePath !== undefined)
        route.rewrite = {
            ...(flags.rewriteHost !== undefined && { host: flags.rewriteHost }),
            ...(flags.rewritePath !== undefined && { path: flags.rewritePath }),
        };
    const add = (flags.addHeader ?? []).map((h) => nameValue("--add-header", h));
    const set = (flags.setHeader ?? []).map((h) => nameValue("--set-header", h));
    // Rio's docs wrote --remove-header FOO=BAR; only the name counts.
    const remove = (flags.removeHeader ?? []).map((h) => h.split("=", 1)[0]!);
    if (add.length + set.length + remove.length > 0)
        route.headers = {
            ...(add.length > 0 && { add }),
            ...(set.length > 0 && { set }),
            ...(remove.length > 0 && { remove }),
        };
    const fault = {
        ...(flags.faultPercentage !== undefined && {
            percentage: whole("--fault-percentage", flags.faultPercentage, "%"),
        }),
        ...(flags.faultDelayMilliSeconds !== undefined && {
            delayMillis: whole("--fault-delay-milli-seconds", flags.faultDelayMilliSeconds, "ms"),
        }),
        ...(flags.faultHttpcode !== undefined && { abortHTTPStatus: whole("--fault-httpcode", flags.faultHttpcode) }),
    };
    if (Object.keys(fault).length > 0) route.fault = fault;
    if (flags.timeoutSeconds !== undefined)
        route.timeoutSeconds = whole("--timeout-seconds", flags.timeoutSeconds, "s");
    if (flags.retryTimeoutSeconds !== undefined && flags.retryAttempts === undefined)
        throw new RioInputError([], "--retry-timeout-seconds: needs --retry-attempts");
    if (flags.retryAttempts !== undefined)
        route.retry = {
            attempts: whole("--retry-attempts", flags.retryAttempts),
            ...(flags.retryTimeoutSeconds !== undefined && {
                timeoutSeconds: whole("--retry-timeout-seconds", flags.retryTimeoutSeconds, "s"),
            }),
        };
    const extra = Object.keys(route).filter((k) => k !== "match" && k !== "mirror");
    if (action === "mirror" && (extra.length > 0 || flags.insert))
        throw new RioInputError(
            [],
            "mirror: joins the router's route of the same match, so it takes only the match (NAME[/PATH], --method, --header)",
        );
    return { router, route, insert: flags.insert ?? false, targets: [...targets] };
}

/**
 * The content with the route added to its router (made when new): last, or first with `--insert`. A `mirror`
 * copies what a route sends elsewhere, so it joins the router's route of the same match (Rio made a route of its
 * own, which Gateway API cannot express: a rule needs a destination).
 */
export function addRoute(content: RiofileContent, req: RouteRequest): { content: RiofileContent; index: number } {
    const routers = (content.routers ?? {}) as Record<string, Record<string, unknown>>;
    const existing = routers[req.router];
    const old = Array.isArray(existing?.routes) ? (existing.routes as Record<string, unknown>[]) : [];
    const put = (routes: unknown[], index: number) => ({
        content: { ...content, routers: { ...routers, [req.router]: { ...existing, routes } } },
        index,
    });
    if (req.route.mirror !== undefined) {
        const { mirror, ...match } = req.route;
        const index = old.findIndex((r) => isDeepStrictEqual(r.match, match.match) && r.to !== undefined);
        if (index < 0)
            throw new RioInputError(
                [],
                `mirror: router "${req.router}" has no route of this match to mirror yet: add one first (rio route add ${req.router}… to TARGET), then mirror it`,
            );
        return put(
            old.map((r, i) => (i === index ? { ...r, mirror } : r)),
            index,
        );
    }
    const index = req.insert ? 0 : old.length;
    refuseUnknownApps(content, req);
    return put(req.insert ? [req.route, ...old] : [...old, req.route], index);
}

/**
 * A rio stack keeps the whole namespace in one Riofile, so a target that is none of its apps is a typo here — the
 * loader takes such a destination as another Riofile's, which a stack never has. Targets in another namespace
 * are left to that namespace.
 */
function refuseUnknownApps(content: RiofileContent, req: RouteRequest): void {
    const services = (content.services ?? {}) as Record<string, { app?: unknown }>;
    const apps = [...new Set(Object.entries(services).map(([key, s]) => (typeof s.app === "string" ? s.app : key)))];
    const to = (req.route.to ?? []) as { app?: unknown; namespace?: unknown }[];
    to.forEach((d, j) => {
        if (d.namespace !== undefined || typeof d.app !== "string" || apps.includes(d.app)) return;
        throw new RioInputError(
            [],
            `TARGET "${req.targets[j] ?? d.app}": no service of this Riofile is app "${d.app}" (apps: ${apps.join(", ")})`,
        );
    });
}

/** Route keys (under `routes[i]`) and the flag or argument that set each. */
const FLAG_OF: Record<string, string | Record<string, string>> = {
    match: { path: "NAME[/PATH]", methods: "--method", headers: "--header" },
    to: "TARGET",
    mirror: "mirror TARGET",
    redirect: "redirect TARGET",
    rewrite: { host: "--rewrite-host", path: "--rewrite-path" },
    headers: { add: "--add-header", set: "--set-header", remove: "--remove-header" },
    fault: {
        percentage: "--fault-percentage",
        delayMillis: "--fault-delay-milli-seconds",
        abortHTTPStatus: "--fault-httpcode",
    },
    timeoutSeconds: "--timeout-seconds",
    retry: { attempts: "--retry-attempts", timeoutSeconds: "--retry-timeout-seconds" },
};

/**
 * An error of the loader about the new route, as the command's user reads it: the flag that set the key (`--method:
 * "GETT" is not an HTTP method`), a target by what was typed; an order Gateway API would not keep says that
 * `--insert` puts a route first. Errors about other keys stay as they are.
 */
export function asRouteError(e: RioInputError, req: RouteRequest, index: number): RioInputError {
    const [section, router, routes, i, key, sub] = e.path;
    if (section !== "routers" || router !== req.router) return e;
    if (routes !== "routes" || i !== index) {
        const order = /put it before routes\[\d+\]$/.test(e.detail)
            ? "; rio route add --insert adds a route first"
            : "";
        return new RioInputError([], `route add: ${e.message}${order}`);
    }
    if (key === undefined) {
        const order = /put it before routes\[\d+\]$/.test(e.detail) ? " (rio route add --insert adds it first)" : "";
        return new RioInputError([], `route add ${req.router}: ${e.detail}${order}`);
    }
    const flag = FLAG_OF[key as string];
    if (flag === undefined) return e;
    if (typeof flag === "string") {
        const target = key === "to" && typeof sub === "number" ? ` "${req.targets[sub]}"` : "";
        return new RioInputError([], `${flag}${target}: ${e.detail}`);
    }
    const named = typeof sub === "string" ? flag[sub] : undefined;
    return new RioInputError([], `${named ?? Object.values(flag).join("/")}: ${e.detail}`);
}
