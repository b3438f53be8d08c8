/**
 * Values encrypted by the stack's own secrets provider, as `pulumi config set --secret` encrypts them: the Pulumi
 * CLI sets each on a scratch copy of the stack's file (so the stack's config changes only once an update has
 * succeeded, as every command's), reading the value from its standard input — never from its command line, which
 * other users of the machine can read — and rio takes the ciphertexts from the copy.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as automation from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { RioInputError } from "../errors";
import { currentDesired, stackFile } from "./engine";
import { RioState } from "./state";

/** Runs `pulumi args…` with `input` on its stdin; resolves once it exits 0, else rejects with its last error line. */
function pulumi(command: string, args: string[], input: string, cwd: string, env: NodeJS.ProcessEnv) {
    return new Promise<void>((resolve, reject) => {
        const child = spawn(command, args, { cwd, env, stdio: ["pipe", "ignore", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => {
            if (code === 0) resolve();
            else
                reject(
                    new RioInputError(
                        [],
                        `pulumi config set --secret failed: ${stderr.trim().split("\n").pop() ?? `exit ${code}`}`,
                    ),
                );
        });
        child.stdin!.end(input);
    });
}

/**
 * Encrypts `values` for stack `stackName` (which must exist: its file has the encryption salt or key); returns
 * each ciphertext, as the stack's file keeps a secret (`{secure: <ciphertext>}`). Pulumi drops one trailing
 * newline of a value read from stdin: a value should not end with one (the Secrets add them where they need them).
 */
export async function encryptValues(state: RioState, stackName: string, values: readonly string[]): Promise<string[]> {
    const { command } = await automation.PulumiCommand.get();
    const env: NodeJS.ProcessEnv = { ...process.env, ...state.env, PULUMI_SKIP_UPDATE_CHECK: "true" };
    for (const name of state.unset) delete env[name];
    const scratch = path.join(
        state.workDir,
        `.${path.basename(stackFile(state, stackName), ".yaml")}.secret-${process.pid}.yaml`,
    );
    fs.writeFileSync(scratch, currentDesired(state, stackName).text, { mode: 0o600 });
    try {
        const keys = values.map((_, i) => `rio:encrypt${i}`);
        for (const [i, value] of values.entries())
            await pulumi(
                command,
                [
                    "config",
                    "set",
                    "--secret",
                    keys[i]!,
                    "--config-file",
                    scratch,
                    "--stack",
                    stackName,
                    "--non-interactive",
                ],
                value,
                state.workDir,
                env,
            );
        const config = (parse(fs.readFileSync(scratch, "utf8")) as { config?: Record<string, { secure?: unknown }> })
            .config;
        return keys.map((k) => {
            const secure = config?.[k]?.secure;
            if (typeof secure !== "string") throw new Error(`pulumi config set --secret left no ciphertext for ${k}`);
            return secure;
        });
    } finally {
        fs.rmSync(scratch, { force: true });
    }
}
