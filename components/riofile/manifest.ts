import { LineCounter, parseAllDocuments } from "yaml";
import { RioInputError } from "../errors";
import { KubeObject } from "../kube/object";
import { documentValue, expansionBudget, YAML_OPTIONS } from "./yamlValue";
import type { RioWarning } from "./warnings";

/** Kinds that live outside namespaces: they keep no namespace when a manifest is applied to one. */
const CLUSTER_SCOPED = new Set([
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "APIService",
    "PriorityClass",
    "RuntimeClass",
    "IngressClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "GatewayClass",
    "ClusterIssuer",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "PodSecurityPolicy",
    "CertificateSigningRequest",
    "ComponentStatus",
    "TokenReview",
    "SubjectAccessReview",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "StorageVersionMigration",
    "VolumeSnapshotClass",
    "VolumeSnapshotContent",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "ClusterTrustBundle",
    "DeviceClass",
]);

/**
 * Whether an object lives outside namespaces: a built-in cluster-scoped kind, a kind a CustomResourceDefinition of
 * the same manifest declares `scope: Cluster`, or a kind named Cluster… (the convention for cluster-scoped
 * custom kinds: Rio's ClusterDomain, Knative's ClusterBuildTemplate, cert-manager's ClusterIssuer…).
 */
export function clusterScoped(objects: readonly KubeObject[]): (o: KubeObject) => boolean {
    const declared = new Map<string, boolean>();
    for (const o of objects) {
        if (o.kind !== "CustomResourceDefinition") continue;
        const spec = (o as { spec?: { group?: unknown; scope?: unknown; names?: { kind?: unknown } } }).spec;
        if (typeof spec?.group === "string" && typeof spec.names?.kind === "string")
            declared.set(`${spec.group}/${spec.names.kind}`, spec.scope === "Cluster");
    }
    return (o) => {
        const group = o.apiVersion.includes("/") ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf("/")) : "";
        const crd = declared.get(`${group}/${o.kind}`);
        if (crd !== undefined) return crd;
        return CLUSTER_SCOPED.has(o.kind) || /^Cluster[A-Z]/.test(o.kind);
    };
}

