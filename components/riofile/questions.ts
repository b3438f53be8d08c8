/**
 * A Riofile's `template` section (Rio's TemplateMeta, `apis/rio.cattle.io/v1/question.go`): its schema, and
 * what an answer to one of its questions must be.
 */
import { z } from "zod";
import { formatKeyPath, KeyPath, RioInputError, under } from "../errors";
import { fromZod } from "../service/spec";
import { isVariableName } from "./envsubst";

/** Question types: Rio's string, int, bool and enum, plus Rancher catalog's text-like ones a Riofile can use. */
export const QUESTION_TYPES = [
    "string",
    "multiline",
    "password",
    "hostname",
    "int",
    "bool",
    "boolean",
    "enum",
] as const;

/** A YAML scalar as the text Rio's string fields held (`default: 3` is "3"). */
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const count = z.number().int().nonnegative();

const questionFields = {
    /** The variable the answer sets, used as `${variable}`. */
    variable: z.string(),
    label: z.string().optional(),
    description: z.string().optional(),
    /** Default `string`. */
    type: z.enum(QUESTION_TYPES).optional(),
    /** The answer may not be empty. */
    required: z.boolean().optional(),
    default: scalar.optional(),
    group: z.string().optional(),
    minLength: count.optional(),
    maxLength: count.optional(),
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    /** The answers an enum question accepts. */
    options: z.array(scalar).optional(),
    /** Every character of the answer must be one of these. */
    validChars: z.string().optional(),
    /** No character of the answer may be one of these. */
    invalidChars: z.string().optional(),
    /** Ask only when this holds: `VAR=value`, joined with `&&` and `||`. */
    showIf: z.string().optional(),
};

const subquestionSchema = z.object(questionFields).strict();
const questionSchema = z
    .object({
        ...questionFields,
        subquestions: z.array(subquestionSchema).optional(),
        /** Ask the subquestions only when this question's answer is this. Default: always. */
        showSubquestionIf: scalar.optional(),
    })
    .strict();

export const templateSchema = z
    .object({
        /** Run Go templates (`{{ if eq .Values.X "y" }}`) over the text after envSubst; see goTemplate.ts. */
        goTemplate: z.boolean().optional(),
        /** Substitute `${...}` in the Riofile's text (drone/envsubst syntax). */
        envSubst: z.boolean().optional(),
        questions: z.array(questionSchema).optional(),
        name: z.string().optional(),
        version: scalar.optional(),
        iconUrl: z.string().optional(),
        readme: z.string().optional(),
    })
    .strict();

export type Question = z.infer<typeof subquestionSchema> & {
    subquestions?: z.infer<typeof subquestionSchema>[];
    showSubquestionIf?: string;
};
export type TemplateMeta = z.infer<typeof templateSchema>;

/** A question with where it is in the template section, and the question whose subquestion it is. */
export interface PlacedQuestion {
    question: Question;
    /** From the top of the template section: `["questions", 0]`. */
    path: KeyPath;
    parent?: PlacedQuestion;
}

/** A `showIf` condition: any of the alternatives (`||`), each all of its `VAR=value` tests (`&&`). */
export type Condition = { variable: string; value: string }[][];

/** Parses `A=1&&B=x||C=true`. */
export function parseCondition(text: string): Condition {
    return text.split("||").map((alternative) =>
        alternative.split("&&").map((test) => {
            const eq = test.indexOf("=");
            const variable = test.slice(0, eq).trim();
            if (eq === -1 || !isVariableName(variable)) {
                throw new RioInputError(
                    [],
                    `"${test.trim()}" is not a condition: write VARIABLE=value, joined with && or ||`,
                );
            }
            return { variable, value: test.slice(eq + 1).trim() };
        }),
    );
}

