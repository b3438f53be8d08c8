/** Rio's gradual rollouts (`rollout`, `rolloutDuration`) as Flagger Canaries: the steps, the objects, the refusals. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normalizeApp } from "../components/service/app";
import { resolveContext } from "../components/service/context";
import { planApp } from "../components/service/plan";
import { normalizeRollout } from "../components/service/rollout";
import { expectRio } from "./support/rioError";

const ctx = resolveContext("shop", { domain: "apps.example.com", listener: "https" });
const plan = (spec: Record<string, unknown>, c = ctx) => planApp(normalizeApp("web", spec), c);
const kinds = (p: ReturnType<typeof plan>) => p.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`);

describe("gradual rollouts on Flagger", () => {
    it("spreads rolloutDuration over 10-second steps, as Rio spread it over its own", () => {
        assert.deepEqual(normalizeRollout(undefined, "40s"), { intervalSeconds: 10, stepWeight: 25, paused: false });
        assert.deepEqual(normalizeRollout(undefined, 90), { intervalSeconds: 10, stepWeight: 12, paused: false });
        assert.deepEqual(normalizeRollout(undefined, "1h"), { intervalSeconds: 10, stepWeight: 1, paused: false });
        // `rollout` alone: Rio's default duration, 60 s.
        assert.deepEqual(normalizeRollout({ pause: true }, undefined), {
            intervalSeconds: 10,
            stepWeight: 17,
            paused: true,
        });
        assert.deepEqual(normalizeRollout({ increment: 20, intervalSeconds: 30 }, undefined), {
            intervalSeconds: 30,
            stepWeight: 20,
            paused: false,
        });
        assert.deepEqual(normalizeRollout({ interval: 20 }, "2m"), {
            intervalSeconds: 20,
            stepWeight: 17,
            paused: false,
        });
        assert.equal(normalizeRollout(undefined, undefined), undefined);
    });

    it("hands the app's Service and route to a Canary on the route's hosts and Gateway", () => {
        const p = plan({ image: "nginx:1.27", ports: "80:8080/http", scale: 2, rolloutDuration: "40s" });
        assert.deepEqual(kinds(p), ["Deployment/web", "Canary/web"]);
        assert.deepEqual(p.objects[0]!.ownedElsewhere, ["spec.replicas"]);
        assert.equal((p.objects[0]!.object.spec as { replicas: number }).replicas, 2);
        assert.deepEqual(p.objects[1]!.object, {
            apiVersion: "flagger.app/v1beta1",
            kind: "Canary",
            metadata: {
                name: "web",
                namespace: "shop",
                labels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/managed-by": "pulumi-rio" },
            },
            spec: {
                provider: "gatewayapi:v1",
                targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
                service: {
                    port: 80,
                    targetPort: 8080,
                    hosts: ["web-shop.apps.example.com"],
                    gatewayRefs: [
                        {
                            group: "gateway.networking.k8s.io",
                            kind: "Gateway",
                            name: "rio-gateway",
                            namespace: "rio-system",
                            sectionName: "https",
                        },
                    ],
                },
                analysis: { interval: "10s", threshold: 5, stepWeight: 25, maxWeight: 100 },
            },
        });
        // The URLs are the route's: Flagger's route serves the same hosts.
        assert.deepEqual(p.urls, ["https://web-shop.apps.example.com"]);
    });

    it("pauses with Flagger's suspend, and lets Flagger copy the HPA for its primary", () => {
        const p = plan({
            image: "nginx",
            ports: "80/http",
            autoscale: { min: 1, max: 5, cpu: 70 },
            rollout: { pause: true, increment: 10 },
        });
        assert.deepEqual(kinds(p), ["Deployment/web", "Canary/web", "HorizontalPodAutoscaler/web"]);
        const spec = p.objects.find((o) => o.object.kind === "Canary")!.object.spec as Record<string, any>;
        assert.equal(spec.suspend, true);
        assert.deepEqual(spec.autoscalerRef, {
            apiVersion: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            name: "web",
        });
        assert.equal(spec.analysis.stepWeight, 10);
    });

    it("refuses what Flagger cannot express, naming the key", () => {
        expectRio(
            () => normalizeRollout({ interval: 4 }, undefined),
            ["rollout", "interval"],
            "Flagger steps at most every 10 seconds; give a whole number ≥ 10",
        );
        expectRio(
            () => normalizeRollout({ increment: 10 }, "5m"),
            ["rollout", "increment"],
            "give the increment or rolloutDuration, not both: each decides the step",
        );
        expectRio(
            () => normalizeRollout({ increment: 0 }, undefined),
            ["rollout", "increment"],
            "must be a whole percentage from 1 to 100",
        );
        expectRio(
            () => normalizeRollout({ interval: 10, intervalSeconds: 10 }, undefined),
            ["rollout", "intervalSeconds"],
            "give interval or intervalSeconds, not both",
        );
        expectRio(
            () => normalizeRollout(undefined, "soon"),
            ["rolloutDuration"],
            '"soon" is not a duration (seconds, or like 90s, 10m, 1h30m)',
        );
        expectRio(() => normalizeRollout(undefined, "11h"), ["rolloutDuration"], "is at most 10h, as in Rio");
    });

    it("refuses rollouts with versions, concurrency autoscaling, no or two routed ports, other workloads", () => {
        expectRio(
            () =>
                plan({
                    image: "nginx",
                    ports: "80/http",
                    rolloutDuration: 60,
                    versions: { v1: { weight: 90 }, v2: { image: "nginx:2", weight: 10 } },
                }),
            ["rollout"],
            "a gradual rollout moves one workload's new spec through its steps, while versions are separate workloads with weights; use one or the other",
        );
        expectRio(
            () => plan({ image: "nginx", ports: "80/http", rolloutDuration: 60, autoscale: { concurrency: 10 } }),
            ["rollout"],
            "cannot be combined with autoscaling on concurrency: KEDA's interceptor and Flagger would both own the app's route",
        );
        expectRio(
            () => plan({ image: "nginx", rolloutDuration: 60 }),
            ["rollout"],
            "Flagger moves the weights of one routed port, and this service exposes 0; expose exactly one",
        );
        expectRio(
            () => plan({ image: "nginx", ports: ["80/http", "81/http"], rolloutDuration: 60 }),
            ["rollout"],
            "Flagger moves the weights of one routed port, and this service exposes 2; expose exactly one",
        );
        expectRio(
            () => plan({ image: "nginx", ports: "80/http", global: true, rolloutDuration: 60 }),
            ["rollout"],
            "Flagger rolls out Deployments only, and this service is a DaemonSet",
        );
    });
});
