/**
 * pulumi-rio's concurrency autoscaling acted on by real KEDA and its HTTP add-on (test/cluster/keda.ts) on the
 * local control plane: the compat Riofile's planned objects, applied as `rio render` prints them, become Ready
 * ScaledObjects owning their HPAs and InterceptorRoutes the interceptor routes; a service at min 0 is scaled to
 * zero, and a request held by the interceptor scales it back; the HPAs read KEDA's metric through the
 * aggregation layer. Every step waits on what the API server or the interceptor reports.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { planObjects, planRiofile } from "../../components/render/plan";
import { loadRiofile } from "../../components/riofile/load";
import { waitFor } from "./controlPlane";
import { namespaceObject, useCluster } from "./harness";
import { Keda, startKeda } from "./keda";

const cluster = useCluster({ crds: ["gatewayApi", "keda", "kedaHttp"], aggregationLayer: true });
const RIOFILE = path.resolve(__dirname, "../../..", "test/compat/autoscaling/Riofile");
const NS = "autoscaling";
const DOMAIN = "apps.example.com";

type Obj = { apiVersion: string; kind: string; metadata: { name: string }; spec: any };
type Condition = { type: string; status: string; reason?: string };
const condition = (o: any, type: string): Condition | undefined =>
    o?.status?.conditions?.find((c: Condition) => c.type === type);

const planned = (): Obj[] =>
    planObjects(planRiofile(loadRiofile(RIOFILE), { namespace: NS, gateway: { domain: DOMAIN } })).map(
        (p) => p.object as Obj,
    );
const ofKind = (kind: string) => planned().filter((o) => o.kind === kind);

async function queue(keda: Keda): Promise<Record<string, { Concurrency: number }>> {
    const r = await fetch(`${keda.adminUrl}/queue`);
    if (r.status !== 200) throw new Error(`GET /queue: ${r.status}`);
    return (await r.json()) as Record<string, { Concurrency: number }>;
}

describe("KEDA and its HTTP add-on on pulumi-rio's autoscalers", () => {
    let keda: Keda;
    before(async () => {
        keda = await startKeda(cluster(), { metricsAdapter: true });
        cluster().kube.apply([namespaceObject(NS), ...planned()]);
    });

    it("every ScaledObject is Ready and owns its HPA on the add-on's metric; every InterceptorRoute is routed", async () => {
        const kube = cluster().kube;
        const scaledObjects = ofKind("ScaledObject");
        assert.deepEqual(
            scaledObjects.map((o) => o.metadata.name),
            ["autoscale", "zero"],
        );
        for (const so of scaledObjects) {
            const name = so.metadata.name;
            const ready = await waitFor(
                `ScaledObject ${name} Ready`,
                async () => {
                    const o = await kube.get(`/apis/keda.sh/v1alpha1/namespaces/${NS}/scaledobjects/${name}`);
                    const c = condition(o, "Ready");
                    if (c?.status !== "True") throw new Error(JSON.stringify(o?.status?.conditions ?? null));
                    return o;
                },
                90_000,
            );
            assert.equal(ready.status.hpaName, `keda-hpa-${name}`);
            const hpa = await kube.get(
                `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers/keda-hpa-${name}`,
            );
            assert.deepEqual(
                hpa.metadata.ownerReferences.map((r: any) => [r.apiVersion, r.kind, r.name, r.uid, r.controller]),
                [["keda.sh/v1alpha1", "ScaledObject", name, ready.metadata.uid, true]],
            );
            assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name });
            assert.equal(hpa.spec.maxReplicas, so.spec.maxReplicaCount);
            // The metric the add-on's scaler declares for the InterceptorRoute, at the Riofile's concurrency.
            const route = ofKind("InterceptorRoute").find((r) => r.metadata.name === name)!;
            assert.deepEqual(
                hpa.spec.metrics.map((m: any) => [m.type, m.external.metric.name, m.external.target]),
                [
                    [
                        "External",
                        `s0-http_${name}_concurrency`,
                        {
                            type: "AverageValue",
                            averageValue: String(route.spec.scalingMetric.concurrency.targetValue),
                        },
                    ],
                ],
            );
        }

        for (const route of ofKind("InterceptorRoute")) {
            const name = route.metadata.name;
            await waitFor(`InterceptorRoute ${name} Ready (the add-on's operator)`, async () => {
                const o = await kube.get(`/apis/http.keda.sh/v1beta1/namespaces/${NS}/interceptorroutes/${name}`);
                return condition(o, "Ready")?.status === "True" ? o : undefined;
            });
        }
        // The interceptor's routing table: a queue per route it serves, which the scaler reads.
        const counts = await waitFor("the interceptor to route both InterceptorRoutes", async () => {
            const q = await queue(keda);
            return q[`${NS}/autoscale`] && q[`${NS}/zero`] ? q : undefined;
        });
        assert.deepEqual(Object.keys(counts).sort(), [`${NS}/autoscale`, `${NS}/zero`]);
    });

    it("at min 0 KEDA scales the Deployment to zero; a request the interceptor holds scales it to a Ready pod", async () => {
        const kube = cluster().kube;
        const deployment = `/apis/apps/v1/namespaces/${NS}/deployments/zero`;
        await waitFor(
            "KEDA to scale zero's Deployment to 0",
            async () => {
                const d = await kube.get(deployment);
                return d.spec.replicas === 0 && (d.status.replicas ?? 0) === 0 ? d : undefined;
            },
            90_000,
        );

        // As the Gateway would forward it: to the interceptor, with the app's host. Nothing can answer it (no pod
        // network), so what is asserted is the scale-up it causes; the request is dropped after.
        const request = http.request({
            host: "127.0.0.1",
            port: keda.proxyPort,
            path: "/",
            headers: { host: `zero-${NS}.${DOMAIN}` },
        });
        request.on("error", () => undefined);
        request.end();
        try {
            await waitFor(
                "the interceptor to hold the request",
                async () => ((await queue(keda))[`${NS}/zero`]?.Concurrency === 1 ? true : undefined),
                30_000,
                50,
            );
            const up = await waitFor(
                "KEDA to scale zero's Deployment up",
                async () => {
                    const d = await kube.get(deployment);
                    return d.spec.replicas >= 1 ? d : undefined;
                },
                60_000,
            );
            assert.equal(up.spec.replicas, 1);
            await waitFor(
                "zero's pod to be Ready (kwok)",
                async () => {
                    const pods = await kube.get(
                        `/api/v1/namespaces/${NS}/pods?labelSelector=app.kubernetes.io%2Fname%3Dzero`,
                    );
                    const ready = pods.items.filter((p: any) => condition(p, "Ready")?.status === "True");
                    return ready.length === 1 ? ready : undefined;
                },
                60_000,
            );
            const so = await kube.get(`/apis/keda.sh/v1alpha1/namespaces/${NS}/scaledobjects/zero`);
            assert.equal(condition(so, "Active")?.status, "True");
        } finally {
            request.destroy();
        }
    });

    it("the HPA reads KEDA's metric through the external metrics API", async () => {
        const kube = cluster().kube;
        const metric = "s0-http_autoscale_concurrency";
        const selector = "labelSelector=scaledobject.keda.sh%2Fname%3Dautoscale";
        const served = await kube.get(`/apis/external.metrics.k8s.io/v1beta1/namespaces/${NS}/${metric}?${selector}`);
        assert.deepEqual(
            served.items.map((i: any) => [i.metricName, i.value]),
            [[metric, "0"]],
        );
        const hpa = await waitFor(
            "keda-hpa-autoscale to report its metric",
            async () => {
                const h = await kube.get(
                    `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers/keda-hpa-autoscale`,
                );
                const active = condition(h, "ScalingActive");
                if (active?.status !== "True") throw new Error(JSON.stringify(h?.status ?? null));
                return h;
            },
            90_000,
        );
        assert.equal(condition(hpa, "ScalingActive")?.reason, "ValidMetricFound");
        assert.deepEqual(
            hpa.status.currentMetrics.map((m: any) => [m.type, m.external.metric.name, m.external.current]),
            [["External", metric, { averageValue: "0" }]],
        );
        // KEDA mirrors the HPA's health on the ScaledObject.
        await waitFor("ScaledObject autoscale HPAActive", async () => {
            const so = await kube.get(`/apis/keda.sh/v1alpha1/namespaces/${NS}/scaledobjects/autoscale`);
            const c = condition(so, "HPAActive");
            return c?.status === "True" && c.reason === "HPAActive" ? c : undefined;
        });
    });
});
