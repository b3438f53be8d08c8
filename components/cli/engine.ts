/**
 * The Pulumi engine under the `rio` commands, through the Automation API: a stack of the `rio-cli` project in rio's
 * workspace, whose inline program (stackProgram.ts) runs in this process. A command's new desired state is written
 * to a copy of the stack's config file and the engine runs on that copy (`--config-file`): a preview changes
 * nothing, and the stack's config takes the new state only once an update has succeeded.
 */
import * as fs from "fs";
import * as path from "path";
import * as automation from "@pulumi/pulumi/automation";
import type { EngineEvent, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { RioInputError } from "../errors";
import { Desired, desiredOfFile, withDesired } from "./desired";
import { changeSummary, commandFailure, Progress } from "./progress";
import { PROJECT, rioProgram, StackOutputs } from "./stackProgram";
import { RioState } from "./state";

/** A user error for what the engine needs but the machine lacks (the Pulumi CLI). */
async function pulumiCommand() {
    try {
        return await automation.PulumiCommand.get();
    } catch (e) {
        const text = (e as Error).message;
        if (/ENOENT|not found/i.test(text))
            throw new RioInputError(
                [],
                "the rio commands run the Pulumi CLI, and there is no pulumi on PATH: install it (https://www.pulumi.com/docs/install/)",
            );
        throw new RioInputError([], `the Pulumi CLI: ${text.split("\n")[0]}`);
    }
}

/** Opens a stack; creates it when `create` (rio install), otherwise undefined when there is none. */
export async function openStack(state: RioState, stackName: string, create: boolean): Promise<Stack | undefined> {
    for (const name of state.unset) delete process.env[name];
    const { LocalWorkspace, StackNotFoundError } = automation;
    const args = { stackName, projectName: PROJECT, program: rioProgram };
    const opts = {
        workDir: state.workDir,
        pulumiCommand: await pulumiCommand(),
        envVars: state.env,
        projectSettings: { name: PROJECT, runtime: "nodejs" as const, description: "The stacks of the rio commands" },
    };
    if (create) return LocalWorkspace.createOrSelectStack(args, opts);
    try {
        return await LocalWorkspace.selectStack(args, opts);
    } catch (e) {
        if (e instanceof StackNotFoundError) return undefined;
        throw e;
    }
}

/** The stack's config file in rio's workspace (Pulumi.<stack>.yaml; an org/project/stack name by its last part). */
export function stackFile(state: RioState, stackName: string): string {
    return path.join(state.workDir, `Pulumi.${stackName.split("/").pop()}.yaml`);
}

/** The desired state the stack's config holds now. */
export function currentDesired(state: RioState, stackName: string): { text: string; desired: Desired } {
    const file = stackFile(state, stackName);
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    return { text, desired: desiredOfFile(text) };
}

/**
 * One rio command at a time per stack: a second one says who holds it (its pid) instead of racing on the config.
 * A lock whose process is gone is taken over.
 */
export async function withLock<T>(state: RioState, stackName: string, fn: () => Promise<T>): Promise<T> {
    const dir = path.join(state.home, "locks");
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const lock = path.join(dir, `${stackName.replace(/\//g, "_")}.lock`);
    for (let attempt = 0; ; attempt++) {
        try {
            fs.writeFileSync(lock, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
            break;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw e;
            const pid = Number(fs.readFileSync(lock, "utf8").trim());
            if (Number.isInteger(pid) && pid > 0 && alive(pid))
                throw new RioInputError(
                    [],
                    `stack ${stackName} is in use by another rio command (pid ${pid}); run this one when it has finished`,
                );
            fs.rmSync(lock, { force: true });
        }
    }
    try {
        return await fn();
    } finally {
        fs.rmSync(lock, { force: true });
    }
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** What a preview or an update did. */
export interface RunResult {
    /** The engine's counts by operation. */
    changes: Record<string, number>;
    outputs?: StackOutputs;
}

/** Plain values of the stack's outputs. */
export function plainOutputs(outputs: OutputMap): StackOutputs {
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])) as StackOutputs;
}

/**
 * Runs the engine on `desired`: a preview (nothing changes), or an update after which the stack's config holds
 * `desired`. Progress lines go to `log` as the engine reports them. An update that fails leaves the config as it
 * was and throws, saying so.
 */
export async function runEngine(
    stack: Stack,
    state: RioState,
    stackName: string,
    desired: Desired,
    preview: boolean,
    log: (line: string) => void,
): Promise<RunResult> {
    const file = stackFile(state, stackName);
    // Pulumi reads a config file by its extension: the copy keeps .yaml.
    const next = path.join(state.workDir, `.${path.basename(file, ".yaml")}.rio-${process.pid}.yaml`);
    // The file as the engine left it (a new stack's has just been given its encryption salt).
    fs.writeFileSync(next, withDesired(currentDesired(state, stackName).text, desired), { mode: 0o600 });
    const progress = new Progress(preview);
    const onEvent = (e: EngineEvent) => progress.lines(e).forEach(log);
    const common = { configFile: next, onEvent, color: "never" as const };
    try {
        if (preview) {
            let r;
            try {
                r = await stack.preview(common);
            } catch (e) {
                explain(e, progress, log);
                throw new RioInputError(
                    [],
                    `the preview of stack ${stackName} failed (the errors above say why); nothing was changed`,
                );
            }
            return { changes: r.changeSummary as Record<string, number> };
        }
        let result;
        try {
            result = await stack.up(common);
        } catch (e) {
            if (e instanceof automation.ConcurrentUpdateError)
                throw new RioInputError(
                    [],
                    `stack ${stackName} is being updated by another pulumi or rio command; try again when it has finished`,
                );
            explain(e, progress, log);
            throw new UpdateFailed(stackName);
        }
        fs.renameSync(next, file);
        log(`  ${changeSummary(result.summary.resourceChanges, false)}`);
        return {
            changes: (result.summary.resourceChanges ?? {}) as Record<string, number>,
            outputs: plainOutputs(result.outputs),
        };
    } finally {
        fs.rmSync(next, { force: true });
    }
}

/** Prints why the CLI failed when the engine's events did not say (or rethrows what is not the CLI's failure). */
function explain(e: unknown, progress: Progress, log: (line: string) => void): void {
    if (!(e instanceof automation.CommandError)) throw e;
    if (!progress.sawError)
        commandFailure(
            (e as unknown as { commandResult?: { stderr: string } }).commandResult?.stderr ?? e.message,
        ).forEach(log);
}

/** An update the engine could not finish: its errors were printed as they came. */
export class UpdateFailed extends RioInputError {
    constructor(stackName: string) {
        super(
            [],
            `the update of stack ${stackName} failed (the errors above say why); its desired state is unchanged, what was already applied stays: fix the cause and run the command again`,
        );
    }
}
