/** RioRouter: Rio's router keys as one Gateway API HTTPRoute, per gateway implementation; Riofile `routers`. */
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { resolveContext } from "../components/service/context";
import { planRouter } from "../components/router/plan";
import { normalizeRouter } from "../components/router/spec";
import { parseRiofile } from "../components/riofile/load";
import { RioInputError } from "../components/errors";
import { applied, installMocks, reset, settle, value } from "./support/mocks";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";
import { formatWarning } from "../components/riofile/warnings";
import { normalizeApp } from "../components/service/app";
import { interceptedHosts } from "../components/router/targets";

const traefik = resolveContext("shop", { domain: "apps.example.com", listener: "https" });
const envoy = resolveContext("shop", { domain: "apps.example.com", listener: "https", implementation: "envoy" });

function plan(routes: unknown[], ctx = traefik, extra: Record<string, unknown> = {}) {
    const p = planRouter(normalizeRouter("web", { routes, ...extra }), ctx);
    for (const o of p.objects) validateObject(o.object);
    return p;
}
const rules = (p: ReturnType<typeof plan>) => (p.objects[0]!.object as any).spec.rules;

describe("RioRouter planning", () => {
    it("blue/green and canary by weight, A/B by header, in Rio's order", () => {
        const p = plan([
            { match: { headers: [{ name: "x-beta", value: { exact: "1" } }] }, to: [{ app: "shop", version: "v2" }] },
            {
                to: [
                    { app: "shop", version: "v1", weight: 90 },
                    { app: "shop", version: "v2", weight: 10, port: 8080 },
                ],
            },
        ]);
        assert.deepEqual((p.objects[0]!.object as any).spec.hostnames, ["web-shop.apps.example.com"]);
        assert.deepEqual((p.objects[0]!.object as any).spec.parentRefs, [
            {
                group: "gateway.networking.k8s.io",
                kind: "Gateway",
                name: "rio-gateway",
                namespace: "rio-system",
                sectionName: "https",
            },
        ]);
        assert.deepEqual(rules(p), [
            {
                name: "route-0",
                matches: [
                    {
                        path: { type: "PathPrefix", value: "/" },
                        headers: [{ type: "Exact", name: "x-beta", value: "1" }],
                    },
                ],
                backendRefs: [{ group: "", kind: "Service", name: "shop-v2", port: 80 }],
            },
            {
                name: "route-1",
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                backendRefs: [
                    { group: "", kind: "Service", name: "shop-v1", port: 80, weight: 90 },
                    { group: "", kind: "Service", name: "shop-v2", port: 8080, weight: 10 },
                ],
            },
        ]);
        assert.deepEqual(p.urls, ["https://web-shop.apps.example.com"]);
    });

    it("to.namespace: backendRefs into that namespace, which a ReferenceGrant there opens to the router's routes", () => {
        const p = plan(
            [
                // The router's own namespace, named: nothing to grant.
                { match: { path: { prefix: "/own" } }, to: [{ app: "cart", namespace: "shop" }] },
                {
                    to: [
                        { app: "myapp", version: "v1", namespace: "default", weight: 50 },
                        { app: "myapp", version: "v2", namespace: "default", weight: 50 },
                    ],
                    mirror: { app: "q", version: "v0", namespace: "audit" },
                },
            ],
            envoy,
        );
        const [second, first] = rules(p);
        assert.deepEqual(first.backendRefs, [
            { group: "", kind: "Service", name: "myapp-v1", namespace: "default", port: 80, weight: 50 },
            { group: "", kind: "Service", name: "myapp-v2", namespace: "default", port: 80, weight: 50 },
        ]);
        assert.deepEqual(first.filters, [
            {
                type: "RequestMirror",
                requestMirror: {
                    backendRef: { group: "", kind: "Service", name: "q-v0", namespace: "audit", port: 80 },
                },
            },
        ]);
        assert.deepEqual(second.backendRefs, [{ group: "", kind: "Service", name: "cart", port: 80 }]);
        const grants = p.objects.filter((o) => o.object.kind === "ReferenceGrant");
        assert.deepEqual(
            grants.map((g) => [g.suffix, g.object.metadata.name, g.object.metadata.namespace, (g.object as any).spec]),
            [
                [
                    "-grant-audit",
                    "rio-router-shop-web",
                    "audit",
                    {
                        from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "shop" }],
                        to: [{ group: "", kind: "Service", name: "q-v0" }],
                    },
                ],
                [
                    "-grant-default",
                    "rio-router-shop-web",
                    "default",
                    {
                        from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "shop" }],
                        to: [
                            { group: "", kind: "Service", name: "myapp-v1" },
                            { group: "", kind: "Service", name: "myapp-v2" },
                        ],
                    },
                ],
            ],
        );
    });

    it("an app of the same name in another namespace is not this one: no interceptor, whatever this one scales on", () => {
        const zero = normalizeApp("shop", { image: "shop", ports: "80/http", scale: "0-3" });
        const router = normalizeRouter("web", { routes: [{ to: [{ app: "shop", namespace: "other" }] }] });
        const p = planRouter(router, traefik, [zero]);
        assert.deepEqual(rules(p as any)[0].backendRefs, [
            { group: "", kind: "Service", name: "shop", namespace: "other", port: 80 },
        ]);
        assert.deepEqual(interceptedHosts(router, ["web-shop.apps.example.com"], zero, "shop"), []);
    });

    it("matches: exact, prefix and regexp paths (and the docs' regxp spelling), methods, header prefixes", () => {
        const p = plan([
            { match: { path: { exact: "/health" } }, to: [{ app: "a" }] },
            { match: { path: { regxp: "^/v[0-9]+/" } }, to: [{ app: "a" }] },
            {
                match: {
                    path: { prefix: "/api" },
                    methods: ["get", "POST"],
                    headers: [{ name: "x-team", value: { prefix: "core." } }],
                },
                to: [{ app: "a" }],
            },
            { match: { path: { prefix: "/api" } }, to: [{ app: "b" }] },
        ]);
        assert.deepEqual(
            rules(p).map((r: any) => r.matches),
            [
                [{ path: { type: "Exact", value: "/health" } }],
                [{ path: { type: "RegularExpression", value: "^/v[0-9]+/" } }],
                [
                    {
                        path: { type: "PathPrefix", value: "/api" },
                        headers: [{ type: "RegularExpression", name: "x-team", value: "^core\\..*" }],
                        method: "GET",
                    },
                    {
                        path: { type: "PathPrefix", value: "/api" },
                        headers: [{ type: "RegularExpression", name: "x-team", value: "^core\\..*" }],
                        method: "POST",
                    },
                ],
                [{ path: { type: "PathPrefix", value: "/api" } }],
            ],
        );
    });

    it("redirect, rewrite and header edits as standard filters", () => {
        const p = plan([
            { match: { path: { exact: "/old" } }, redirect: { host: "new.example.com", path: "/new", toHTTPS: true } },
            {
                match: { path: { prefix: "/legacy" } },
                rewrite: { host: "api.internal", path: "/v2" },
                headers: { add: { "x-from": "rio" }, set: [{ name: "x-env", value: "prod" }], remove: ["x-debug"] },
                to: [{ app: "api" }],
            },
        ]);
        assert.deepEqual(rules(p)[0], {
            name: "route-0",
            matches: [{ path: { type: "Exact", value: "/old" } }],
            filters: [
                {
                    type: "RequestRedirect",
                    requestRedirect: {
                        scheme: "https",
                        hostname: "new.example.com",
                        path: { type: "ReplaceFullPath", replaceFullPath: "/new" },
                        statusCode: 301,
                    },
                },
            ],
        });
        assert.deepEqual(rules(p)[1].filters, [
            {
                type: "URLRewrite",
                urlRewrite: {
                    hostname: "api.internal",
                    path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/v2" },
                },
            },
            {
                type: "RequestHeaderModifier",
                requestHeaderModifier: {
                    add: [{ name: "x-from", value: "rio" }],
                    set: [{ name: "x-env", value: "prod" }],
                    remove: ["x-debug"],
                },
            },
        ]);
    });

    it("Traefik: retries through a Middleware referenced by ExtensionRef", () => {
        const p = plan([{ to: [{ app: "api" }], retry: { attempts: 3 } }]);
        assert.deepEqual(rules(p)[0].filters, [
            {
                type: "ExtensionRef",
                extensionRef: { group: "traefik.io", kind: "Middleware", name: "web-route-0-retry" },
            },
        ]);
        assert.deepEqual(p.objects[1]!.object, {
            apiVersion: "traefik.io/v1alpha1",
            kind: "Middleware",
            metadata: {
                name: "web-route-0-retry",
                namespace: "shop",
                labels: {
                    "app.kubernetes.io/name": "web",
                    "app.kubernetes.io/component": "router",
                    "app.kubernetes.io/managed-by": "pulumi-rio",
                },
            },
            spec: { retry: { attempts: 3 } },
        });
    });

    it("Envoy Gateway: timeouts on the route, mirror as a filter, retries and faults through a BackendTrafficPolicy on the rule", () => {
        const p = plan(
            [
                {
                    to: [{ app: "api" }],
                    mirror: { app: "api", version: "v2" },
                    timeoutSeconds: 15,
                    retry: { attempts: 2, timeoutSeconds: 3 },
                    fault: { percentage: 10, delayMillis: 500, abortHTTPStatus: 503 },
                },
            ],
            envoy,
        );
        assert.deepEqual(rules(p)[0].filters, [
            {
                type: "RequestMirror",
                requestMirror: { backendRef: { group: "", kind: "Service", name: "api-v2", port: 80 } },
            },
        ]);
        assert.deepEqual(rules(p)[0].timeouts, { request: "15s" });
        assert.deepEqual((p.objects[1]!.object as any).spec, {
            targetRefs: [
                { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "web", sectionName: "route-0" },
            ],
            retry: { numRetries: 2, perRetry: { timeout: "3s" } },
            faultInjection: {
                delay: { fixedDelay: "500ms", percentage: 10 },
                abort: { httpStatus: 503, percentage: 10 },
            },
        });
    });

    const traefikCannot: [string, Record<string, unknown>, (string | number)[], string][] = [
        [
            "mirror",
            { mirror: { app: "api" } },
            ["routes", 0, "mirror"],
            "Traefik cannot mirror requests (no HTTPRoute RequestMirror support); use gatewayImplementation: envoy (Envoy Gateway) for it",
        ],
        [
            "timeoutSeconds",
            { timeoutSeconds: 5 },
            ["routes", 0, "timeoutSeconds"],
            "Traefik cannot time out requests per route (no HTTPRoute request timeouts); use gatewayImplementation: envoy (Envoy Gateway) for it",
        ],
        [
            "fault",
            { fault: { abortHTTPStatus: 500 } },
            ["routes", 0, "fault"],
            "Traefik cannot inject faults (no fault injection); use gatewayImplementation: envoy (Envoy Gateway) for it",
        ],
        [
            "a retry timeout",
            { retry: { attempts: 2, timeoutSeconds: 1 } },
            ["routes", 0, "retry", "timeoutSeconds"],
            "Traefik cannot time out each retry (its retry middleware has attempts only); use gatewayImplementation: envoy (Envoy Gateway) for it",
        ],
    ];
    for (const [feature, route, p, detail] of traefikCannot) {
        it(`refuses ${feature} on Traefik, naming the gateway that can`, () => {
            expectRio(
                () => planRouter(normalizeRouter("web", { routes: [{ to: [{ app: "api" }], ...route }] }), traefik),
                p,
                detail,
            );
        });
    }

    const bad: [string, unknown, (string | number)[], string, boolean?][] = [
        [
            "a regexp that does not compile",
            { routes: [{ match: { path: { regexp: "([a-z" } }, to: [{ app: "a" }] }] },
            ["routes", 0, "match", "path", "regexp"],
            '"([a-z" is not a valid regular expression: Invalid regular expression: /([a-z/: Unterminated character class',
        ],
        [
            "a redirect with neither host nor path",
            { routes: [{ redirect: {} }] },
            ["routes", 0, "redirect"],
            "a redirect needs a host, a path or toHTTPS",
        ],
        [
            "a route with no destination",
            { routes: [{ match: { path: { exact: "/" } } }] },
            ["routes", 0],
            "a route needs a destination (to) or a redirect",
        ],
        [
            "both redirect and to",
            { routes: [{ redirect: { host: "a.example.com" }, to: [{ app: "a" }] }] },
            ["routes", 0, "redirect"],
            "a route either redirects or sends to services (to), not both",
        ],
        [
            "two path kinds",
            { routes: [{ match: { path: { exact: "/a", prefix: "/b" } }, to: [{ app: "a" }] }] },
            ["routes", 0, "match", "path"],
            "a path match takes exactly one of exact, prefix or regexp",
        ],
        [
            "a path without /",
            { routes: [{ match: { path: { prefix: "api" } }, to: [{ app: "a" }] }] },
            ["routes", 0, "match", "path", "prefix"],
            'a path starts with "/", not "api"',
        ],
        [
            "an unknown method",
            { routes: [{ match: { methods: ["FETCH"] }, to: [{ app: "a" }] }] },
            ["routes", 0, "match", "methods", 0],
            '"FETCH" is not an HTTP method (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH)',
        ],
        [
            "all weights 0",
            { routes: [{ to: [{ app: "a", weight: 0 }] }] },
            ["routes", 0, "to"],
            "no destination receives traffic: give at least one a weight above 0",
        ],
        [
            "a regexp path rewrite",
            { routes: [{ match: { path: { regexp: "^/a" } }, rewrite: { path: "/b" }, to: [{ app: "a" }] }] },
            ["routes", 0, "rewrite", "path"],
            "a path rewrite needs an exact or prefix path match, not a regexp",
        ],
        [
            "an internal router",
            { internal: true, routes: [{ to: [{ app: "a" }] }] },
            ["internal"],
            "internal routers need a service mesh (Gateway API for meshes, GAMMA), which pulumi-rio does not install; remove internal",
            true,
        ],
        [
            "an unknown route key",
            { routes: [{ too: [] }] },
            ["routes", 0, "too"],
            'unknown key; did you mean "to"?',
            true,
        ],
        ["no routes", { routes: [] }, ["routes"], "a router needs at least one route"],
    ];
    for (const [what, input, p, detail, atKey] of bad) {
        it(`refuses ${what}`, () => {
            expectRio(() => normalizeRouter("web", input), p, detail, atKey ?? false);
        });
    }

    it("keeps Rio's first-match order honest: a later route Gateway API would prefer is refused", () => {
        expectRio(
            () =>
                planRouter(
                    normalizeRouter("web", {
                        routes: [
                            { match: { path: { prefix: "/api" } }, to: [{ app: "a" }] },
                            { match: { path: { exact: "/api/health" } }, to: [{ app: "b" }] },
                        ],
                    }),
                    traefik,
                ),
            ["routes", 1],
            "is more specific than routes[0], which comes first and matches some of the same requests: Gateway API would choose this one; put it before routes[0]",
        );
        // Disjoint routes may come in any order; a catch-all last is fine.
        plan([
            { match: { path: { prefix: "/a" } }, to: [{ app: "a" }] },
            { match: { path: { exact: "/b" } }, to: [{ app: "b" }] },
            { to: [{ app: "c" }] },
        ]);
        plan([
            { match: { methods: ["GET"] }, to: [{ app: "a" }] },
            { match: { path: { exact: "/x" }, methods: ["POST"] }, to: [{ app: "b" }] },
        ]);
    });
});

