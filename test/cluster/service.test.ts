/**
 * RioService through real `pulumi` runs against the local control plane: preview → up → a no-change preview →
 * refresh without drift → an edit updated in place → destroy, each step asserted against the API server.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { RioService, RioServiceArgs } from "../../components";
import { waitFor } from "./controlPlane";
import { namespaceObject, useCluster } from "./harness";
import { changes, inlineStack } from "./pulumi";

const cluster = useCluster({ crds: ["gatewayApi"] });
const GATEWAY = { domain: "apps.example.com", implementation: "traefik" as const };

/** A namespace and one RioService in it; the stack exports the service's url. */
function serviceProgram(ns: string, name: string, args: () => RioServiceArgs) {
    return async () => {
        const namespace = new k8s.core.v1.Namespace(ns, namespaceObject(ns) as k8s.core.v1.NamespaceArgs);
        const svc = new RioService(
            name,
            { ...args(), namespace: namespace.metadata.name, gateway: GATEWAY },
            { dependsOn: [namespace] },
        );
        return { url: svc.url, serviceName: svc.serviceName };
    };
}

describe("RioService on the local control plane", () => {
    it("a plain service: create, no drift, update in place, destroy", async () => {
        const kube = cluster().kube;
        const ns = "plain";
        let args: RioServiceArgs = {
            image: "nginx:1.27-alpine",
            ports: "80:8080/http",
            env: { GREETING: "hello" },
            scale: 2,
        };
        const handle = await inlineStack(
            "plain-service",
            serviceProgram(ns, "web", () => args),
            {
                kubeconfig: cluster().kubeconfig,
            },
        );
        const { stack } = handle;
        try {
            const preview = await stack.preview();
            // The stack, the default provider, the namespace, the component and its Deployment, Service and HTTPRoute.
            assert.deepEqual(changes(preview.changeSummary), { create: 7 });

            const up = await stack.up();
            assert.deepEqual(changes(up.summary.resourceChanges), { create: 7 });
            assert.equal(up.outputs.url.value, "https://web-plain.apps.example.com");
            assert.equal(up.outputs.serviceName.value, "web");

            // What the API server holds, and what the controllers and kwok made of it.
            const deploy = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
            assert.equal(deploy.spec.replicas, 2);
            assert.equal(deploy.status.availableReplicas, 2);
            const container = deploy.spec.template.spec.containers[0];
            assert.equal(container.image, "nginx:1.27-alpine");
            assert.deepEqual(container.env, [{ name: "GREETING", value: "hello" }]);
            assert.deepEqual(container.ports, [{ name: "http-80", containerPort: 8080, protocol: "TCP" }]);
            const service = await kube.get(`/api/v1/namespaces/${ns}/services/web`);
            assert.deepEqual(
                service.spec.ports.map((p: { port: number; targetPort: number }) => [p.port, p.targetPort]),
                [[80, 8080]],
            );
            const slices = await kube.get(
                `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb`,
            );
            assert.equal(
                slices.items.flatMap((s: { endpoints?: unknown[] }) => s.endpoints ?? []).length,
                2,
                "both pods are endpoints of the Service",
            );
            const route = await kube.get(`/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes/web`);
            assert.deepEqual(route.spec.hostnames, ["web-plain.apps.example.com"]);
            assert.deepEqual(route.spec.parentRefs, [
                { group: "gateway.networking.k8s.io", kind: "Gateway", name: "rio-gateway", namespace: "rio-system" },
            ]);

            await stack.preview({ expectNoChanges: true });
            await stack.refresh({ expectNoChanges: true });

            args = { ...args, env: { GREETING: "bonjour" }, scale: 3 };
            const edit = await stack.up();
            assert.deepEqual(changes(edit.summary.resourceChanges), { same: 6, update: 1 });
            const after = await waitFor("the Deployment to roll to 3 available replicas", async () => {
                const d = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
                return d.status.availableReplicas === 3 && d.status.updatedReplicas === 3 ? d : undefined;
            });
            assert.deepEqual(after.spec.template.spec.containers[0].env, [{ name: "GREETING", value: "bonjour" }]);
            assert.equal(after.metadata.uid, deploy.metadata.uid, "updated in place, not replaced");

            const destroy = await stack.destroy();
            assert.deepEqual(changes(destroy.summary.resourceChanges), { delete: 7 });
            assert.equal(await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/web`), undefined);
            assert.equal(await kube.get(`/api/v1/namespaces/${ns}/services/web`), undefined);
            assert.equal(
                await kube.get(`/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes/web`),
                undefined,
            );
            const gone = await kube.get(`/api/v1/namespaces/${ns}`);
            assert.ok(gone === undefined || gone.status.phase === "Terminating", "the namespace is deleted");
        } finally {
            await handle.remove();
        }
    });

    it("a canary: weights 90/10 on the API server, then 50/50 updates only the route", async () => {
        const kube = cluster().kube;
        const ns = "canary";
        let weights = [90, 10];
        const handle = await inlineStack(
            "canary",
            serviceProgram(ns, "shop", () => ({
                ports: "8080/http",
                versions: {
                    v1: { image: "shop:1", weight: weights[0] },
                    v2: { image: "shop:2", weight: weights[1] },
                },
            })),
            { kubeconfig: cluster().kubeconfig },
        );
        try {
            await handle.stack.up();
            const backends = async () =>
                (await kube.get(`/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes/shop`)).spec.rules[0]
                    .backendRefs;
            assert.deepEqual(await backends(), [
                { group: "", kind: "Service", name: "shop-v1", port: 8080, weight: 90 },
                { group: "", kind: "Service", name: "shop-v2", port: 8080, weight: 10 },
            ]);
            for (const v of ["shop-v1", "shop-v2"]) {
                const d = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/${v}`);
                assert.equal(d.status.availableReplicas, 1, `${v} is available`);
            }
            const v1 = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/shop-v1`);

            weights = [50, 50];
            const edit = await handle.stack.up();
            assert.equal(changes(edit.summary.resourceChanges).update, 1, "only the app's HTTPRoute changes");
            assert.deepEqual(
                (await backends()).map((b: { weight: number }) => b.weight),
                [50, 50],
            );
            const v1After = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/shop-v1`);
            assert.equal(v1After.metadata.generation, v1.metadata.generation, "the workloads do not roll");
            await handle.stack.preview({ expectNoChanges: true });
        } finally {
            await handle.remove();
        }
    });

    it("an Output arg and a secret arg reach the API server, and the secret stays secret in the state", async () => {
        const kube = cluster().kube;
        const ns = "outputs";
        const handle = await inlineStack(
            "output-args",
            serviceProgram(ns, "api", () => ({
                image: pulumi.output("nginx:1.27-alpine"),
                ports: "8080/http",
                env: pulumi.secret({ TOKEN: "s3cr3t-value" }),
            })),
            { kubeconfig: cluster().kubeconfig },
        );
        try {
            await handle.stack.up();
            const deploy = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/api`);
            assert.equal(deploy.spec.template.spec.containers[0].image, "nginx:1.27-alpine");
            assert.deepEqual(deploy.spec.template.spec.containers[0].env, [{ name: "TOKEN", value: "s3cr3t-value" }]);
            // The state on disk (the file backend) holds the Deployment's spec encrypted, never the value.
            const files = fs.readdirSync(path.join(handle.home, "state"), { recursive: true, encoding: "utf8" });
            const stateFile = files.find((f) => f.endsWith(path.join("output-args", "test.json")));
            assert.ok(stateFile, `the stack's state file among ${files.join(", ")}`);
            const onDisk = fs.readFileSync(path.join(handle.home, "state", stateFile), "utf8");
            assert.equal(onDisk.includes("s3cr3t-value"), false, "the secret is encrypted in the state");
            const deployment = JSON.parse(onDisk).checkpoint.latest.resources.find(
                (r: { type: string }) => r.type === "kubernetes:apps/v1:Deployment",
            );
            assert.ok(deployment.inputs.spec.ciphertext, "the Deployment's spec input is a secret");
            await handle.stack.preview({ expectNoChanges: true });
        } finally {
            await handle.remove();
        }
    });
});
