/**
 * Rio's Riofile templates (`pkg/template/parse.go`): a top-level `template` section with questions, answered
 * by the caller, a `Riofile-answers` file or the questions' defaults, and with `envSubst: true` the file's text
 * substituted (drone/envsubst's `${...}`) before it is parsed.
 *
 * Positions: the rest of the loader parses the substituted text, but every position it reports is mapped
 * back to the file as written. An error inside a substituted value points at the `${` that produced it; an
 * error after one is where it is in the file, however many lines the values before it added or removed. The
 * template section itself is blanked (not substituted, and unseen by the rest of the loader) with its lines
 * kept, so nothing after it moves either.
 */
import * as path from "path";
import { isScalar, LineCounter, parseDocument, visit } from "yaml";
import { formatKeyPath, KeyPath, RioInputError, SourceLocation, under } from "../errors";
import { answerProblem, holds, parseCondition, parseTemplateMeta, PlacedQuestion, TemplateMeta } from "./questions";
import { AnswerFile, gitRevision, readAnswersFile, RIOFILE_ANSWERS } from "./answers";
import { Segment, substitute, toSourceOffset } from "./envsubst";
import { runGoTemplate } from "./goTemplate";
import { RioWarning } from "./warnings";
import { locate } from "./locate";
import { documentValue, YAML_OPTIONS } from "./yamlValue";

/** How a Riofile's template is answered. */
export interface TemplateOptions {
    /**
     * Answers from the caller (stack config `rio:answers`, `rio render --answers`): they win over the
     * `Riofile-answers` file and the questions' defaults. Default none.
     */
    answers?: Record<string, string>;
    /** The namespace deployed into: the built-in answer NAMESPACE. Default: unknown, so `${NAMESPACE}` fails. */
    namespace?: string;
    /**
     * The Riofile's folder: its `Riofile-answers` is read, and REVISION is the commit of the git repository it
     * is in. Default: none (text from elsewhere has neither).
     */
    dir?: string;
    /**
     * Refuse what would only be warned about: a variable that no answer, question default or built-in sets
     * (which Rio's envsubst, and here the loader, substitute with an empty string), and every other warning
     * of the loader. Default false.
     */
    strict?: boolean;
}

/** The Riofile's text as the rest of the loader sees it, and line positions that point into the file as written. */
export interface RenderedText {
    text: string;
    /** Pass to the YAML parser: its `linePos` gives positions in the original file. */
    lines: LineCounter;
    /** The template section, when there is one. */
    template?: TemplateMeta;
    /** Whether `${...}` were substituted: a YAML error may then come from a value rather than the file. */
    substituted?: boolean;
    /** What was taken as Rio took it but is worth saying (unset variables). */
    warnings: RioWarning[];
}

const WHERE_TO_ANSWER =
    "answer it in an --answers file (rio render), in rio:answers (stack config) or in a Riofile-answers file next to the Riofile";

/** Positions in `text`, counted as the YAML parser counts them. */
function linesOf(text: string): LineCounter {
    const lines = new LineCounter();
    lines.addNewLine(0);
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
    return lines;
}

/** Every character but line breaks as a space: same offsets, same lines, nothing in them. */
function blank(text: string): string {
    return text.replace(/[^\r\n]/g, " ");
}

/**
 * The top-level `template:` blocks: from a line starting `template:` to the next line that starts in column 1
 * with anything but a comment (Rio, too, found the section by a line starting with `template:`).
 */
export function templateSections(text: string): { start: number; end: number }[] {
    const sections: { start: number; end: number }[] = [];
    const start = /^template[ \t]*:(?=[ \t\r\n]|$)/gm;
    for (let m = start.exec(text); m; m = start.exec(text)) {
        let end = text.indexOf("\n", m.index);
        while (end !== -1) {
            const next = end + 1;
            const c = text[next];
            if (c === undefined || (c !== " " && c !== "\t" && c !== "\r" && c !== "\n" && c !== "#")) break;
            end = text.indexOf("\n", next);
        }
        const stop = end === -1 ? text.length : end + 1;
        sections.push({ start: m.index, end: stop });
        start.lastIndex = stop;
    }
    return sections;
}