/** API versions Kubernetes removed (the deprecation guide): the release, and what to write instead. */
const REMOVED: readonly { apiVersion: string; kinds?: readonly string[]; release: string; instead: string }[] = [
    { apiVersion: "extensions/v1beta1", kinds: ["Ingress"], release: "1.22", instead: "networking.k8s.io/v1" },
    { apiVersion: "extensions/v1beta1", kinds: ["NetworkPolicy"], release: "1.16", instead: "networking.k8s.io/v1" },
    {
        apiVersion: "extensions/v1beta1",
        kinds: ["PodSecurityPolicy"],
        release: "1.16",
        instead:
            "Pod Security admission (pod-security.kubernetes.io labels on the namespace), as PodSecurityPolicy has no successor API",
    },
    { apiVersion: "extensions/v1beta1", release: "1.16", instead: "apps/v1" },
    { apiVersion: "apps/v1beta1", release: "1.16", instead: "apps/v1" },
    { apiVersion: "apps/v1beta2", release: "1.16", instead: "apps/v1" },
    {
        apiVersion: "apiextensions.k8s.io/v1beta1",
        release: "1.22",
        instead: "apiextensions.k8s.io/v1 (a structural schema is required)",
    },
    { apiVersion: "admissionregistration.k8s.io/v1beta1", release: "1.22", instead: "admissionregistration.k8s.io/v1" },
    { apiVersion: "apiregistration.k8s.io/v1beta1", release: "1.22", instead: "apiregistration.k8s.io/v1" },
    { apiVersion: "rbac.authorization.k8s.io/v1beta1", release: "1.22", instead: "rbac.authorization.k8s.io/v1" },
    { apiVersion: "rbac.authorization.k8s.io/v1alpha1", release: "1.22", instead: "rbac.authorization.k8s.io/v1" },
    { apiVersion: "networking.k8s.io/v1beta1", release: "1.22", instead: "networking.k8s.io/v1" },
    { apiVersion: "certificates.k8s.io/v1beta1", release: "1.22", instead: "certificates.k8s.io/v1" },
    { apiVersion: "coordination.k8s.io/v1beta1", release: "1.22", instead: "coordination.k8s.io/v1" },
    { apiVersion: "authentication.k8s.io/v1beta1", release: "1.22", instead: "authentication.k8s.io/v1" },
    { apiVersion: "authorization.k8s.io/v1beta1", release: "1.22", instead: "authorization.k8s.io/v1" },
    { apiVersion: "scheduling.k8s.io/v1beta1", release: "1.22", instead: "scheduling.k8s.io/v1" },
    {
        apiVersion: "storage.k8s.io/v1beta1",
        kinds: ["CSIStorageCapacity"],
        release: "1.27",
        instead: "storage.k8s.io/v1",
    },
    { apiVersion: "storage.k8s.io/v1beta1", release: "1.22", instead: "storage.k8s.io/v1" },
    {
        apiVersion: "policy/v1beta1",
        kinds: ["PodSecurityPolicy"],
        release: "1.25",
        instead:
            "Pod Security admission (pod-security.kubernetes.io labels on the namespace), as PodSecurityPolicy has no successor API",
    },
    { apiVersion: "policy/v1beta1", release: "1.25", instead: "policy/v1" },
    { apiVersion: "batch/v1beta1", release: "1.25", instead: "batch/v1" },
    { apiVersion: "discovery.k8s.io/v1beta1", release: "1.25", instead: "discovery.k8s.io/v1" },
    { apiVersion: "events.k8s.io/v1beta1", release: "1.25", instead: "events.k8s.io/v1" },
    { apiVersion: "node.k8s.io/v1beta1", release: "1.25", instead: "node.k8s.io/v1" },
    { apiVersion: "autoscaling/v2beta1", release: "1.25", instead: "autoscaling/v2" },
    { apiVersion: "autoscaling/v2beta2", release: "1.26", instead: "autoscaling/v2" },
    { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", release: "1.26", instead: "flowcontrol.apiserver.k8s.io/v1" },
    { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", release: "1.29", instead: "flowcontrol.apiserver.k8s.io/v1" },
    { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", release: "1.32", instead: "flowcontrol.apiserver.k8s.io/v1" },
];

/** Why an object's API version no longer exists, naming what replaced it; undefined when it is current. */
export function removedApi(o: KubeObject): string | undefined {
    const r = REMOVED.find((x) => x.apiVersion === o.apiVersion && (x.kinds === undefined || x.kinds.includes(o.kind)));
    if (!r) return undefined;
    return `${o.apiVersion} ${o.kind} was removed in Kubernetes ${r.release}, so the API server refuses it: use ${r.instead}`;
}

/**
 * Rio's `kubernetes.manifest`: multi-document YAML applied as is (`rio up` applied it with pruning; under
 * Pulumi, removing an object from the manifest deletes it on the next `pulumi up`). Each document must be an
 * object with apiVersion, kind and metadata.name. Errors name the document and its line in the manifest.
 */
export function parseManifest(text: string, warnings: RioWarning[] = []): KubeObject[] {
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: lines });
    const budget = expansionBudget();
    const list = Array.isArray(docs) ? docs : [];
    if (!Array.isArray(docs)) throw new RioInputError([], "the manifest is not YAML");
    const objects: KubeObject[] = [];
    const documentOf: number[] = [];
    list.forEach((doc, i) => {
        const bad = doc.errors[0];
        if (bad)
            throw new RioInputError(
                [i],
                `invalid YAML (line ${lines.linePos(bad.pos[0]).line} of the manifest): ${bad.message.split("\n")[0]}`,
            );
        const resolved = documentValue(doc, budget);
        if ("problem" in resolved)
            throw new RioInputError(
                [i],
                `invalid YAML (line ${lines.linePos(resolved.problem.offset).line} of the manifest): ${resolved.problem.message}`,
            );
        const o = resolved.value;
        if (o === null || o === undefined) return; // an empty document, e.g. a trailing ---
        if (typeof o !== "object" || Array.isArray(o))
            throw new RioInputError([i], "a manifest document must be a Kubernetes object");
        const obj = o as Partial<KubeObject>;
        for (const key of ["apiVersion", "kind"] as const) {
            if (typeof obj[key] !== "string" || obj[key] === "") throw new RioInputError([i, key], "is required");
        }
        // A name, or Rio's generateName (its linkerd stack's Job): the API server names the object then.
        const generated = (obj.metadata as { generateName?: unknown } | undefined)?.generateName;
        const named = typeof obj.metadata?.name === "string" && obj.metadata.name !== "";
        if (!named && (typeof generated !== "string" || generated === ""))
            throw new RioInputError([i, "metadata", "name"], "is required (or metadata.generateName)");
        objects.push(obj as KubeObject);
        documentOf.push(i);
        const removed = removedApi(obj as KubeObject);
        if (removed) {
            const line = lines.linePos((doc.contents as { range?: number[] } | null)?.range?.[0] ?? doc.range[0]).line;
            warnings.push({ path: [i, "apiVersion"], detail: `${removed} (document at line ${line} of the manifest)` });
        }
    });
    const seen = new Set<string>();
    objects.forEach((o, i) => {
        const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${manifestName(o)}`;
        // Report the document's own index (empty documents count), as the other manifest errors do.
        if (seen.has(key))
            throw new RioInputError([documentOf[i]!], `${o.kind} "${manifestName(o)}" is declared twice`);
        seen.add(key);
    });
    return objects;
}

/** A manifest object's name, or its generateName prefix when the API server names it. */
export function manifestName(o: KubeObject): string {
    return o.metadata.name ?? (o.metadata as { generateName?: string }).generateName ?? "";
}

/** The manifest's objects in the target namespace (unless they name one, or live outside namespaces). */
export function planManifest(objects: KubeObject[], namespace: string): KubeObject[] {
    const cluster = clusterScoped(objects);
    return objects.map((o) =>
        cluster(o) || o.metadata.namespace !== undefined ? o : { ...o, metadata: { ...o.metadata, namespace } },
    );
}
