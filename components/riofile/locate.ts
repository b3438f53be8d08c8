import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node } from "yaml";
import { KeyPath, SourceLocation } from "../errors";
import { canonicalKey } from "../service/keys";

/**
 * Finds where `path` sits in a parsed YAML document: the value's node, or the key's when `atKey` or when the
 * value is a map or list. When the
 * path goes deeper than the document (a default, a value inside a string), the deepest node found is used.
 */
export function locate(doc: Document, lines: LineCounter, file: string, path: KeyPath, atKey = false): SourceLocation {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
        const seg = path[i];
        const last = i === path.length - 1;
        if (isMap(node)) {
            // Errors found after loading name canonical keys; the file may spell them as one of Rio's aliases.
            const pair =
                node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg)) ??
                node.items.find((p) => isPair(p) && isScalar(p.key) && canonicalKey(String(p.key.value)) === seg);
            if (!pair) break;
            const key = pair.key as Node;
            const value = pair.value as Node | null;
            // An error about a whole map or list (a missing key, a bad name) reads best at its key.
            if (last && (atKey || isMap(value) || isSeq(value))) {
                offset = key.range?.[0] ?? offset;
                break;
            }
            offset = value?.range?.[0] ?? key.range?.[0] ?? offset;
            node = value;
        } else if (isSeq(node) && typeof seg === "number") {
            const item = node.items[seg] as Node | undefined;
            if (!item) break;
            offset = item.range?.[0] ?? offset;
            node = item;
        } else break;
    }
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
}
