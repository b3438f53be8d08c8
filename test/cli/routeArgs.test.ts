/**
 * `rio route add`'s grammar → a route of the Riofile's `routers.<NAME>`: each case is what was typed, the route it
 * gives, and that the Riofile loader takes it (so the flags and the router keys cannot disagree); then the errors,
 * each naming the flag or argument.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { planRiofile } from "../../components/render/plan";
import { checkContent } from "../../components/cli/riofileEdit";
import { addRoute, asRouteError, RouteFlags, routeRequest } from "../../components/cli/routeArgs";

/** A namespace with the apps the routes send to. */
const APPS = {
    services: {
        demo: { image: "demo:1", ports: ["80"], version: "v0" },
        "demo-v1": { image: "demo:2", ports: ["80"], app: "demo", version: "v1" },
        api: { image: "api", ports: ["8080"] },
    },
};

const CASES: { name: string; args: string[]; flags?: RouteFlags; route: Record<string, unknown> }[] = [
    { name: "NAME to app: the whole app", args: ["myroute", "to", "demo"], route: { to: [{ app: "demo" }] } },
    {
        name: "NAME/path to app@v1: an exact path, one version",
        args: ["myroute/path", "to", "demo@v1"],
        route: { match: { path: { exact: "/path" } }, to: [{ app: "demo", version: "v1" }] },
    },
    {
        name: "NAME/path*: a prefix",
        args: ["myroute/api*", "to", "api,port=8080"],
        route: { match: { path: { prefix: "/api" } }, to: [{ app: "api", port: 8080 }] },
    },
    {
        name: "NAME/regexp(re): a regular expression, as written",
        args: ["myroute/regexp(/v[0-9]+/.*)", "to", "api,port=8080"],
        route: { match: { path: { regexp: "/v[0-9]+/.*" } }, to: [{ app: "api", port: 8080 }] },
    },
    {
        name: "NAME/a/b: a deeper path",
        args: ["myroute/a/b", "to", "demo"],
        route: { match: { path: { exact: "/a/b" } }, to: [{ app: "demo" }] },
    },
    {
        name: "split by weight, Rio's 50% spelling too",
        args: ["myroute", "to", "demo@v0,weight=50", "demo@v1,weight=50%"],
        route: {
            to: [
                { app: "demo", version: "v0", weight: 50 },
                { app: "demo", version: "v1", weight: 50 },
            ],
        },
    },
    {
        name: "--header exact, prefix and regexp; --method comma-separated and repeated",
        args: ["myroute", "to", "demo"],
        flags: { header: ["X-User=bob", "X-Team=dev*", "X-Id=regexp([0-9]+)"], method: ["GET,post", "PUT"] },
        route: {
            match: {
                methods: ["GET", "post", "PUT"],
                headers: [
                    { name: "X-User", value: { exact: "bob" } },
                    { name: "X-Team", value: { prefix: "dev" } },
                    { name: "X-Id", value: { regexp: "[0-9]+" } },
                ],
            },
            to: [{ app: "demo" }],
        },
    },
    {
        name: "--add-header, --set-header, --remove-header (Rio's FOO=BAR form: the name counts)",
        args: ["myroute", "to", "demo"],
        flags: { addHeader: ["X-A=1"], setHeader: ["X-B=two words"], removeHeader: ["X-C=ignored", "X-D"] },
        route: {
            to: [{ app: "demo" }],
            headers: {
                add: [{ name: "X-A", value: "1" }],
                set: [{ name: "X-B", value: "two words" }],
                remove: ["X-C", "X-D"],
            },
        },
    },
    {
        name: "--rewrite-host and --rewrite-path on a prefix",
        args: ["myroute/old*", "to", "demo"],
        flags: { rewriteHost: "demo.internal", rewritePath: "/new" },
        route: {
            match: { path: { prefix: "/old" } },
            to: [{ app: "demo" }],
            rewrite: { host: "demo.internal", path: "/new" },
        },
    },
    {
        name: "redirect HOST/PATH",
        args: ["myroute", "redirect", "example.com/landing"],
        route: { redirect: { host: "example.com", path: "/landing" } },
    },
    {
        name: "--https-redirect: redirect with no target",
        args: ["myroute", "redirect"],
        flags: { httpsRedirect: true },
        route: { redirect: { toHTTPS: true } },
    },
    {
        name: "--timeout-seconds, --retry-attempts and --retry-timeout-seconds (1s as Rio's docs wrote it)",
        args: ["myroute", "to", "demo"],
        flags: { timeoutSeconds: "30", retryAttempts: "5", retryTimeoutSeconds: "1s" },
        route: { to: [{ app: "demo" }], timeoutSeconds: 30, retry: { attempts: 5, timeoutSeconds: 1 } },
    },
    {
        name: "--fault-httpcode, --fault-delay-milli-seconds, --fault-percentage",
        args: ["myroute", "to", "demo"],
        flags: { faultHttpcode: "502", faultDelayMilliSeconds: "1000", faultPercentage: "80" },
        route: { to: [{ app: "demo" }], fault: { percentage: 80, delayMillis: 1000, abortHTTPStatus: 502 } },
    },
];

