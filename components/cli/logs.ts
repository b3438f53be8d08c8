/**
 * `rio logs`' flags as the API's log options, and its lines as Rio printed them (stern's formats): `POD CONTAINER
 * message` by default, the message alone with `-o raw`, stern's JSON with `-o json`. Rio's defaults hold: the
 * last 24 hours (`--since`), at most 200 lines per container (`--tail`, -1 for all).
 */
import type { LogOptions } from "@kubernetes/client-node";
import { StringDecoder } from "string_decoder";
import { RioInputError } from "../errors";
import { parseDuration } from "./duration";

export type LogFormat = "default" | "raw" | "json";

/** `rio logs`' flags. */
export interface LogFlags {
    follow?: boolean;
    container?: string;
    /** A duration (5s, 2m, 3h) or an RFC 3339 time. Default 24h. */
    since?: string;
    /** Lines per container from the end; -1 for all. Default 200. */
    tail?: string;
    output?: LogFormat;
    previous?: boolean;
    timestamps?: boolean;
}

/** What to ask the API server for each container; `none` when nothing can come (`--tail 0` without `-f`). */
export interface LogRequest {
    options: LogOptions;
    none: boolean;
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** The API's log options for the flags, at `now`. */
export function logRequest(flags: LogFlags, now: Date): LogRequest {
    const since = flags.since ?? "24h";
    const tailText = flags.tail ?? "200";
    if (!/^(-1|\d+)$/.test(tailText))
        throw new RioInputError([], `--tail: "${tailText}" is not a number of lines (-1 for all)`);
    const tail = Number(tailText);
    let window: Pick<LogOptions, "sinceSeconds" | "sinceTime">;
    if (RFC3339.test(since) && !Number.isNaN(Date.parse(since))) window = { sinceTime: since };
    else {
        const seconds = Math.ceil(parseDuration(since, "--since"));
        window = seconds > 0 ? { sinceSeconds: seconds } : {};
    }
    // The client leaves out a tail of 0 (it would mean every line): without -f there is nothing to ask for, with
    // -f the lines from now on are the ones asked.
    if (tail === 0 && flags.follow) window = { sinceTime: now.toISOString().replace(/\.\d+Z$/, "Z") };
    return {
        options: {
            follow: flags.follow ?? false,
            ...window,
            ...(tail > 0 && { tailLines: tail }),
            ...(flags.previous && { previous: true }),
            ...(flags.timestamps && { timestamps: true }),
        },
        none: tail === 0 && !flags.follow,
    };
}

/** Where a line came from. */
export interface LogSource {
    namespace: string;
    pod: string;
    container: string;
}

/** One line as printed (its newline included). */
export function formatLogLine(format: LogFormat, source: LogSource, message: string): string {
    if (format === "raw") return `${message}\n`;
    if (format === "json")
        return `${JSON.stringify({ message, namespace: source.namespace, podName: source.pod, containerName: source.container })}\n`;
    return `${source.pod} ${source.container} ${message}\n`;
}

/** Cuts a byte stream into whole lines (UTF-8 split across chunks kept whole); `end()` gives a last unended line. */
export class LineBuffer {
    private readonly decoder = new StringDecoder("utf8");
    private rest = "";

    push(chunk: Buffer): string[] {
        const lines = (this.rest + this.decoder.write(chunk)).split("\n");
        this.rest = lines.pop()!;
        return lines;
    }

    end(): string[] {
        const last = this.rest + this.decoder.end();
        this.rest = "";
        return last === "" ? [] : [last];
    }
}
