import { Document, Scalar, visit } from "yaml";
import { KubeObject } from "../kube/object";

/**
 * A YAML document for `value`, with no anchors or aliases. Multi-line text of blank lines only (" \n") is
 * double-quoted: yaml 2.9 writes it as a literal block without the indentation indicator it needs, which
 * reads back as other text or not at all.
 */
export function yamlDocument(value: unknown): Document {
    const doc = new Document(value, { aliasDuplicateObjects: false });
    visit(doc, {
        Scalar(_, node: Scalar) {
            if (typeof node.value === "string" && node.value.includes("\n") && node.value.trim() === "")
                node.type = Scalar.QUOTE_DOUBLE;
        },
    });
    return doc;
}

/** Multi-document YAML, one object per document, as `kubectl apply -f -` takes it. */
export function toYaml(objects: readonly KubeObject[]): string {
    return objects.map((o) => `---\n${yamlDocument(o).toString({ lineWidth: 0 })}`).join("");
}
