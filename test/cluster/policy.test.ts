/**
 * The policy pack (policy/) under the real CLI: `pulumi preview --policy-pack policy` (the Automation API's
 * policyPacks) on a stack that breaks every policy and one that keeps them all, and a stack's own policy config
 * (`--policy-pack-config`) setting enforcement levels and allow lists. No control plane: the programs' Kubernetes
 * provider (the real one, from npm run engines) renders YAML to a folder (renderYamlToDirectory) instead of applying.
 */
import * as k8s from "@pulumi/kubernetes";
import * as automation from "@pulumi/pulumi/automation";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { RioService } from "../../components";
import { POLICIES } from "../../components/policy/policies";
import { engineBinDirs } from "./engines";
import { writePolicyAnalyzer } from "./policyAnalyzer";
import { changes, inlineStack, StackHandle } from "./pulumi";

const PACK = path.resolve(__dirname, "../../..", "components/policy");
const GATEWAY = { domain: "apps.example.com" };
const description = (name: string) => POLICIES.find((p) => p.name === name)!.description;

let tmp: string;
before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rio-policy-"));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A stack whose program gets a Kubernetes provider that writes YAML into a folder of its own. */
async function renderingStack(
    project: string,
    program: (provider: k8s.Provider) => void,
): Promise<StackHandle & { manifests: string }> {
    const manifests = path.join(tmp, `${project}-manifests`);
    const analyzer = writePolicyAnalyzer(path.join(tmp, "analyzer"));
    const handle = await inlineStack(
        project,
        async () => program(new k8s.Provider("render", { renderYamlToDirectory: manifests })),
        { env: { PATH: [analyzer, ...engineBinDirs(), process.env.PATH ?? ""].join(path.delimiter) } },
    );
    return { ...handle, manifests };
}

/** What the pack reported during a run, as [policy, level, resource name, message]. */
function policyEvents() {
    const seen: [string, string, string, string][] = [];
    return {
        seen,
        onEvent: (e: automation.EngineEvent) => {
            const p = e.policyEvent;
            if (p) seen.push([p.policyName, p.enforcementLevel, p.resourceUrn!.split("::").pop()!, p.message]);
        },
    };
}

/**
 * Breaks every policy: a hand-written node agent (host network, port and path, privileged, no requests, Kubernetes'
 * rollout default), its namespace without Pod Security labels, a Secret whose annotation repeats its password, and
 * a RioService the program allows to be privileged, which the pack still stops.
 */
function breaksEveryPolicy(p: k8s.Provider) {
    const opts = { provider: p };
    new k8s.core.v1.Namespace("bare", { metadata: { name: "bare" } }, opts);
    new k8s.apps.v1.Deployment(
        "agent",
        {
            metadata: { name: "agent", namespace: "bare" },
            spec: {
                selector: { matchLabels: { app: "agent" } },
                template: {
                    metadata: { labels: { app: "agent" } },
                    spec: {
                        hostNetwork: true,
                        containers: [
                            {
                                name: "agent",
                                image: "prom/node-exporter:v1.9.1",
                                securityContext: { privileged: true },
                                ports: [{ containerPort: 9100, hostPort: 9100 }],
                                volumeMounts: [{ name: "proc", mountPath: "/host/proc" }],
                            },
                        ],
                        volumes: [{ name: "proc", hostPath: { path: "/proc" } }],
                    },
                },
            },
        },
        opts,
    );
    new k8s.core.v1.Secret(
        "db",
        {
            metadata: { name: "db", namespace: "bare", annotations: { hint: "hunter2" } },
            stringData: { password: "hunter2" },
        },
        opts,
    );
    new RioService(
        "exporter",
        {
            image: "prom/node-exporter:v1.9.1",
            privileged: true,
            allow: ["privileged"],
            namespace: "bare",
            gateway: GATEWAY,
        },
        { providers: { kubernetes: p } },
    );
}

