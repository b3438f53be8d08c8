/**
 * The plugin under the real Pulumi CLI (built by `npm run engines`): `pulumi package get-schema` runs the
 * `pulumi-resource-pulumi-rio` bin as a provider executable — linked as npm links a bin, with an empty schema
 * cache so the plugin runs the analyzer itself — and receives the golden schema. No cluster, and no language
 * host: the CLI starts the executable directly.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { engineBins } from "./engines";

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
        const pulumi = engineBins().pulumi;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-package-"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.mkdirSync(path.join(dir, "tmp"));
        const bin = path.join(dir, "bin", "pulumi-resource-pulumi-rio");
        fs.symlinkSync(path.join(ROOT, "dist/components/portable/main.js"), bin);
        const stdout = await new Promise<string>((resolve, reject) =>
            execFile(
                pulumi,
                ["package", "get-schema", bin],
                {
                    cwd: dir,
                    maxBuffer: 16 * 1024 * 1024,
                    env: {
                        PATH: process.env.PATH ?? "",
                        HOME: dir,
                        PULUMI_HOME: path.join(dir, "pulumi-home"),
                        PULUMI_SKIP_UPDATE_CHECK: "true",
                        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
                        // An empty cache: the plugin analyzes the sources itself.
                        TMPDIR: path.join(dir, "tmp"),
                    },
                },
                (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out)),
            ),
        );
        const golden = JSON.parse(fs.readFileSync(path.join(ROOT, "test/golden/schema.json"), "utf8"));
        assert.deepEqual(normalized(JSON.parse(stdout)), normalized(golden));
        assert.equal(fs.readdirSync(path.join(dir, "tmp")).filter((f) => f.startsWith("pulumi-rio-schema-")).length, 1);
    });
});
