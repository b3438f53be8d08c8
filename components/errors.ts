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

/**
 * Bad input: a wrong type, a bad grammar, an unknown key. Thrown by the pure validation functions with a path
 * relative to what they were given; callers prefix the path (`withPrefix`) and the loader adds the location.
 */
export class RioInputError extends Error {
    constructor(
        readonly path: KeyPath,
        readonly detail: string,
        readonly location?: SourceLocation,
        /** The error is about the key itself (unknown, duplicate), not its value: point at the key. */
        readonly atKey = false,
    ) {
        super(RioInputError.compose(path, detail, location));
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
