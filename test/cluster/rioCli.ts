/**
 * The fixture of the cluster tests that drive the real `rio` process (dist/components/cli/main.js) against the
 * local control plane: the Pulumi CLI and the Kubernetes provider built by `npm run engines` on PATH, rio's state in
 * a temporary RIO_HOME (its embedded file backend and passphrase, no PULUMI_BACKEND_URL), and a `--settings` file
 * pointing RioSystem at the stand-in charts and local CRD bundles (its mirror settings). `openStack` opens the stack
 * as any Pulumi user would, so `agrees()` is `pulumi preview` finding nothing to change.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before } from "node:test";
import * as automation from "@pulumi/pulumi/automation";
import { stringify } from "yaml";
import { PROJECT, rioProgram } from "../../components/cli/stackProgram";
import { writeCrdBundle, writeStandInCharts } from "./charts";
import { ControlPlane } from "./controlPlane";
import { engineBinDirs, pulumiRoot } from "./engines";
import { publishGatewayAddress } from "./gatewayStatus";

const RIO = path.resolve(__dirname, "../../components/cli/main.js");

/** What a rio process printed once it exited. */
export interface RioResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** The fixture's handles, valid from the suite's `before` on. */
export interface RioCli {
    /** The real rio process; resolves once it exits (it must exit on its own). */
    rio(...args: string[]): Promise<RioResult>;
    /** The same, run in the folder `cwd` (`rio up` and `rio build` in an app's folder). */
    rioIn(cwd: string, ...args: string[]): Promise<RioResult>;
    /** The same, with `input` written to its stdin (for prompts). */
    rioWithInput(input: string, ...args: string[]): Promise<RioResult>;
    /** The stack as a Pulumi user opens it: the same workspace, backend, passphrase and program. */
    openStack(): Promise<automation.Stack>;
    /** `pulumi preview` finds nothing to change. */
    agrees(): Promise<void>;
    /** The names of the stacks rio's workspace has in its backend. */
    listStacks(): Promise<string[]>;
    /** The stack's settings file, as rio wrote it. */
    stackFile(): string;
    /** The RioSystem `--settings` file for `rio install`. */
    readonly settings: string;
    /** The folder the tests run rio in (its cwd). */
    readonly home: string;
    readonly rioHome: string;
    readonly env: NodeJS.ProcessEnv;
}

export const STACK = "rio-local";

/**
 * Registers the suite's `before` and `after`: a temporary home and RIO_HOME, the settings file, the Gateway's
 * address published as `gatewayAddress`; after, the stack destroyed and removed and the home deleted.
 */
export function useRioCli(cluster: () => ControlPlane, gatewayAddress: string, prefix = "rio-cli-"): RioCli {
    let home = "";
    let env: NodeJS.ProcessEnv = {};
    let publisher: { stop(): Promise<void> } | undefined;

    const spawnRio = (input: string | undefined, args: string[], cwd = home) =>
        new Promise<RioResult>((resolve, reject) => {
            const child = spawn(process.execPath, [RIO, ...args], {
                env,
                cwd,
                stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
            });
            let stdout = "";
            let stderr = "";
            child.stdout!.on("data", (d) => (stdout += d));
            child.stderr!.on("data", (d) => (stderr += d));
            child.on("error", reject);
            child.on("close", (code) => resolve({ code, stdout, stderr }));
            if (input !== undefined) child.stdin!.end(input);
        });

    /** rio's workspace as a Pulumi user opens it: the same folder, backend, passphrase and program. */
    const workspaceOptions = async () => ({
        workDir: path.join(fixture.rioHome, "workspace"),
        pulumiCommand: await automation.PulumiCommand.get({ root: pulumiRoot() }),
        envVars: {
            PATH: env.PATH!,
            PULUMI_HOME: env.PULUMI_HOME!,
            PULUMI_BACKEND_URL: `file://${path.join(fixture.rioHome, "state")}`,
            PULUMI_CONFIG_PASSPHRASE_FILE: path.join(fixture.rioHome, "passphrase"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            KUBECONFIG: env.KUBECONFIG!,
        },
    });

    const fixture: RioCli = {
        rio: (...args) => spawnRio(undefined, args),
        rioWithInput: (input, ...args) => spawnRio(input, args),
        rioIn: (cwd, ...args) => spawnRio(undefined, args, cwd),
        openStack: async () =>
            automation.LocalWorkspace.selectStack(
                { stackName: STACK, projectName: PROJECT, program: rioProgram },
                await workspaceOptions(),
            ),
        listStacks: async () => {
            const options = await workspaceOptions();
            // rio writes the project file with its first stack: without one there is no stack either.
            if (!fs.existsSync(path.join(options.workDir, "Pulumi.yaml"))) return [];
            const workspace = await automation.LocalWorkspace.create(options);
            return (await workspace.listStacks()).map((s) => s.name);
        },
        agrees: async () => {
            await (await fixture.openStack()).preview({ expectNoChanges: true });
        },
        stackFile: () => fs.readFileSync(path.join(fixture.rioHome, "workspace", `Pulumi.${STACK}.yaml`), "utf8"),
        get settings() {
            return path.join(home, "mirror.yaml");
        },
        get home() {
            return home;
        },
        get rioHome() {
            return path.join(home, "rio-home");
        },
        get env() {
            return env;
        },
    };

    before(() => {
        home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        const charts = Object.fromEntries(
            Object.entries(writeStandInCharts(path.join(home, "charts"))).map(([k, chart]) => [k, { chart }]),
        );
        fs.writeFileSync(
            fixture.settings,
            stringify({
                charts,
                crdBundles: {
                    gatewayApi: writeCrdBundle(home, "gatewayApi"),
                    certManager: writeCrdBundle(home, "certManager"),
                },
            }),
        );
        const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_")));
        env = {
            ...inherited,
            PATH: [...engineBinDirs(), process.env.PATH ?? ""].join(path.delimiter),
            RIO_HOME: fixture.rioHome,
            PULUMI_HOME: path.join(home, "pulumi-home"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            KUBECONFIG: cluster().kubeconfig,
        };
        publisher = publishGatewayAddress(cluster(), gatewayAddress);
    });

    after(async () => {
        await publisher?.stop();
        try {
            // A suite may have uninstalled it (rio uninstall removes the stack): then there is nothing to destroy.
            if ((await fixture.listStacks()).includes(STACK)) {
                const stack = await fixture.openStack();
                await stack.destroy();
                await stack.workspace.removeStack(STACK);
            }
        } finally {
            fs.rmSync(home, { recursive: true, force: true });
        }
    });

    return fixture;
}
