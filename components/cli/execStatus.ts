/**
 * How `rio exec` ends: the exec'd command's exit code becomes rio's, as kubectl exec and docker exec pass it on;
 * a command that could not start is a user error, in the API server's words.
 */
import type { V1Status } from "@kubernetes/client-node";
import { RioInputError } from "../errors";

/** rio exits with `code` and says nothing more: the command has said what it had to. */
export class CommandExit extends Error {
    constructor(readonly code: number) {
        super(`the command exited with ${code}`);
    }
}

/** The outcome of the exec channel's final Status: nothing for success, else what rio throws. */
export function execOutcome(status: V1Status): CommandExit | RioInputError | undefined {
    if (status.status === "Success") return undefined;
    if (status.reason === "NonZeroExitCode") {
        const code = Number(status.details?.causes?.find((c) => c.reason === "ExitCode")?.message);
        if (Number.isInteger(code) && code > 0) return new CommandExit(code);
    }
    return new RioInputError([], `exec: ${status.message ?? status.reason ?? "the command failed"}`);
}
