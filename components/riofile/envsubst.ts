/**
 * Rio's `envSubst: true`: the bash-style `${...}` substitution of drone/envsubst, applied to a Riofile's text
 * before it is parsed. A pure parser and evaluator; where the answers come from is `answers.ts`'s business.
 *
 * Supported, as drone/envsubst documents them: `${v}`, `${#v}`, `${v^}`, `${v^^}`, `${v,}`, `${v,,}`,
 * `${v:pos}`, `${v:pos:len}`, `${v#glob}`, `${v##glob}`, `${v%glob}`, `${v%%glob}`, `${v:-def}`, `${v:=def}`,
 * `${v=def}`, `${v/a/b}`, `${v//a/b}`, `${v/#a/b}`, `${v/%a/b}`, defaults and arguments that hold `${...}`
 * themselves, and `$$` for a literal `$` (so `$${v}` is the text `${v}`).
 *
 * Deliberate differences from drone/envsubst, each where it would silently produce something else:
 * - A variable that is not set and has no default is an error naming it and its place, unless the caller gives
 *   `unset` (the loader substitutes an empty string, as drone/envsubst does, and warns).
 * - `${v:?x}` and `${v:+x}` are refused: drone/envsubst parses them but gives a default, the opposite of bash.
 * - `${v=def}` uses its default only when `v` is unset (bash, and drone/envsubst's own documentation);
 *   `${v:-def}` and `${v:=def}` also when it is empty. Neither assigns `v`.
 * - A bad offset or length (`${v:x}`) is an error rather than the whole value.
 * - Lengths, offsets and case changes count characters (code points), not UTF-8 bytes.
 * - Outside replace patterns a backslash is plain text, so YAML's own escapes (`"C:\\dir"`) pass through.
 * - `$v` without braces is plain text, as in drone/envsubst (Rio's `$(self/name)` env values stay intact).
 * - A line whose first non-blank character is `#` is left as written, so a comment may show `${X}` and a
 *   commented-out line may use a variable that is not set. This is read from the text alone: such a line
 *   inside a block scalar is left as written too, and a comment after a value is substituted.
 * Names are letters, digits, `_` and `-`, as drone/envsubst reads them: `${v-def}` is the variable `v-def`.
 */
import { RioInputError, SourceLocation } from "../errors";

/** A piece of substituted text: literal text, or an expression to evaluate. */
type Piece = string | Expr;
/** Text with expressions in it: a default, a pattern, an offset. */
type Word = { pieces: Piece[]; at: number };

type Op =
    | { kind: "value" }
    | { kind: "length" }
    | { kind: "case"; how: "^" | "^^" | "," | ",," }
    | { kind: "default"; whenEmpty: boolean; word: Word }
    | { kind: "substring"; offset: Word; length?: Word }
    | { kind: "trim"; how: "#" | "##" | "%" | "%%"; pattern: Word }
    | { kind: "replace"; how: "/" | "//" | "/#" | "/%"; pattern: Word; replacement: Word };

/** One `${...}`: where it starts (its `$`) and ends (after its `}`), the variable, and what to do with it. */
interface Expr {
    start: number;
    end: number;
    name: string;
    op: Op;
}

/** Where a piece of the output came from: output [outStart, outEnd) replaced source [srcStart, srcEnd). */
export interface Segment {
    outStart: number;
    outEnd: number;
    srcStart: number;
    srcEnd: number;
}

export interface Substituted {
    text: string;
    /** Every replaced span, in order; offsets outside them moved by the replacements before them. */
    segments: Segment[];
}

export interface SubstituteOptions {
    /** A variable's value, or undefined when it is not set. */
    lookup: (name: string) => string | undefined;
    /** Where a source offset is, for errors. */
    locate?: (offset: number) => SourceLocation;
    /** What to add to "`${X}` is not set" (how to set it). */
    unsetHint?: (name: string) => string;
    /**
     * What a variable that is not set (and has no default) stands for, as drone/envsubst's empty string did;
     * `offset` is its `$`. Default: it is an error.
     */
    unset?: (name: string, offset: number) => string;
}

const NAME_CHAR = /[\p{L}\p{N}_-]/u;

/** Whether `name` can be written as `${name}`. */
export function isVariableName(name: string): boolean {
    return name !== "" && [...name].every((c) => NAME_CHAR.test(c));
}

class Parser {
    constructor(
        private readonly src: string,
        private readonly fail: (offset: number, detail: string) => never,
    ) {}

