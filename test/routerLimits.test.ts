/**
 * RioRouter within what the HTTPRoute CRD (Gateway API v1.6.1) admits: its CEL rules (a prefix rewrite in a
 * rule of exactly one PathPrefix match, path values, durations) and its limits (16 rules, 16 hostnames, 128
 * matches, 16 backendRefs, each header name once), split across HTTPRoutes where Rio's meaning is kept.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveContext } from "../components/service/context";
import { planRouter } from "../components/router/plan";
import { normalizeRouter } from "../components/router/spec";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";

const traefik = resolveContext("shop", { domain: "apps.example.com", listener: "https" });
const envoy = resolveContext("shop", { domain: "apps.example.com", listener: "https", implementation: "envoy" });

function plan(spec: Record<string, unknown>, ctx = traefik) {
    const p = planRouter(normalizeRouter("web", spec), ctx);
    for (const o of p.objects) validateObject(o.object);
    return p;
}
const byKind = (p: ReturnType<typeof plan>, kind: string) =>
    p.objects.filter((o) => o.object.kind === kind).map((o) => o.object as any);
const backend = (name: string) => ({ group: "", kind: "Service", name, port: 80 });
const gateway = { group: "gateway.networking.k8s.io", kind: "Gateway", name: "rio-gateway", namespace: "rio-system" };

describe("a prefix rewrite with several methods", () => {
    it("is one rule per method, each with the one PathPrefix match the CRD's CEL rule allows", () => {
        const p = plan({
            routes: [
                {
                    match: { path: { prefix: "/api" }, methods: ["GET", "POST"] },
                    rewrite: { path: "/" },
                    to: [{ app: "api" }],
                },
            ],
        });
        const filters = [
            { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } },
        ];
        assert.deepEqual(byKind(p, "HTTPRoute")[0].spec.rules, [
            {
                name: "route-0-get",
                matches: [{ path: { type: "PathPrefix", value: "/api" }, method: "GET" }],
                filters,
                backendRefs: [backend("api")],
            },
            {
                name: "route-0-post",
                matches: [{ path: { type: "PathPrefix", value: "/api" }, method: "POST" }],
                filters,
                backendRefs: [backend("api")],
            },
        ]);
    });

    it("stays one rule with an exact path (ReplaceFullPath takes any matches), and the Envoy policy targets every rule", () => {
        const exact = plan({
            routes: [
                {
                    match: { path: { exact: "/a" }, methods: ["GET", "PUT"] },
                    rewrite: { path: "/b" },
                    to: [{ app: "a" }],
                },
            ],
        });
        assert.deepEqual(
            byKind(exact, "HTTPRoute")[0].spec.rules.map((r: any) => r.matches.length),
            [2],
        );
        const p = plan(
            {
                routes: [
                    {
                        match: { path: { prefix: "/api" }, methods: ["GET", "POST"] },
                        rewrite: { path: "/" },
                        retry: { attempts: 2 },
                        to: [{ app: "api" }],
                    },
                ],
            },
            envoy,
        );
        assert.deepEqual(byKind(p, "BackendTrafficPolicy")[0].spec.targetRefs, [
            { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "web", sectionName: "route-0-get" },
            { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "web", sectionName: "route-0-post" },
        ]);
    });
});

describe("Gateway API's limits", () => {
    const hostnames = Array.from({ length: 20 }, (_, i) => `h${i}.example.com`);

    it("more than 16 hostnames: HTTPRoutes of 16, each with every rule and its own listeners", () => {
        const custom = resolveContext("shop", {
            domain: "apps.example.com",
            listener: "https",
            customDomains: hostnames,
        });
        const p = plan({ hostnames, routes: [{ to: [{ app: "a" }] }] }, custom);
        const routes = byKind(p, "HTTPRoute");
        assert.deepEqual(
            routes.map((r) => [r.metadata.name, r.spec.hostnames.length, r.spec.parentRefs.length]),
            [
                ["web", 16, 16],
                ["web-2", 5, 6],
            ],
        );
        assert.deepEqual(routes[1].spec.hostnames, hostnames.slice(15));
        assert.deepEqual(routes[1].spec.parentRefs.slice(0, 2), [
            { ...gateway, sectionName: "https" },
            { ...gateway, sectionName: "https-h15.example.com" },
        ]);
        assert.deepEqual(routes[1].spec.rules, routes[0].spec.rules);
        assert.deepEqual(
            p.objects.map((o) => o.suffix),
            ["", "-2"],
        );
        assert.equal(p.hostnames.length, 21);
    });

    it("more than 16 rules: a second HTTPRoute when the routes' order cannot matter (disjoint paths)", () => {
        const routes = Array.from({ length: 18 }, (_, i) => ({
            match: { path: { exact: `/p${i}` } },
            to: [{ app: "a" }],
        }));
        const p = plan({ routes });
        const http = byKind(p, "HTTPRoute");
        assert.deepEqual(
            http.map((r) => [r.metadata.name, r.spec.rules.map((x: any) => x.name)]),
            [
                ["web", routes.slice(0, 16).map((_, i) => `route-${i}`)],
                ["web-2", ["route-16", "route-17"]],
            ],
        );
        assert.deepEqual(http[1].spec.hostnames, ["web-shop.apps.example.com"]);
    });

    it("more than 16 rules whose order decides a request: refused, naming the limit", () => {
        const routes = [
            ...Array.from({ length: 16 }, (_, i) => ({
                match: { headers: [{ name: "x-tenant", value: { exact: `t${i}` } }] },
                to: [{ app: "a" }],
            })),
            { match: { headers: [{ name: "x-beta", value: { exact: "1" } }] }, to: [{ app: "b" }] },
        ];
        expectRio(
            () => plan({ routes }),
            ["routes", 16],
            "would go to a second HTTPRoute (Gateway API takes at most 16 rules and 128 matches in one), but it matches some of the same requests as routes[0] with the same precedence, and HTTPRoutes keep no order between them; make the routes more specific or use fewer of them",
        );
    });

    it("more than 128 matches in one HTTPRoute: split by matches too", () => {
        const all = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
        const routes = Array.from({ length: 15 }, (_, i) => ({
            match: { path: { exact: `/p${i}` }, methods: all },
            to: [{ app: "a" }],
        }));
        // Not through validateObject: its Gateway API model (v1.0.0) takes 8 matches per rule, v1.6.1 takes 64.
        const http = planRouter(normalizeRouter("web", { routes }), traefik)
            .objects.map((o) => o.object as any)
            .filter((o) => o.kind === "HTTPRoute");
        assert.deepEqual(
            http.map((r) => r.spec.rules.length),
            [14, 1],
        );
    });

    const bad: [string, Record<string, unknown>, (string | number)[], string][] = [
        [
            "a header set twice (whatever its case)",
            { routes: [{ headers: { set: { "X-A": "1", "x-a": "2" } }, to: [{ app: "a" }] }] },
            ["routes", 0, "headers", "set", "x-a"],
            'header "x-a" is already in headers.set (as "X-A"): Gateway API takes each header name once, whatever its case',
        ],
        [
            "a header added twice",
            {
                routes: [
                    {
                        headers: {
                            add: [
                                { name: "x-a", value: "1" },
                                { name: "x-a", value: "2" },
                            ],
                        },
                        to: [{ app: "a" }],
                    },
                ],
            },
            ["routes", 0, "headers", "add", 1, "name"],
            'header "x-a" is already in headers.add (as "x-a"): Gateway API takes each header name once, whatever its case',
        ],
        [
            "a header matched twice",
            {
                routes: [
                    {
                        match: {
                            headers: [
                                { name: "x-a", value: { exact: "1" } },
                                { name: "X-A", value: { prefix: "2" } },
                            ],
                        },
                        to: [{ app: "a" }],
                    },
                ],
            },
            ["routes", 0, "match", "headers", 1, "name"],
            `header "X-A" is already in the route's header matches (as "x-a"): Gateway API takes each header name once, whatever its case`,
        ],
        [
            "17 headers set",
            {
                routes: [
                    {
                        headers: { set: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`x-${i}`, "v"])) },
                        to: [{ app: "a" }],
                    },
                ],
            },
            ["routes", 0, "headers", "set"],
            "headers.set lists 17 headers; Gateway API takes at most 16 (maxItems)",
        ],
        [
            "17 destinations",
            { routes: [{ to: Array.from({ length: 17 }, (_, i) => ({ app: `a${i}` })) }] },
            ["routes", 0, "to"],
            "a route sends to at most 16 destinations (Gateway API's backendRefs maxItems), not 17",
        ],
        [
            "a method twice",
            { routes: [{ match: { methods: ["GET", "get"] }, to: [{ app: "a" }] }] },
            ["routes", 0, "match", "methods", 1],
            "method GET is listed twice",
        ],
        [
            "a path with //",
            { routes: [{ match: { path: { prefix: "/a//b" } }, to: [{ app: "a" }] }] },
            ["routes", 0, "match", "path", "prefix"],
            'a path must not contain "//" (Gateway API refuses it): "/a//b"',
        ],
        [
            "a path ending in /..",
            { routes: [{ match: { path: { exact: "/a/.." } }, to: [{ app: "a" }] }] },
            ["routes", 0, "match", "path", "exact"],
            'a path must not end with "/.." (Gateway API refuses it): "/a/.."',
        ],
        [
            "a path with a space",
            { routes: [{ match: { path: { exact: "/a b" } }, to: [{ app: "a" }] }] },
            ["routes", 0, "match", "path", "exact"],
            'a path has a character a URL path cannot hold unescaped (Gateway API refuses it): "/a b"',
        ],
        [
            "a wildcard redirect host",
            { routes: [{ redirect: { host: "*.example.com" } }] },
            ["routes", 0, "redirect", "host"],
            'redirect host "*.example.com" must be one host, not a wildcard',
        ],
    ];
    for (const [what, input, at, detail] of bad) {
        it(`refuses ${what}`, () => {
            expectRio(() => normalizeRouter("web", input), at, detail);
        });
    }
});

describe("durations", () => {
    it("past 99999 seconds are hours, minutes and seconds, as the CRD's duration pattern takes them", () => {
        const p = plan(
            { routes: [{ timeoutSeconds: 100000, retry: { attempts: 1, timeoutSeconds: 3600 }, to: [{ app: "a" }] }] },
            envoy,
        );
        assert.deepEqual(byKind(p, "HTTPRoute")[0].spec.rules[0].timeouts, { request: "27h46m40s" });
        assert.deepEqual(byKind(p, "BackendTrafficPolicy")[0].spec.retry, {
            numRetries: 1,
            perRetry: { timeout: "1h" },
        });
        expectRio(
            () => plan({ routes: [{ timeoutSeconds: 360000000, to: [{ app: "a" }] }] }, envoy),
            ["routes", 0, "timeoutSeconds"],
            "360000000 seconds is longer than Gateway API's longest duration (99999h)",
        );
    });
});
