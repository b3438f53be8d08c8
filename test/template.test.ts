/**
 * Riofile templates (envSubst, questions and answers, Riofile-answers, NAMESPACE and REVISION) and plain
 * Kubernetes YAML loaded as a Riofile.
 */
import assert from "node:assert/strict";
import { formatWarning } from "../components/riofile/warnings";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { RioInputError } from "../components/errors";
import { globToRegExp, substitute, toSourceOffset } from "../components/riofile/envsubst";
import { answerProblem, parseTemplateMeta, Question } from "../components/riofile/questions";
import { answersFromConfig, gitRevision, parseAnswers } from "../components/riofile/answers";
import { templateSections } from "../components/riofile/template";
import { loadRiofile, parseRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { expectRio, rioError } from "./support/rioError";
import { validateObject } from "./support/schema";
import { git as gitIn } from "./support/git";
import { installMocks, one, registered, reset } from "./support/mocks";

const VARS: Record<string, string> = {
    v: "abcdEFGH28ij",
    up: "ABCDEFGH28IJ",
    path: "/home/bozo/ideas/thoughts.for.today",
    file: "bash.string.txt",
    slashes: "path/to/file",
    z: "abcABC123ABCabc",
    empty: "",
    url: "foo/bar/baz",
    name: "élan",
    d: "foo",
};
const sub = (text: string, vars: Record<string, string> = VARS) =>
    substitute(text, { lookup: (n) => (Object.hasOwn(vars, n) ? vars[n] : undefined) }).text;
/** Errors located as `F:line:col` with the column counted in the one-line text. */
const at = (offset: number) => ({ file: "F", line: 1, column: offset + 1 });
const subError = (text: string) =>
    rioError(() => substitute(text, { lookup: (n) => (Object.hasOwn(VARS, n) ? VARS[n] : undefined), locate: at }))
        .message;

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "rio-template-"));
}

