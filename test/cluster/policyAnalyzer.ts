/**
 * How the real CLI runs a Node.js policy pack here. Pulumi 3.248 runs one through the nodejs language host's
 * RunPlugin (`pulumi-language-nodejs`, which the Go module proxy does not serve, so the cluster tier has none); with
 * no language host for the pack's runtime it falls back to an analyzer plugin named `pulumi-analyzer-policy-nodejs`
 * on PATH, started in the pack's folder with the engine's address and `.` (sdk/go/common/resource/plugin/
 * analyzer_plugin.go, NewPolicyAnalyzer). This writes that plugin: it runs `@pulumi/pulumi/cmd/run-policy-pack`
 * from the pack's own node_modules, which is what the language host runs for a pack too, and what Pulumi's own
 * `pulumi-analyzer-policy` script ran until 3.221.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Writes `pulumi-analyzer-policy-nodejs` into `dir` (made if missing) and returns `dir`, for PATH. */
export function writePolicyAnalyzer(dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const node = JSON.stringify(process.execPath);
    fs.writeFileSync(
        path.join(dir, "pulumi-analyzer-policy-nodejs"),
        [
            "#!/bin/sh",
            "# Started in the policy pack's folder: <engine address> . [-option=value…]",
            `exec ${node} "$(${node} -p "require.resolve('@pulumi/pulumi/cmd/run-policy-pack')")" "$@"`,
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    return dir;
}