/** Whether a condition holds, given each variable's answer ("" when it has none). */
export function holds(condition: Condition, answer: (variable: string) => string): boolean {
    return condition.some((all) => all.every((t) => answer(t.variable) === t.value));
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

/** Why `value` is not an acceptable answer to `q` (a phrase after the value), or undefined when it is. */
export function answerProblem(q: Question, value: string): string | undefined {
    const type = q.type ?? "string";
    const chars = [...value];
    if (type === "int") {
        if (!/^[+-]?\d+$/.test(value.trim())) return "must be a whole number";
        const n = Number(value.trim());
        if (q.min !== undefined && n < q.min) return `must be at least ${q.min}`;
        if (q.max !== undefined && n > q.max) return `must be at most ${q.max}`;
    }
    if ((type === "bool" || type === "boolean") && value !== "true" && value !== "false")
        return "must be true or false";
    if (type === "enum" && !(q.options ?? []).includes(value))
        return `must be one of ${(q.options ?? []).map((o) => JSON.stringify(o)).join(", ")}`;
    if (type === "hostname" && !DNS_NAME.test(value))
        return "must be a DNS name (lowercase letters, digits, '-' and '.')";
    if (q.minLength !== undefined && chars.length < q.minLength)
        return `must be at least ${q.minLength} characters long`;
    if (q.maxLength !== undefined && chars.length > q.maxLength)
        return `must be at most ${q.maxLength} characters long`;
    if (q.validChars !== undefined) {
        const bad = chars.find((c) => !q.validChars!.includes(c));
        if (bad !== undefined)
            return `may only contain the characters ${JSON.stringify(q.validChars)}, not ${JSON.stringify(bad)}`;
    }
    if (q.invalidChars !== undefined) {
        const bad = chars.find((c) => q.invalidChars!.includes(c));
        if (bad !== undefined) return `must not contain ${JSON.stringify(bad)}`;
    }
    return undefined;
}

/** Checks one question on its own: its variable, bounds, options, default and showIf. Paths are the question's. */
function checkQuestion(q: Question): void {
    if (!isVariableName(q.variable)) {
        throw new RioInputError(
            ["variable"],
            `"${q.variable}" cannot be written as \${${q.variable}}: use letters, digits, _ and -`,
        );
    }
    if (q.type === "enum" && (q.options ?? []).length === 0)
        throw new RioInputError(["options"], "an enum question needs options (the answers it accepts)");
    if (q.min !== undefined && q.max !== undefined && q.min > q.max)
        throw new RioInputError(["min"], `is above max (${q.max})`);
    if (q.minLength !== undefined && q.maxLength !== undefined && q.minLength > q.maxLength)
        throw new RioInputError(["minLength"], `is above maxLength (${q.maxLength})`);
    if (q.default !== undefined && q.default !== "") {
        const problem = answerProblem(q, q.default);
        if (problem) throw new RioInputError(["default"], `${JSON.stringify(q.default)} ${problem}`);
    }
    if (q.showIf !== undefined) under(["showIf"], () => parseCondition(q.showIf!));
}

/**
 * Checks a `template` section's value (paths relative to it): its keys and types, each question, and that no
 * two questions set the same variable.
 */
export function parseTemplateMeta(raw: unknown): { meta: TemplateMeta; questions: PlacedQuestion[] } {
    const parsed = templateSchema.safeParse(raw ?? {});
    if (!parsed.success) throw fromZod(parsed.error, templateSchema);
    const meta = parsed.data;
    const questions: PlacedQuestion[] = [];
    (meta.questions ?? []).forEach((question, i) => {
        const placed: PlacedQuestion = { question, path: ["questions", i] };
        questions.push(placed);
        (question.subquestions ?? []).forEach((sub, j) =>
            questions.push({ question: sub, path: ["questions", i, "subquestions", j], parent: placed }),
        );
    });
    const seen = new Map<string, KeyPath>();
    for (const { question, path } of questions) {
        under(path, () => checkQuestion(question));
        if (seen.has(question.variable)) {
            throw new RioInputError(
                [...path, "variable"],
                `${question.variable} is already asked by ${formatKeyPath(["template", ...seen.get(question.variable)!])}`,
            );
        }
        seen.set(question.variable, path);
    }
    return { meta, questions };
}