describe("Riofile routers", () => {
    const services = [
        "services:",
        "  shop:",
        "    image: shop:1",
        "    ports: 80",
        "    version: v1",
        "  shop-v2:",
        "    app: shop",
        "    image: shop:2",
        "    ports: 80",
        "    version: v2",
        "  solo:",
        "    image: solo",
        "    ports: 80",
    ];
    it("loads routers, and a route to a one-version app's version goes to the app's Service", () => {
        const riofile = parseRiofile(
            [
                ...services,
                "routers:",
                "  front:",
                "    routes:",
                "      - to:",
                "          - app: solo",
                "            version: v0",
            ].join("\n"),
            "Riofile",
        );
        const p = planRouter(normalizeRouter("front", riofile.routers[0]!.spec), traefik);
        assert.deepEqual(rules(p as any)[0].backendRefs, [{ group: "", kind: "Service", name: "solo", port: 80 }]);
    });

    it("a destination that is no app of this Riofile (nor nearly one) is another Riofile's, with a located warning", () => {
        const riofile = parseRiofile(
            [
                ...services,
                "routers:",
                "  front:",
                "    routes:",
                "      - to:",
                "          - app: billing",
                "            version: v2",
            ].join("\n"),
            "Riofile",
        );
        assert.deepEqual(riofile.warnings?.map(formatWarning), [
            'Riofile:18:13 routers.front.routes[0].to[0].app: is no app of this Riofile: sent to Service "billing-v2" in the namespace, port 80, which another Riofile must deploy (or name its namespace)',
        ]);
        const p = planRouter(normalizeRouter("front", riofile.routers[0]!.spec), traefik);
        assert.deepEqual(rules(p as any)[0].backendRefs, [
            { group: "", kind: "Service", name: "billing-v2", port: 80 },
        ]);
    });

    it("a destination naming its namespace is not checked against this Riofile's apps, and keeps its version", () => {
        const riofile = parseRiofile(
            [
                ...services,
                "routers:",
                "  front:",
                "    routes:",
                "      - to:",
                "          - {app: solo, version: v0, namespace: other}",
            ].join("\n"),
            "Riofile",
        );
        assert.deepEqual(riofile.warnings, []);
        assert.deepEqual(riofile.routers[0]!.spec.routes![0]!.to, [{ app: "solo", version: "v0", namespace: "other" }]);
    });

    it("a route with both to and a redirect sends to its destinations, as Rio's gateway did, warning at the redirect", () => {
        const riofile = parseRiofile(
            [
                ...services,
                "routers:",
                "  front:",
                "    routes:",
                "      - to: [{app: solo}]",
                "        redirect:",
                "          host: www.example.com",
            ].join("\n"),
            "Riofile",
        );
        assert.deepEqual(riofile.warnings?.map(formatWarning), [
            "Riofile:18:9 routers.front.routes[0].redirect: is ignored, as Rio ignored it: the route sends to its destinations (to) instead",
        ]);
        assert.deepEqual(riofile.routers[0]!.spec.routes, [{ to: [{ app: "solo", version: undefined }] }]);
    });

    const bad: [string, string[], string][] = [
        [
            "an app no service declares",
            ["      - to:", "          - app: shpo"],
            'Riofile:18:18 routers.front.routes[0].to[0].app: no service of this Riofile is app "shpo" (apps: shop, solo)',
        ],
        [
            "a version the app lacks",
            ["      - to:", "          - app: shop", "            version: v3"],
            'Riofile:19:22 routers.front.routes[0].to[0].version: app "shop" has no version "v3" (versions: v1, v2)',
        ],
        [
            "a bad regexp",
            ["      - match:", "          path:", '            regexp: "("', "        to: [{app: shop}]"],
            'Riofile:19:21 routers.front.routes[0].match.path.regexp: "(" is not a valid regular expression: Invalid regular expression: /(/: Unterminated group',
        ],
    ];
    for (const [what, lines, message] of bad) {
        it(`refuses ${what}, with file:line:col`, () => {
            assert.throws(
                () =>
                    parseRiofile([...services, "routers:", "  front:", "    routes:", ...lines].join("\n"), "Riofile"),
                (e: unknown) => e instanceof RioInputError && e.message === message,
            );
        });
    }
});

