/**
 * The engine's progress as plain lines, one per step that changes something (what a log or CI reads; no
 * spinner): a preview says what would change, an update what is changing and what has changed, with the
 * engine's errors and warnings as they come.
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { escapeControl } from "../errors";

/** The verb of each operation: as planned (a preview), started, and done. */
const VERBS: Record<string, [string, string, string]> = {
    create: ["+ create", "+ creating", "+ created"],
    update: ["~ update", "~ updating", "~ updated"],
    delete: ["- delete", "- deleting", "- deleted"],
    replace: ["+- replace", "+- replacing", "+- replaced"],
    "create-replacement": ["+- create replacement", "+- creating replacement", "+- created replacement"],
    "delete-replaced": ["+- delete replaced", "+- deleting replaced", "+- deleted replaced"],
    import: ["= import", "= importing", "= imported"],
};

/** `kubernetes:apps/v1:Deployment` → `Deployment`; `pulumi-rio:index:RioService` → `RioService`. */
function kind(type: string): string {
    if (type.startsWith("pulumi:providers:")) return `provider ${type.slice("pulumi:providers:".length)}`;
    return type.split(":").pop()!;
}

/** The resource's own name: the URN's last part. */
const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

function step(meta: StepEventMetadata, which: 0 | 1 | 2, seconds?: number): string | undefined {
    const verbs = VERBS[meta.op];
    if (!verbs || meta.type === "pulumi:pulumi:Stack") return undefined;
    const took = seconds !== undefined && seconds >= 1 ? ` (${Math.round(seconds)}s)` : "";
    return `  ${verbs[which]} ${kind(meta.type)} ${escapeControl(nameOf(meta.urn))}${took}`;
}

/** Keeps when each step started, for the time it took. */
export class Progress {
    private readonly started = new Map<string, number>();
    /** Whether the engine reported an error (else a failure's cause is the CLI's own output). */
    sawError = false;

    constructor(private readonly preview: boolean) {}

    /** The lines an event prints (none for most). */
    lines(event: EngineEvent): string[] {
        if (event.resourcePreEvent) {
            const meta = event.resourcePreEvent.metadata;
            this.started.set(meta.urn, event.timestamp);
            const line = step(meta, this.preview ? 0 : 1);
            return line ? [line] : [];
        }
        if (event.resOutputsEvent && !this.preview) {
            const meta = event.resOutputsEvent.metadata;
            const start = this.started.get(meta.urn);
            const line = step(meta, 2, start !== undefined ? event.timestamp - start : undefined);
            return line ? [line] : [];
        }
        if (event.resOpFailedEvent) {
            this.sawError = true;
            const meta = event.resOpFailedEvent.metadata;
            return [`  ✗ ${meta.op} ${kind(meta.type)} ${escapeControl(nameOf(meta.urn))} failed`];
        }
        const diag = event.diagnosticEvent;
        if (diag && (diag.severity === "error" || diag.severity === "warning") && !diag.ephemeral) {
            if (diag.severity === "error") this.sawError = true;
            const where = diag.urn ? `${escapeControl(nameOf(diag.urn))}: ` : "";
            const text = diag.message.trim();
            if (text === "") return [];
            return text
                .split("\n")
                .map((l, i) =>
                    i === 0 ? `  ${diag.severity}: ${where}${escapeControl(l)}` : `    ${escapeControl(l)}`,
                );
        }
        return [];
    }
}

/** `2 created, 1 updated, 14 unchanged`, from the engine's counts (`same` is unchanged). */
export function changeSummary(counts: Partial<Record<string, number>> | undefined, preview: boolean): string {
    const words: Record<string, [string, string]> = {
        create: ["to create", "created"],
        update: ["to update", "updated"],
        replace: ["to replace", "replaced"],
        delete: ["to delete", "deleted"],
        same: ["unchanged", "unchanged"],
    };
    const parts = Object.entries(words)
        .map(([op, w]) => [counts?.[op] ?? 0, w[preview ? 0 : 1]] as const)
        .filter(([n]) => n > 0)
        .map(([n, w]) => `${n} ${w}`);
    return parts.length > 0 ? parts.join(", ") : "no resources";
}

/**
 * What a failed Pulumi CLI run said, when the engine reported no error itself (a failure before or outside the
 * update: a missing plugin, a locked stack): its last lines of error output, indented.
 */
export function commandFailure(stderr: string): string[] {
    return (
        stderr
            .split("\n")
            .map((l) => l.trimEnd())
            // The Automation API's own line repeats the whole command line: not the cause.
            .filter((l) => l.trim() !== "" && !l.startsWith("Command failed with exit code"))
            .slice(-10)
            .map((l) => `  ${escapeControl(l)}`)
    );
}
