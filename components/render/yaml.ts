import { stringify } from "yaml";
import { KubeObject } from "../kube/object";

/** Multi-document YAML, one object per document, as `kubectl apply -f -` takes it. */
export function toYaml(objects: readonly KubeObject[]): string {
    return objects.map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join("");
}
