/** Versions and weights (Rio's revisions): blue/green and canary, from TypeScript and from a Riofile. */
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, beforeEach, describe, it } from "node:test";
import { normalizeApp } from "../components/service/app";
import { resolveContext } from "../components/service/context";
import { planApp } from "../components/service/plan";
import { loadRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { applied, installMocks, one, reset, settle, value } from "./support/mocks";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";

const ctx = resolveContext("shop-ns", { domain: "apps.example.com", listener: "https" });
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

describe("versions (pure)", () => {
    it("each version inherits the template and overrides what it sets", () => {
        const app = normalizeApp("web", {
            ports: "8080",
            env: { MODE: "base" },
            scale: 2,
            versions: {
                blue: { image: "web:1", weight: 100 },
                green: { image: "web:2", weight: 0, env: { MODE: "new" }, name: "web-next" },
            },
        });
        assert.deepEqual(
            app.versions.map((v) => [v.name, v.version, v.image, v.weight, v.scale, v.env]),
            [
                ["web-blue", "blue", "web:1", 100, 2, [{ name: "MODE", value: "base" }]],
                ["web-next", "green", "web:2", 0, 2, [{ name: "MODE", value: "new" }]],
            ],
        );
    });

    it("splits the app route by weight across the versions' Services, and gives each version its own hostname", () => {
        const plan = planApp(
            normalizeApp("shop", {
                ports: "8080",
                versions: { v1: { image: "shop:1", weight: 90 }, v2: { image: "shop:2", weight: 10 } },
            }),
            ctx,
        );
        assert.deepEqual(
            plan.objects.map((o) => [o.object.kind, o.object.metadata.name, o.suffix]),
            [
                ["Deployment", "shop-v1", "-v1"],
                ["Deployment", "shop-v2", "-v2"],
                ["Service", "shop", ""],
                ["Service", "shop-v1", "-v1"],
                ["Service", "shop-v2", "-v2"],
                ["HTTPRoute", "shop", ""],
                ["HTTPRoute", "shop-v1", "-v1"],
                ["HTTPRoute", "shop-v2", "-v2"],
            ],
        );
        const byName = (kind: string, name: string) =>
            plan.objects.find((o) => o.object.kind === kind && o.object.metadata.name === name)!.object as any;
        assert.deepEqual(byName("HTTPRoute", "shop").spec.rules[0].backendRefs, [
            { group: "", kind: "Service", name: "shop-v1", port: 8080, weight: 90 },
            { group: "", kind: "Service", name: "shop-v2", port: 8080, weight: 10 },
        ]);
        assert.deepEqual(byName("HTTPRoute", "shop-v2").spec.hostnames, ["shop-v2-shop-ns.apps.example.com"]);
        assert.deepEqual(byName("HTTPRoute", "shop-v2").spec.rules[0].backendRefs, [
            { group: "", kind: "Service", name: "shop-v2", port: 8080 },
        ]);
        assert.deepEqual(byName("Service", "shop-v2").spec.selector, {
            "app.kubernetes.io/name": "shop",
            "app.kubernetes.io/managed-by": "pulumi-rio",
            "app.kubernetes.io/version": "v2",
        });
        assert.deepEqual(byName("Service", "shop").spec.selector, {
            "app.kubernetes.io/name": "shop",
            "app.kubernetes.io/managed-by": "pulumi-rio",
        });
        assert.deepEqual(plan.hostnames, [
            "shop-shop-ns.apps.example.com",
            "shop-v1-shop-ns.apps.example.com",
            "shop-v2-shop-ns.apps.example.com",
        ]);
        for (const o of plan.objects) validateObject(o.object);
    });

    const bad: [string, Record<string, unknown>, (string | number)[], string, boolean?][] = [
        [
            "all weights 0",
            { ports: "80", versions: { a: { image: "x", weight: 0 }, b: { image: "y", weight: 0 } } },
            ["versions"],
            "no version receives traffic: give at least one a weight above 0",
        ],
        [
            "a negative weight",
            { versions: { a: { image: "x", weight: -1 } } },
            ["versions", "a", "weight"],
            "weight may not be negative",
        ],
        [
            "a fractional weight",
            { versions: { a: { image: "x", weight: 0.5 } } },
            ["versions", "a", "weight"],
            "weight must be a whole number",
        ],
        [
            "versions on different ports",
            { versions: { a: { image: "x", ports: "80" }, b: { image: "y", ports: "81" } } },
            ["versions", "b", "ports"],
            "every version of an app serves the same ports (a differs)",
        ],
        [
            "a version that sets the app",
            { versions: { a: { image: "x", app: "other" } } },
            ["versions", "a", "app"],
            "is set for the whole app, not per version",
            true,
        ],
        [
            "a version key that is not a DNS label",
            { versions: { V_1: { image: "x" } } },
            ["versions", "V_1", "name"],
            "service name \"web-V_1\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        ],
        ["a base error", { image: "x", ports: "abc", versions: { a: {} } }, ["ports"], 'port "abc" is not a number'],
        [
            "an error in one version",
            { versions: { a: { image: "x", scale: "two" } } },
            ["versions", "a", "scale"],
            'scale must be a whole number of replicas ≥ 0, not "two"',
        ],
        [
            "empty versions",
            { image: "x", versions: {} },
            ["versions"],
            "must map each version name to its settings (at least one)",
        ],
        [
            "a base weight beside versions",
            { weight: 5, versions: { a: { image: "x" } } },
            ["weight"],
            "is set per version (versions.<version>.weight)",
            true,
        ],
    ];
    for (const [what, input, p, detail, atKey] of bad) {
        it(`rejects ${what}`, () => {
            expectRio(() => normalizeApp("web", input), p, detail, atKey ?? false);
        });
    }
});

describe("versions (Riofile)", () => {
    it("treats services sharing an app as its versions, keeping their workload names", () => {
        const riofile = loadRiofile(path.resolve(__dirname, "../../examples/canary/Riofile"));
        assert.deepEqual(
            riofile.services.map((s) => s.name),
            ["shop"],
        );
        const objects = planObjects(
            planRiofile(riofile, { namespace: "shop-ns", gateway: { domain: "apps.example.com" } }),
        ).map((p) => p.object as any);
        assert.deepEqual(
            objects
                .filter((o) => o.kind === "Deployment")
                .map((o) => [o.metadata.name, o.spec.replicas, o.spec.template.spec.containers[0].image]),
            [
                ["shop", 2, "nginxdemos/hello:0.4"],
                ["shop-v2", 1, "nginxdemos/hello:0.4-plain-text"],
            ],
        );
        const app = objects.find((o) => o.kind === "HTTPRoute" && o.metadata.name === "shop");
        assert.deepEqual(
            app.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
            [
                ["shop-v1", 90],
                ["shop-v2", 10],
            ],
        );
    });
});

describe("versions (RioService under the mock engine)", () => {
    let rio: typeof import("../components");
    before(async () => {
        await installMocks();
        rio = await import("../components");
    });
    beforeEach(reset);

    it("blue/green: green staged at weight 0 is reachable on its own hostname only; promoting is swapping the weights", async () => {
        const svc = new rio.RioService("web", {
            ports: "8080",
            namespace: "prod",
            gateway: { domain: "apps.example.com" },
            versions: { blue: { image: "web:1", weight: 100 }, green: { image: "web:2", weight: 0 } },
        });
        await settle(svc);
        assert.deepEqual(
            applied().map((r) => `${r.type.split(":").pop()}/${r.name}`),
            [
                "Deployment/web-blue",
                "Deployment/web-green",
                "Service/web",
                "Service/web-blue",
                "Service/web-green",
                "HTTPRoute/web",
                "HTTPRoute/web-blue",
                "HTTPRoute/web-green",
            ],
        );
        assert.deepEqual(
            one(ROUTE, "web").inputs.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
            [
                ["web-blue", 100],
                ["web-green", 0],
            ],
        );
        assert.deepEqual(await value(svc.urls), [
            "https://web-prod.apps.example.com",
            "https://web-blue-prod.apps.example.com",
            "https://web-green-prod.apps.example.com",
        ]);
        for (const r of applied()) validateObject(r.inputs);
    });

    it("refuses a versions map given as an Output: it decides which objects exist", async () => {
        const pulumi = await import("@pulumi/pulumi");
        assert.throws(
            () => new rio.RioService("late", { ports: "80", versions: pulumi.output({ a: { image: "x" } }) as any }),
            /RioService "late": versions must be a plain value, not an Output/,
        );
    });
});
