/**
 * PreviewEnv and the failure path on the local control plane: a preview's namespace with its NetworkPolicy,
 * quota and LimitRange admitted and enforced by the API server, removed by destroy; and a broken Riofile that
 * leaves the stack's state and the cluster exactly as they were.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PreviewEnv } from "../../components";
import { deployRiofile } from "../../components/riofile/deploy";
import { loadRiofile } from "../../components/riofile/load";
import { useCluster } from "./harness";
import { applySystemObjects } from "./riofiles";
import { changes, inlineStack } from "./pulumi";

const ROOT = path.resolve(__dirname, "../../..");
const cluster = useCluster({ crds: ["gatewayApi", "certManager", "keda", "kedaHttp", "traefik"] });
const GATEWAY = { domain: "apps.example.com", implementation: "traefik" as const };

describe("PreviewEnv on the local control plane", () => {
    it("pr-7 of hello-world: its namespace, isolation, quota and limits, then nothing left", async () => {
        const cp = cluster();
        applySystemObjects(cp, "traefik");
        const handle = await inlineStack(
            "preview",
            async () => {
                const preview = new PreviewEnv("pr", {
                    pullRequest: 7,
                    riofile: loadRiofile(path.join(ROOT, "examples/hello-world/Riofile")),
                    system: { gateway: GATEWAY },
                });
                return { namespace: preview.namespace, url: preview.url };
            },
            { kubeconfig: cp.kubeconfig },
        );
        try {
            const up = await handle.stack.up();
            const ns = up.outputs.namespace.value as string;
            assert.equal(ns, "preview-pr-7");
            assert.equal(up.outputs.url.value, "https://hello-world-pr-7.apps.example.com");

            const namespace = await cp.kube.get(`/api/v1/namespaces/${ns}`);
            assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "baseline");
            const policies = await cp.kube.get(`/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`);
            assert.ok(policies.items.length >= 1, "a NetworkPolicy isolates the namespace");
            const quotas = await cp.kube.get(`/api/v1/namespaces/${ns}/resourcequotas`);
            assert.equal(quotas.items.length, 1);
            // The quota controller has counted the preview's pod against it.
            const quota = quotas.items[0];
            assert.ok(quota.spec.hard, "the quota has hard limits");
            const limits = await cp.kube.get(`/api/v1/namespaces/${ns}/limitranges`);
            assert.equal(limits.items.length, 1);
            const deploy = await cp.kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/hello-world`);
            assert.equal(deploy.status.availableReplicas, 1);

            await handle.stack.preview({ expectNoChanges: true });
            await handle.stack.refresh({ expectNoChanges: true });

            await handle.stack.destroy();
            const gone = await cp.kube.get(`/api/v1/namespaces/${ns}`);
            assert.ok(gone === undefined || gone.status.phase === "Terminating", "the preview's namespace is deleted");
            assert.equal(await cp.kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/hello-world`), undefined);
        } finally {
            await handle.remove();
        }
    });
});

describe("a broken Riofile on the local control plane", () => {
    it("fails the update before anything changes: the state and the cluster stay as they were", async () => {
        const cp = cluster();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-broken-"));
        const file = path.join(dir, "Riofile");
        fs.writeFileSync(file, "services:\n  web:\n    image: nginx:1.27-alpine\n    ports: 80:8080/http\n");
        const ns = "default";
        const handle = await inlineStack(
            "broken",
            async () => {
                deployRiofile(loadRiofile(file), { namespace: ns, gateway: GATEWAY });
            },
            { kubeconfig: cp.kubeconfig },
        );
        try {
            await handle.stack.up();
            const before = await cp.kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
            const stateBefore = await handle.stack.exportStack();

            // The same service with a bad port, and a second one that would be new.
            fs.writeFileSync(
                file,
                "services:\n  web:\n    image: nginx:1.28-alpine\n    ports: 80:abc/http\n  extra:\n    image: nginx\n",
            );
            assert.throws(() => loadRiofile(file), /Riofile:4:/);
            // The same stack's up, with the program throwing as it does on bad input (in a process of its own).
            const r = spawnSync(
                process.execPath,
                [path.join(__dirname, "failingUp.js"), handle.home, "broken", file, ns, cp.kubeconfig],
                { encoding: "utf8" },
            );
            assert.equal(r.status, 0, r.stderr);
            const failed = JSON.parse(r.stdout.trim().split("\n").pop()!);
            assert.equal(failed.failed, true);
            assert.match(failed.message, /Riofile:4:\d+ services\.web\.ports: target port "abc" is not a number/);

            const after = await cp.kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
            assert.equal(
                after.metadata.resourceVersion,
                before.metadata.resourceVersion,
                "the Deployment is untouched",
            );
            assert.equal(after.spec.template.spec.containers[0].image, "nginx:1.27-alpine");
            assert.equal(await cp.kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/extra`), undefined);
            const stateAfter = await handle.stack.exportStack();
            const urns = (s: typeof stateBefore) =>
                (s.deployment.resources ?? []).map((r: { urn: string }) => r.urn).sort();
            assert.deepEqual(urns(stateAfter), urns(stateBefore), "the state holds the same resources");

            // Mended, the next update goes through from where it was.
            fs.writeFileSync(file, "services:\n  web:\n    image: nginx:1.28-alpine\n    ports: 80:8080/http\n");
            const mended = await handle.stack.up();
            const ops = changes(mended.summary.resourceChanges);
            assert.deepEqual([ops.update, ops.create, ops.delete, ops.replace], [1, undefined, undefined, undefined]);
            const rolled = await cp.kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
            assert.equal(rolled.spec.template.spec.containers[0].image, "nginx:1.28-alpine");
            assert.equal(rolled.metadata.uid, before.metadata.uid, "the same Deployment, updated in place");
        } finally {
            await handle.remove();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
