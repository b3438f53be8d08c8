/**
 * User-input errors. Every message a user sees for bad input comes from here, so the CLI, the Riofile loader
 * and the Pulumi components all say the same thing: where (file:line:col when known), which key, and what.
 */

/** A path into the user's input, e.g. `["services", "web", "ports", 0]`. */
export type KeyPath = readonly (string | number)[];

/** Where in a file a key sits (1-based line and column). */
export interface SourceLocation {
    file: string;
    line: number;
    column: number;
}

/** Renders `["services", "web", "ports", 0]` as `services.web.ports[0]`. */
export function formatKeyPath(path: KeyPath): string {
    let out = "";
    for (const seg of path) {
        if (typeof seg === "number") out += `[${seg}]`;
        else if (/^[A-Za-z0-9_:-]+$/.test(seg)) out += out === "" ? seg : `.${seg}`;
        else out += `[${JSON.stringify(seg)}]`;
    }
    return out;
}

/** The longest message a user is shown: a value pasted into it (a 1 MB command, a list of 2,000 apps) is cut. */
export const MAX_MESSAGE = 500;
/** How much of a message's end survives a cut: enough for the advice that ends most messages. */
const KEEP_END = 120;

/**
 * Terminal control characters (C0, DEL, C1), written as escapes so a message never moves the cursor, clears the
 * screen or changes colours: `\n`, `\r`, `\t`, else `\xNN`.
 */
export function escapeControl(text: string): string {
    return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
        c === "\n"
            ? "\\n"
            : c === "\r"
              ? "\\r"
              : c === "\t"
                ? "\\t"
                : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
    );
}

/**
 * A message as a user sees it: one line, control characters escaped, at most {@link MAX_MESSAGE} characters (of
 * the unescaped text), the middle cut with an ellipsis so where, which key and the advice at the end all stay.
 */
export function userMessage(text: string): string {
    if (text.length <= MAX_MESSAGE) return escapeControl(text);
    // Never split a surrogate pair (an emoji in a value) at either side of the cut.
    let head = MAX_MESSAGE - KEEP_END - 1;
    if (/[\ud800-\udbff]/.test(text[head - 1]!)) head--;
    let tail = text.length - KEEP_END;
    if (/[\udc00-\udfff]/.test(text[tail]!)) tail++;
    return `${escapeControl(text.slice(0, head))}…${escapeControl(text.slice(tail))}`;
}

/**
 * Bad input: a wrong type, a bad grammar, an unknown key. Thrown by the pure validation functions with a path
 * relative to what they were given; callers prefix the path (`withPrefix`) and the loader adds the location.
 * `detail` is as thrown; `message`, what every user is shown (CLI, components, stack), is {@link userMessage}'s:
 * the one place a message is cut and escaped, so no thrower has to.
 */
export class RioInputError extends Error {
    constructor(
        readonly path: KeyPath,
        readonly detail: string,
        readonly location?: SourceLocation,
        /** The error is about the key itself (unknown, duplicate), not its value: point at the key. */
        readonly atKey = false,
    ) {
        super(userMessage(RioInputError.compose(path, detail, location)));
        this.name = "RioInputError";
    }

    private static compose(path: KeyPath, detail: string, location?: SourceLocation): string {
        const where = location ? `${location.file}:${location.line}:${location.column} ` : "";
        const key = path.length > 0 ? `${formatKeyPath(path)}: ` : "";
        return `${where}${key}${detail}`;
    }

    /** The same error, one level deeper in the user's document. */
    withPrefix(prefix: KeyPath): RioInputError {
        return new RioInputError([...prefix, ...this.path], this.detail, this.location, this.atKey);
    }

    withLocation(location: SourceLocation): RioInputError {
        return new RioInputError(this.path, this.detail, location, this.atKey);
    }
}

/** Runs `fn`, re-throwing its input errors under `prefix`. */
export function under<T>(prefix: KeyPath, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (e instanceof RioInputError) throw e.withPrefix(prefix);
        throw e;
    }
}
