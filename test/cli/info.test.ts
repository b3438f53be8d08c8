/** `rio info`: which system components a stack has (RioSystem's plan), their readiness, the certificate, the text. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import {
    certificateState,
    componentState,
    componentWorkloads,
    formatInfo,
    Info,
    stackSystemPlan,
    SystemWorkload,
    systemComponents,
} from "../../components/cli/info";

const deployment = (name: string, labels: Record<string, string>, ready: number, replicas = 1): SystemWorkload => ({
    kind: "Deployment",
    namespace: "rio-system",
    live: { metadata: { name, labels }, spec: { replicas }, status: { readyReplicas: ready } },
});

describe("rio info", () => {
    it("the components are the plan's: a release per feature the stack has, then the workloads RioSystem declares", () => {
        const installed = stackSystemPlan({ system: {}, riofiles: {} });
        assert.deepEqual(
            systemComponents(installed).map((c) => [c.name, c.feature, c.namespace, c.find]),
            [
                ["traefik", "gateway", "rio-system", { selector: "app.kubernetes.io/instance=traefik" }],
                ["cert-manager", "tls", "rio-system", { selector: "app.kubernetes.io/instance=cert-manager" }],
            ],
        );
        const more = stackSystemPlan({
            system: { features: { dashboard: true, registry: true, metrics: true } },
            riofiles: {},
        });
        assert.deepEqual(
            systemComponents(more).map((c) => [c.name, c.feature, c.find]),
            [
                ["traefik", "gateway", { selector: "app.kubernetes.io/instance=traefik" }],
                ["cert-manager", "tls", { selector: "app.kubernetes.io/instance=cert-manager" }],
                ["metrics-server", "metrics", { selector: "app.kubernetes.io/instance=metrics-server" }],
                ["headlamp", "dashboard", { selector: "app.kubernetes.io/instance=headlamp" }],
                ["rio-registry", "registry", { kind: "Deployment", name: "rio-registry" }],
            ],
        );
        // A Riofile that builds needs the registry: the stack program turns it on, and so does the plan here.
        const building = stackSystemPlan({
            system: {},
            riofiles: {
                default:
                    "services:\n  web:\n    build:\n      repo: https://github.com/rancher/rio-demo\n    ports: 80\n",
            },
        });
        assert.ok(systemComponents(building).some((c) => c.name === "rio-registry"));
    });

    it("a component's workloads by its release's label or its own name; ready when every replica is", () => {
        const [traefik, certManager] = systemComponents(stackSystemPlan({ system: {}, riofiles: {} }));
        const listed = [
            deployment("traefik", { "app.kubernetes.io/instance": "traefik" }, 1),
            deployment("cert-manager", { "app.kubernetes.io/instance": "cert-manager" }, 1),
            deployment("cert-manager-webhook", { "app.kubernetes.io/instance": "cert-manager" }, 0),
            { ...deployment("traefik", { "app.kubernetes.io/instance": "traefik" }, 1), namespace: "elsewhere" },
        ];
        assert.deepEqual(
            componentWorkloads(traefik!, listed).map((w) => w.live.metadata?.name),
            ["traefik"],
        );
        assert.equal(componentState(componentWorkloads(traefik!, listed)), "ready");
        assert.equal(componentState(componentWorkloads(certManager!, listed)), "not ready (1/2 replicas)");
        assert.equal(componentState([]), "not deployed");
        assert.equal(
            componentState([{ kind: "DaemonSet", live: { status: { numberReady: 2, desiredNumberScheduled: 3 } } }]),
            "not ready (2/3 replicas)",
        );
    });

    it("the wildcard certificate: ready until when, why not, not issued yet, not created", () => {
        const cond = (status: string, reason?: string, message?: string) => ({
            status: { conditions: [{ type: "Ready", status, reason, message }] },
        });
        assert.equal(
            certificateState({ status: { ...cond("True").status, notAfter: "2026-04-01T00:00:00Z" } }),
            "ready (valid until 2026-04-01T00:00:00Z)",
        );
        assert.equal(certificateState(cond("True")), "ready");
        assert.equal(
            certificateState(cond("False", "Pending", "Issuing certificate as Secret does not exist")),
            "not ready: Pending: Issuing certificate as Secret does not exist",
        );
        assert.equal(certificateState({ spec: { dnsNames: ["*.example.com"] } }), "not issued yet");
        assert.equal(certificateState(undefined), "not created");
    });

    it("prints Rio's info text, and the same as data", () => {
        const info: Info = {
            rioVersion: "0.1.0",
            pulumiVersion: "3.200.0",
            stack: "rio-local",
            context: "rio-local",
            domain: "10.0.0.10.sslip.io",
            gatewayAddress: "10.0.0.10",
            systemNamespace: "rio-system",
            certificate: { name: "rio-system/rio-wildcard", state: "not issued yet" },
            components: [
                { name: "traefik", feature: "gateway", state: "ready" },
                { name: "cert-manager", feature: "tls", state: "not ready (0/1 replicas)" },
            ],
        };
        assert.equal(
            formatInfo(info),
            [
                "Rio Version: 0.1.0",
                "Pulumi Version: 3.200.0",
                "Stack: rio-local (kube context rio-local)",
                "Cluster Domain: 10.0.0.10.sslip.io",
                "Cluster Domain IPs: 10.0.0.10",
                "System Namespace: rio-system",
                "Wildcard Certificate: rio-system/rio-wildcard: not issued yet",
                "",
                "System Components:",
                "traefik status: ready",
                "cert-manager status: not ready (0/1 replicas)",
                "",
            ].join("\n"),
        );
        const { domain: _d, gatewayAddress: _g, context: _c, ...bare } = info;
        assert.match(
            formatInfo({ ...bare, certificate: { state: "none (the tls feature is off)" } }),
            /^Stack: rio-local\nCluster Domain: \(none yet\)\nCluster Domain IPs: \(none yet\)\n/m,
        );
        assert.deepEqual(JSON.parse(formatInfo(info, "json")), info);
        assert.deepEqual(parse(formatInfo(info, "yaml")), info);
    });
});