describe("RioRouter under the mock engine", () => {
    let rio: typeof import("../components");
    before(async () => {
        await installMocks();
        rio = await import("../components");
    });
    beforeEach(reset);

    it("registers the HTTPRoute and the policies the plan has, and hands out its URL", async () => {
        const r = new rio.RioRouter("front", {
            routes: [{ to: [{ app: "shop" }], retry: { attempts: 2 } }],
            namespace: "shop",
            gateway: { domain: "apps.example.com", listener: "https" },
        });
        await settle(r);
        assert.deepEqual(
            applied()
                .map((x) => `${x.type}::${x.name}`)
                .sort(),
            [
                "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::front",
                "kubernetes:traefik.io/v1alpha1:Middleware::front-route-0-retry",
            ],
        );
        assert.equal(await value(r.url), "https://front-shop.apps.example.com");
        for (const x of applied()) validateObject(x.inputs);
    });

    it("registers the ReferenceGrant in the destinations' namespace", async () => {
        const r = new rio.RioRouter("front", {
            routes: [{ to: [{ app: "billing", namespace: "pay" }] }],
            namespace: "shop",
            gateway: { domain: "apps.example.com", listener: "https" },
        });
        await settle(r);
        const grant = applied().find((x) => x.type.endsWith(":ReferenceGrant"));
        assert.deepEqual(
            [grant?.name, grant?.inputs.metadata.namespace, grant?.inputs.spec.to],
            ["front-grant-pay", "pay", [{ group: "", kind: "Service", name: "billing" }]],
        );
    });
});
