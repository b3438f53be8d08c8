import { KubeObject } from "../kube/object";
import { systemLabels } from "./gateway";

export const BUILDER = { namespace: "rio-build", serviceAccount: "rio-builder" };

/**
 * What rootless BuildKit jobs run with, away from app namespaces. Rootless BuildKit needs Unconfined seccomp
 * and AppArmor profiles, which Pod Security `baseline` forbids, so the namespace enforces `privileged` — and a
 * ValidatingAdmissionPolicy then refuses everything else `baseline` would have: privileged containers, host
 * namespaces, hostPath, added capabilities, root users. The builder has no API access and takes no traffic.
 */
export function planBuilder(): KubeObject[] {
    const labels = systemLabels("builder");
    const ns = BUILDER.namespace;
    const policy = "rio-builder-rootless-only";
    const containers = "object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : [])";
    const validations = [
        [
            `${containers}.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false)`,
            "privileged containers are not allowed in the builder namespace",
        ],
        [
            "!has(object.spec.hostNetwork) || object.spec.hostNetwork == false",
            "hostNetwork is not allowed in the builder namespace",
        ],
        [
            "!has(object.spec.hostPID) || object.spec.hostPID == false",
            "hostPID is not allowed in the builder namespace",
        ],
        [
            "!has(object.spec.hostIPC) || object.spec.hostIPC == false",
            "hostIPC is not allowed in the builder namespace",
        ],
        [
            "!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))",
            "hostPath volumes are not allowed in the builder namespace",
        ],
        [
            `${containers}.all(c, !has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add))`,
            "added capabilities are not allowed in the builder namespace",
        ],
        [
            `${containers}.all(c, has(c.securityContext) && has(c.securityContext.runAsUser) && c.securityContext.runAsUser != 0) || (has(object.spec.securityContext) && has(object.spec.securityContext.runAsUser) && object.spec.securityContext.runAsUser != 0)`,
            "builder pods must run as a non-root user (rootless BuildKit runs as 1000)",
        ],
    ].map(([expression, message]) => ({ expression, message }));
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
                        { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] },
                    ],
                },
                validations,
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
