// Rio's router keys (v0.8 `router.go`) as named interfaces, one form per key: header edits as maps (`{name:
// value}`), a route's destinations as a list. The Riofile component takes every other spelling Rio took. (Line
// comments: a JSDoc comment here would be read as the first interface's description.)

/** A string match: one of `exact`, `prefix` or `regexp`. */
export interface StringMatch {
    /** The whole value, exactly. */
    exact?: string;
    /** A prefix of the value (for a path: whole segments). */
    prefix?: string;
    /** A regular expression the value matches. */
    regexp?: string;
}

/** A request header that must match. */
export interface HeaderMatch {
    /** Header name. */
    name: string;
    /** How its value must match. */
    value: StringMatch;
}

/** What a request must match for the route to apply. Default: every request. */
export interface RouteMatch {
    /** The path: exact, prefix or regexp. */
    path?: StringMatch;
    /** HTTP methods, e.g. `GET`. Default: any. */
    methods?: string[];
    /** Headers that must match. */
    headers?: HeaderMatch[];
}

/** Where a route sends requests: an app, optionally one version, on a port, with a weight. */
export interface RouteDestination {
    /** The app (a RioService's app name). */
    app: string;
    /** One version of it. Default: the app's route, split by its versions' weights. */
    version?: string;
    /** Service port. Default 80. */
    port?: number;
    /** Share of the requests relative to the route's other destinations. Default: an even split. */
    weight?: number;
}

/** Where a route mirrors requests to (their responses are dropped). */
export interface RouteMirror {
    /** The app (a RioService's app name). */
    app: string;
    /** One version of it. Default: the app's route. */
    version?: string;
    /** Service port. Default 80. */
    port?: number;
}

/** An HTTP redirect instead of a destination. */
export interface Redirect {
    /** Host redirected to. Default: the request's. */
    host?: string;
    /** Path redirected to. Default: the request's. */
    path?: string;
    /** Redirect to https. Default false. */
    toHTTPS?: boolean;
}

/** Host and path rewritten before the request is sent on. */
export interface Rewrite {
    /** Host the request is sent on with. */
    host?: string;
    /** Path the request is sent on with (a matched prefix is replaced by it). */
    path?: string;
}

/** Request header edits. */
export interface HeaderEdits {
    /** Headers added (a value is appended to an existing header). */
    add?: Record<string, string>;
    /** Headers set (replacing an existing value). */
    set?: Record<string, string>;
    /** Header names removed. */
    remove?: string[];
}

/** Retries of a failed request (Envoy Gateway). */
export interface Retry {
    /** How many attempts, at least 1. */
    attempts: number;
    /** Timeout of each attempt, in seconds. */
    timeoutSeconds?: number;
}

/** Injected faults, for testing (Envoy Gateway). */
export interface Fault {
    /** Percent of requests affected (0-100). */
    percentage?: number;
    /** Delay added, in milliseconds. */
    delayMillis?: number;
    /** HTTP status to abort with (200-599). */
    abortHTTPStatus?: number;
}

/** One route, in Rio's order: the first that matches wins. */
export interface Route {
    /** What requests it takes. Default: all. */
    match?: RouteMatch;
    /** Destinations, split by weight. */
    to?: RouteDestination[];
    /** A redirect instead of destinations. */
    redirect?: Redirect;
    /** Host and path rewrites. */
    rewrite?: Rewrite;
    /** Request header edits. */
    headers?: HeaderEdits;
    /** A copy of every request sent here too (Envoy Gateway). */
    mirror?: RouteMirror;
    /** Request timeout in seconds. */
    timeoutSeconds?: number;
    /** Retries (Envoy Gateway). */
    retry?: Retry;
    /** Fault injection (Envoy Gateway). */
    fault?: Fault;
}

/** A router's keys, as a RioService's `routers` names them: its routes and extra hostnames. */
export interface RouterSpec {
    /** Routes in order; at least one. */
    routes: Route[];
    /** Extra hostnames, besides `<router>-<namespace>.<domain>`. */
    hostnames?: string[];
}
