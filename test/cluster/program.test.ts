/**
 * The project's own program (Pulumi.yaml → stacks/index.ts) as the `local` stack with `rio:system.install: false`,
 * from up to destroy. The Go module proxy serves no pulumi-language-nodejs, so the program module is run inline
 * (this process loads it, as the language host would, with the stack's config, from the project root where `pulumi up`
 * runs); everything else is the real CLI.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { useCluster } from "./harness";
import { changes, inlineStack } from "./pulumi";

const ROOT = path.resolve(__dirname, "../../..");
const PROGRAM = path.join(ROOT, "dist/stacks/index.js");
const cluster = useCluster({ crds: ["gatewayApi"] });

/** Loads the program module afresh for each run, as each `pulumi up` starts a new language host. */
async function projectProgram() {
    for (const k of Object.keys(require.cache)) if (k.startsWith(path.join(ROOT, "dist/"))) delete require.cache[k];
    const m = require(PROGRAM);
    return { urls: m.urls, previewNamespace: m.previewNamespace };
}

describe("the project's program on the local control plane", () => {
    it("the local stack without RioSystem: hello-world in rio-local, no drift, destroyed", async () => {
        const cp = cluster();
        const handle = await inlineStack("rio", projectProgram, {
            kubeconfig: cp.kubeconfig,
            config: {
                "rio:riofile": "examples/hello-world/Riofile",
                "rio:namespace": "rio-local",
                "rio:system": JSON.stringify({ install: false }),
                "rio:domain": "127.0.0.1.sslip.io",
            },
        });
        try {
            const up = await handle.stack.up();
            assert.deepEqual(up.outputs.urls.value, {
                "hello-world": ["https://hello-world-rio-local.127.0.0.1.sslip.io"],
            });
            const ns = await cp.kube.get("/api/v1/namespaces/rio-local");
            assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "baseline");
            const deploy = await cp.kube.get("/apis/apps/v1/namespaces/rio-local/deployments/hello-world");
            assert.equal(deploy.status.availableReplicas, deploy.spec.replicas);
            await handle.stack.preview({ expectNoChanges: true });
            await handle.stack.refresh({ expectNoChanges: true });
            const destroy = await handle.stack.destroy();
            assert.ok(changes(destroy.summary.resourceChanges).delete > 0);
            assert.equal(await cp.kube.get("/apis/apps/v1/namespaces/rio-local/deployments/hello-world"), undefined);
        } finally {
            await handle.remove();
        }
    });
});