/** The template section parsed on its own, with errors located in the file. */
function readSection(text: string, file: string, section: { start: number; end: number }) {
    const only =
        blank(text.slice(0, section.start)) + text.slice(section.start, section.end) + blank(text.slice(section.end));
    const lines = new LineCounter();
    const doc = parseDocument(only, { lineCounter: lines, ...YAML_OPTIONS });
    const at = (offset: number): SourceLocation => {
        const { line, col } = lines.linePos(offset);
        return { file, line, column: col };
    };
    const bad = doc.errors[0];
    if (bad) throw new RioInputError([], `invalid YAML: ${bad.message.split("\n")[0]}`, at(bad.pos[0]));
    let proto: number | undefined;
    visit(doc, {
        Pair(_, pair) {
            if (proto === undefined && isScalar(pair.key) && pair.key.value === "__proto__")
                proto = pair.key.range?.[0];
        },
    });
    if (proto !== undefined) throw new RioInputError([], `"__proto__" cannot be used as a key`, at(proto));
    const resolved = documentValue(doc);
    if ("problem" in resolved)
        throw new RioInputError([], `invalid YAML: ${resolved.problem.message}`, at(resolved.problem.offset));
    const content = resolved.value;
    const where = (p: KeyPath, atKey = false) => locate(doc, lines, file, ["template", ...p], atKey);
    try {
        const value = (content as { template?: unknown }).template;
        return { ...under(["template"], () => parseTemplateMeta(value)), where };
    } catch (e) {
        if (e instanceof RioInputError && !e.location) throw e.withLocation(locate(doc, lines, file, e.path, e.atKey));
        throw e;
    }
}

/** An answer and where it came from. */
interface Answer {
    value: string;
    from: "caller" | "file" | "namespace" | "git" | "default";
}

/**
 * Substitutes a Riofile's text when its template asks for it, after checking every answer against its
 * question. Without a template section the text is returned as is. Errors are RioInputErrors located in the
 * Riofile, or in the `Riofile-answers` file when the bad answer is written there.
 */
export function renderTemplate(text: string, file: string, options: TemplateOptions = {}): RenderedText {
    const sections = templateSections(text);
    if (sections.length === 0) return { text, lines: new LineCounter(), warnings: [] };
    const source = linesOf(text);
    const sourceAt = (offset: number): SourceLocation => {
        const { line, col } = source.linePos(offset);
        return { file, line, column: col };
    };
    if (sections.length > 1)
        throw new RioInputError(
            ["template"],
            "is given twice: keep one template section",
            sourceAt(sections[1]!.start),
            true,
        );
    const section = sections[0]!;
    const { meta, questions, where } = readSection(text, file, section);

    const caller = options.answers ?? {};
    const answersFile: AnswerFile | undefined =
        options.dir !== undefined ? readAnswersFile(path.join(options.dir, RIOFILE_ANSWERS), true) : undefined;
    const asked = new Map(questions.map((q) => [q.question.variable, q]));
    let revision: { sha: string | undefined } | undefined;

    const builtIn = options.namespace;
    if (builtIn !== undefined) {
        // NAMESPACE is where the stack deploys: an answer naming another would make the Riofile lie about it.
        if (Object.hasOwn(caller, "NAMESPACE") && caller.NAMESPACE !== builtIn) {
            throw new RioInputError(
                ["NAMESPACE"],
                `is built in: the namespace deployed into ("${builtIn}"), so it cannot be answered "${caller.NAMESPACE}"`,
            );
        }
        const written = answersFile?.values.get("NAMESPACE");
        if (written !== undefined && written !== builtIn) {
            throw new RioInputError(
                ["NAMESPACE"],
                `is built in: the namespace deployed into ("${builtIn}"), so it cannot be answered "${written}"`,
                answersFile!.locate("NAMESPACE"),
            );
        }
    }

    const resolve = (name: string): Answer | undefined => {
        if (name === "NAMESPACE" && builtIn !== undefined) return { value: builtIn, from: "namespace" };
        // String(): a JavaScript caller may pass a number where the type says string.
        if (Object.hasOwn(caller, name)) return { value: String(caller[name]), from: "caller" };
        const written = answersFile?.values.get(name);
        if (written !== undefined) return { value: written, from: "file" };
        if (name === "REVISION" && options.dir !== undefined) {
            revision ??= { sha: gitRevision(options.dir) };
            if (revision.sha !== undefined) return { value: revision.sha, from: "git" };
        }
        const question = asked.get(name)?.question;
        if (question?.default !== undefined) return { value: question.default, from: "default" };
        return undefined;
    };
    const answerOf = (name: string) => resolve(name)?.value ?? "";

    for (const placed of questions) {
        if (!shown(placed, answerOf)) continue;
        checkAnswer(placed, resolve(placed.question.variable), { where, answersFile, file });
    }

    const rest = blank(text.slice(section.start, section.end));
    const withoutSection = text.slice(0, section.start) + rest + text.slice(section.end);
    if (!meta.envSubst && !meta.goTemplate)
        return { text: withoutSection, lines: new LineCounter(), template: meta, warnings: [] };

    const unsetHint = (name: string): string => {
        const q = asked.get(name);
        if (q)
            return `question ${formatKeyPath(["template", ...q.path])} has no default and no answer was given; ${WHERE_TO_ANSWER}`;
        if (name === "NAMESPACE")
            return "NAMESPACE is the namespace deployed into, which is not known here; give the namespace, or write ${NAMESPACE:-default}";
        if (name === "REVISION") {
            const why =
                options.dir === undefined
                    ? "the Riofile's folder is not known here"
                    : `${options.dir} is not in a git repository with a commit`;
            return `REVISION is built in: the commit checked out where the Riofile is (git rev-parse HEAD), but ${why}; answer REVISION (--answers, rio:answers or Riofile-answers), or write \${REVISION:-dev}`;
        }
        return `no question asks for it and no answer was given; ${WHERE_TO_ANSWER}, or write \${${name}:-default}`;
    };
    const warnings: RioWarning[] = [];
    const warned = new Set<string>();
    /** Rio's envsubst (and Go's templates) made an unset variable empty: so does the loader, and says so once. */
    const unset = (name: string, at: SourceLocation, how: string): string => {
        if (options.strict) throw new RioInputError([], `${how} is not set: ${unsetHint(name)}`, at);
        if (!warned.has(name)) {
            warned.add(name);
            warnings.push({
                path: [],
                detail: `${how} is not set, so it is empty (as in Rio): ${unsetHint(name)}`,
                location: at,
            });
        }
        return "";
    };
    const looked = new Set<string>();
    let text2 = withoutSection;
    let envSegments: Segment[] = [];
    if (meta.envSubst) {
        const done = substitute(withoutSection, {
            lookup: (name) => {
                looked.add(name);
                return resolve(name)?.value;
            },
            locate: sourceAt,
            unsetHint,
            ...(!options.strict && {
                unset: (name: string, offset: number) => unset(name, sourceAt(offset), `\${${name}}`),
            }),
        });
        text2 = done.text;
        envSegments = done.segments;
    }
    let goSegments: Segment[] = [];
    if (meta.goTemplate) {
        // Go's offsets are in the substituted text: map them back through envSubst's replacements.
        const at = (offset: number) => sourceAt(toSourceOffset(envSegments, offset));
        const done = runGoTemplate(text2, {
            // Rio's .Values: every question's variable and every variable envSubst looked up ("" when unset),
            // here with every answer given too.
            value: (name) => resolve(name)?.value ?? (asked.has(name) || looked.has(name) ? "" : undefined),
            print: (name, offset) =>
                resolve(name) === undefined ? unset(name, at(offset), `.Values.${name}`) : undefined,
            fail: (offset, detail) => {
                throw new RioInputError([], detail, at(offset));
            },
        });
        text2 = done.text;
        goSegments = done.segments;
    }
    const lines = new LineCounter();
    // The parser still records the output's line starts; positions come from the original's.
    lines.linePos = (offset: number) => source.linePos(toSourceOffset(envSegments, toSourceOffset(goSegments, offset)));
    return {
        text: text2,
        lines,
        template: meta,
        substituted: envSegments.length + goSegments.length > 0,
        warnings,
    };
}

