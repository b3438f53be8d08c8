import { KubeObject } from "../kube/object";
import { systemLabels } from "./gateway";

export const BUILDER = { namespace: "rio-build", serviceAccount: "rio-builder" };

/**
 * A CEL condition every container of the pod meets: its containers, init containers and ephemeral containers
 * (`kubectl debug`), each list on its own — they are different types to the API server, which refuses
 * concatenating them — and each condition parenthesised, as `&&` binds tighter than `||`.
 */
function everyContainer(condition: string): string {
    return [
        `object.spec.containers.all(c, ${condition})`,
        `!has(object.spec.initContainers) || object.spec.initContainers.all(c, ${condition})`,
        `!has(object.spec.ephemeralContainers) || object.spec.ephemeralContainers.all(c, ${condition})`,
    ]
        .map((e) => `(${e})`)
        .join(" && ");
}

/** A container's own uid if it sets one, else the pod's; either way set, and not root. */
const NON_ROOT = [
    "has(c.securityContext) && has(c.securityContext.runAsUser)",
    "? c.securityContext.runAsUser != 0",
    ": (has(object.spec.securityContext) && has(object.spec.securityContext.runAsUser) && object.spec.securityContext.runAsUser != 0)",
].join(" ");

/**
 * The builder's admission rules, as CEL expressions with their messages. Tested by compiling and evaluating each
 * against the Pod type (test/system/admission.test.ts), as the API server compiles them when the policy is applied.
 */
export const BUILDER_VALIDATIONS: { expression: string; message: string }[] = [
    [
        everyContainer(
            "!has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false",
        ),
        "privileged containers are not allowed in the builder namespace",
    ],
    [
        "!has(object.spec.hostNetwork) || object.spec.hostNetwork == false",
        "hostNetwork is not allowed in the builder namespace",
    ],
    ["!has(object.spec.hostPID) || object.spec.hostPID == false", "hostPID is not allowed in the builder namespace"],
    ["!has(object.spec.hostIPC) || object.spec.hostIPC == false", "hostIPC is not allowed in the builder namespace"],
    [
        "!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))",
        "hostPath volumes are not allowed in the builder namespace",
    ],
    [
        everyContainer(
            "!has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) || size(c.securityContext.capabilities.add) == 0",
        ),
        "added capabilities are not allowed in the builder namespace",
    ],
    [everyContainer(NON_ROOT), "builder pods must run as a non-root user (rootless BuildKit runs as 1000)"],
    [
        everyContainer("!has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0)"),
        "host ports are not allowed in the builder namespace",
    ],
    [
        everyContainer(
            "!has(c.securityContext) || !has(c.securityContext.procMount) || c.securityContext.procMount == 'Default'",
        ),
        "an unmasked /proc is not allowed in the builder namespace",
    ],
].map(([expression, message]) => ({ expression: expression!, message: message! }));

/**
 * What rootless BuildKit jobs run with, away from app namespaces. Rootless BuildKit needs Unconfined seccomp
 * and AppArmor profiles, which Pod Security `baseline` forbids, so the namespace enforces `privileged` — and a
 * ValidatingAdmissionPolicy then refuses the rest of what `baseline` would have: privileged containers, host
 * namespaces, hostPath, host ports, added capabilities, an unmasked /proc — and root users. The builder has no
 * API access and takes no traffic.
 */
export function planBuilder(): KubeObject[] {
    const labels = systemLabels("builder");
    const ns = BUILDER.namespace;
    const policy = "rio-builder-rootless-only";
    return [
        {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: {
                name: ns,
                labels: {
                    ...labels,
                    "pod-security.kubernetes.io/enforce": "privileged",
                    "pod-security.kubernetes.io/warn": "baseline",
                    "pod-security.kubernetes.io/audit": "baseline",
                },
            },
        },
        {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: BUILDER.serviceAccount, namespace: ns, labels },
            automountServiceAccountToken: false,
        },
        {
            apiVersion: "admissionregistration.k8s.io/v1",
            kind: "ValidatingAdmissionPolicy",
            metadata: { name: policy, labels },
            spec: {
                failurePolicy: "Fail",
                matchConstraints: {
                    resourceRules: [
                        {
                            apiGroups: [""],
                            apiVersions: ["v1"],
                            operations: ["CREATE", "UPDATE"],
                            // Ephemeral containers are added through their own subresource, not a pod update.
                            resources: ["pods", "pods/ephemeralcontainers"],
                        },
                    ],
                },
                validations: BUILDER_VALIDATIONS,
            },
        },
        {
            apiVersion: "admissionregistration.k8s.io/v1",
            kind: "ValidatingAdmissionPolicyBinding",
            metadata: { name: policy, labels },
            spec: {
                policyName: policy,
                validationActions: ["Deny"],
                matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } },
            },
        },
        {
            // Builds take no traffic; they reach git remotes, registries and DNS only.
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "rio-builder-isolation", namespace: ns, labels },
            spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [] },
        },
    ];
}
