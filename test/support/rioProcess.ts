/**
 * The real `rio` process for the offline tests of the commands' bad input: a temporary HOME and RIO_HOME, and a
 * kubeconfig whose current context (k3d-dev) points at a port nothing listens on — a user error must stop rio
 * before it reaches the cluster or the Pulumi CLI.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before } from "node:test";

const RIO = path.resolve(__dirname, "../../components/cli/main.js");

export interface RioProcess {
    /** Runs rio to the end. */
    rio(...args: string[]): { code: number | null; stdout: string; stderr: string };
    /** The temporary folder: rio's cwd and HOME; RIO_HOME is its `rio-home`. */
    dir(): string;
}

/** Registers the suite's `before` (the folder and kubeconfig) and `after` (the folder removed). */
export function useRioProcess(prefix: string): RioProcess {
    let dir = "";
    let env: NodeJS.ProcessEnv = {};
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        const kubeconfig = path.join(dir, "kubeconfig");
        fs.writeFileSync(
            kubeconfig,
            [
                "apiVersion: v1",
                "kind: Config",
                "current-context: k3d-dev",
                "clusters: [{name: dev, cluster: {server: 'https://127.0.0.1:1'}}]",
                "users: [{name: dev, user: {token: t}}]",
                "contexts: [{name: k3d-dev, context: {cluster: dev, user: dev}}]",
                "",
            ].join("\n"),
        );
        env = { PATH: process.env.PATH, HOME: dir, RIO_HOME: path.join(dir, "rio-home"), KUBECONFIG: kubeconfig };
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    return {
        rio: (...args) => {
            const r = spawnSync(process.execPath, [RIO, ...args], { cwd: dir, env, encoding: "utf8" });
            return { code: r.status, stdout: r.stdout, stderr: r.stderr };
        },
        dir: () => dir,
    };
}