describe("rio route add: Rio's grammar as a router's route", () => {
    for (const c of CASES)
        it(c.name, () => {
            const req = routeRequest(c.args, c.flags ?? {});
            assert.equal(req.router, "myroute");
            assert.deepEqual(req.route, c.route);
            const { content, index } = addRoute(APPS, req);
            assert.equal(index, 0);
            assert.deepEqual(content.routers, { myroute: { routes: [c.route] } });
            const riofile = checkContent(content, "default");
            assert.deepEqual(
                riofile.routers.map((r) => r.name),
                ["myroute"],
            );
        });

    it("appends to the router's routes; --insert puts the route first; its hostnames stay", () => {
        const base = {
            ...APPS,
            routers: { myroute: { hostnames: ["shop.example.com"], routes: [{ to: [{ app: "api" }] }] } },
        };
        const last = addRoute(base, routeRequest(["myroute/a", "to", "demo"], {}));
        assert.equal(last.index, 1);
        assert.deepEqual(last.content.routers, {
            myroute: {
                hostnames: ["shop.example.com"],
                routes: [{ to: [{ app: "api" }] }, { match: { path: { exact: "/a" } }, to: [{ app: "demo" }] }],
            },
        });
        const first = addRoute(base, routeRequest(["myroute/a", "to", "demo"], { insert: true }));
        assert.equal(first.index, 0);
        assert.deepEqual((first.content.routers as any).myroute.routes, [
            { match: { path: { exact: "/a" } }, to: [{ app: "demo" }] },
            { to: [{ app: "api" }] },
        ]);
    });

    it("mirror joins the route of the same match (a Gateway API rule needs a destination)", () => {
        const base = {
            ...APPS,
            routers: { myroute: { routes: [{ match: { path: { exact: "/a" } }, to: [{ app: "api" }] }] } },
        };
        const added = addRoute(base, routeRequest(["myroute/a", "mirror", "demo@v1"], {}));
        assert.equal(added.index, 0);
        assert.deepEqual((added.content.routers as any).myroute.routes, [
            { match: { path: { exact: "/a" } }, to: [{ app: "api" }], mirror: { app: "demo", version: "v1" } },
        ]);
        assert.throws(
            () => addRoute(base, routeRequest(["myroute/b", "mirror", "demo"], {})),
            (e: RioInputError) =>
                e.message ===
                'mirror: router "myroute" has no route of this match to mirror yet: add one first (rio route add myroute… to TARGET), then mirror it',
        );
    });
});

/** What `rio route add` says for input: its own checks, then the loader's and planner's told as flags. */
function said(args: string[], flags: RouteFlags = {}, base: Record<string, unknown> = APPS): string {
    let req;
    try {
        req = routeRequest(args, flags);
        const { content, index } = addRoute(base, req);
        try {
            const riofile = checkContent(content, "default");
            planRiofile(riofile, { namespace: "default", gateway: { domain: "example.com" } });
        } catch (e) {
            throw e instanceof RioInputError ? asRouteError(e, req, index) : e;
        }
    } catch (e) {
        if (e instanceof RioInputError) return e.message;
        throw e;
    }
    return "accepted";
}