/** Whether a question is asked: its showIf holds, and for a subquestion its parent is asked and opens it. */
function shown(placed: PlacedQuestion, answerOf: (name: string) => string): boolean {
    const q = placed.question;
    if (q.showIf !== undefined && !holds(parseCondition(q.showIf), answerOf)) return false;
    const parent = placed.parent;
    if (!parent) return true;
    if (!shown(parent, answerOf)) return false;
    const opens = parent.question.showSubquestionIf;
    return opens === undefined || answerOf(parent.question.variable) === opens;
}

/** Checks the answer to an asked question: present when required, and acceptable. */
function checkAnswer(
    placed: PlacedQuestion,
    answer: Answer | undefined,
    at: { where: (p: KeyPath, atKey?: boolean) => SourceLocation; answersFile: AnswerFile | undefined; file: string },
): void {
    const q = placed.question;
    if (answer === undefined || answer.value === "") {
        if (q.required) {
            throw new RioInputError(
                ["template", ...placed.path],
                `${q.variable}${q.label ? ` (${q.label})` : ""} is required and has no answer or default: ${WHERE_TO_ANSWER}`,
                at.where(placed.path),
            );
        }
        return;
    }
    const problem = answerProblem(q, answer.value);
    if (problem === undefined) return;
    const shownValue = JSON.stringify(answer.value);
    switch (answer.from) {
        case "file":
            throw new RioInputError(
                [q.variable],
                `${shownValue} ${problem} (question ${formatKeyPath(["template", ...placed.path])} of ${at.file})`,
                at.answersFile!.locate(q.variable),
            );
        case "default":
            // Checked with the template section already; here only if a showIf made it matter.
            throw new RioInputError(
                ["template", ...placed.path, "default"],
                `${shownValue} ${problem}`,
                at.where([...placed.path, "default"]),
            );
        default: {
            const given =
                answer.from === "caller"
                    ? `the answer given for ${q.variable}`
                    : answer.from === "namespace"
                      ? "the built-in NAMESPACE"
                      : "the built-in REVISION";
            throw new RioInputError(
                ["template", ...placed.path],
                `${given}, ${shownValue}, ${problem}`,
                at.where(placed.path),
            );
        }
    }
}