describe("envSubst: drone/envsubst's substitutions", () => {
    const cases: [string, string][] = [
        ["${v}", "abcdEFGH28ij"],
        ["text ${v} text", "text abcdEFGH28ij text"],
        ["${#v}", "12"],
        ["${#name}", "4"],
        ["${v^}", "AbcdEFGH28ij"],
        ["${v^^}", "ABCDEFGH28IJ"],
        ["${up,}", "aBCDEFGH28IJ"],
        ["${up,,}", "abcdefgh28ij"],
        ["${name^}", "Élan"],
        ["${path:11}", "ideas/thoughts.for.today"],
        ["${path:11:5}", "ideas"],
        ["${path:100}", ""],
        ["${path: -5}", "today"],
        ["${path:11:-6}", "ideas/thoughts.for"],
        ["${path:0:${#d}}", "/ho"],
        ["${file#*.}", "string.txt"],
        ["${file##*.}", "txt"],
        ["${file%.*}", "bash.string"],
        ["${file%%.*}", "bash"],
        ["${slashes#*/}", "to/file"],
        ["${slashes##*/}", "file"],
        ["${file#b?sh}", ".string.txt"],
        ["${file%.[a-t]xt}", "bash.string"],
        ["${file%.[!t]xt}", "bash.string.txt"],
        ["${file#nomatch}", "bash.string.txt"],
        ["${z/abc/xyz}", "xyzABC123ABCabc"],
        ["${z//abc/xyz}", "xyzABC123ABCxyz"],
        ["${z/#abc/XYZ}", "XYZABC123ABCabc"],
        ["${z/%abc/XYZ}", "abcABC123ABCXYZ"],
        ["${z/#ABC/XYZ}", "abcABC123ABCabc"],
        ["${z//abc/}", "ABC123ABC"],
        ["${z/abc}", "ABC123ABCabc"],
        ["${z/a*c/-}", "abcABC123ABCabc"],
        ["${url/\\//-}", "foo-bar/baz"],
        ["${url//\\//-}", "foo-bar-baz"],
        ["${file/./}", "bashstring.txt"],
        ["${unset:-xyz}", "xyz"],
        ["${empty:-xyz}", "xyz"],
        ["${unset=xyz}", "xyz"],
        ["${empty=xyz}", ""],
        ["${unset:=xyz}", "xyz"],
        ["${v:-xyz}", "abcdEFGH28ij"],
        ["something ${unset=${d}}", "something foo"],
        ["foo: ${unset=${d}-suffix}", "foo: foo-suffix"],
        ["foo: ${unset=prefix${d}-suffix}", "foo: prefixfoo-suffix"],
        ["${unset=${v^^}}", "ABCDEFGH28IJ"],
        ["${unset:-${alsoUnset:-deep}}", "deep"],
        ["$${v}", "${v}"],
        ["some text ${v}$${v$${v}$v${v}", "some text abcdEFGH28ij${v${v}$vabcdEFGH28ij"],
        ["something $${unset=${d}}", "something ${unset=foo}"],
        ["a$$b", "a$b"],
        ["$v and $(self/name) and $ and $", "$v and $(self/name) and $ and $"],
        ['"C:\\\\dir\\/x"', '"C:\\\\dir\\/x"'],
        ["# ${unset} in a comment line\nimage: ${d}", "# ${unset} in a comment line\nimage: foo"],
        ["  # ${unset}\nx: y # ${d}", "  # ${unset}\nx: y # foo"],
    ];
    for (const [input, output] of cases) {
        it(`${input} → ${JSON.stringify(output)}`, () => assert.equal(sub(input), output));
    }

    it("only evaluates a default when it is used", () => {
        assert.equal(sub("${v:-${unset}}"), "abcdEFGH28ij");
    });

    const errors: [string, string][] = [
        ["${unset}", "F:1:1 ${unset} is not set"],
        ["x ${unset:0:2}", "F:1:3 ${unset:0:2} is not set"],
        [
            "${unset-default}",
            'F:1:1 ${unset-default} is not set (a name may contain "-": for a default, write ${unset:-…})',
        ],
        ["${v", 'F:1:1 "${v" is not closed: a } is missing'],
        ["${v:-abc", 'F:1:1 "${v:-abc" is not closed: a } is missing'],
        ["${ v}", 'F:1:3 bad substitution: "${" must be followed by a variable name (write $$ for a literal $)'],
        ["a ${}", 'F:1:5 bad substitution: "${" must be followed by a variable name (write $$ for a literal $)'],
        [
            "${v@}",
            'F:1:4 bad substitution: "${v@" (envSubst reads ${name}, ${name:-default}, ${name/from/to}, …; write $$ for a literal $)',
        ],
        [
            "${v^x}",
            'F:1:5 bad substitution: "${v^x" (envSubst reads ${name}, ${name:-default}, ${name/from/to}, …; write $$ for a literal $)',
        ],
        ["${#}", 'F:1:4 bad substitution: a variable name must follow "${#"'],
        ["${v:?message}", "F:1:1 ${v:?...} is not supported by envSubst (drone/envsubst); use ${v:-default}"],
        ["${v:+alt}", "F:1:1 ${v:+...} is not supported by envSubst (drone/envsubst); use ${v:-default}"],
        ["${v:x}", 'F:1:5 in ${v:…}: the offset "x" is not a whole number'],
        ["${v:1:y}", 'F:1:7 in ${v:…}: the length "y" is not a whole number'],
        ["${v:5:-10}", "F:1:7 in ${v:…}: the length -10 ends before the offset 5"],
        [
            "${v} ${w@}",
            'F:1:9 bad substitution: "${w@" (envSubst reads ${name}, ${name:-default}, ${name/from/to}, …; write $$ for a literal $)',
        ],
    ];
    for (const [input, message] of errors) {
        it(`refuses ${input}`, () => assert.equal(subError(input), message));
    }

    it("reports a malformed expression even after an unset variable (the whole text is parsed first)", () => {
        assert.equal(subError("${unset} ${v"), 'F:1:10 "${v" is not closed: a } is missing');
    });

    it("adds the caller's hint to an unset variable", () => {
        const e = rioError(() => substitute("${X}", { lookup: () => undefined, unsetHint: (n) => `answer ${n}` }));
        assert.deepEqual([e.path, e.detail], [[], "${X} is not set: answer X"]);
    });

    it("reads globs as bash does: * crosses /, [!...] negates, \\ escapes, an open [ is literal", () => {
        assert.equal(globToRegExp("*.t?t").source, "^[\\s\\S]*\\.t[\\s\\S]t$");
        assert.ok(globToRegExp("a*c").test("a/b/c"));
        assert.ok(globToRegExp("[!0-9]x").test("ax"));
        assert.ok(!globToRegExp("[!0-9]x").test("1x"));
        assert.ok(globToRegExp("\\*").test("*"));
        assert.ok(!globToRegExp("\\*").test("a"));
        assert.ok(globToRegExp("[ab").test("[ab"));
    });

    it("leaves text without $ unchanged (property)", () => {
        fc.assert(
            fc.property(
                fc.string({ unit: "binary" }).filter((s) => !s.includes("$")),
                (text) => {
                    const r = substitute(text, { lookup: () => assert.fail("nothing to look up") });
                    assert.equal(r.text, text);
                    assert.deepEqual(r.segments, []);
                },
            ),
            { numRuns: 300 },
        );
    });

    it("round-trips any value through ${v}, in any surrounding text without $ (property)", () => {
        const text = fc
            .string({ unit: "binary", maxLength: 20 })
            .filter((s) => !s.includes("$") && !/(^|\n)[ \t]*#/.test(s));
        fc.assert(
            fc.property(
                text,
                fc.string({ unit: "binary" }),
                text,
                fc.constantFrom("v", "VAR_1", "a-b", "ünï"),
                (before, value, after, name) => {
                    const r = substitute(`${before}\${${name}}${after}`, {
                        lookup: (n) => (n === name ? value : undefined),
                    });
                    assert.equal(r.text, before + value + after);
                    assert.deepEqual(r.segments, [
                        {
                            outStart: before.length,
                            outEnd: before.length + value.length,
                            srcStart: before.length,
                            srcEnd: before.length + name.length + 3,
                        },
                    ]);
                },
            ),
            { numRuns: 300 },
        );
    });

    it("maps every output offset back to the source: text to the same character, a value to its ${ (property)", () => {
        const piece = fc.oneof(
            fc
                .string({ maxLength: 6 })
                .filter((s) => !s.includes("$") && !s.includes("#"))
                .map((s) => ({ src: s, value: undefined as string | undefined })),
            fc.string({ maxLength: 6 }).map((value) => ({ src: "${v}", value })),
            fc.constant({ src: "$$", value: "$" }),
        );
        fc.assert(
            fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
                const src = pieces.map((p) => p.src).join("");
                const values = pieces.filter((p) => p.src === "${v}").map((p) => p.value!);
                let n = 0;
                // Each ${v} looks up the next value: one variable, several values, in order.
                const r = substitute(src, { lookup: () => values[n++] });
                let out = 0;
                let srcAt = 0;
                for (const p of pieces) {
                    const produced = p.value ?? p.src;
                    for (let k = 0; k < produced.length; k++) {
                        const mapped = toSourceOffset(r.segments, out + k);
                        if (p.value === undefined) assert.equal(src[mapped], produced[k]);
                        else assert.equal(mapped, srcAt);
                    }
                    out += produced.length;
                    srcAt += p.src.length;
                }
                assert.equal(toSourceOffset(r.segments, out), src.length);
            }),
            { numRuns: 300 },
        );
    });
});

