/**
 * The plugin under the real Pulumi CLI (built by `npm run engines`): `pulumi package get-schema` runs the
 * `pulumi-resource-pulumi-rio` bin as a provider executable — linked as npm links a bin, with an empty schema
 * cache so the plugin runs the analyzer itself — and receives the golden schema; Pulumi's Go and Python SDK
 * generators (pulumi-rio-sdkgen) turn it into those SDKs. No cluster, and no language host: the CLI starts the
 * executable directly.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { goEnv, VERSIONS } from "./engines";
import { generateSdk, getSchema, pluginBin, run } from "./sdk";

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
    it("serves the golden schema, analyzed by the plugin itself, from which the Go and Python SDKs are generated", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-package-"));
        const stdout = await getSchema(pluginBin(path.join(dir, "bin")), dir);
        const golden = JSON.parse(fs.readFileSync(path.join(ROOT, "test/golden/schema.json"), "utf8"));
        assert.deepEqual(normalized(JSON.parse(stdout)), normalized(golden));
        assert.equal(fs.readdirSync(path.join(dir, "tmp")).filter((f) => f.startsWith("pulumi-rio-schema-")).length, 1);

        // What the Go and Python hosts would generate from it for `pulumi package add`: one module per component.
        fs.writeFileSync(path.join(dir, "schema.json"), stdout);
        const files = async (language: "go" | "python") => {
            const out = path.join(dir, "sdks", language);
            const report = await generateSdk(language, path.join(dir, "schema.json"), out);
            const list = fs.readdirSync(out, { recursive: true, encoding: "utf8" });
            assert.equal(report, `${list.filter((f) => fs.statSync(path.join(out, f)).isFile()).length} files\n`);
            return list.filter((f) => /\.(go|py)$/.test(f)).sort();
        };
        assert.deepEqual(await files("go"), [
            "pulumirio/doc.go",
            "pulumirio/init.go",
            "pulumirio/internal/pulumiUtilities.go",
            "pulumirio/internal/pulumiVersion.go",
            "pulumirio/previewEnv.go",
            "pulumirio/provider.go",
            "pulumirio/pulumiEnums.go",
            "pulumirio/pulumiTypes.go",
            "pulumirio/rioRouter.go",
            "pulumirio/rioService.go",
            "pulumirio/rioSystem.go",
            "pulumirio/riofile.go",
        ]);
        // The Go SDK compiles, with the README's example program: its module as `package add` makes one.
        const program = path.join(dir, "goprogram");
        fs.mkdirSync(program);
        for (const f of ["go.mod", "go.sum", "main.go"])
            fs.copyFileSync(path.join(ROOT, "test/cluster/goprogram", f), path.join(program, f));
        fs.cpSync(path.join(dir, "sdks", "go"), path.join(program, "sdk"), { recursive: true });
        fs.writeFileSync(
            path.join(program, "sdk", "go.mod"),
            `module example.com/pulumi-rio/sdk/go\n\ngo 1.26.0\n\nrequire github.com/pulumi/pulumi/sdk/v3 v${VERSIONS.pulumi}\n`,
        );
        await run("go", ["build", "-o", path.join(dir, "goprogram-bin"), "."], { cwd: program, env: goEnv() });
        assert.ok(fs.statSync(path.join(dir, "goprogram-bin")).size > 0, "the Go program was built");

        assert.deepEqual(await files("python"), [
            "pulumi_rio/__init__.py",
            "pulumi_rio/_enums.py",
            "pulumi_rio/_inputs.py",
            "pulumi_rio/_utilities.py",
            "pulumi_rio/outputs.py",
            "pulumi_rio/preview_env.py",
            "pulumi_rio/provider.py",
            "pulumi_rio/rio_router.py",
            "pulumi_rio/rio_service.py",
            "pulumi_rio/rio_system.py",
            "pulumi_rio/riofile.py",
            "setup.py",
        ]);
    });
});
