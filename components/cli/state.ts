/**
 * Where the stacks of the `rio` commands live. With no `PULUMI_BACKEND_URL`, an embedded default that needs no
 * login: a file backend in the user's data folder (`$RIO_HOME`, else `~/.rio`) and a passphrase secrets provider
 * whose passphrase rio makes once and keeps next to it (mode 0600). With `PULUMI_BACKEND_URL`, that backend, and
 * its secrets settings are the user's, as for `pulumi` itself.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The folder rio keeps its state in. */
export interface RioState {
    /** `$RIO_HOME`, else `~/.rio`. */
    home: string;
    /** The CLI project's folder: its Pulumi.yaml and each stack's Pulumi.<stack>.yaml, which holds its desired state. */
    workDir: string;
    /** The embedded file backend (`<home>/state`) is used: no PULUMI_BACKEND_URL was set. */
    embedded: boolean;
    /** Environment the Pulumi CLI runs with, over rio's own. */
    env: Record<string, string>;
    /** Variables of rio's own environment the Pulumi CLI must not see (another passphrase than the embedded one). */
    unset: string[];
}

/** `$RIO_HOME`, else `~/.rio`. */
export function rioHome(env: NodeJS.ProcessEnv = process.env): string {
    const home = env.RIO_HOME;
    return home !== undefined && home !== "" ? path.resolve(home) : path.join(os.homedir(), ".rio");
}

/**
 * The passphrase file, made once: a random passphrase written to a private temporary file, then linked into place,
 * so two first runs at once agree on one passphrase and none ever reads a half-written file.
 */
export function ensurePassphrase(file: string): void {
    if (fs.existsSync(file)) return;
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    fs.writeFileSync(tmp, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
    try {
        fs.linkSync(tmp, file);
    } catch (e) {
        // Another rio made it first: that one is the passphrase.
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
        fs.unlinkSync(tmp);
    }
}

/** Makes rio's folders (private to the user) and says how the Pulumi CLI is to run on them. */
export function prepareState(env: NodeJS.ProcessEnv = process.env): RioState {
    const home = rioHome(env);
    const workDir = path.join(home, "workspace");
    fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const backend = env.PULUMI_BACKEND_URL;
    if (backend !== undefined && backend !== "") return { home, workDir, embedded: false, env: {}, unset: [] };
    const state = path.join(home, "state");
    fs.mkdirSync(state, { recursive: true, mode: 0o700 });
    const passphrase = path.join(home, "passphrase");
    ensurePassphrase(passphrase);
    return {
        home,
        workDir,
        embedded: true,
        env: { PULUMI_BACKEND_URL: `file://${state}`, PULUMI_CONFIG_PASSPHRASE_FILE: passphrase },
        // Pulumi prefers PULUMI_CONFIG_PASSPHRASE to the file: one set for other stacks would lock these out.
        unset: ["PULUMI_CONFIG_PASSPHRASE"],
    };
}
