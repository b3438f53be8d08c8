/**
 * `rio uninstall`: the stack of the current kube context destroyed — RioSystem and every service, router and
 * external service the commands deployed, each namespace rio made — then removed from the backend with its config,
 * so the next `rio install` starts afresh. Rio's own uninstall deleted its CRDs and rio-system, taking every
 * service with them; here Pulumi deletes what the stack holds, in dependency order.
 */
import * as automation from "@pulumi/pulumi/automation";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { RioInputError } from "../errors";
import { ChangeFlags, GlobalFlags, Io, session } from "./commands";
import { currentDesired, openStack, withLock } from "./engine";
import { changeSummary, commandFailure, Progress } from "./progress";

/** Runs a destroy (or its preview), its progress as plain lines; a failure says what is left and how to go on. */
async function destroy(stack: Stack, stackName: string, preview: boolean, log: (line: string) => void) {
    const progress = new Progress(preview);
    const onEvent = (e: EngineEvent) => progress.lines(e).forEach(log);
    try {
        if (preview) return (await stack.previewDestroy({ onEvent, color: "never" })).changeSummary;
        return (await stack.destroy({ onEvent, color: "never" })).summary.resourceChanges;
    } catch (e) {
        if (e instanceof automation.ConcurrentUpdateError)
            throw new RioInputError(
                [],
                `stack ${stackName} is being updated by another pulumi or rio command; try again when it has finished`,
            );
        if (!(e instanceof automation.CommandError)) throw e;
        if (!progress.sawError)
            commandFailure(
                (e as unknown as { commandResult?: { stderr: string } }).commandResult?.stderr ?? e.message,
            ).forEach(log);
        throw new RioInputError(
            [],
            preview
                ? `the preview of the uninstall of stack ${stackName} failed (the errors above say why); nothing was changed`
                : `the uninstall of stack ${stackName} failed (the errors above say why); what was deleted is gone, the rest is still in the stack: fix the cause and run rio uninstall again`,
        );
    }
}

/** `rio uninstall [--preview] [--yes]`. */
export async function uninstall(globals: GlobalFlags, flags: ChangeFlags, io: Io): Promise<void> {
    const s = session(globals);
    await withLock(s.state, s.stackName, async () => {
        // A stack whose install failed half-way holds what it created: it is uninstalled too.
        const stack = await openStack(s.state, s.stackName, false);
        if (!stack)
            throw new RioInputError(
                [],
                `rio is not installed on stack ${s.stackName}${s.context !== undefined ? ` (kube context ${s.context})` : ""}: there is nothing to uninstall`,
            );
        const context = currentDesired(s.state, s.stackName).desired.context ?? s.context;
        const log = (line: string) => io.err(`${line}\n`);
        io.err(`rio: stack ${s.stackName}${context !== undefined ? ` (kube context ${context})` : ""}\n`);
        if (flags.preview || (io.interactive && !flags.yes)) {
            io.err(`  ${changeSummary(await destroy(stack, s.stackName, true, log), true)}\n`);
            if (flags.preview) {
                io.err("rio: --preview: nothing was changed\n");
                return;
            }
            const question = `rio: uninstall deletes RioSystem and everything stack ${s.stackName} deployed, then removes the stack; go on?`;
            if (!(await io.confirm(question))) {
                io.err("rio: nothing was changed\n");
                return;
            }
        }
        const changes = await destroy(stack, s.stackName, false, log);
        log(`  ${changeSummary(changes, false)}`);
        // Its history and config go too: nothing is left to roll back to, and rio install starts a new stack.
        await stack.workspace.removeStack(s.stackName);
        io.out(`rio is uninstalled: stack ${s.stackName} and everything it deployed are removed\n`);
    });
}