    /** Parses `${...}` starting at `start` (its `$`). */
    expr(start: number): Expr {
        const src = this.src;
        let i = start + 2;
        const unclosed = () =>
            this.fail(
                start,
                `"${src.slice(start, Math.min(src.length, start + 30)).split(/\r?\n/)[0]}" is not closed: a } is missing`,
            );
        if (src[i] === "#") {
            const name = this.name(i + 1);
            if (name === "") return this.fail(i + 1, `bad substitution: a variable name must follow "\${#"`);
            i += 1 + name.length;
            if (i >= src.length) unclosed();
            if (src[i] !== "}") this.bad(start, i);
            return { start, end: i + 1, name, op: { kind: "length" } };
        }
        const name = this.name(i);
        if (name === "") {
            if (i >= src.length) unclosed();
            return this.fail(
                i,
                `bad substitution: "\${" must be followed by a variable name (write $$ for a literal $)`,
            );
        }
        i += name.length;
        const c = src[i];
        /** The expression ends with the } at `at`. */
        const close = (op: Op, at: number): Expr => {
            if (at >= src.length) unclosed();
            if (src[at] !== "}") this.bad(start, at);
            return { start, end: at + 1, name, op };
        };
        switch (c) {
            case undefined:
            case "\n":
            case "\r":
                return unclosed();
            case "}":
                return { start, end: i + 1, name, op: { kind: "value" } };
            case ":": {
                const next = src[i + 1];
                if (next === "-" || next === "=") {
                    const w = this.word(i + 2, "}", start);
                    return close({ kind: "default", whenEmpty: true, word: w.word }, w.end);
                }
                if (next === "?" || next === "+") {
                    return this.fail(
                        start,
                        `\${${name}:${next}...} is not supported by envSubst (drone/envsubst); use \${${name}:-default}`,
                    );
                }
                const offset = this.word(i + 1, ":}", start);
                if (src[offset.end] === ":") {
                    const length = this.word(offset.end + 1, "}", start);
                    return close({ kind: "substring", offset: offset.word, length: length.word }, length.end);
                }
                return close({ kind: "substring", offset: offset.word }, offset.end);
            }
            case "=": {
                const w = this.word(i + 1, "}", start);
                return close({ kind: "default", whenEmpty: false, word: w.word }, w.end);
            }
            case "^":
            case ",": {
                const how = (src[i + 1] === c ? c + c : c) as "^" | "^^" | "," | ",,";
                return close({ kind: "case", how }, i + how.length);
            }
            case "#":
            case "%": {
                const how = (src[i + 1] === c ? c + c : c) as "#" | "##" | "%" | "%%";
                const w = this.word(i + how.length, "}", start);
                return close({ kind: "trim", how, pattern: w.word }, w.end);
            }
            case "/": {
                const second = src[i + 1];
                const how = (second === "/" || second === "#" || second === "%" ? `/${second}` : "/") as
                    "/" | "//" | "/#" | "/%";
                const pattern = this.word(i + how.length, "/}", start, true);
                if (src[pattern.end] === "/") {
                    const replacement = this.word(pattern.end + 1, "}", start, true);
                    return close(
                        { kind: "replace", how, pattern: pattern.word, replacement: replacement.word },
                        replacement.end,
                    );
                }
                // Bash reads ${v/a} as ${v/a/}: delete the match.
                return close(
                    { kind: "replace", how, pattern: pattern.word, replacement: { pieces: [], at: pattern.end } },
                    pattern.end,
                );
            }
            default:
                return this.bad(start, i);
        }
    }

    private bad(start: number, at: number): never {
        const shown = this.src.slice(start, at + 1).split(/\r?\n/)[0];
        return this.fail(
            at,
            `bad substitution: "${shown}" (envSubst reads \${name}, \${name:-default}, \${name/from/to}, …; write $$ for a literal $)`,
        );
    }

    private name(i: number): string {
        let j = i;
        while (j < this.src.length) {
            const cp = this.src.codePointAt(j)!;
            const ch = String.fromCodePoint(cp);
            if (!NAME_CHAR.test(ch)) break;
            j += ch.length;
        }
        return this.src.slice(i, j);
    }

