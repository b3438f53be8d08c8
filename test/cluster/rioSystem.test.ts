/**
 * RioSystem applied for real on the local control plane: its namespaces, GatewayClass, Gateway, issuers,
 * certificate, the builder's admission policy and binding, the registry, Headlamp's RBAC, and each Helm release
 * installed by the provider from a local stand-in chart (the `charts` seam), in the order RioSystem plans:
 * CRD bundles (the `crdBundles` seam, files read from the Go module cache) before what uses their kinds.
 *
 * No gateway controller runs here, so the test writes the Gateway's address into its status as Traefik would
 * (RioSystem waits for it); everything else the API server and the controllers do themselves.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { RioSystem } from "../../components";
import { writeCrdBundle, writeStandInCharts } from "./charts";
import { waitFor } from "./controlPlane";
import { publishGatewayAddress } from "./gatewayStatus";
import { useCluster } from "./harness";
import { changes, inlineStack } from "./pulumi";

// Only what kube-apiserver itself serves: every CRD comes from RioSystem's bundles and charts.
const cluster = useCluster({ crds: [] });
const GATEWAY_ADDRESS = "10.0.0.10";

describe("RioSystem on the local control plane", () => {
    it("installs every feature but the cloud ones, in order; no drift; destroy leaves nothing of it", async () => {
        const cp = cluster();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-charts-"));
        const charts = Object.fromEntries(Object.entries(writeStandInCharts(dir)).map(([k, chart]) => [k, { chart }]));
        const crdBundles = {
            gatewayApi: writeCrdBundle(dir, "gatewayApi"),
            certManager: writeCrdBundle(dir, "certManager"),
        };
        const handle = await inlineStack(
            "rio-system",
            async () => {
                const system = new RioSystem("rio", {
                    domain: "apps.example.com",
                    features: { build: true, autoscaling: true, metrics: true, dashboard: true, registry: true },
                    registryPersistence: false,
                    charts,
                    crdBundles,
                });
                return { ref: system.ref, address: system.address };
            },
            { kubeconfig: cp.kubeconfig },
        );
        // Traefik's part: once the Gateway exists, publish its address (what RioSystem's Gateway waits for).
        const publisher = publishGatewayAddress(cp, GATEWAY_ADDRESS);
        try {
            const up = await handle.stack.up();
            assert.equal(up.outputs.address.value, GATEWAY_ADDRESS);
            assert.equal(up.outputs.ref.value.gateway.domain, "apps.example.com");

            // Each release installed from its stand-in, by the provider, with an Available Deployment.
            const releases = cp.kube
                .list("secrets", "rio-system", "owner=helm")
                .map((s) => s.metadata.labels.name)
                .sort();
            assert.deepEqual(releases, [
                "cert-manager",
                "headlamp",
                "keda",
                "keda-add-ons-http",
                "metrics-server",
                "traefik",
            ]);
            // RioSystem's own objects, admitted and stored.
            const gwClass = cp.kube.getObject("gatewayclasses.gateway.networking.k8s.io", "rio-traefik");
            assert.ok(gwClass, "the GatewayClass");
            const gateway = cp.kube.getObject("gateways.gateway.networking.k8s.io", "rio-gateway", "rio-system");
            assert.deepEqual(
                gateway.spec.listeners.map((l: { name: string; port: number }) => [l.name, l.port]).sort(),
                [
                    ["http", 8000],
                    ["https", 8443],
                ].sort(),
            );
            const issuers = cp.kube
                .list("clusterissuers.cert-manager.io")
                .map((i) => i.metadata.name)
                .sort();
            assert.ok(issuers.length >= 1, `ClusterIssuers: ${issuers.join(", ")}`);
            assert.ok(
                cp.kube.list("certificates.cert-manager.io", "rio-system").length >= 1,
                "the wildcard Certificate",
            );
            const policy = cp.kube.getObject(
                "validatingadmissionpolicies.admissionregistration.k8s.io",
                "rio-builder-rootless-only",
            );
            assert.ok(policy, "the builder's admission policy, compiled by the API server");
            assert.deepEqual(
                policy.status?.typeChecking?.expressionWarnings ?? [],
                [],
                "no expression type-check warnings",
            );
            assert.ok(
                cp.kube.getObject(
                    "validatingadmissionpolicybindings.admissionregistration.k8s.io",
                    "rio-builder-rootless-only",
                ),
                "its binding",
            );
            const registry = await waitFor("the registry to be available", async () => {
                const d = await cp.kube.get("/apis/apps/v1/namespaces/rio-system/deployments/rio-registry");
                return d?.status?.availableReplicas === 1 ? d : undefined;
            });
            assert.equal(registry.spec.replicas, 1);
            assert.ok(
                cp.kube
                    .list("clusterrolebindings.rbac.authorization.k8s.io", undefined)
                    .some((b) => /dashboard/.test(b.metadata.name)),
                "Headlamp's rights",
            );

            await handle.stack.preview({ expectNoChanges: true });
            await handle.stack.refresh({ expectNoChanges: true });

            const destroy = await handle.stack.destroy();
            assert.ok(changes(destroy.summary.resourceChanges).delete > 0);
            assert.equal(cp.kube.list("secrets", "rio-system", "owner=helm").length, 0, "every release is uninstalled");
            // The CRD bundles go with it: no GatewayClass can be left, since its kind is gone.
            assert.equal(cp.kube.getObject("crd", "gatewayclasses.gateway.networking.k8s.io"), undefined);
            assert.equal(cp.kube.getObject("crd", "certificates.cert-manager.io"), undefined);
            assert.equal(
                cp.kube.getObject(
                    "validatingadmissionpolicies.admissionregistration.k8s.io",
                    "rio-builder-rootless-only",
                ),
                undefined,
            );
        } finally {
            await publisher.stop();
            await handle.remove();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
