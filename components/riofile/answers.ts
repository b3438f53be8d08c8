/**
 * Where a Riofile's template answers come from: the caller (stack config `rio:answers`, `rio render --answers`),
 * a `Riofile-answers` file next to the Riofile (Rio loaded it automatically), and the built-ins Rio set itself,
 * NAMESPACE and REVISION (`cli/cmd/up/up.go`).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { isMap, isScalar, LineCounter, Node, parseDocument } from "yaml";
import { RioInputError, SourceLocation } from "../errors";

/** Answers read from a file, with where each one is written (for errors about its value). */
export interface AnswerFile {
    file: string;
    values: Map<string, string>;
    locate(name: string): SourceLocation;
}

/** Rio's automatically loaded answers file, next to the Riofile. */
export const RIOFILE_ANSWERS = "Riofile-answers";

/**
 * Reads an answers file: a YAML (or JSON) map of variable names to single values (numbers and booleans are
 * taken as written). With `optional`, a missing file is no answers.
 */
export function readAnswersFile(file: string, optional = false): AnswerFile | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (optional && code === "ENOENT") return undefined;
        throw new RioInputError(
            [],
            code === "ENOENT"
                ? `${file}: no such answers file`
                : code === "EISDIR"
                  ? `${file} is a directory, not an answers file`
                  : `${file}: ${(e as Error).message}`,
        );
    }
    return parseAnswers(text, file);
}

/** Parses answers text (see {@link readAnswersFile}); errors carry the file, line and column. */
export function parseAnswers(text: string, file: string): AnswerFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const at = (offset: number): SourceLocation => {
        const { line, col } = lines.linePos(offset);
        return { file, line, column: col };
    };
    const bad = doc.errors[0];
    if (bad)
        throw new RioInputError([], `invalid YAML in the answers file: ${bad.message.split("\n")[0]}`, at(bad.pos[0]));
    const values = new Map<string, string>();
    const where = new Map<string, number>();
    const contents = doc.contents as Node | null;
    if (contents === null || (isScalar(contents) && contents.value === null))
        return { file, values, locate: () => at(0) };
    if (!isMap(contents))
        throw new RioInputError(
            [],
            "an answers file is a map of variable names to answers (NAME: value)",
            at(contents.range?.[0] ?? 0),
        );
    for (const pair of contents.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key) || key.value === null || typeof key.value === "object") {
            throw new RioInputError([], "an answer's name must be a plain value", at(key?.range?.[0] ?? 0));
        }
        const name = String(key.value);
        const value = pair.value as Node | null;
        if (value !== null && !isScalar(value))
            throw new RioInputError(
                [name],
                "an answer is a single value, not a map or list",
                at(value.range?.[0] ?? 0),
                false,
            );
        const v = value?.value;
        if (v !== null && v !== undefined && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
            throw new RioInputError([name], "an answer is a string, number or boolean", at(value!.range?.[0] ?? 0));
        }
        // The text as written, so 010 and 1.50 stay what the user typed.
        values.set(name, v === null || v === undefined ? "" : typeof v === "string" ? v : (value!.source ?? String(v)));
        where.set(name, value?.range?.[0] ?? key.range?.[0] ?? 0);
    }
    return { file, values, locate: (name) => at(where.get(name) ?? 0) };
}

/** Answers given as a stack config object (`rio:answers`): names to strings, numbers or booleans. */
export function answersFromConfig(value: unknown, key = "rio:answers"): Record<string, string> {
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value))
        throw new RioInputError([key], "must be a map of variable names to answers");
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(value)) {
        if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
            throw new RioInputError([key, name], "an answer is a string, number or boolean");
        }
        Object.defineProperty(out, name, { value: String(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
}

/**
 * REVISION: the commit checked out in the git repository `dir` is in (Rio used the stack's revision), or
 * undefined when `dir` is not in one, has no commit yet, or git is missing.
 */
export function gitRevision(dir: string): string | undefined {
    try {
        const out = execFileSync("git", ["rev-parse", "--verify", "--quiet", "HEAD"], {
            cwd: dir,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
            timeout: 10_000,
        });
        const sha = out.trim();
        return /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
    } catch {
        return undefined;
    }
}