    /**
     * Text up to one of `stops` (not consumed), with nested `${...}` and `$$`. In replace patterns (`escapes`)
     * `\/` and `\\` are a literal `/` and `\`, as in drone/envsubst.
     */
    word(i: number, stops: string, outer: number, escapes = false): { word: Word; end: number } {
        const src = this.src;
        const pieces: Piece[] = [];
        const at = i;
        let text = "";
        while (i < src.length && !stops.includes(src[i]!)) {
            const c = src[i]!;
            if (c === "$" && src[i + 1] === "{") {
                if (text !== "") pieces.push(text);
                text = "";
                const inner = this.expr(i);
                pieces.push(inner);
                i = inner.end;
            } else if (c === "$" && src[i + 1] === "$") {
                text += "$";
                i += 2;
            } else if (escapes && c === "\\" && (src[i + 1] === "/" || src[i + 1] === "\\")) {
                text += src[i + 1];
                i += 2;
            } else {
                text += c;
                i += 1;
            }
        }
        if (i >= src.length) {
            const shown = src.slice(outer, Math.min(src.length, outer + 30)).split(/\r?\n/)[0];
            this.fail(outer, `"${shown}" is not closed: a } is missing`);
        }
        if (text !== "") pieces.push(text);
        return { word: { pieces, at }, end: i };
    }
}

/** A bash glob (`*`, `?`, `[...]`, `\x`) as an anchored regular expression; `*` crosses `/`, as in bash. */
export function globToRegExp(glob: string): RegExp {
    let out = "";
    const chars = [...glob];
    for (let i = 0; i < chars.length; i++) {
        const c = chars[i]!;
        if (c === "*") out += "[\\s\\S]*";
        else if (c === "?") out += "[\\s\\S]";
        else if (c === "\\" && i + 1 < chars.length) out += escapeRegExp(chars[++i]!);
        else if (c === "[") {
            const close = chars.indexOf("]", i + (chars[i + 1] === "!" || chars[i + 1] === "^" ? 3 : 2));
            if (close === -1) {
                out += "\\[";
                continue;
            }
            let body = chars.slice(i + 1, close);
            const negate = body[0] === "!" || body[0] === "^";
            if (negate) body = body.slice(1);
            out += `[${negate ? "^" : ""}${body.map((b, k) => (b === "-" && k > 0 && k < body.length - 1 ? "-" : escapeRegExp(b, true))).join("")}]`;
            i = close;
        } else out += escapeRegExp(c);
    }
    return new RegExp(`^${out}$`, "u");
}

/** Escapes a character for a `u`-flag pattern: only syntax characters may be escaped there, and `-` only in a class. */
function escapeRegExp(c: string, inClass = false): string {
    return /[\\^$.*+?()[\]{}|/]/.test(c) || (inClass && c === "-") ? `\\${c}` : c;
}

function trim(value: string, how: "#" | "##" | "%" | "%%", pattern: string): string {
    if (pattern === "") return value;
    const re = globToRegExp(pattern);
    const chars = [...value];
    const n = chars.length;
    const prefix = (k: number) => chars.slice(0, k).join("");
    const suffix = (k: number) => chars.slice(k).join("");
    switch (how) {
        case "#":
            for (let k = 0; k <= n; k++) if (re.test(prefix(k))) return suffix(k);
            return value;
        case "##":
            for (let k = n; k >= 0; k--) if (re.test(prefix(k))) return suffix(k);
            return value;
        case "%":
            for (let k = n; k >= 0; k--) if (re.test(suffix(k))) return prefix(k);
            return value;
        case "%%":
            for (let k = 0; k <= n; k++) if (re.test(suffix(k))) return prefix(k);
            return value;
    }
}

function replace(value: string, how: "/" | "//" | "/#" | "/%", pattern: string, replacement: string): string {
    // Patterns are literal text, as in drone/envsubst (bash would read them as globs).
    if (pattern === "") return value;
    switch (how) {
        case "/":
            return value.replace(pattern, () => replacement);
        case "//":
            return value.split(pattern).join(replacement);
        case "/#":
            return value.startsWith(pattern) ? replacement + value.slice(pattern.length) : value;
        case "/%":
            return value.endsWith(pattern) ? value.slice(0, value.length - pattern.length) + replacement : value;
    }
}

class Evaluator {
    constructor(
        private readonly src: string,
        private readonly options: SubstituteOptions,
        private readonly fail: (offset: number, detail: string) => never,
    ) {}

    word(w: Word): string {
        return w.pieces.map((p) => (typeof p === "string" ? p : this.expr(p))).join("");
    }