const ERRORS: { name: string; args: string[]; flags?: RouteFlags; base?: Record<string, unknown>; message: string }[] =
    [
        {
            name: "too few arguments",
            args: ["myroute"],
            message:
                "route add: expected NAME[/PATH] to|redirect|mirror TARGET… (rio route add myroute/path to app@v1)",
        },
        {
            name: "an unknown action",
            args: ["myroute", "send", "demo"],
            message:
                'route add: invalid action "send", action must be mirror, redirect or to (expected NAME[/PATH] to|redirect|mirror TARGET… (rio route add myroute/path to app@v1))',
        },
        {
            name: "rewrite as an action",
            args: ["myroute", "rewrite", "x/y"],
            message: "route add: a rewrite is a flag here (--rewrite-host, --rewrite-path) on a route to TARGET",
        },
        { name: "to without a target", args: ["myroute", "to"], message: "route add: to needs a TARGET" },
        {
            name: "two redirect targets",
            args: ["myroute", "redirect", "a", "b"],
            message: "route add: redirect takes one target, not 2",
        },
        {
            name: "a router name that is not a DNS label",
            args: ["My_Route/x", "to", "demo"],
            message: `NAME[/PATH] "My_Route/x": router name "My_Route" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
        },
        {
            name: "a target in another namespace",
            args: ["myroute", "to", "team:demo"],
            message: `TARGET "team:demo": a router's targets are in its own namespace (rio -n NAMESPACE route add …)`,
        },
        {
            name: "a weight that is not a number",
            args: ["myroute", "to", "demo,weight=half"],
            message: 'TARGET "demo,weight=half": weight: "half" is not a whole number',
        },
        {
            name: "an unknown target option",
            args: ["myroute", "to", "demo,prot=80"],
            message: 'TARGET "demo,prot=80": unknown option "prot=80" (port=N, weight=N, version=V)',
        },
        {
            name: "a header without a value",
            args: ["myroute", "to", "demo"],
            flags: { header: ["X-User"] },
            message: '--header "X-User": expected NAME=VALUE',
        },
        {
            name: "a method HTTP does not have (the loader's check, told as the flag)",
            args: ["myroute", "to", "demo"],
            flags: { method: ["GETT"] },
            message:
                '--method: "GETT" is not an HTTP method (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH)',
        },
        {
            name: "a target that is no app of the namespace",
            args: ["myroute", "to", "nope"],
            message: 'TARGET "nope": no service of this Riofile is app "nope" (apps: demo, api)',
        },
        {
            name: "a path Gateway API refuses",
            args: ["myroute/a//b", "to", "demo"],
            message: 'NAME[/PATH]: a path must not contain "//" (Gateway API refuses it): "/a//b"',
        },
        {
            name: "--retry-timeout-seconds alone",
            args: ["myroute", "to", "demo"],
            flags: { retryTimeoutSeconds: "2" },
            message: "--retry-timeout-seconds: needs --retry-attempts",
        },
        {
            name: "--fault-httpcode out of range",
            args: ["myroute", "to", "demo"],
            flags: { faultHttpcode: "42" },
            message: "--fault-httpcode: abortHTTPStatus must be an HTTP status (200-599)",
        },
        {
            name: "--https-redirect on to",
            args: ["myroute", "to", "demo"],
            flags: { httpsRedirect: true },
            message: "--https-redirect: only with redirect (rio route add --https-redirect NAME redirect)",
        },
        {
            name: "a mirror with other flags",
            args: ["myroute", "mirror", "demo"],
            flags: { addHeader: ["a=b"] },
            message:
                "mirror: joins the router's route of the same match, so it takes only the match (NAME[/PATH], --method, --header)",
        },
        {
            name: "a more specific route after a broader one: Gateway API would not keep the order, --insert would",
            args: ["myroute/a", "to", "demo"],
            base: { ...APPS, routers: { myroute: { routes: [{ to: [{ app: "api", port: 8080 }] }] } } },
            message:
                "route add myroute: is more specific than routes[0], which comes first and matches some of the same requests: Gateway API would choose this one; put it before routes[0] (rio route add --insert adds it first)",
        },
    ];

describe("rio route add: errors name the flag or argument", () => {
    for (const c of ERRORS) it(c.name, () => assert.equal(said(c.args, c.flags, c.base), c.message));

    it("the same route added with --insert is accepted", () => {
        const base = { ...APPS, routers: { myroute: { routes: [{ to: [{ app: "api", port: 8080 }] }] } } };
        assert.equal(said(["myroute/a", "to", "demo"], { insert: true }, base), "accepted");
    });
});
