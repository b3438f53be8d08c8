/**
 * Rio's gradual rollouts on real Flagger v1.36.1: a Riofile with rolloutDuration is deployed by `pulumi up`, Flagger
 * takes the service's Deployment over (its primary, its Services and the app's HTTPRoute), and a new image moves the
 * route's weights by the planned steps to 100 before Flagger promotes it; `pulumi preview` during and after the
 * rollout finds nothing to change in what Flagger owns.
 */
import * as k8s from "@pulumi/kubernetes";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deployRiofile } from "../../components/riofile/deploy";
import { parseRiofile } from "../../components/riofile/load";
import { waitFor } from "./controlPlane";
import { startFlagger } from "./flagger";
import { namespaceObject, useCluster } from "./harness";
import { inlineStack } from "./pulumi";

const cluster = useCluster({ crds: ["gatewayApi", "flagger"] });
const NS = "rollout";
const riofile = (image: string, paused: boolean) =>
    [
        "services:",
        "  web:",
        `    image: ${image}`,
        "    ports: 80:8080/http",
        "    scale: 2",
        "    rolloutDuration: 40s",
        ...(paused ? ["    rollout:", "      pause: true"] : []),
        "",
    ].join("\n");

describe("gradual rollouts on Flagger", () => {
    it("a new image takes the traffic in 25% steps to 100, pause holds the next; preview sees no change throughout", async () => {
        const cp = cluster();
        const flagger = await startFlagger(cp);
        let image = "nginx:1.27";
        let paused = false;
        const handle = await inlineStack(
            "rollout",
            async () => {
                const ns = new k8s.core.v1.Namespace(NS, namespaceObject(NS) as k8s.core.v1.NamespaceArgs);
                deployRiofile(
                    parseRiofile(riofile(image, paused), "Riofile"),
                    { namespace: NS, gateway: { domain: "apps.example.com" } },
                    { dependsOn: [ns] },
                );
                return {};
            },
            { kubeconfig: cp.kubeconfig },
        );
        const canary = () => cp.kube.get(`/apis/flagger.app/v1beta1/namespaces/${NS}/canaries/web`);
        const weights = async () => {
            const route = await cp.kube.get(`/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/httproutes/web`);
            const refs = (route?.spec?.rules?.[0]?.backendRefs ?? []) as { name: string; weight: number }[];
            return Object.fromEntries(refs.map((b) => [b.name, b.weight]));
        };
        const phase = (want: string) =>
            waitFor(
                `Canary web to be ${want}`,
                async () => {
                    if (!flagger.alive()) throw new Error(`flagger exited:\n${cp.logTail("flagger")}`);
                    const c = await canary();
                    if (c?.status?.phase !== want) throw new Error(`phase ${c?.status?.phase ?? "none"}`);
                    return c;
                },
                180_000,
                500,
            );
        try {
            await handle.stack.up();
            await phase("Initialized");
            // Flagger made the primary and owns the route: all traffic on it, the target scaled to 0.
            assert.deepEqual(await weights(), { "web-primary": 100, "web-canary": 0 });
            const primary = await cp.kube.get(`/apis/apps/v1/namespaces/${NS}/deployments/web-primary`);
            assert.equal(primary.spec.template.spec.containers[0].image, "nginx:1.27");
            assert.equal(primary.spec.replicas, 2);
            await handle.stack.preview({ expectNoChanges: true });

            image = "nginx:1.28";
            await handle.stack.up();
            const seen: number[] = [];
            let previewed = false;
            await waitFor(
                "Flagger to move the canary's weight to 100",
                async () => {
                    const w = (await weights())["web-canary"];
                    if (w !== undefined && seen[seen.length - 1] !== w) seen.push(w);
                    if (!previewed && w === 50) {
                        // Mid-rollout: Pulumi leaves Flagger's fields (replicas, the route, the Services) alone.
                        await handle.stack.preview({ expectNoChanges: true });
                        previewed = true;
                    }
                    if (w !== 100) throw new Error(`weights so far ${seen.join(" → ")}`);
                    return true;
                },
                240_000,
                500,
            );
            assert.deepEqual(
                seen.filter((w) => w > 0),
                [25, 50, 75, 100],
            );
            assert.equal(previewed, true, "a preview ran while the rollout was at 50%");
            await phase("Succeeded");
            const promoted = await cp.kube.get(`/apis/apps/v1/namespaces/${NS}/deployments/web-primary`);
            assert.equal(promoted.spec.template.spec.containers[0].image, "nginx:1.28");
            assert.deepEqual(await weights(), { "web-primary": 100, "web-canary": 0 });
            await handle.stack.preview({ expectNoChanges: true });

            // `pause: true` holds the next rollout where it is: Flagger skips the suspended Canary at each run.
            const skipped = async () => {
                const selector = encodeURIComponent("involvedObject.kind=Canary,involvedObject.name=web");
                const list = await cp.kube.get(`/api/v1/namespaces/${NS}/events?fieldSelector=${selector}`);
                return (list?.items as { message: string; count?: number }[] | undefined)?.find(
                    (e) => e.message === "skipping canary run as object is suspended",
                );
            };
            const before = (await skipped())?.count ?? 0;
            paused = true;
            image = "nginx:1.29";
            await handle.stack.up();
            assert.equal((await canary()).spec.suspend, true);
            await waitFor(
                "Flagger to skip the paused Canary after the new image",
                async () => {
                    const e = await skipped();
                    if ((e?.count ?? 0) <= before) throw new Error(`skip events: ${e?.count ?? 0}`);
                    return e;
                },
                60_000,
                500,
            );
            assert.deepEqual(await weights(), { "web-primary": 100, "web-canary": 0 });
            const held = await cp.kube.get(`/apis/apps/v1/namespaces/${NS}/deployments/web-primary`);
            assert.equal(held.spec.template.spec.containers[0].image, "nginx:1.28");
            assert.equal((await canary()).status.phase, "Succeeded");
            await handle.stack.preview({ expectNoChanges: true });
            await handle.stack.destroy();
        } finally {
            await handle.remove();
        }
    });
});
