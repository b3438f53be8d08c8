/**
 * Rio's `goTemplate: true` (`pkg/template/gotemplate`): Go's text/template run over the Riofile's text, after
 * envSubst, with the answers as `.Values`. No npm library runs Go's templates synchronously and faithfully, so
 * this is exactly the part of text/template that Rio's docs and system stacks use, with Go's semantics:
 *
 * - actions `{{ … }}` with Go's trim markers (`{{- ` trims the whitespace before, ` -}}` after) and comments
 *   (`{{/* … *\/}}`);
 * - `{{ if … }}`, `{{ else if … }}`, `{{ else }}`, `{{ end }}`;
 * - `.Values.NAME`, quoted ("…") and raw (`…`) strings, `true`, `false`, parentheses;
 * - the built-in functions `eq` (with several right-hand sides), `ne`, `and`, `or` (returning the deciding
 *   value, and short-circuiting, as Go's do) and `not`;
 * - printing a value: `{{ .Values.NAME }}`.
 *
 * Anything else (`range`, `with`, variables, pipes, Sprig's functions…) is an error at its action, naming what
 * the subset holds. Go's truth: an empty string is false, a missing value is false, `eq` of a missing value is
 * false. What a printed `.Values.NAME` becomes is the caller's to say (`print`): the loader prints an empty
 * string where no answer, default or built-in sets it (Go printed `<no value>`) and warns, as for envSubst.
 *
 * Positions: the output's every replaced span is a {@link Segment}, so positions map back to the input.
 */
import type { Segment } from "./envsubst";

/** A value: a string, a boolean (what eq/ne/not give), or missing (no such key in `.Values`). */
type Value = string | boolean | undefined;

type Token =
    | { kind: "field"; names: string[]; at: number }
    | { kind: "string"; value: string; at: number }
    | { kind: "ident"; name: string; at: number }
    | { kind: "open" | "close"; at: number };

type Expr =
    | { kind: "field"; names: string[]; at: number }
    | { kind: "literal"; value: string | boolean; at: number }
    | { kind: "call"; fn: Builtin; args: Expr[]; at: number };

type Builtin = "eq" | "ne" | "and" | "or" | "not";
const BUILTINS: readonly string[] = ["eq", "ne", "and", "or", "not"];

/** A part of the template: text copied as is, an action printing a value, or an if with its branches. */
type Part =
    | { kind: "text"; start: number; end: number }
    | { kind: "print"; expr: Expr; start: number; end: number }
    | { kind: "if"; branches: { cond: Expr; body: Part[] }[]; otherwise?: Part[]; start: number; end: number };

export interface GoTemplateOptions {
    /** The value of `.Values.NAME`, or undefined when no answer, question or built-in sets it. */
    value: (name: string) => string | undefined;
    /**
     * `{{ .Values.NAME }}` is printed (`offset`: its action): what to print instead of its value, if anything.
     * Default: the value, and Go's `<no value>` for a missing one.
     */
    print?: (name: string, offset: number) => string | undefined;
    /** Turns an offset of the input into an error's location. */
    fail: (offset: number, detail: string) => never;
}

const SUBSET =
    "the part of Go templates pulumi-rio runs (what Rio's docs and stacks use: if, else if, else and end, eq, ne, and, or, not, .Values.NAME, quoted strings, true, false, parentheses)";

/** One action's extent and content. */
interface Action {
    /** Offset of `{{`. */
    start: number;
    /** Offset after `}}`. */
    end: number;
    trimLeft: boolean;
    trimRight: boolean;
    /** The text between the delimiters (and trim markers), and where it starts. */
    body: string;
    bodyAt: number;
    comment: boolean;
}