describe("template questions", () => {
    const q = (over: Partial<Question>): Question => ({ variable: "X", ...over });
    const problems: [Partial<Question>, string, string | undefined][] = [
        [{}, "anything", undefined],
        [{ type: "int" }, "42", undefined],
        [{ type: "int" }, "-3", undefined],
        [{ type: "int" }, "4.5", "must be a whole number"],
        [{ type: "int" }, "abc", "must be a whole number"],
        [{ type: "int", min: 1, max: 10 }, "0", "must be at least 1"],
        [{ type: "int", min: 1, max: 10 }, "11", "must be at most 10"],
        [{ type: "int", min: 1, max: 10 }, "10", undefined],
        [{ type: "bool" }, "true", undefined],
        [{ type: "boolean" }, "yes", "must be true or false"],
        [{ type: "enum", options: ["a", "b"] }, "b", undefined],
        [{ type: "enum", options: ["a", "b"] }, "c", 'must be one of "a", "b"'],
        [{ type: "hostname" }, "db.example.com", undefined],
        [{ type: "hostname" }, "DB_host", "must be a DNS name (lowercase letters, digits, '-' and '.')"],
        [{ minLength: 3 }, "ab", "must be at least 3 characters long"],
        [{ maxLength: 3 }, "abcd", "must be at most 3 characters long"],
        [{ maxLength: 3 }, "élan".slice(0, 3), undefined],
        [{ validChars: "abc" }, "abca", undefined],
        [{ validChars: "abc" }, "abd", 'may only contain the characters "abc", not "d"'],
        [{ invalidChars: " /" }, "a b", 'must not contain " "'],
        [{ type: "password", minLength: 8 }, "hunter2", "must be at least 8 characters long"],
    ];
    for (const [over, value, problem] of problems) {
        it(`${JSON.stringify(over)} with ${JSON.stringify(value)}: ${problem ?? "accepted"}`, () =>
            assert.equal(answerProblem(q(over), value), problem));
    }

    it("parses a full template section, numbers and booleans as Rio's strings", () => {
        const { meta, questions } = parseTemplateMeta({
            name: "shop",
            version: 1.2,
            iconUrl: "https://example.com/i.png",
            readme: "hi",
            envSubst: true,
            questions: [
                {
                    variable: "PORT",
                    type: "int",
                    default: 80,
                    options: [1, true],
                    subquestions: [{ variable: "HOST", group: "net" }],
                    showSubquestionIf: true,
                },
            ],
        });
        assert.equal(meta.version, "1.2");
        assert.equal(meta.questions![0]!.default, "80");
        assert.deepEqual(meta.questions![0]!.options, ["1", "true"]);
        assert.equal(meta.questions![0]!.showSubquestionIf, "true");
        assert.deepEqual(
            questions.map((p) => [p.question.variable, p.path, p.parent?.question.variable]),
            [
                ["PORT", ["questions", 0], undefined],
                ["HOST", ["questions", 0, "subquestions", 0], "PORT"],
            ],
        );
        assert.deepEqual(parseTemplateMeta(null).questions, []);
    });

    const bad: [unknown, (string | number)[], string, boolean?][] = [
        [{ envsubst: true }, ["envsubst"], 'unknown key; did you mean "envSubst"?', true],
        [{ envSubst: "yes" }, ["envSubst"], "expected boolean, received string"],
        [{ questions: {} }, ["questions"], "expected array, received object"],
        [{ questions: [{ label: "x" }] }, ["questions", 0, "variable"], "required"],
        [
            { questions: [{ variable: "X", lable: "x" }] },
            ["questions", 0, "lable"],
            'unknown key; did you mean "label"?',
            true,
        ],
        [
            { questions: [{ variable: "X", type: "float" }] },
            ["questions", 0, "type"],
            "invalid enum value. Expected 'string' | 'multiline' | 'password' | 'hostname' | 'int' | 'bool' | 'boolean' | 'enum', received 'float'",
        ],
        [{ questions: [{ variable: "X", min: 1.5 }] }, ["questions", 0, "min"], "expected integer, received float"],
        [
            { questions: [{ variable: "X", maxLength: -1 }] },
            ["questions", 0, "maxLength"],
            "number must be greater than or equal to 0",
        ],
        [
            { questions: [{ variable: "db host" }] },
            ["questions", 0, "variable"],
            '"db host" cannot be written as ${db host}: use letters, digits, _ and -',
        ],
        [
            { questions: [{ variable: "X", type: "enum" }] },
            ["questions", 0, "options"],
            "an enum question needs options (the answers it accepts)",
        ],
        [{ questions: [{ variable: "X", min: 5, max: 1 }] }, ["questions", 0, "min"], "is above max (1)"],
        [
            { questions: [{ variable: "X", minLength: 5, maxLength: 1 }] },
            ["questions", 0, "minLength"],
            "is above maxLength (1)",
        ],
        [
            { questions: [{ variable: "X", type: "int", default: "ten" }] },
            ["questions", 0, "default"],
            '"ten" must be a whole number',
        ],
        [
            { questions: [{ variable: "X", type: "enum", options: ["a"], default: "b" }] },
            ["questions", 0, "default"],
            '"b" must be one of "a"',
        ],
        [
            { questions: [{ variable: "X", showIf: "Y" }] },
            ["questions", 0, "showIf"],
            '"Y" is not a condition: write VARIABLE=value, joined with && or ||',
        ],
        [
            { questions: [{ variable: "X" }, { variable: "X" }] },
            ["questions", 1, "variable"],
            "X is already asked by template.questions[0]",
        ],
        [
            { questions: [{ variable: "X", subquestions: [{ variable: "Y", subquestions: [] }] }] },
            ["questions", 0, "subquestions", 0, "subquestions"],
            "unknown key",
            true,
        ],
    ];
    for (const [raw, at, detail, atKey] of bad) {
        it(`refuses ${JSON.stringify(raw)}`, () => {
            expectRio(() => parseTemplateMeta(raw), at, detail, atKey ?? false);
        });
    }
});

