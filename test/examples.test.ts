/** Every object `rio render` plans for the shipped examples is valid against the Kubernetes and Gateway API schemas. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { loadRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { validateObject } from "./support/schema";

const EXAMPLES = path.resolve(__dirname, "../../examples");
const riofiles = fs.readdirSync(EXAMPLES).map((d) => path.join(EXAMPLES, d, "Riofile")).filter((f) => fs.existsSync(f));

describe("examples", () => {
    it("has the walkthrough's hello-world, the every-key example and a canary", () => {
        assert.deepEqual(riofiles.map((f) => path.basename(path.dirname(f))).sort(), ["all-keys", "canary", "hello-world"]);
    });
    for (const file of riofiles) {
        for (const namespace of ["default", "team-a"]) {
            it(`${path.relative(EXAMPLES, file)} in ${namespace}: every object is schema-valid`, () => {
                const objects = planObjects(planRiofile(loadRiofile(file), { namespace, gateway: { domain: "apps.example.com" } }));
                assert.ok(objects.length >= 3);
                for (const { object } of objects) {
                    assert.equal(object.metadata.namespace, namespace);
                    validateObject(object);
                }
            });
        }
    }

    it("all-keys: the objects a Rio user expects, with Rio's defaults and aliases applied", () => {
        const objects = planObjects(planRiofile(loadRiofile(path.join(EXAMPLES, "all-keys/Riofile")), { gateway: { domain: "apps.example.com" } })).map((p) => p.object);
        assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), [
            "ConfigMap/site",
            "Deployment/web",
            "Service/shop",
            "HTTPRoute/shop",
            "HTTPRoute/shop-8443",
            "PodDisruptionBudget/web",
            "Deployment/worker",
            "Deployment/cache",
            "Service/cache",
        ]);
        const worker = objects.find((o) => o.metadata.name === "worker") as any;
        const c = worker.spec.template.spec.containers[0];
        assert.deepEqual(c.env, [{ name: "QUEUE", value: "orders" }, { name: "BATCH", value: "10" }]);
        assert.deepEqual(c.resources, { requests: { cpu: "100m", memory: "32Mi" } });
        assert.equal(worker.spec.replicas, 1);
        const cache = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "cache") as any;
        assert.deepEqual(cache.spec.template.spec.containers[0].readinessProbe, { tcpSocket: { port: 6379 } });
        assert.equal(cache.spec.template.spec.containers[0].imagePullPolicy, "Always");
        const cacheSvc = objects.find((o) => o.kind === "Service" && o.metadata.name === "cache") as any;
        assert.deepEqual(cacheSvc.spec.ports, [{ name: "tcp-6379", port: 6379, targetPort: 6379, protocol: "TCP" }]);
    });
});
