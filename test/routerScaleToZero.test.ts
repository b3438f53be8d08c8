/**
 * A router to an app that scales to zero (KEDA HTTP add-on) goes through KEDA's interceptor, as the app's own
 * route does, and the app's InterceptorRoute lists the hosts the router reaches it on: otherwise the request
 * bypasses the interceptor, fails while the app is at zero and never wakes it.
 */
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { parseRiofile } from "../components/riofile/load";
import { RioInputError } from "../components/errors";
import { planObjects, planRiofile } from "../components/render/plan";
import { applied, installMocks, reset, settle } from "./support/mocks";
import { validateObject } from "./support/schema";

const RIOFILE = [
    "services:",
    "  api:",
    "    image: ghcr.io/acme/api:2.3",
    "    ports: 8080/http",
    "    scale: 0-5",
    "  shop:",
    "    image: shop:1",
    "    ports: 80/http",
    "    version: v1",
    "    weight: 75",
    "  shop-v2:",
    "    app: shop",
    "    image: shop:2",
    "    ports: 80/http",
    "    version: v2",
    "    weight: 25",
    "    scale: 0-3",
    "  plain:",
    "    image: plain:1",
    "    ports: 80/http",
    "routers:",
    "  front:",
    "    hostnames: [www.example.com]",
    "    routes:",
    "      - match: {path: {prefix: /api}}",
    "        to: [{app: api, port: 8080}]",
    "      - match: {path: {prefix: /internal}}",
    "        rewrite: {host: api.internal.example.com}",
    "        to: [{app: api, port: 8080}]",
    "      - match: {path: {prefix: /beta}}",
    "        to: [{app: shop, version: v2}]",
    "      - match: {path: {prefix: /plain}}",
    "        to: [{app: plain}]",
    "      - to: [{app: shop, weight: 3}, {app: plain, weight: 1}]",
].join("\n");

const interceptor = {
    group: "",
    kind: "Service",
    name: "keda-add-ons-http-interceptor-proxy",
    namespace: "rio-system",
    port: 8080,
};
const version = (v: string) => ({
    filters: [{ type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "x-rio-version", value: v }] } }],
});

function objects(implementation: "traefik" | "envoy") {
    const plan = planRiofile(parseRiofile(RIOFILE, "Riofile"), {
        namespace: "shop",
        gateway: { domain: "apps.example.com", implementation },
    });
    const all = planObjects(plan).map((p) => p.object as any);
    for (const o of all) validateObject(o);
    return (kind: string, name: string) => all.find((o) => o.kind === kind && o.metadata.name === name);
}

for (const implementation of ["traefik", "envoy"] as const) {
    describe(`a router to scale-to-zero apps (${implementation})`, () => {
        const get = objects(implementation);

        it("sends through KEDA's interceptor, with the version header where the app has several versions", () => {
            assert.deepEqual(
                get("HTTPRoute", "front").spec.rules.map((r: any) => r.backendRefs),
                [
                    [interceptor],
                    [interceptor],
                    [{ ...interceptor, ...version("v2") }],
                    [{ group: "", kind: "Service", name: "plain", port: 80 }],
                    // shop (3 of 4) split 75/25 as its own route does; plain keeps its quarter: 3×75, 3×25, 1×100.
                    [
                        { group: "", kind: "Service", name: "shop-v1", port: 80, weight: 225 },
                        { ...interceptor, weight: 75, ...version("v2") },
                        { group: "", kind: "Service", name: "plain", port: 80, weight: 100 },
                    ],
                ],
            );
        });

        it("lists the router's hostnames (and a rewritten host) in each app's InterceptorRoute", () => {
            assert.deepEqual(get("InterceptorRoute", "api").spec.rules, [
                {
                    hosts: [
                        "api-shop.apps.example.com",
                        "front-shop.apps.example.com",
                        "www.example.com",
                        "api.internal.example.com",
                    ],
                },
            ]);
            assert.deepEqual(get("InterceptorRoute", "shop-v2").spec.rules, [
                {
                    hosts: [
                        "shop-shop.apps.example.com",
                        "shop-v2-shop.apps.example.com",
                        "front-shop.apps.example.com",
                        "www.example.com",
                    ],
                    headers: [{ name: "x-rio-version", value: "v2" }],
                },
            ]);
            // The interceptor's Service is in rio-system: the app's grant covers every HTTPRoute of the namespace.
            assert.deepEqual(get("ReferenceGrant", "rio-shop-api").spec.from, [
                { group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "shop" },
            ]);
        });
    });
}

