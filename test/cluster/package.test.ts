/**
 * The plugin under the real Pulumi CLI (built by `npm run engines`): `pulumi package get-schema` runs the
 * `pulumi-resource-pulumi-rio` bin as a provider executable — linked as npm links a bin, with an empty schema
 * cache so the plugin runs the analyzer itself — and receives the golden schema. No cluster, and no language
 * host: the CLI starts the executable directly.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { getSchema, pluginBin } from "./sdk";

const ROOT = path.resolve(__dirname, "../../..");

/** The schema as the CLI writes it back: no `optional` (not a schema key), no empty lists or maps (Go's omitempty). */
function normalized(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(normalized);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
        Object.entries(value)
            .filter(([k, v]) => k !== "optional" && !(Array.isArray(v) && v.length === 0))
            .filter(([, v]) => !(v !== null && typeof v === "object" && Object.keys(v).length === 0))
            .map(([k, v]) => [k, normalized(v)]),
    );
}

describe("pulumi package get-schema on the plugin executable", () => {
    it("serves the golden schema, analyzed by the plugin itself", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-package-"));
        const stdout = await getSchema(pluginBin(path.join(dir, "bin")), dir);
        const golden = JSON.parse(fs.readFileSync(path.join(ROOT, "test/golden/schema.json"), "utf8"));
        assert.deepEqual(normalized(JSON.parse(stdout)), normalized(golden));
        assert.equal(fs.readdirSync(path.join(dir, "tmp")).filter((f) => f.startsWith("pulumi-rio-schema-")).length, 1);
    });
});