/** Keeps every policy: a labelled namespace, a RioService with pulumi-rio's defaults, a Deployment written to match. */
function keepsEveryPolicy(p: k8s.Provider) {
    const opts = { provider: p };
    new k8s.core.v1.Namespace(
        "shop",
        {
            metadata: {
                name: "shop",
                labels: {
                    "pod-security.kubernetes.io/enforce": "baseline",
                    "pod-security.kubernetes.io/warn": "restricted",
                },
            },
        },
        opts,
    );
    new RioService(
        "web",
        { image: "nginx:1.27-alpine", ports: "80:8080/http", namespace: "shop", gateway: GATEWAY },
        {
            providers: { kubernetes: p },
        },
    );
    new k8s.apps.v1.Deployment(
        "worker",
        {
            metadata: { name: "worker", namespace: "shop" },
            spec: {
                replicas: 2,
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                selector: { matchLabels: { app: "worker" } },
                template: {
                    metadata: { labels: { app: "worker" } },
                    spec: {
                        containers: [
                            {
                                name: "worker",
                                image: "busybox:1.37",
                                resources: { requests: { cpu: "10m", memory: "16Mi" } },
                            },
                        ],
                    },
                },
            },
        },
        opts,
    );
    new k8s.core.v1.Secret(
        "db",
        { metadata: { name: "db", namespace: "shop", labels: { app: "web" } }, stringData: { password: "hunter2" } },
        opts,
    );
}

const ADVICE = (policy: string, id: string) =>
    `allow ${id} by name in the policy config (${JSON.stringify({ [policy]: { allow: [id] } })})`;
const NODE = " — its namespace then needs Pod Security privileged";

/** Every violation breaksEveryPolicy has, as the CLI reports it with each policy mandatory. */
const EVERY_VIOLATION: [string, string, string, string][] = [
    [
        "rio-pod-security",
        "bare",
        `namespace "bare" has no pod-security.kubernetes.io/enforce label, so Pod Security admission admits any pod into it: label it enforce: baseline (pulumi-rio's namespaces enforce baseline and warn restricted)`,
    ],
    [
        "rio-hostport",
        "agent",
        `container "agent" hostPort 9100 binds a port on every node the pod runs on: ${ADVICE("rio-hostport", "bare/agent")}${NODE}`,
    ],
    [
        "rio-hostnetwork",
        "agent",
        `hostNetwork: true puts the pod on the node's own network: ${ADVICE("rio-hostnetwork", "bare/agent")}${NODE}`,
    ],
    [
        "rio-hostpath",
        "agent",
        `volume "proc" reads and writes the node's /proc: ${ADVICE("rio-hostpath", "bare/agent")}${NODE}`,
    ],
    [
        "rio-privileged",
        "agent",
        `container "agent" (privileged: true) is root on the node: ${ADVICE("rio-privileged", "bare/agent")}${NODE}`,
    ],
    [
        "rio-pod-requests",
        "agent",
        `container "agent" requests no cpu and no memory, so the scheduler places it as if it used nothing: request cpu and memory (pulumi-rio's default: 50m and 64Mi), or ${ADVICE("rio-pod-requests", "bare/agent")}`,
    ],
    [
        "rio-rolling-update",
        "agent",
        `maxUnavailable is unset, so Kubernetes' 25% lets a rollout take down a quarter of the pods: set it to 0 (pulumi-rio's default: maxUnavailable 0, maxSurge 1); or ${ADVICE("rio-rolling-update", "bare/agent")}`,
    ],
    [
        "rio-secret-plaintext",
        "db",
        `annotation hint holds the Secret's password in plain text (annotations are not secret in Pulumi's state): remove it`,
    ],
    [
        "rio-privileged",
        "exporter",
        `container "exporter" (privileged: true) is root on the node: ${ADVICE("rio-privileged", "bare/exporter")}${NODE}`,
    ],
].map(([policy, resource, message]) => [policy!, "mandatory", resource!, `${description(policy!)}\n${message}\n`]);

/** [policy, resource] pairs, order-free: the engine analyzes resources as they are registered, in parallel. */
const sorted = (events: [string, string, string, string][]) =>
    [...events].sort((a, b) => a.join().localeCompare(b.join()));