/** Finds the action starting at `start` (its `{{`). */
function readAction(src: string, start: number, fail: GoTemplateOptions["fail"]): Action {
    let i = start + 2;
    let trimLeft = false;
    if (src[i] === "-" && /[ \t\r\n]/.test(src[i + 1] ?? "")) {
        trimLeft = true;
        i += 1;
    }
    const bodyAt = i;
    // Scan to the closing }}, skipping strings (a }} inside "…" or `…` does not close the action).
    let j = i;
    let comment = false;
    const lead = src.slice(i).match(/^[ \t\r\n]*/)![0].length;
    if (src.startsWith("/*", i + lead)) {
        comment = true;
        const close = src.indexOf("*/", i + lead + 2);
        if (close === -1) fail(start, "a Go template comment {{/* is not closed with */}}");
        j = close + 2;
    }
    for (;;) {
        if (j >= src.length) return fail(start, "a Go template action {{ is not closed with }}");
        const c = src[j]!;
        if (!comment && (c === '"' || c === "`")) {
            const close = c === "`" ? src.indexOf("`", j + 1) : stringEnd(src, j);
            if (close === -1) return fail(j, "a string in a Go template action is not closed");
            j = close + 1;
            continue;
        }
        if (c === "}" && src[j + 1] === "}") break;
        j += 1;
    }
    let bodyEnd = j;
    let trimRight = false;
    if (src[j - 1] === "-" && /[ \t\r\n]/.test(src[j - 2] ?? "")) {
        trimRight = true;
        bodyEnd = j - 1;
    }
    return { start, end: j + 2, trimLeft, trimRight, body: src.slice(bodyAt, bodyEnd), bodyAt, comment };
}

/** The offset of the `"` closing the Go string starting at `at`, or -1. */
function stringEnd(src: string, at: number): number {
    for (let k = at + 1; k < src.length; k++) {
        const c = src[k];
        if (c === "\\") k += 1;
        else if (c === '"') return k;
        else if (c === "\n") return -1;
    }
    return -1;
}

function unquote(text: string, at: number, fail: GoTemplateOptions["fail"]): string {
    const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', "'": "'" };
    let out = "";
    for (let k = 1; k < text.length - 1; k++) {
        const c = text[k]!;
        if (c !== "\\") {
            out += c;
            continue;
        }
        const e = text[++k]!;
        if (!Object.hasOwn(escapes, e))
            fail(at + k - 1, `the escape \\${e} is not one pulumi-rio reads (\\n \\t \\r \\\\ \\")`);
        out += escapes[e];
    }
    return out;
}

function tokenize(action: Action, fail: GoTemplateOptions["fail"]): Token[] {
    const tokens: Token[] = [];
    const src = action.body;
    let i = 0;
    while (i < src.length) {
        const c = src[i]!;
        const at = action.bodyAt + i;
        if (/[ \t\r\n]/.test(c)) i += 1;
        else if (c === "(" || c === ")") {
            tokens.push({ kind: c === "(" ? "open" : "close", at });
            i += 1;
        } else if (c === '"') {
            const end = stringEnd(src, i);
            tokens.push({ kind: "string", value: unquote(src.slice(i, end + 1), at, fail), at });
            i = end + 1;
        } else if (c === "`") {
            const end = src.indexOf("`", i + 1);
            tokens.push({ kind: "string", value: src.slice(i + 1, end), at });
            i = end + 1;
        } else if (c === ".") {
            const m = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(src.slice(i));
            if (!m) return fail(at, `"." alone (the whole data) is not in ${SUBSET}`);
            tokens.push({ kind: "field", names: m[0].slice(1).split("."), at });
            i += m[0].length;
        } else if (/[A-Za-z_]/.test(c)) {
            const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
            tokens.push({ kind: "ident", name: m[0], at });
            i += m[0].length;
        } else {
            const what = /[0-9+-]/.test(c)
                ? "a number (.Values are strings: compare with a quoted string)"
                : c === "$"
                  ? "a variable ($)"
                  : c === "|"
                    ? "a pipe (|)"
                    : `"${c}"`;
            return fail(at, `${what} is not in ${SUBSET}`);
        }
    }
    return tokens;
}

/** Parses a command: an operand, or a built-in with its arguments (up to a ")" or the end). */
class ExprParser {
    private i = 0;
    constructor(
        private readonly tokens: Token[],
        private readonly action: Action,
        private readonly fail: GoTemplateOptions["fail"],
    ) {}

    whole(): Expr {
        if (this.tokens.length === 0) return this.fail(this.action.start, "an empty Go template action {{ }}");
        const e = this.command();
        const extra = this.tokens[this.i];
        if (extra)
            this.fail(extra.at, `unexpected ${extra.kind === "close" ? '")"' : "token"} in a Go template action`);
        return e;
    }

