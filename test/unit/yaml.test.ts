/** rio render's YAML: what it prints reads back as the same objects, including text the yaml library mishandles. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { toYaml } from "../../components/render/yaml";
import { KubeObject } from "../../components/kube/object";

const configMap = (data: Record<string, string>): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c", namespace: "d" },
    data,
});
const readBack = (text: string) => parseAllDocuments(text).map((d) => (Array.isArray(d) ? undefined : d.toJS()));

describe("toYaml", () => {
    for (const value of [" \n", " \n\t\n", "\n", "a\n\n", "  indented\n", "line1\nline2"]) {
        it(`keeps ${JSON.stringify(value)} exactly`, () => {
            assert.deepEqual(readBack(toYaml([configMap({ k: value })])), [configMap({ k: value })]);
        });
    }
    it("keeps any string exactly (property)", () => {
        fc.assert(
            fc.property(
                fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "a", "#", ":", "-", "'", '"', "|", ">") }),
                (value) => {
                    assert.deepEqual(readBack(toYaml([configMap({ k: value })])), [configMap({ k: value })]);
                },
            ),
            { numRuns: 2000 },
        );
    });
});
