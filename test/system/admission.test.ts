/**
 * RioSystem's ValidatingAdmissionPolicies, compiled and evaluated with a CEL library against the Pod type (see
 * support/cel.ts): every expression of every policy any feature set plans type-checks as the API server would
 * check it, and the builder's policy admits the build pods components/build/job.ts creates and refuses what
 * Pod Security `baseline` would have refused.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_BUILD_CONTEXT, planBuildJob } from "../../components/build/job";
import { NormalizedBuild } from "../../components/build/spec";
import { KubeObject } from "../../components/kube/object";
import { FEATURES } from "../../components/system/features";
import { planSystem } from "../../components/system/plan";
import { resolveSettings } from "../../components/system/settings";
import { AdmissionPolicy, checkPolicy, denials } from "../support/cel";

/** Every feature set that can plan a policy: each feature alone (with what it needs), all of them, both gateways. */
function everyPlan() {
    const sets: Record<string, boolean>[] = [
        Object.fromEntries(FEATURES.map((f) => [f, true])),
        ...FEATURES.map((f) => ({ [f]: true })),
    ];
    return sets.flatMap((features) =>
        (["traefik", "envoy"] as const).map((gatewayImplementation) =>
            planSystem(
                resolveSettings({
                    domain: "apps.example.com",
                    email: "ops@example.com",
                    cloudflare: { hasZone: true, hasToken: true },
                    gatewayImplementation,
                    features: { ...features, ...(features.build && { registry: true }) },
                    ...(features.continuousDeployment && {
                        continuousDeployment: { repo: "https://github.com/example/infra", stack: "acme/rio/prod" },
                    }),
                }),
            ),
        ),
    );
}

function policies(): AdmissionPolicy[] {
    const byName = new Map<string, AdmissionPolicy>();
    for (const plan of everyPlan())
        for (const { object } of plan.objects)
            if (object.kind === "ValidatingAdmissionPolicy")
                byName.set(object.metadata.name, object as unknown as AdmissionPolicy);
    return [...byName.values()];
}

const builder = () => policies().find((p) => p.metadata.name === "rio-builder-rootless-only")!;

const build: NormalizedBuild = {
    repo: "https://github.com/rancher/rio-demo",
    ref: { kind: "branch" },
    dockerfile: "Dockerfile",
    context: ".",
    args: {},
    noCache: false,
    timeoutSeconds: 600,
};
const commit = "0123456789abcdef0123456789abcdef01234567";

/** The pod a build Job's template becomes. */
function buildPod(b: NormalizedBuild = build): { metadata: Record<string, unknown>; spec: any } {
    const job = planBuildJob(
        b,
        commit,
        { push: "rio-registry:5000/shop/web:t", cache: "rio-registry:5000/shop/web:buildcache" },
        { namespace: "shop", workload: "web", app: "web" },
        DEFAULT_BUILD_CONTEXT,
    ) as KubeObject & { spec: { template: { metadata: Record<string, unknown>; spec: unknown } } };
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { ...job.spec.template.metadata, name: "web-build-x", namespace: "rio-build" },
        spec: structuredClone(job.spec.template.spec),
    } as never;
}
const sshPod = () => buildPod({ ...build, repo: "git@github.com:rancher/rio-demo.git", cloneSecretName: "git-ssh" });

/** A build pod with one change. */
function changed(edit: (spec: any) => void, pod = buildPod()) {
    edit(pod.spec);
    return pod;
}

const MESSAGES = {
    privileged: "privileged containers are not allowed in the builder namespace",
    hostNetwork: "hostNetwork is not allowed in the builder namespace",
    hostPID: "hostPID is not allowed in the builder namespace",
    hostIPC: "hostIPC is not allowed in the builder namespace",
    hostPath: "hostPath volumes are not allowed in the builder namespace",
    capabilities: "added capabilities are not allowed in the builder namespace",
    root: "builder pods must run as a non-root user (rootless BuildKit runs as 1000)",
    hostPort: "host ports are not allowed in the builder namespace",
    procMount: "an unmasked /proc is not allowed in the builder namespace",
};