    private command(): Expr {
        const first = this.tokens[this.i]!;
        if (first.kind === "ident" && BUILTINS.includes(first.name)) {
            this.i += 1;
            const args: Expr[] = [];
            while (this.i < this.tokens.length && this.tokens[this.i]!.kind !== "close") args.push(this.operand());
            const fn = first.name as Builtin;
            const arity =
                fn === "not" ? [1, 1] : fn === "eq" || fn === "ne" ? [2, fn === "eq" ? Infinity : 2] : [1, Infinity];
            if (args.length < arity[0]! || args.length > arity[1]!)
                this.fail(first.at, `wrong number of arguments for ${fn}: ${args.length}`);
            return { kind: "call", fn, args, at: first.at };
        }
        const e = this.operand();
        const next = this.tokens[this.i];
        if (next && next.kind !== "close") this.fail(next.at, `unexpected token after a value in a Go template action`);
        return e;
    }

    private operand(): Expr {
        const t = this.tokens[this.i];
        if (!t) return this.fail(this.action.start, "a Go template action ends where a value was expected");
        this.i += 1;
        switch (t.kind) {
            case "open": {
                const inner = this.command();
                const close = this.tokens[this.i];
                if (close?.kind !== "close") return this.fail(t.at, 'a "(" in a Go template action is not closed');
                this.i += 1;
                return inner;
            }
            case "close":
                return this.fail(t.at, 'unexpected ")" in a Go template action');
            case "string":
                return { kind: "literal", value: t.value, at: t.at };
            case "field":
                if (t.names[0] !== "Values" || t.names.length !== 2)
                    return this.fail(t.at, `.${t.names.join(".")} is not in ${SUBSET}`);
                return { kind: "field", names: t.names, at: t.at };
            case "ident":
                if (t.name === "true" || t.name === "false")
                    return { kind: "literal", value: t.name === "true", at: t.at };
                if (BUILTINS.includes(t.name))
                    return this.fail(t.at, `${t.name} takes arguments: put it in parentheses, (${t.name} …)`);
                return this.fail(t.at, `"${t.name}" is not in ${SUBSET}; a string needs quotes: "${t.name}"`);
        }
    }
}

/** An action's extent widened over the whitespace its trim markers remove. */
function trimmedSpan(src: string, a: Action): { from: number; to: number } {
    let from = a.start;
    let to = a.end;
    if (a.trimLeft) while (from > 0 && /[ \t\r\n]/.test(src[from - 1]!)) from -= 1;
    if (a.trimRight) while (to < src.length && /[ \t\r\n]/.test(src[to]!)) to += 1;
    return { from, to };
}

/**
 * Parses the template into parts; an if's branches nest. Text parts are what is left of the text between two
 * actions once their trim markers took their whitespace; print parts span their action and its trims.
 */
function parse(src: string, fail: GoTemplateOptions["fail"]): Part[] {
    type Open = { part: Extract<Part, { kind: "if" }>; body: Part[]; elseSeen: boolean; at: number };
    const root: Part[] = [];
    const stack: Open[] = [];
    const current = () => (stack.length > 0 ? stack[stack.length - 1]!.body : root);
    let last: number;
    let textFrom = 0;
    for (let i = src.indexOf("{{"); i !== -1; i = src.indexOf("{{", last)) {
        const action = readAction(src, i, fail);
        const span = trimmedSpan(src, action);
        if (span.from > textFrom) current().push({ kind: "text", start: textFrom, end: span.from });
        last = action.end;
        textFrom = Math.max(span.to, textFrom);
        if (action.comment) continue;
        const tokens = tokenize(action, fail);
        const head = tokens[0];
        const keyword = head?.kind === "ident" ? head.name : undefined;
        const parseCond = (from: number) => {
            if (from > 0 && tokens.length <= from) fail(tokens[from - 1]!.at, `"${keyword}" needs a condition`);
            return new ExprParser(tokens.slice(from), action, fail).whole();
        };
        if (keyword === "if") {
            const part: Extract<Part, { kind: "if" }> = {
                kind: "if",
                branches: [],
                start: action.start,
                end: action.end,
            };
            const body: Part[] = [];
            part.branches.push({ cond: parseCond(1), body });
            current().push(part);
            stack.push({ part, body, elseSeen: false, at: action.start });
        } else if (keyword === "else") {
            const open = stack[stack.length - 1];
            if (!open || open.elseSeen) fail(action.start, "{{ else }} without an {{ if }} before it");
            const body: Part[] = [];
            if (tokens[1]?.kind === "ident" && tokens[1].name === "if") {
                open!.part.branches.push({ cond: parseCond(2), body });
            } else {
                if (tokens.length > 1) fail(tokens[1]!.at, `"else" takes nothing after it but "if"`);
                open!.part.otherwise = body;
                open!.elseSeen = true;
            }
            open!.body = body;
        } else if (keyword === "end") {
            const open = stack.pop();
            if (!open) fail(action.start, "{{ end }} without an {{ if }} before it");
            if (tokens.length > 1) fail(tokens[1]!.at, `"end" takes nothing after it`);
            open!.part.end = action.end;
        } else if (
            keyword !== undefined &&
            ["range", "with", "define", "template", "block", "break", "continue"].includes(keyword)
        ) {
            fail(head!.at, `"${keyword}" is not in ${SUBSET}`);
        } else {
            current().push({ kind: "print", expr: parseCond(0), start: span.from, end: span.to });
        }
    }
    if (textFrom < src.length) current().push({ kind: "text", start: textFrom, end: src.length });
    const open = stack[stack.length - 1];
    if (open) fail(open.at, "this {{ if }} has no {{ end }}");
    return root;
}

