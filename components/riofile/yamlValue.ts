/**
 * YAML documents as JavaScript values, the way Rio's YAML parser (go-yaml, through sigs.k8s.io/yaml) read
 * them: anchors and aliases, and merge keys (`<<: *base`). What YAML allows but no value can be is refused
 * before anything is built, with the offset of the node at fault:
 * - an alias inside the node it names (`services: &s {web: *s}`): an infinite value (Rio's parser refused it too);
 * - an alias to no anchor;
 * - aliases that expand to a huge value (an "alias bomb", each level doubling the one below). The bound is on
 *   the size of what the document expands to, not on how often an anchor is used: a Riofile may reuse one
 *   anchor a hundred times, but no document expands past {@link MAX_EXPANDED_NODES} nodes.
 */
import { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, Node } from "yaml";

/** The most nodes (maps, lists, keys and values) a document, or a file's documents together, may expand to. */
export const MAX_EXPANDED_NODES = 1_000_000;

/** Options every parse of user YAML uses: Rio's parser took merge keys. */
export const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, merge: true } as const;

/** What is wrong with a document's structure, and the offset in its text of the node at fault. */
export interface YamlProblem {
    offset: number;
    message: string;
}

/** How much expansion is left; share one between the documents of a file. */
export interface ExpansionBudget {
    left: number;
}

export function expansionBudget(): ExpansionBudget {
    return { left: MAX_EXPANDED_NODES };
}

class Problem extends Error {
    constructor(
        readonly offset: number,
        message: string,
    ) {
        super(message);
    }
}

/**
 * Checks a parsed document's aliases and merge keys (see the file's comment) and returns its value, or the
 * first problem. The document must have no parse errors.
 */
export function documentValue(
    doc: Document,
    budget: ExpansionBudget = expansionBudget(),
): { value: unknown } | { problem: YamlProblem } {
    const sizes = new Map<unknown, number>();
    const active = new Set<unknown>();
    const at = (node: unknown): number => (node as Node | null)?.range?.[0] ?? 0;
    const size = (node: unknown): number => {
        if (node === null || node === undefined || isScalar(node)) return 1;
        if (isAlias(node)) {
            const target = (node as Alias).resolve(doc);
            if (!target)
                throw new Problem(at(node), `the alias *${node.source} has no anchor &${node.source} before it`);
            if (active.has(target))
                throw new Problem(
                    at(node),
                    `the alias *${node.source} is inside the node &${node.source} it stands for, so its value would never end`,
                );
            return size(target);
        }
        const known = sizes.get(node);
        if (known !== undefined) return known;
        active.add(node);
        let total = 1;
        if (isMap(node)) {
            for (const pair of node.items) {
                if (isScalar(pair.key) && typeof pair.key.value === "symbol") checkMerge(pair.value, doc);
                total += size(pair.key) + size(pair.value);
            }
        } else if (isSeq(node)) {
            for (const item of node.items) total += isPair(item) ? size(item.key) + size(item.value) : size(item);
        }
        active.delete(node);
        sizes.set(node, total);
        return total;
    };
    try {
        const total = size(doc.contents);
        if (total > budget.left)
            throw new Problem(
                at(doc.contents),
                `its aliases expand to more than ${MAX_EXPANDED_NODES.toLocaleString("en")} values (an alias bomb?)`,
            );
        budget.left -= total;
    } catch (e) {
        if (e instanceof Problem) return { problem: { offset: e.offset, message: e.message } };
        throw e;
    }
    return { value: doc.toJS({ maxAliasCount: -1 }) };
}

/** A merge key's value: a map, an alias to one, or a list of those (YAML 1.1's merge keys, as go-yaml read them). */
function checkMerge(value: unknown, doc: Document): void {
    // An alias to nothing is reported as such by the walk.
    const isMapLike = (v: unknown) =>
        isMap(v) || (isAlias(v) && (v.resolve(doc) === undefined || isMap(v.resolve(doc))));
    if (isMapLike(value) || (isSeq(value) && value.items.every(isMapLike))) return;
    throw new Problem(
        (value as Node | null)?.range?.[0] ?? 0,
        "a merge key (<<) takes a map, an alias to one (<<: *base) or a list of them",
    );
}
