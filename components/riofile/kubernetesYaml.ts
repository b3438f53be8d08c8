/**
 * Plain Kubernetes YAML given where a Riofile is expected. Rio applied such a file as is (`isK8SYaml`: the
 * first document has a kind); here it is a Riofile whose `kubernetes.manifest` holds every document, checked as
 * a manifest is, with errors pointing at the document in the file.
 */
import { Document, isMap, isScalar, LineCounter, parseAllDocuments } from "yaml";
import { KeyPath, RioInputError, SourceLocation } from "../errors";
import type { Riofile } from "./load";
import type { RioWarning } from "./warnings";
import { locate } from "./locate";
import { parseManifest } from "./manifest";
import { documentValue, expansionBudget, YAML_OPTIONS } from "./yamlValue";

/** Whether the first document that has content is a map with `kind` or `apiVersion`: Kubernetes objects, not a Riofile. */
export function isPlainKubernetes(text: string): boolean {
    const docs = parseAllDocuments(text, { prettyErrors: false });
    if (!Array.isArray(docs)) return false;
    const first = docs.find((d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null));
    const top = first?.contents;
    return (
        isMap(top) && top.items.some((p) => isScalar(p.key) && (p.key.value === "kind" || p.key.value === "apiVersion"))
    );
}

/** Loads plain Kubernetes YAML as a Riofile with only a manifest. */
export function parsePlainKubernetes(text: string, file: string): Riofile {
    const lines = new LineCounter();
    const parsed = parseAllDocuments(text, { lineCounter: lines, ...YAML_OPTIONS });
    const docs: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
    const at = (offset: number): SourceLocation => {
        const { line, col } = lines.linePos(offset);
        return { file, line, column: col };
    };
    for (const doc of docs) {
        const bad = doc.errors[0];
        if (bad) throw new RioInputError([], `invalid YAML: ${bad.message.split("\n")[0]}`, at(bad.pos[0]));
    }
    // Aliases are checked here too, to point at the alias in the file rather than at its document.
    const budget = expansionBudget();
    for (const doc of docs) {
        const resolved = documentValue(doc, budget);
        if ("problem" in resolved)
            throw new RioInputError([], `invalid YAML: ${resolved.problem.message}`, at(resolved.problem.offset));
    }
    // A path [document, ...keys] (what parseManifest reports) in the file.
    const locateDocument = (path: KeyPath, atKey = false): SourceLocation => {
        const [index, ...rest] = path;
        const doc = typeof index === "number" ? docs[index] : undefined;
        if (!doc) return at(0);
        // An empty document has no contents to point into: point at its start.
        return doc.contents ? locate(doc, lines, file, rest, atKey) : at(doc.range[0]);
    };
    let manifest;
    const found: RioWarning[] = [];
    try {
        manifest = parseManifest(text, found);
    } catch (e) {
        if (e instanceof RioInputError) throw e.location ? e : e.withLocation(locateDocument(e.path, e.atKey));
        // An alias to nothing, an alias bomb: what the YAML parser lets through and toJS refuses.
        throw new RioInputError([], `invalid YAML: ${(e as Error).message}`, at(0));
    }
    // Errors found when planning name kubernetes.manifest[i]: the i-th object, which is a document of the file.
    const documentOf = docs.flatMap((d, i) =>
        d.contents === null || (isScalar(d.contents) && d.contents.value === null) ? [] : [i],
    );
    return {
        file,
        services: [],
        configs: [],
        routers: [],
        externalServices: [],
        manifest,
        // Here the manifest is the file: its warnings point at their document's key.
        warnings: found.map((w) => ({
            path: w.path,
            detail: w.detail.replace(/ \(document at line \d+ of the manifest\)$/, ""),
            location: locateDocument(w.path, true),
        })),
        locate: (path, atKey) => {
            const [top, key, object, ...rest] = path;
            if (top !== "kubernetes" || key !== "manifest" || typeof object !== "number") return at(0);
            return locateDocument([documentOf[object] ?? object, ...rest], atKey);
        },
    };
}
