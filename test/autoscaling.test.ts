/** Autoscaling: Rio's concurrency scaling on KEDA's HTTP add-on (to zero), cpu/memory on an HPA, and PodDisruptionBudgets. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normalizeApp } from "../components/service/app";
import { resolveContext } from "../components/service/context";
import { planApp } from "../components/service/plan";
import { normalizeService } from "../components/service/spec";
import { parseRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";

const ctx = resolveContext("shop", { domain: "apps.example.com", listener: "https" });

function objects(spec: Record<string, unknown>, name = "web") {
    const plan = planApp(normalizeApp(name, spec), ctx);
    for (const o of plan.objects) validateObject(o.object);
    const get = (kind: string, n = name) =>
        plan.objects.find((o) => o.object.kind === kind && o.object.metadata.name === n)?.object as any;
    return { plan, get, kinds: plan.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`) };
}

describe("autoscaling on concurrency (KEDA HTTP add-on)", () => {
    it("scale: 0-5 — scale to zero: interceptor route, scaled object, the app route through the interceptor, a grant for it", () => {
        const { get, kinds } = objects({ image: "web:1", ports: "8080", scale: "0-5" });
        assert.deepEqual(kinds, [
            "Deployment/web",
            "Service/web",
            "HTTPRoute/web",
            "InterceptorRoute/web",
            "ScaledObject/web",
            "PodDisruptionBudget/web",
            "ReferenceGrant/rio-shop-web",
        ]);
        assert.equal(get("Deployment").spec.replicas, undefined);
        assert.deepEqual(get("InterceptorRoute").spec, {
            target: { service: "web", port: 8080 },
            rules: [{ hosts: ["web-shop.apps.example.com"] }],
            scalingMetric: { concurrency: { targetValue: 10 } },
            timeouts: { readiness: "60s" },
        });
        assert.deepEqual(get("ScaledObject").spec, {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
            minReplicaCount: 0,
            maxReplicaCount: 5,
            triggers: [
                {
                    type: "external-push",
                    metadata: {
                        interceptorRoute: "web",
                        scalerAddress: "keda-add-ons-http-external-scaler.rio-system:9090",
                    },
                },
            ],
        });
        assert.deepEqual(get("HTTPRoute").spec.rules[0].backendRefs, [
            {
                group: "",
                kind: "Service",
                name: "keda-add-ons-http-interceptor-proxy",
                namespace: "rio-system",
                port: 8080,
            },
        ]);
        assert.deepEqual(get("ReferenceGrant", "rio-shop-web").metadata.namespace, "rio-system");
        assert.deepEqual(get("ReferenceGrant", "rio-shop-web").spec, {
            from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "shop" }],
            to: [{ group: "", kind: "Service", name: "keda-add-ons-http-interceptor-proxy" }],
        });
    });

    it("Rio's autoscale keys and aliases: {concurrency, minScale, maxScale}", () => {
        const { get } = objects({
            image: "web:1",
            ports: "8080",
            autoscale: { concurrency: 25, minScale: 1, maxScale: 4 },
        });
        assert.equal(get("InterceptorRoute").spec.scalingMetric.concurrency.targetValue, 25);
        assert.deepEqual([get("ScaledObject").spec.minReplicaCount, get("ScaledObject").spec.maxReplicaCount], [1, 4]);
    });

    it("versions with weights still split: each weighted backend is the interceptor with a version header, and each version's interceptor route matches its header", () => {
        const { get } = objects({
            ports: "8080",
            scale: "0-3",
            versions: { v1: { image: "web:1", weight: 90 }, v2: { image: "web:2", weight: 10 } },
        });
        const interceptor = {
            group: "",
            kind: "Service",
            name: "keda-add-ons-http-interceptor-proxy",
            namespace: "rio-system",
            port: 8080,
        };
        const header = (v: string) => [
            { type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "x-rio-version", value: v }] } },
        ];
        assert.deepEqual(get("HTTPRoute").spec.rules[0].backendRefs, [
            { ...interceptor, weight: 90, filters: header("v1") },
            { ...interceptor, weight: 10, filters: header("v2") },
        ]);
        assert.deepEqual(get("HTTPRoute", "web-v2").spec.rules[0].backendRefs, [
            { ...interceptor, filters: header("v2") },
        ]);
        assert.deepEqual(get("InterceptorRoute", "web-v2").spec.target, { service: "web-v2", port: 8080 });
        assert.deepEqual(get("InterceptorRoute", "web-v2").spec.rules, [
            {
                hosts: ["web-shop.apps.example.com", "web-v2-shop.apps.example.com"],
                headers: [{ name: "x-rio-version", value: "v2" }],
            },
        ]);
        assert.deepEqual(get("ScaledObject", "web-v1").spec.scaleTargetRef, {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: "web-v1",
        });
    });
});

describe("what KEDA scales: the workload by its kind", () => {
    it("a StatefulSet (volumeTemplates) on concurrency: the ScaledObject names the StatefulSet, not KEDA's default Deployment", () => {
        const { get, kinds } = objects({
            image: "db:1",
            ports: "5432",
            scale: "0-3",
            volumeTemplates: [{ name: "data" }],
            volumes: "data:/var/lib/data",
        });
        assert.deepEqual(kinds.slice(0, 1), ["StatefulSet/web"]);
        assert.deepEqual(get("ScaledObject").spec.scaleTargetRef, {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            name: "web",
        });
        // The interceptor routes to the Service, whatever runs behind it.
        assert.deepEqual(get("InterceptorRoute").spec.target, { service: "web", port: 5432 });
    });

    it("a global service (a DaemonSet, which has no scale) that autoscales is refused at its key, in the file", () => {
        for (const [key, value] of [
            ["autoscale", "{concurrency: 5}"],
            ["scale", '"0-3"'],
        ] as const) {
            assert.throws(
                () =>
                    planRiofile(
                        parseRiofile(
                            `services:\n  web:\n    image: web:1\n    ports: 8080\n    global: true\n    ${key}: ${value}\n`,
                            "Riofile",
                        ),
                        { namespace: "shop", gateway: { domain: "apps.example.com" } },
                    ),
                (e: unknown) =>
                    e instanceof Error &&
                    e.message ===
                        `Riofile:6:5 services.web.${key}: a global service runs one pod on every node: it has no scale`,
            );
        }
    });
});

describe("autoscaling on cpu/memory (HPA) and disruption budgets", () => {
    it("autoscale {cpu, memory}: a HorizontalPodAutoscaler, traffic straight to the Service", () => {
        const { get, kinds } = objects({
            image: "web:1",
            ports: "8080",
            autoscale: { cpu: 70, memory: 80, minReplicas: 2, maxReplicas: 6 },
        });
        assert.deepEqual(kinds, [
            "Deployment/web",
            "Service/web",
            "HTTPRoute/web",
            "HorizontalPodAutoscaler/web",
            "PodDisruptionBudget/web",
        ]);
        assert.deepEqual(get("HorizontalPodAutoscaler").spec, {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
            minReplicas: 2,
            maxReplicas: 6,
            metrics: [
                {
                    type: "Resource",
                    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
                },
                {
                    type: "Resource",
                    resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } },
                },
            ],
        });
        assert.equal(get("HTTPRoute").spec.rules[0].backendRefs[0].name, "web");
        assert.equal(get("Deployment").spec.replicas, undefined);
    });

    it("a PodDisruptionBudget only where two or more replicas can run", () => {
        assert.ok(!objects({ image: "web:1", scale: 1 }).kinds.includes("PodDisruptionBudget/web"));
        assert.ok(objects({ image: "web:1", scale: 2 }).kinds.includes("PodDisruptionBudget/web"));
        assert.ok(!objects({ image: "web:1", ports: "80", scale: "0-1" }).kinds.includes("PodDisruptionBudget/web"));
    });

    const bad: [string, Record<string, unknown>, (string | number)[], string, boolean?][] = [
        ["min above max", { ports: "80", scale: "5-2" }, ["scale"], "the minimum (5) is above the maximum (2)"],
        [
            "min above max in autoscale",
            { ports: "80", autoscale: { minReplicas: 4, maxReplicas: 3 } },
            ["autoscale"],
            "the minimum (4) is above the maximum (3)",
        ],
        [
            "concurrency 0",
            { ports: "80", autoscale: { concurrency: 0 } },
            ["autoscale", "concurrency"],
            "concurrency must be at least 1",
        ],
        [
            "cpu with scale to zero",
            { ports: "80", autoscale: { cpu: 50, minReplicas: 0 } },
            ["autoscale"],
            "scaling on cpu/memory needs at least 1 replica; scale to zero works with concurrency",
        ],
        [
            "cpu and concurrency",
            { ports: "80", autoscale: { cpu: 50, concurrency: 5 } },
            ["autoscale", "concurrency"],
            "scale on concurrency or on cpu/memory, not both",
            true,
        ],
        [
            "cpu over 100%",
            { ports: "80", autoscale: { cpu: 150 } },
            ["autoscale", "cpu"],
            "cpu is a target utilization in percent (1-100)",
        ],
        [
            "two spellings of min",
            { ports: "80", autoscale: { min: 1, minReplicas: 2 } },
            ["autoscale", "min"],
            "sets the same thing as minReplicas; keep one",
            true,
        ],
        [
            "a range and autoscale",
            { ports: "80", scale: "1-3", autoscale: { concurrency: 5 } },
            ["scale"],
            "a scale range and autoscale both set the bounds; keep one",
        ],
        [
            "an unknown autoscale key",
            { ports: "80", autoscale: { target: 5 } },
            ["autoscale", "target"],
            "unknown key",
            true,
        ],
    ];
    for (const [what, spec, p, detail, atKey] of bad) {
        it(`rejects ${what}`, () => {
            expectRio(() => normalizeService("web", { image: "x", ...spec }), p, detail, atKey ?? false);
        });
    }
});

describe("Rio's own export Riofile's services (rio-compat)", () => {
    it("two versions with autoscale {concurrency 10, 1-10}, replicas 1 and relative weights 100/100: an even split through the interceptor", () => {
        const text = [
            "services:",
            "  export-test-image:",
            "    app: export-test-image",
            "    autoscale: {concurrency: 10, maxReplicas: 10, minReplicas: 1}",
            "    image: ibuildthecloud/demo:v1",
            "    imagePullPolicy: IfNotPresent",
            '    ports: ["80"]',
            "    replicas: 1",
            "    version: v0",
            "    weight: 100",
            "  export-test-image-v3:",
            "    app: export-test-image",
            "    autoscale: {concurrency: 10, maxReplicas: 10, minReplicas: 1}",
            "    image: ibuildthecloud/demo:v3",
            "    imagePullPolicy: IfNotPresent",
            '    ports: ["80"]',
            "    replicas: 1",
            "    version: v3",
            "    weight: 100",
        ].join("\n");
        const all = planObjects(
            planRiofile(parseRiofile(text, "Riofile"), {
                namespace: "default",
                gateway: { domain: "apps.example.com" },
            }),
        ).map((p) => p.object as any);
        const route = all.find((o) => o.kind === "HTTPRoute" && o.metadata.name === "export-test-image");
        assert.deepEqual(
            route.spec.rules[0].backendRefs.map((b: any) => [
                b.name,
                b.weight,
                b.filters[0].requestHeaderModifier.set[0].value,
            ]),
            [
                ["keda-add-ons-http-interceptor-proxy", 100, "v0"],
                ["keda-add-ons-http-interceptor-proxy", 100, "v3"],
            ],
        );
        assert.deepEqual(
            all
                .filter((o) => o.kind === "ScaledObject")
                .map((o) => [o.metadata.name, o.spec.minReplicaCount, o.spec.maxReplicaCount]),
            [
                ["export-test-image", 1, 10],
                ["export-test-image-v3", 1, 10],
            ],
        );
        all.forEach(validateObject);
    });
});
