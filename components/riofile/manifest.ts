import { LineCounter, parseAllDocuments } from "yaml";
import { RioInputError } from "../errors";
import { KubeObject } from "../kube/object";
import { documentValue, expansionBudget, YAML_OPTIONS } from "./yamlValue";

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
]);

/**
 * Rio's `kubernetes.manifest`: multi-document YAML applied as is (`rio up` applied it with pruning; under
 * Pulumi, removing an object from the manifest deletes it on the next `pulumi up`). Each document must be an
 * object with apiVersion, kind and metadata.name. Errors name the document and its line in the manifest.
 */
export function parseManifest(text: string): KubeObject[] {
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
        if (typeof obj.metadata?.name !== "string" || obj.metadata.name === "")
            throw new RioInputError([i, "metadata", "name"], "is required");
        objects.push(obj as KubeObject);
        documentOf.push(i);
    });
    const seen = new Set<string>();
    objects.forEach((o, i) => {
        const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
        // Report the document's own index (empty documents count), as the other manifest errors do.
        if (seen.has(key))
            throw new RioInputError([documentOf[i]!], `${o.kind} "${o.metadata.name}" is declared twice`);
        seen.add(key);
    });
    return objects;
}

/** The manifest's objects in the target namespace (unless they name one, or live outside namespaces). */
export function planManifest(objects: KubeObject[], namespace: string): KubeObject[] {
    return objects.map((o) =>
        CLUSTER_SCOPED.has(o.kind) || o.metadata.namespace !== undefined
            ? o
            : { ...o, metadata: { ...o.metadata, namespace } },
    );
}