describe("a mirror to a scale-to-zero app", () => {
    const plan = (mirror: Record<string, unknown>) =>
        planRiofile(
            parseRiofile(
                `${RIOFILE.split("routers:")[0]}routers:\n  front:\n    routes:\n      - to: [{app: plain}]\n        mirror: ${JSON.stringify(mirror)}\n`,
                "Riofile",
            ),
            { namespace: "shop", gateway: { domain: "apps.example.com", implementation: "envoy" } },
        );

    it("goes through the interceptor", () => {
        const route = plan({ app: "api", port: 8080 }).routers[0]!.plan.objects[0]!.object as any;
        assert.deepEqual(route.spec.rules[0].filters, [
            { type: "RequestMirror", requestMirror: { backendRef: interceptor } },
        ]);
    });

    it("to one version of several is refused: the interceptor needs a header a mirror cannot set", () => {
        assert.throws(
            () => plan({ app: "shop", version: "v2" }),
            (e: unknown) =>
                e instanceof RioInputError &&
                e.message ===
                    `Riofile:25:9 routers.front.routes[0].mirror: app "shop" scales to zero behind KEDA's interceptor, which tells its versions apart by a header a mirror cannot set; mirror to an app of one version`,
        );
    });
});

describe("RioRouter and RioService told of each other, under the mock engine", () => {
    let rio: typeof import("../components");
    before(async () => {
        await installMocks();
        rio = await import("../components");
    });
    beforeEach(reset);

    it("the router reaches the app through the interceptor and the app's InterceptorRoute serves the router's host", async () => {
        const api = { image: "ghcr.io/acme/api:2.3", ports: ["8080/http"], scale: "0-5" };
        const routes = [{ to: [{ app: "api", port: 8080 }] }];
        const gateway = { domain: "apps.example.com", listener: "https" };
        const svc = new rio.RioService("api", { ...api, namespace: "shop", gateway, routers: { front: { routes } } });
        const router = new rio.RioRouter("front", { routes, namespace: "shop", gateway, apps: { api } });
        await settle(svc);
        await settle(router);
        const inputs = (type: string, name: string) =>
            applied().find((x) => x.type === type && x.name === name)!.inputs;
        assert.deepEqual(
            inputs("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "front").spec.rules[0].backendRefs,
            [interceptor],
        );
        assert.deepEqual(inputs("kubernetes:http.keda.sh/v1beta1:InterceptorRoute", "api").spec.rules, [
            { hosts: ["api-shop.apps.example.com", "front-shop.apps.example.com"] },
        ]);
        for (const x of applied()) validateObject(x.inputs);
    });

    it("deployRiofile tells each of them, with the gateway still to come (an Output)", async () => {
        const pulumi = await import("@pulumi/pulumi");
        rio.deployRiofile(rio.parseRiofile(RIOFILE, "Riofile"), {
            namespace: "shop",
            gateway: pulumi.output({ domain: "apps.example.com", listener: "https" }),
        });
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
        const inputs = (type: string, name: string) =>
            applied().find((x) => x.type === type && x.name === name)!.inputs;
        assert.deepEqual(
            inputs("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "front").spec.rules[0].backendRefs,
            [interceptor],
        );
        assert.deepEqual(inputs("kubernetes:http.keda.sh/v1beta1:InterceptorRoute", "api").spec.rules[0].hosts, [
            "api-shop.apps.example.com",
            "front-shop.apps.example.com",
            "www.example.com",
            "api.internal.example.com",
        ]);
    });
});