describe("admission policies (CEL compiled and evaluated)", () => {
    it("plans the builder's policy, and only it, across every feature set", () => {
        assert.deepEqual(
            policies().map((p) => p.metadata.name),
            ["rio-builder-rootless-only"],
        );
    });

    it("type-checks every expression of every policy RioSystem plans against the Pod type", () => {
        for (const p of policies()) assert.deepEqual(checkPolicy(p), [], p.metadata.name);
    });

    it("refuses what the API server refuses: a list added to a bool, a misspelt field, an int compared to a string", () => {
        const policy = (expression: string): AdmissionPolicy => ({
            metadata: { name: "p" },
            spec: { matchConstraints: { resourceRules: [{ resources: ["pods"] }] }, validations: [{ expression }] },
        });
        assert.deepEqual(
            checkPolicy(
                policy(
                    "object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : []).all(c, true)",
                ),
            ),
            ["p validations[0].expression: no such overload: list<Container> + bool"],
        );
        assert.deepEqual(checkPolicy(policy("object.spec.hostNetwrk == false")), [
            "p validations[0].expression: No such key: hostNetwrk",
        ]);
        assert.deepEqual(checkPolicy(policy("object.spec.containers.all(c, c.securityContext.runAsUser != '0')")), [
            "p validations[0].expression: no such overload: int != string",
        ]);
        assert.deepEqual(checkPolicy(policy("size(object.spec.containers)")), [
            "p validations[0].expression: is int, must be bool",
        ]);
    });

    it("matches pods, and the ephemeral containers kubectl debug adds, on create and update", () => {
        assert.deepEqual(builder().spec.matchConstraints, {
            resourceRules: [
                {
                    apiGroups: [""],
                    apiVersions: ["v1"],
                    operations: ["CREATE", "UPDATE"],
                    resources: ["pods", "pods/ephemeralcontainers"],
                },
            ],
        });
    });

    it("admits the rootless build pods build/job.ts creates (git over https, and over SSH with its clone step)", () => {
        assert.deepEqual(denials(builder(), buildPod()), []);
        assert.deepEqual(denials(builder(), sshPod()), []);
    });

    it("refuses privileged containers, init containers and ephemeral containers", () => {
        const p = builder();
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.containers[0].securityContext.privileged = true)),
            ),
            [MESSAGES.privileged],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.initContainers[0].securityContext.privileged = true), sshPod()),
            ),
            [MESSAGES.privileged],
        );
        assert.deepEqual(
            denials(
                p,
                changed(
                    (s) =>
                        (s.ephemeralContainers = [
                            { name: "debug", image: "busybox", securityContext: { runAsUser: 1000, privileged: true } },
                        ]),
                ),
            ),
            [MESSAGES.privileged],
        );
        // privileged: false is what baseline allows.
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.containers[0].securityContext.privileged = false)),
            ),
            [],
        );
    });

    it("refuses the host's namespaces, hostPath volumes, host ports and an unmasked /proc", () => {
        const p = builder();
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.hostNetwork = true)),
            ),
            [MESSAGES.hostNetwork],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.hostPID = true)),
            ),
            [MESSAGES.hostPID],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.hostIPC = true)),
            ),
            [MESSAGES.hostIPC],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => s.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } })),
            ),
            [MESSAGES.hostPath],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.containers[0].ports = [{ containerPort: 8080, hostPort: 8080 }])),
            ),
            [MESSAGES.hostPort],
        );
        // A container port alone binds nothing on the node.
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.containers[0].ports = [{ containerPort: 8080 }])),
            ),
            [],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.containers[0].securityContext.procMount = "Unmasked")),
            ),
            [MESSAGES.procMount],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.containers[0].securityContext.procMount = "Default")),
            ),
            [],
        );
    });

    it("refuses added capabilities (dropping them is fine)", () => {
        const p = builder();
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.containers[0].securityContext.capabilities = { add: ["SYS_ADMIN"] })),
            ),
            [MESSAGES.capabilities],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.initContainers[0].securityContext.capabilities.add = ["NET_RAW"]), sshPod()),
            ),
            [MESSAGES.capabilities],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.containers[0].securityContext.capabilities = { drop: ["ALL"] })),
            ),
            [],
        );
    });

    it("refuses root: uid 0 or no uid at all, per container, the pod's uid counting only where a container sets none", () => {
        const p = builder();
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.containers[0].securityContext.runAsUser = 0)),
            ),
            [MESSAGES.root],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => delete s.containers[0].securityContext.runAsUser),
            ),
            [MESSAGES.root],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => delete s.containers[0].securityContext),
            ),
            [MESSAGES.root],
        );
        // The pod's uid covers a container that sets none...
        assert.deepEqual(
            denials(
                p,
                changed((s) => {
                    delete s.containers[0].securityContext.runAsUser;
                    s.securityContext = { runAsUser: 1000 };
                }),
            ),
            [],
        );
        // ...but not one that runs as root itself.
        assert.deepEqual(
            denials(
                p,
                changed((s) => {
                    s.containers[0].securityContext.runAsUser = 0;
                    s.securityContext = { runAsUser: 1000 };
                }),
            ),
            [MESSAGES.root],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.initContainers[0].securityContext.runAsUser = 0), sshPod()),
            ),
            [MESSAGES.root],
        );
        assert.deepEqual(
            denials(
                p,
                changed((s) => (s.ephemeralContainers = [{ name: "debug", image: "busybox", securityContext: {} }])),
            ),
            [MESSAGES.root],
        );
    });

    it("reports every rule a pod breaks, in order", () => {
        assert.deepEqual(
            denials(
                builder(),
                changed((s) => {
                    s.hostNetwork = true;
                    s.hostPID = true;
                    s.containers[0].securityContext = { privileged: true, capabilities: { add: ["ALL"] } };
                    s.volumes.push({ name: "root", hostPath: { path: "/" } });
                }),
            ),
            [
                MESSAGES.privileged,
                MESSAGES.hostNetwork,
                MESSAGES.hostPID,
                MESSAGES.hostPath,
                MESSAGES.capabilities,
                MESSAGES.root,
            ],
        );
    });
});
