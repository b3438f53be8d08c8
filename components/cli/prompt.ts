/**
 * Answers to rio's questions: typed at a terminal — a secret one with the terminal's echo off, so a password never
 * shows — or, from a pipe or a file, one line of standard input per question, as Rio's prompts read them.
 */
import { RioInputError } from "../errors";
import { Prompter } from "./secretPrompts";

/** What a line typed with echo off says so far: more keys to come, a finished answer, or Ctrl-C / Ctrl-D. */
export type Keys =
    { state: "more" } | { state: "done"; value: string; rest: string } | { state: "cancelled" } | { state: "ended" };

/**
 * A secret typed at a raw terminal: Enter ends it; Backspace removes the last character, Ctrl-U the line; Ctrl-C
 * cancels; Ctrl-D on an empty line ends the input. Other control keys (arrows' escape sequences) are dropped.
 */
export function typedKeys(keys: string): Keys {
    let value = "";
    for (let i = 0; i < keys.length; i++) {
        const c = keys[i]!;
        if (c === "\r" || c === "\n") {
            const next = c === "\r" && keys[i + 1] === "\n" ? i + 2 : i + 1;
            return { state: "done", value, rest: keys.slice(next) };
        }
        if (c === "\x03") return { state: "cancelled" };
        if (c === "\x04") {
            if (value === "") return { state: "ended" };
            continue;
        }
        if (c === "\x7f" || c === "\b") value = [...value].slice(0, -1).join("");
        else if (c === "\x15") value = "";
        else if (c === "\x1b") {
            // An escape sequence (ESC [ … letter): skipped whole.
            const m = /^\x1b\[[0-9;]*[A-Za-z~]?|^\x1bO?./.exec(keys.slice(i));
            i += (m?.[0].length ?? 1) - 1;
        } else if (c >= " ") value += c;
    }
    return { state: "more" };
}

/** The terminal side of a stream, where it is one. */
interface TerminalInput extends NodeJS.ReadableStream {
    isTTY?: boolean;
    setRawMode?(raw: boolean): unknown;
}

/**
 * A prompter on `input`: the question written to `output` (stderr: stdout is the command's result), the answer a
 * line of `input`. On a terminal a secret is read with echo off. Input that ends before an answer is an error
 * naming the question. `close` lets the stream go (the process can then exit).
 */
export function streamPrompter(input: TerminalInput, output: NodeJS.WritableStream): Prompter & { close(): void } {
    let buffer = "";
    let ended = false;
    let wake: (() => void) | undefined;
    const onData = (chunk: string | Buffer) => {
        buffer += chunk.toString();
        wake?.();
    };
    const onEnd = () => {
        ended = true;
        wake?.();
    };
    input.on("data", onData);
    input.on("end", onEnd);
    const more = () =>
        new Promise<void>((resolve) => {
            wake = () => {
                wake = undefined;
                resolve();
            };
        });
    const cut = (question: string) =>
        new RioInputError([], `standard input ended before the answer to "${question.replace(/\[.*$/, "")}"`);

    async function line(question: string): Promise<string> {
        for (;;) {
            const nl = buffer.indexOf("\n");
            if (nl >= 0) {
                const value = buffer.slice(0, nl).replace(/\r$/, "");
                buffer = buffer.slice(nl + 1);
                return value;
            }
            if (ended) {
                if (buffer === "") throw cut(question);
                const value = buffer;
                buffer = "";
                return value;
            }
            await more();
        }
    }

    async function hidden(question: string): Promise<string> {
        input.setRawMode!(true);
        try {
            for (;;) {
                const keys = typedKeys(buffer);
                if (keys.state === "done") {
                    buffer = keys.rest;
                    return keys.value;
                }
                if (keys.state === "cancelled") throw new RioInputError([], "cancelled: nothing was changed");
                if (keys.state === "ended" || ended) throw cut(question);
                await more();
            }
        } finally {
            input.setRawMode!(false);
            output.write("\n");
        }
    }

    input.resume();
    return {
        async ask(question, secret) {
            output.write(question);
            if (secret && input.isTTY && input.setRawMode) return hidden(question);
            // From a pipe nothing is echoed: end the question's line, so what follows starts its own.
            try {
                return await line(question);
            } finally {
                if (!input.isTTY) output.write("\n");
            }
        },
        close() {
            input.removeListener("data", onData);
            input.removeListener("end", onEnd);
            input.pause();
        },
    };
}