describe("the policy pack under the real CLI", () => {
    it("stops a preview that breaks every policy, each with its own message, all mandatory", async () => {
        const handle = await renderingStack("breaks", breaksEveryPolicy);
        try {
            const events = policyEvents();
            await assert.rejects(handle.stack.preview({ policyPacks: [PACK], onEvent: events.onEvent }), (e: Error) => {
                assert.match(e.message, /Policies:\n\s+❌ pulumi-rio@v0\.1\.0 \(local: .*policy\)/);
                return true;
            });
            assert.deepEqual(sorted(events.seen), sorted(EVERY_VIOLATION));
        } finally {
            await handle.remove();
        }
    });

    it("lets a stack set each policy's enforcement level and allow list (--policy-pack-config)", async () => {
        const handle = await renderingStack("configured", breaksEveryPolicy);
        const config = path.join(tmp, "configured.json");
        fs.writeFileSync(
            config,
            JSON.stringify({
                "rio-hostport": "advisory",
                "rio-hostnetwork": { allow: ["bare/agent"] },
                "rio-hostpath": { allow: ["bare/*"] },
                "rio-privileged": { enforcementLevel: "advisory", allow: ["bare/agent"] },
                "rio-pod-requests": "disabled",
                "rio-rolling-update": { allow: ["bare/agent"] },
                "rio-pod-security": "advisory",
                "rio-secret-plaintext": "advisory",
            }),
        );
        try {
            const events = policyEvents();
            const preview = await handle.stack.preview({
                policyPacks: [PACK],
                policyPackConfigs: [config],
                onEvent: events.onEvent,
            });
            assert.ok(changes(preview.changeSummary).create > 0);
            const advisory = (policy: string, resource: string) => {
                const [, , , message] = EVERY_VIOLATION.find(([p, , r]) => p === policy && r === resource)!;
                return [policy, "advisory", resource, message];
            };
            assert.deepEqual(
                sorted(events.seen),
                sorted([
                    advisory("rio-hostport", "agent"),
                    advisory("rio-privileged", "exporter"),
                    advisory("rio-pod-security", "bare"),
                    advisory("rio-secret-plaintext", "db"),
                ] as [string, string, string, string][]),
            );
        } finally {
            await handle.remove();
        }
    });

    it("refuses a stack's policy config whose allow entry is not namespace/name, before running anything", async () => {
        const handle = await renderingStack("misconfigured", breaksEveryPolicy);
        const config = path.join(tmp, "misconfigured.json");
        fs.writeFileSync(config, JSON.stringify({ "rio-privileged": { allow: ["agent"] } }));
        try {
            await assert.rejects(
                handle.stack.preview({ policyPacks: [PACK], policyPackConfigs: [config] }),
                (e: Error) => {
                    assert.match(
                        e.message,
                        /error: validating policy config: pulumi-rio 0\.1\.0 {2}rio-privileged: allow\.0: Does not match pattern/,
                    );
                    return true;
                },
            );
        } finally {
            await handle.remove();
        }
    });

    it("passes a stack that keeps every policy, at preview and at up", async () => {
        const handle = await renderingStack("keeps", keepsEveryPolicy);
        try {
            const events = policyEvents();
            const preview = await handle.stack.preview({ policyPacks: [PACK], onEvent: events.onEvent });
            const up = await handle.stack.up({ policyPacks: [PACK], onEvent: events.onEvent });
            assert.deepEqual(events.seen, []);
            assert.deepEqual(changes(up.summary.resourceChanges), changes(preview.changeSummary));
            // The rendered Deployment is what the pack checked: pulumi-rio's own rollout bounds and requests.
            const files = fs.readdirSync(path.join(handle.manifests, "1-manifest"));
            const web = files.find((f) => /deployment-shop-web\.yaml$/.test(f));
            assert.ok(web, files.join(", "));
            const yaml = fs.readFileSync(path.join(handle.manifests, "1-manifest", web), "utf8");
            assert.match(yaml, /maxUnavailable: 0\n/);
            assert.match(yaml, /cpu: 50m\n/);
        } finally {
            await handle.remove();
        }
    });
});
