/**
 * Real `pulumi` runs for the cluster tier: the CLI and the Kubernetes provider built by `npm run engines`, a file
 * backend and a passphrase secrets provider in a temporary folder, no update check, no plugin downloads.
 * Programs are inline Automation API programs (this process serves them to the CLI over gRPC), so no Node.js
 * language host is needed.
 */
import * as automation from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { engineBinDirs, pulumiRoot } from "./engines";

export interface StackHandle {
    stack: automation.Stack;
    /** The stack's state folder (a file backend), removed by `remove()`. */
    home: string;
    /** Destroys what is left and removes the stack and its folder. */
    remove(): Promise<void>;
}

export interface StackOptions {
    /** The kubeconfig the program's default Kubernetes provider uses (KUBECONFIG). None: a program with no cluster. */
    kubeconfig?: string;
    /** Stack config, plain or `{ value, secret: true }`. */
    config?: Record<string, string | { value: string; secret?: boolean }>;
    /** Extra environment for the CLI and its plugins. */
    env?: Record<string, string>;
}

/** The environment the CLI and the provider run with. */
export function pulumiEnv(
    home: string,
    kubeconfig: string | undefined,
    extra: Record<string, string> = {},
): Record<string, string> {
    return {
        PATH: [...engineBinDirs(), process.env.PATH ?? ""].join(path.delimiter),
        PULUMI_HOME: path.join(home, "pulumi-home"),
        PULUMI_BACKEND_URL: `file://${path.join(home, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "cluster-tier",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        ...(kubeconfig !== undefined && { KUBECONFIG: kubeconfig }),
        ...extra,
    };
}

/** A new stack of a new project running `program` inline. */
export async function inlineStack(
    projectName: string,
    program: automation.PulumiFn,
    opts: StackOptions,
): Promise<StackHandle> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), `rio-stack-${projectName}-`));
    fs.mkdirSync(path.join(home, "state"));
    const stack = await openStack(home, projectName, program, opts);
    if (opts.config) {
        const cfg: automation.ConfigMap = {};
        for (const [k, v] of Object.entries(opts.config)) cfg[k] = typeof v === "string" ? { value: v } : v;
        await stack.setAllConfig(cfg);
    }
    return {
        stack,
        home,
        remove: async () => {
            try {
                await stack.destroy();
                await stack.workspace.removeStack("test");
            } finally {
                fs.rmSync(home, { recursive: true, force: true });
            }
        },
    };
}

/** The stack `test` of a project whose state lives in `home` (made by {@link inlineStack}), with another program. */
export async function openStack(
    home: string,
    projectName: string,
    program: automation.PulumiFn,
    opts: StackOptions,
): Promise<automation.Stack> {
    const envVars = pulumiEnv(home, opts.kubeconfig, opts.env);
    const pulumiCommand = await automation.PulumiCommand.get({ root: pulumiRoot() });
    return automation.LocalWorkspace.createOrSelectStack(
        { stackName: "test", projectName, program },
        {
            pulumiCommand,
            envVars,
            projectSettings: {
                name: projectName,
                runtime: "nodejs",
                backend: { url: envVars.PULUMI_BACKEND_URL },
            },
        },
    );
}

/** What an update or preview changed, by operation (`create`, `update`, `same`, `delete`, `replace`, …). */
export function changes(ops: Partial<Record<string, number>> | undefined): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [op, n] of Object.entries(ops ?? {})) if (n) out[op] = n;
    return out;
}