describe("a Riofile's template section", () => {
    const lines = (...l: string[]) => l.join("\n");
    const TEMPLATED = lines(
        "services:",
        "  web:",
        "    image: nginx:${TAG}",
        "    scale: ${REPLICAS}",
        "    env: [MODE=${MODE}]",
        "template:",
        "  envSubst: true",
        "  questions:",
        "    - variable: TAG",
        "      default: '1.27'",
        "    - variable: REPLICAS",
        "      type: int",
        "      max: 5",
        "      default: 1",
        "    - variable: MODE",
        "      type: enum",
        "      options: [dev, prod]",
        "      default: dev",
        "",
    );
    const web = (r: ReturnType<typeof parseRiofile>) => r.services.find((s) => s.name === "web")!.spec;

    it("finds the section from its line to the next line in column 1", () => {
        const text = "a: 1\ntemplate:\n  x: 1\n# comment\n\n  y: 2\nservices: {}\ntemplate: {}";
        assert.deepEqual(
            templateSections(text).map((s) => text.slice(s.start, s.end)),
            ["template:\n  x: 1\n# comment\n\n  y: 2\n", "template: {}"],
        );
        assert.deepEqual(templateSections("services:\n  template: x\n'template': y\ntemplates: z\n"), []);
    });

    it("substitutes with the questions' defaults, and hides the section from the rest of the loader", () => {
        const r = parseRiofile(TEMPLATED, "Riofile");
        assert.deepEqual(web(r), { image: "nginx:1.27", scale: 1, env: ["MODE=dev"] });
    });

    it("leaves ${...} alone without envSubst: true, and still checks answers", () => {
        const text = lines(
            "services:",
            "  web:",
            "    image: nginx",
            "    env: ['A=${X}']",
            "template:",
            "  questions:",
            "    - variable: X",
            "      required: true",
        );
        assert.equal(
            rioError(() => parseRiofile(text, "Riofile"))
                .message.split(":")
                .slice(0, 3)
                .join(":"),
            "Riofile:7:7 template.questions[0]",
        );
        assert.deepEqual(web(parseRiofile(text, "Riofile", { answers: { X: "1" } })).env, ["A=${X}"]);
    });

    it("takes answers first from the caller, then Riofile-answers, then defaults", () => {
        const dir = tempDir();
        const file = path.join(dir, "Riofile");
        fs.writeFileSync(file, TEMPLATED);
        assert.deepEqual(web(loadRiofile(file)), { image: "nginx:1.27", scale: 1, env: ["MODE=dev"] });
        fs.writeFileSync(path.join(dir, "Riofile-answers"), "TAG: '1.28'\nREPLICAS: 3\nUNUSED: x\n");
        assert.deepEqual(web(loadRiofile(file)), { image: "nginx:1.28", scale: 3, env: ["MODE=dev"] });
        assert.deepEqual(web(loadRiofile(file, { answers: { REPLICAS: "4", MODE: "prod" } })), {
            image: "nginx:1.28",
            scale: 4,
            env: ["MODE=prod"],
        });
        // JSON is YAML: a Riofile-answers file may be either.
        fs.writeFileSync(path.join(dir, "Riofile-answers"), '{"TAG": "2.0", "REPLICAS": 2}');
        assert.deepEqual(web(loadRiofile(file)), { image: "nginx:2.0", scale: 2, env: ["MODE=dev"] });
        // Text not from a file has no folder, so no Riofile-answers.
        assert.deepEqual(web(parseRiofile(TEMPLATED, "<stdin>")), { image: "nginx:1.27", scale: 1, env: ["MODE=dev"] });
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("points at the answer in Riofile-answers when it does not fit its question", () => {
        const dir = tempDir();
        const file = path.join(dir, "Riofile");
        fs.writeFileSync(file, TEMPLATED);
        fs.writeFileSync(path.join(dir, "Riofile-answers"), "# answers\nTAG: '1.28'\nREPLICAS: 9\n");
        assert.equal(
            rioError(() => loadRiofile(file)).message,
            `${dir}/Riofile-answers:3:11 REPLICAS: "9" must be at most 5 (question template.questions[1] of ${file})`,
        );
        fs.writeFileSync(path.join(dir, "Riofile-answers"), "TAG: [1, 2]\n");
        assert.equal(
            rioError(() => loadRiofile(file)).message,
            `${dir}/Riofile-answers:1:6 TAG: an answer is a single value, not a map or list`,
        );
        fs.writeFileSync(path.join(dir, "Riofile-answers"), "- TAG\n");
        assert.equal(
            rioError(() => loadRiofile(file)).message,
            `${dir}/Riofile-answers:1:1 an answers file is a map of variable names to answers (NAME: value)`,
        );
        fs.writeFileSync(path.join(dir, "Riofile-answers"), "TAG: 1\nTAG: 2\n");
        assert.equal(
            rioError(() => loadRiofile(file)).message,
            `${dir}/Riofile-answers:2:1 invalid YAML in the answers file: Map keys must be unique`,
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("points at the question when the caller's answer does not fit it", () => {
        assert.equal(
            rioError(() => parseRiofile(TEMPLATED, "Riofile", { answers: { MODE: "qa" } })).message,
            'Riofile:15:7 template.questions[2]: the answer given for MODE, "qa", must be one of "dev", "prod"',
        );
    });

    it("asks a required question with no default, saying where to answer it", () => {
        const text = lines(
            "services:",
            "  db:",
            "    image: postgres",
            "    env: [PW=${PW}]",
            "template:",
            "  envSubst: true",
            "  questions:",
            "    - variable: PW",
            "      label: Password",
            "      required: true",
        );
        const e = rioError(() => parseRiofile(text, "Riofile"));
        assert.equal(
            e.message,
            "Riofile:8:7 template.questions[0]: PW (Password) is required and has no answer or default: answer it in an --answers file (rio render), in rio:answers (stack config) or in a Riofile-answers file next to the Riofile",
        );
        assert.deepEqual(parseRiofile(text, "Riofile", { answers: { PW: "s3cret" } }).services[0]!.spec.env, [
            "PW=s3cret",
        ]);
        // An empty answer is no answer.
        assert.match(
            rioError(() => parseRiofile(text, "Riofile", { answers: { PW: "" } })).message,
            /PW \(Password\) is required/,
        );
    });

    it("asks a question only when its showIf holds, and subquestions only when their parent opens them", () => {
        const text = lines(
            "services:",
            "  web:",
            "    image: nginx",
            "    env: ['DB=${DB_HOST:-none}', 'CACHE=${CACHE_SIZE:-0}']",
            "template:",
            "  envSubst: true",
            "  questions:",
            "    - variable: USE_DB",
            "      type: bool",
            "      default: false",
            "    - variable: DB_HOST",
            "      required: true",
            "      showIf: USE_DB=true",
            "    - variable: CACHE",
            "      type: bool",
            "      default: false",
            "      showSubquestionIf: true",
            "      subquestions:",
            "        - variable: CACHE_SIZE",
            "          type: int",
            "          required: true",
        );
        assert.deepEqual(parseRiofile(text, "Riofile").services[0]!.spec.env, ["DB=none", "CACHE=0"]);
        assert.match(
            rioError(() => parseRiofile(text, "Riofile", { answers: { USE_DB: "true" } })).message,
            /^Riofile:11:7 template\.questions\[1\]: DB_HOST is required/,
        );
        assert.match(
            rioError(() => parseRiofile(text, "Riofile", { answers: { CACHE: "true" } })).message,
            /^Riofile:19:11 template\.questions\[2\]\.subquestions\[0\]: CACHE_SIZE is required/,
        );
        assert.equal(
            rioError(() => parseRiofile(text, "Riofile", { answers: { CACHE: "true", CACHE_SIZE: "big" } })).message,
            'Riofile:19:11 template.questions[2].subquestions[0]: the answer given for CACHE_SIZE, "big", must be a whole number',
        );
        assert.deepEqual(
            parseRiofile(text, "Riofile", {
                answers: { USE_DB: "true", DB_HOST: "db", CACHE: "true", CACHE_SIZE: "64" },
            }).services[0]!.spec.env,
            ["DB=db", "CACHE=64"],
        );
    });

    it("names an unset variable, where it is, and how to set it: empty with a warning, or refused when strict", () => {
        const text = lines(
            "services:",
            "  web:",
            "    image: nginx",
            "    env:",
            "      - A=${A}",
            "      - B=${A}",
            "template: {envSubst: true}",
        );
        // Rio's envsubst gave an unset variable an empty value, and its own stacks rely on it: one warning per variable.
        const loaded = parseRiofile(text, "Riofile");
        assert.deepEqual(loaded.services[0]!.spec.env, ["A=", "B="]);
        assert.deepEqual(loaded.warnings!.map(formatWarning), [
            "Riofile:5:11 ${A} is not set, so it is empty (as in Rio): no question asks for it and no answer was given; answer it in an --answers file (rio render), in rio:answers (stack config) or in a Riofile-answers file next to the Riofile, or write ${A:-default}",
        ]);
        assert.equal(
            rioError(() => parseRiofile(text, "Riofile", { strict: true })).message,
            "Riofile:5:11 ${A} is not set: no question asks for it and no answer was given; answer it in an --answers file (rio render), in rio:answers (stack config) or in a Riofile-answers file next to the Riofile, or write ${A:-default}",
        );
        const asked = lines(
            "services:",
            "  web:",
            "    image: nginx:${T}",
            "template:",
            "  envSubst: true",
            "  questions: [{variable: T}]",
        );
        assert.match(
            rioError(() => parseRiofile(asked, "Riofile", { strict: true })).message,
            /^Riofile:3:18 \$\{T\} is not set: question template\.questions\[0\] has no default and no answer was given; /,
        );
    });

    it("refuses a second section, and a section not at the start of a line", () => {
        assert.equal(
            rioError(() => parseRiofile("template: {}\nservices: {}\ntemplate: {}\n", "Riofile")).message,
            "Riofile:3:1 template: is given twice: keep one template section",
        );
        assert.equal(
            rioError(() => parseRiofile("{services: {}, template: {envSubst: true}}", "Riofile")).message,
            "Riofile:1:16 template: the template section must start a line of the Riofile (template: in column 1), as Rio read it",
        );
        assert.equal(
            rioError(() => parseRiofile("template:\n  questions:\n    - variable: X\n      __proto__: {}\n", "Riofile"))
                .message,
            'Riofile:4:7 "__proto__" cannot be used as a key',
        );
        assert.equal(
            rioError(() => parseRiofile("template:\n  questions: [\n", "Riofile")).message.slice(0, 30),
            "Riofile:3:1 invalid YAML: Flow",
        );
    });

    it("keeps positions right after values that add or remove lines, and points into a value at its ${", () => {
        const text = lines(
            "services:",
            "  web:",
            "    image: nginx",
            "    env:",
            "      - |-",
            "        NOTE=${NOTE}",
            "      - ${EMPTY}X=1",
            "    ports: ${PORT}",
            "    scale: two",
            "template:",
            "  envSubst: true",
        );
        const answers = { NOTE: "a\n        b\n        c\n        d", EMPTY: "", PORT: "8080" };
        assert.equal(
            rioError(() => parseRiofile(text, "Riofile", { answers })).message,
            'Riofile:9:12 services.web.scale: scale must be a whole number of replicas ≥ 0, not "two"',
        );
        assert.equal(
            rioError(() => parseRiofile(text, "Riofile", { answers: { ...answers, PORT: "http" } })).message,
            'Riofile:8:12 services.web.ports: port "http" is not a number',
        );
        // A value may break the YAML itself: the parser notices later, so the message says a value may be the cause.
        assert.match(
            rioError(() => parseRiofile(text, "Riofile", { answers: { ...answers, PORT: "[80" } })).message,
            /^Riofile:9:5 invalid YAML: .* \(after envSubst: a value substituted before this point may have broken the YAML\)$/,
        );
        // Errors found when planning use the same positions.
        const planned = parseRiofile(text.replace("scale: two", "scale: 1"), "Riofile", { answers });
        assert.equal(
            rioError(() =>
                planRiofile(planned, { namespace: "x".repeat(60), gateway: { domain: "example.com" } }),
            ).message.split(" ")[0],
            "Riofile:2:3",
        );
    });
});

describe("fuzz: a templated Riofile with substitution syntax inserted anywhere", () => {
    const example = fs.readFileSync(path.resolve(__dirname, "../../examples/templated/Riofile"), "utf8");
    const token = fc.constantFrom(
        "${",
        "}",
        "$$",
        "$",
        "${X}",
        "${VERSION",
        ":-",
        "${PORT:",
        "${MODE/",
        "//",
        "#",
        "##",
        "%",
        "^^",
        ",",
        "\n",
        "\n  ",
        "template:",
        "  - variable: X\n",
        "{",
        "[",
        "'",
        '"',
        "|",
        "\t",
    );
    it("either loads or fails with a RioInputError located in the file (1000 runs)", () => {
        fc.assert(
            fc.property(
                fc.array(fc.tuple(fc.nat(), token), { minLength: 1, maxLength: 3 }),
                fc.dictionary(
                    fc.constantFrom("VERSION", "PORT", "MODE", "X", "NAMESPACE"),
                    fc.string({ maxLength: 6 }),
                ),
                (edits, answers) => {
                    const text = edits.reduce(
                        (t, [at, tok]) => t.slice(0, at % (t.length + 1)) + tok + t.slice(at % (t.length + 1)),
                        example,
                    );
                    try {
                        planRiofile(parseRiofile(text, "Riofile", { answers, namespace: "team" }), {
                            namespace: "team",
                            gateway: { domain: "example.com" },
                        });
                    } catch (e) {
                        assert.ok(
                            e instanceof RioInputError,
                            `not a RioInputError: ${(e as Error)?.stack}\n---\n${text}`,
                        );
                        // A conflicting NAMESPACE answer is the caller's, not the file's: it has no position.
                        if (e.path[0] === "NAMESPACE") return;
                        assert.ok(
                            e.location && e.message.startsWith(`Riofile:${e.location.line}:${e.location.column} `),
                            `not located: ${e.message}\n---\n${text}`,
                        );
                        const lines = text.split("\n").length;
                        assert.ok(
                            e.location.line >= 1 && e.location.line <= lines + 1,
                            `line ${e.location.line} is outside the file: ${e.message}`,
                        );
                    }
                },
            ),
            { numRuns: 1000 },
        );
    });
});

describe("built-in answers: NAMESPACE and REVISION", () => {
    const text =
        "services:\n  web:\n    image: nginx\n    env: [NS=${NAMESPACE}, REV=${REVISION}]\ntemplate: {envSubst: true}\n";
    let repo: string;
    let head: string;
    const git = (...args: string[]) => gitIn(repo, ...args);
    before(() => {
        repo = tempDir();
        git("init", "-q");
        fs.mkdirSync(path.join(repo, "app"));
        fs.writeFileSync(path.join(repo, "app/Riofile"), text);
        git("add", ".");
        git("commit", "-q", "-m", "first");
        head = git("rev-parse", "HEAD").trim();
    });
    after(() => fs.rmSync(repo, { recursive: true, force: true }));

    it("REVISION is the commit of the git repository the Riofile is in, NAMESPACE where it deploys", () => {
        assert.match(head, /^[0-9a-f]{40}$/);
        assert.equal(gitRevision(path.join(repo, "app")), head);
        assert.deepEqual(loadRiofile(path.join(repo, "app/Riofile"), { namespace: "team-a" }).services[0]!.spec.env, [
            "NS=team-a",
            `REV=${head}`,
        ]);
    });

    it("an answer for REVISION wins over git; one for NAMESPACE must agree with the namespace", () => {
        const file = path.join(repo, "app/Riofile");
        assert.deepEqual(loadRiofile(file, { namespace: "a", answers: { REVISION: "v1.2.3" } }).services[0]!.spec.env, [
            "NS=a",
            "REV=v1.2.3",
        ]);
        assert.deepEqual(loadRiofile(file, { namespace: "a", answers: { NAMESPACE: "a" } }).services[0]!.spec.env, [
            "NS=a",
            `REV=${head}`,
        ]);
        expectRio(
            () => loadRiofile(file, { namespace: "a", answers: { NAMESPACE: "b" } }),
            ["NAMESPACE"],
            'is built in: the namespace deployed into ("a"), so it cannot be answered "b"',
        );
    });

    it("leaves REVISION unset outside a git repository, and says where it comes from", () => {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, "Riofile"), text);
        assert.equal(gitRevision(dir), undefined);
        assert.deepEqual(loadRiofile(path.join(dir, "Riofile"), { namespace: "a" }).warnings!.map(formatWarning), [
            `${dir}/Riofile:4:32 \${REVISION} is not set, so it is empty (as in Rio): REVISION is built in: the commit checked out where the Riofile is (git rev-parse HEAD), but ${dir} is not in a git repository with a commit; answer REVISION (--answers, rio:answers or Riofile-answers), or write \${REVISION:-dev}`,
        ]);
        assert.equal(
            rioError(() => loadRiofile(path.join(dir, "Riofile"), { namespace: "a", strict: true })).message,
            `${dir}/Riofile:4:32 \${REVISION} is not set: REVISION is built in: the commit checked out where the Riofile is (git rev-parse HEAD), but ${dir} is not in a git repository with a commit; answer REVISION (--answers, rio:answers or Riofile-answers), or write \${REVISION:-dev}`,
        );
        assert.match(
            rioError(() => parseRiofile(text, "Riofile", { strict: true })).message,
            /^Riofile:4:14 \$\{NAMESPACE\} is not set: NAMESPACE is the namespace deployed into, which is not known here/,
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("answers given as files and stack config", () => {
    it("reads a YAML or JSON map of names to values, as written", () => {
        assert.deepEqual(Object.fromEntries(parseAnswers("A: 010\nB: true\nC:\nD: 'x y'\n", "a.yaml").values), {
            A: "010",
            B: "true",
            C: "",
            D: "x y",
        });
        assert.deepEqual(Object.fromEntries(parseAnswers('{"A": 1.50, "B": "b"}', "a.json").values), {
            A: "1.50",
            B: "b",
        });
        assert.deepEqual(Object.fromEntries(parseAnswers("", "a.yaml").values), {});
    });

    it("takes rio:answers as a map of strings, numbers and booleans", () => {
        assert.deepEqual(answersFromConfig({ A: "x", B: 3, C: false }), { A: "x", B: "3", C: "false" });
        assert.deepEqual(answersFromConfig(undefined), {});
        expectRio(() => answersFromConfig(["A=1"]), ["rio:answers"], "must be a map of variable names to answers");
        expectRio(
            () => answersFromConfig({ A: { b: 1 } }),
            ["rio:answers", "A"],
            "an answer is a string, number or boolean",
        );
        assert.equal(Object.getPrototypeOf(answersFromConfig(JSON.parse('{"__proto__": "x"}'))), Object.prototype);
    });
});

describe("rio render --answers (the compiled CLI)", () => {
    const CLI = path.resolve(__dirname, "../components/cli/main.js");
    const run = (args: string[], cwd: string) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
            execFile(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" }, (error, stdout, stderr) =>
                resolve({
                    code: error === null ? 0 : typeof error.code === "number" ? error.code : null,
                    stdout,
                    stderr,
                }),
            ),
        );
    let dir: string;
    before(() => {
        dir = tempDir();
        fs.writeFileSync(
            path.join(dir, "Riofile"),
            "services:\n  web:\n    image: nginx:${TAG}\n    env: [NS=${NAMESPACE}]\ntemplate:\n  envSubst: true\n  questions: [{variable: TAG, default: '1.27'}]\n",
        );
        fs.writeFileSync(path.join(dir, "Riofile-answers"), "TAG: '1.28'\n");
        fs.writeFileSync(path.join(dir, "answers.json"), '{"TAG": "1.29"}');
        fs.writeFileSync(path.join(dir, "bad.yaml"), "TAG: [x]\n");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads Riofile-answers next to the Riofile, and --answers over it", async () => {
        const plain = await run(["render", "-n", "team"], dir);
        assert.equal(plain.code, 0, plain.stderr);
        assert.match(plain.stdout, /image: nginx:1\.28\n/);
        assert.match(plain.stdout, /name: NS\n\s+value: team\n/);
        const answered = await run(["render", "-n", "team", "--answers", "answers.json"], dir);
        assert.equal(answered.code, 0, answered.stderr);
        assert.match(answered.stdout, /image: nginx:1\.29\n/);
    });

    it("reads a Riofile from standard input with the Riofile-answers of the current folder", async () => {
        const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
            const child = execFile(
                process.execPath,
                [CLI, "render", "-f", "-"],
                { cwd: dir, encoding: "utf8" },
                (error, stdout) => resolve({ code: error === null ? 0 : null, stdout }),
            );
            child.stdin!.end(fs.readFileSync(path.join(dir, "Riofile")));
        });
        assert.equal(r.code, 0);
        assert.match(r.stdout, /image: nginx:1\.28\n/);
    });

    it("fails with one located line and nothing on stdout for a bad answers file", async () => {
        assert.deepEqual(await run(["render", "--answers", "bad.yaml"], dir), {
            code: 1,
            stdout: "",
            stderr: "rio: bad.yaml:1:6 TAG: an answer is a single value, not a map or list\n",
        });
        assert.deepEqual(await run(["render", "--answers", "none.yaml"], dir), {
            code: 1,
            stdout: "",
            stderr: "rio: none.yaml: no such answers file\n",
        });
    });
});

describe("plain Kubernetes YAML as a Riofile", () => {
    const STREAM = [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: web",
        "spec:",
        "  selector: {matchLabels: {app: web}}",
        "  template:",
        "    metadata: {labels: {app: web}}",
        "    spec:",
        "      containers: [{name: web, image: nginx}]",
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: web}",
        "spec:",
        "  selector: {app: web}",
        "  ports: [{port: 80, targetPort: 8080}]",
        "---",
        "# a trailing empty document",
        "",
    ].join("\n");

    it("loads every document into the manifest, and plans them schema-valid in the namespace", () => {
        const riofile = parseRiofile(STREAM, "app.yaml");
        assert.deepEqual(
            riofile.manifest.map((o) => `${o.kind}/${o.metadata.name}`),
            ["Deployment/web", "Service/web"],
        );
        assert.deepEqual(
            [riofile.services, riofile.configs, riofile.routers, riofile.externalServices],
            [[], [], [], []],
        );
        const objects = planObjects(
            planRiofile(riofile, { namespace: "team", gateway: { domain: "apps.example.com" } }),
        ).map((p) => p.object);
        assert.deepEqual(
            objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`),
            ["Deployment/team/web", "Service/team/web"],
        );
        for (const o of objects) validateObject(o);
    });

    it("takes one object, with kind first or apiVersion first, after an empty document; and does not substitute", () => {
        const one = parseRiofile(
            "---\n---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: c}\ndata: {a: '${X}'}\n",
            "c.yaml",
        );
        assert.deepEqual(one.manifest, [
            { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "c" }, data: { a: "${X}" } },
        ]);
        validateObject(
            planObjects(planRiofile(one, { namespace: "n", gateway: { domain: "example.com" } }))[0]!.object,
        );
    });

    it("points at the document and key of a bad object", () => {
        const errors: [string, string][] = [
            [
                "apiVersion: v1\nkind: ConfigMap\n",
                "f.yaml:1:1 [0].metadata.name: is required (or metadata.generateName)",
            ],
            ["kind: ConfigMap\nmetadata: {name: a}\n", "f.yaml:1:1 [0].apiVersion: is required"],
            [
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n- a list\n",
                "f.yaml:5:1 [1]: a manifest document must be a Kubernetes object",
            ],
            [
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
                'f.yaml:6:1 [2]: ConfigMap "a" is declared twice',
            ],
            [
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: [x\n",
                "f.yaml:7:1 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
            ],
            [
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: *nothing}\n",
                "f.yaml:3:18 invalid YAML: the alias *nothing has no anchor &nothing before it",
            ],
        ];
        for (const [text, message] of errors)
            assert.equal(rioError(() => parseRiofile(text, "f.yaml")).message, message, text);
    });

    it("is not mistaken for a Riofile with several documents", () => {
        assert.equal(
            rioError(() => parseRiofile("services: {}\n---\nkind: ConfigMap\n", "Riofile")).message,
            "Riofile:2:1 a Riofile is one YAML document, but this file has several (a --- separator)",
        );
    });
});

describe("the stack program's rio:answers and namespace", () => {
    const PROGRAM = require.resolve("../stacks/index");
    before(() => installMocks("template"));
    beforeEach(reset);
    async function runProgram(config: Record<string, unknown>): Promise<Record<string, any>> {
        pulumi.runtime.setAllConfig(
            Object.fromEntries(
                Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
            ),
            [],
        );
        delete require.cache[PROGRAM];
        return import(PROGRAM);
    }

    it("answers the template from rio:answers, NAMESPACE the stack's namespace", async () => {
        const dir = tempDir();
        const file = path.join(dir, "Riofile");
        fs.writeFileSync(
            file,
            "services:\n  web:\n    image: nginx:${TAG}\n    env: [NS=${NAMESPACE}]\ntemplate:\n  envSubst: true\n  questions: [{variable: TAG, required: true}]\n",
        );
        await runProgram({
            "rio:riofile": file,
            "rio:namespace": "team",
            "rio:answers": { TAG: 1.29 },
            "rio:system": { install: false },
        });
        for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
        const container = one("kubernetes:apps/v1:Deployment", "web").inputs.spec.template.spec.containers[0];
        assert.equal(container.image, "nginx:1.29");
        assert.deepEqual(container.env, [{ name: "NS", value: "team" }]);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("stops on a missing answer with the file's position, registering nothing", async () => {
        const dir = tempDir();
        const file = path.join(dir, "Riofile");
        fs.writeFileSync(
            file,
            "services:\n  web:\n    image: nginx:${TAG}\ntemplate:\n  envSubst: true\n  questions: [{variable: TAG, required: true}]\n",
        );
        await assert.rejects(
            runProgram({ "rio:riofile": file, "rio:system": { install: false } }),
            (e: unknown) =>
                e instanceof pulumi.RunError &&
                e.message.startsWith(`${file}:6:15 template.questions[0]: TAG is required`),
        );
        assert.deepEqual(registered, []);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses rio:answers that is not a map", async () => {
        const dir = tempDir();
        const file = path.join(dir, "Riofile");
        fs.writeFileSync(file, "services:\n  web:\n    image: nginx\n");
        await assert.rejects(
            runProgram({ "rio:riofile": file, "rio:answers": ["TAG=1"], "rio:system": { install: false } }),
            (e: unknown) =>
                e instanceof pulumi.RunError && e.message === "rio:answers: must be a map of variable names to answers",
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("patterns with characters a unicode regular expression may not escape (fuzz regressions)", () => {
    const cases: [string, string][] = [
        [":-default", "^:-default$"],
        ["a-b*", "^a-b[\\s\\S]*$"],
        ["[-x]", "^[\\-x]$"],
        ["[a-c]", "^[a-c]$"],
    ];
    for (const [glob, source] of cases) {
        it(`${glob} compiles to /${source}/u`, () => assert.equal(globToRegExp(glob).source, source));
    }
    it("${NAMESPACE##:-default} trims the literal prefix", () => {
        const riofile = parseRiofile(
            "template: {envSubst: true}\nservices:\n  web:\n    image: nginx\n    env: [NS=${NAMESPACE##:-}]\n",
            "Riofile",
            { namespace: "shop" },
        );
        assert.deepEqual(riofile.services[0]!.spec.env, ["NS=shop"]);
    });
});