function truth(v: Value): boolean {
    return v === undefined ? false : typeof v === "boolean" ? v : v !== "";
}

/**
 * Runs the template over `src`. Returns the output and the spans it replaced (actions, trimmed whitespace,
 * branches not taken), in order, so offsets in the output map back to `src`.
 */
export function runGoTemplate(src: string, options: GoTemplateOptions): { text: string; segments: Segment[] } {
    const { fail } = options;
    const parts = parse(src, fail);
    const evaluate = (e: Expr): Value => {
        switch (e.kind) {
            case "literal":
                return e.value;
            case "field":
                return options.value(e.names[1]!);
            case "call": {
                if (e.fn === "not") return !truth(evaluate(e.args[0]!));
                if (e.fn === "and" || e.fn === "or") {
                    let v: Value;
                    for (const a of e.args) {
                        v = evaluate(a);
                        if (truth(v) === (e.fn === "or")) return v;
                    }
                    return v;
                }
                const [left, ...rights] = e.args.map(evaluate);
                const equal = rights.some((r, k) => {
                    // Go: a missing value equals nothing, without an error.
                    if (left === undefined || r === undefined) return false;
                    if (typeof left !== typeof r)
                        fail(
                            e.args[k + 1]!.at,
                            `${e.fn}: incompatible types for comparison (${typeof left} and ${typeof r})`,
                        );
                    return left === r;
                });
                return e.fn === "eq" ? equal : !equal;
            }
        }
    };
    // What the output is made of, in the input's order: text kept, and values printed in place of an action.
    const pieces: ({ copy: [number, number] } | { value: string; from: number; to: number })[] = [];
    const run = (list: Part[]) => {
        for (const p of list) {
            if (p.kind === "text") pieces.push({ copy: [p.start, p.end] });
            else if (p.kind === "print") {
                const v = evaluate(p.expr);
                const instead = p.expr.kind === "field" ? options.print?.(p.expr.names[1]!, p.start) : undefined;
                pieces.push({
                    value: instead ?? (v === undefined ? "<no value>" : String(v)),
                    from: p.start,
                    to: p.end,
                });
            } else {
                const taken = p.branches.find((b) => truth(evaluate(b.cond)))?.body ?? p.otherwise;
                if (taken) run(taken);
            }
        }
    };
    run(parts);
    let text = "";
    const segments: Segment[] = [];
    let copied = 0;
    const drop = (to: number) => {
        if (to > copied) segments.push({ outStart: text.length, outEnd: text.length, srcStart: copied, srcEnd: to });
        copied = Math.max(copied, to);
    };
    for (const piece of pieces) {
        if ("copy" in piece) {
            drop(piece.copy[0]);
            text += src.slice(piece.copy[0], piece.copy[1]);
            copied = piece.copy[1];
        } else {
            drop(piece.from);
            segments.push({
                outStart: text.length,
                outEnd: text.length + piece.value.length,
                srcStart: piece.from,
                srcEnd: piece.to,
            });
            text += piece.value;
            copied = piece.to;
        }
    }
    drop(src.length);
    return { text, segments };
}