    expr(e: Expr): string {
        const found = this.options.lookup(e.name);
        const op = e.op;
        if (op.kind === "default") {
            return found === undefined || (op.whenEmpty && found === "") ? this.word(op.word) : found;
        }
        const value = found ?? this.options.unset?.(e.name, e.start);
        if (value === undefined) {
            const written = this.src.slice(e.start, e.end);
            const hint = this.options.unsetHint?.(e.name);
            const dash = e.name.includes("-")
                ? ` (a name may contain "-": for a default, write \${${e.name.split("-")[0]}:-…})`
                : "";
            this.fail(
                e.start,
                `${written.length <= 40 && !/[\r\n]/.test(written) ? written : `\${${e.name}}`} is not set${hint ? `: ${hint}` : ""}${dash}`,
            );
        }
        switch (op.kind) {
            case "value":
                return value;
            case "length":
                return String([...value].length);
            case "case": {
                const [first = "", ...rest] = [...value];
                if (op.how === "^^") return value.toUpperCase();
                if (op.how === ",,") return value.toLowerCase();
                return (op.how === "^" ? first.toUpperCase() : first.toLowerCase()) + rest.join("");
            }
            case "substring":
                return this.substring(e, value, op.offset, op.length);
            case "trim":
                return trim(value, op.how, this.word(op.pattern));
            case "replace":
                return replace(value, op.how, this.word(op.pattern), this.word(op.replacement));
        }
    }

    private substring(e: Expr, value: string, offsetWord: Word, lengthWord: Word | undefined): string {
        const chars = [...value];
        const integer = (w: Word, what: string): number => {
            const text = this.word(w).trim();
            if (!/^[+-]?\d+$/.test(text))
                this.fail(w.at, `in \${${e.name}:…}: the ${what} "${text}" is not a whole number`);
            return Number(text);
        };
        let offset = integer(offsetWord, "offset");
        // Bash: a negative offset counts from the end (and one past the start begins at the start).
        if (offset < 0) offset = Math.max(0, chars.length + offset);
        if (lengthWord === undefined) return chars.slice(offset).join("");
        const length = integer(lengthWord, "length");
        // Bash: a negative length is an end counted from the end.
        const end = length < 0 ? chars.length + length : offset + length;
        if (end < offset)
            this.fail(lengthWord.at, `in \${${e.name}:…}: the length ${length} ends before the offset ${offset}`);
        return chars.slice(offset, end).join("");
    }
}

/**
 * Substitutes every `${...}` of `src`. Errors are RioInputErrors at the offending spot (`locate`), thrown
 * before any output is used: a bad expression anywhere fails the whole text, as drone/envsubst does.
 */
export function substitute(src: string, options: SubstituteOptions): Substituted {
    const fail = (offset: number, detail: string): never => {
        throw new RioInputError([], detail, options.locate?.(offset));
    };
    const parser = new Parser(src, fail);
    // Parse everything first, so a malformed expression late in the file is reported even when an earlier
    // variable is unset.
    const parts: (Expr | { escape: number })[] = [];
    for (let i = src.indexOf("$"); i !== -1; i = src.indexOf("$", i)) {
        const lineStart = src.lastIndexOf("\n", i - 1) + 1;
        if (/^[ \t]*#/.test(src.slice(lineStart, i))) {
            // A comment line stays as written: it may show ${X} or be a commented-out line using an unset X.
            const next = src.indexOf("\n", i);
            if (next === -1) break;
            i = next;
        } else if (src[i + 1] === "$") {
            parts.push({ escape: i });
            i += 2;
        } else if (src[i + 1] === "{") {
            const e = parser.expr(i);
            parts.push(e);
            i = e.end;
        } else i += 1;
    }
    const evaluator = new Evaluator(src, options, fail);
    let text = "";
    let last = 0;
    const segments: Segment[] = [];
    for (const p of parts) {
        const [start, end, value] = "escape" in p ? [p.escape, p.escape + 2, "$"] : [p.start, p.end, evaluator.expr(p)];
        text += src.slice(last, start);
        segments.push({ outStart: text.length, outEnd: text.length + value.length, srcStart: start, srcEnd: end });
        text += value;
        last = end;
    }
    text += src.slice(last);
    return { text, segments };
}

/**
 * The source offset of an output offset: inside a substituted value it is the `${` that produced it, after one
 * it is moved back by what the substitutions before it added.
 */
export function toSourceOffset(segments: readonly Segment[], offset: number): number {
    let low = 0;
    let high = segments.length;
    while (low < high) {
        const mid = (low + high) >> 1;
        if (segments[mid]!.outStart <= offset) low = mid + 1;
        else high = mid;
    }
    const s = segments[low - 1];
    if (!s) return offset;
    if (offset < s.outEnd) return s.srcStart;
    return s.srcEnd + (offset - s.outEnd);
}
