/**
 * Rio's `goTemplate: true`: Go's text/template over the Riofile after envSubst, with the answers as `.Values`.
 * The expected outputs below were produced by Go's own text/template (go1.26) on the same inputs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runGoTemplate } from "../components/riofile/goTemplate";
import { parseRiofile } from "../components/riofile/load";
import { formatWarning } from "../components/riofile/warnings";
import { planObjects, planRiofile } from "../components/render/plan";
import { rioError } from "./support/rioError";

const VALUES: Record<string, string> = { A: "true", E: "", N: "test", FOO: "BAR" };
const run = (src: string) =>
    runGoTemplate(src, {
        value: (n) => VALUES[n],
        fail: (offset, detail) => {
            throw new Error(`${offset}: ${detail}`);
        },
    }).text;

describe("Go templates: the part Rio's docs and stacks use, with Go's semantics", () => {
    const cases: [string, string][] = [
        ['a\n  {{- if eq .Values.A "true" }}\n  b\n  {{- end}}\n  c', "a\n  b\n  c"],
        ['a\n  {{- if eq .Values.E "true" }}\n  b\n  {{- end}}\n  c', "a\n  c"],
        ['{{ if (and (eq .Values.N "test") (eq .Values.FOO "BAR")) }}ok{{end}}', "ok"],
        ['{{ if eq .Values.MISSING "x" }}y{{ else }}n{{ end }}', "n"],
        ["{{ if .Values.E }}y{{ else if .Values.A }}a{{ else }}n{{ end }}!", "a!"],
        ["x {{- /* c */ -}} y", "xy"],
        ['{{ and .Values.E "z" }}|{{ or .Values.E "z" }}|{{ not .Values.E }}|{{ or .Values.A "z" }}', "|z|true|true"],
        ['{{ if ne .Values.A "x" }}ne{{end}} {{ eq .Values.A "x" "true" }}', "ne true"],
        [" {{- if .Values.A -}} \n  in  \n {{- else -}} out {{- end -}} \n tail", "intail"],
        [
            "{{ if .Values.E }}{{ if .Values.A }}x{{ end }}{{ else }}{{ if .Values.A }}nested{{ end }}{{ end }}",
            "nested",
        ],
        ['"{{ .Values.FOO }}" `{{ "}}" }}` {{ `raw}}` }}', '"BAR" `}}` raw}}'],
        ["{{ if true }}T{{ end }}{{ if false }}F{{ end }}{{ true }}", "Ttrue"],
        ["{{ .Values.MISSING }}", "<no value>"],
    ];
    for (const [src, out] of cases) it(JSON.stringify(src), () => assert.equal(run(src), out));

    it("refuses what is not in the subset, at the action", () => {
        const refusals: [string, string][] = [
            ["ab{{ range .Values }}{{ end }}", '5: "range" is not in'],
            ["{{ .Values.A | printf }}", "13: a pipe (|) is not in"],
            ["{{ $x := 1 }}", "3: a variable ($) is not in"],
            [
                "{{ if eq .Values.A 1 }}{{ end }}",
                "19: a number (.Values are strings: compare with a quoted string) is not in",
            ],
            ["{{ if eq .Values.N test }}{{ end }}", '19: "test" is not in'],
            ["{{ .Other }}", "3: .Other is not in"],
            ["{{ if .Values.A }}x", "0: this {{ if }} has no {{ end }}"],
            ["{{ end }}", "0: {{ end }} without an {{ if }} before it"],
            ["x {{ .Values.A ", "2: a Go template action {{ is not closed with }}"],
            ["{{ if eq .Values.A true }}{{ end }}", "19: eq: incompatible types for comparison (string and boolean)"],
        ];
        for (const [src, start] of refusals) {
            assert.throws(
                () => run(src),
                (e: Error) => e.message.startsWith(start),
                `${src}: expected ${start}`,
            );
        }
    });
});

describe("goTemplate: true in a Riofile", () => {
    it("a Riofile with the flag and no {{ loads as it is (4 of Rio's own files)", () => {
        const riofile = parseRiofile(
            [
                "services:",
                "  demo:",
                "    image: ibuilthecloud/demo:v1",
                "    env:",
                "    - FOO=${FOO}",
                "template:",
                "  goTemplate: true",
                "  envSubst: true",
                "  questions:",
                "  - variable: FOO",
            ].join("\n"),
            "Riofile",
            { answers: { FOO: "bar" } },
        );
        assert.deepEqual(riofile.services[0]!.spec.env, ["FOO=bar"]);
        assert.deepEqual(riofile.warnings, []);
    });

    it("runs after envSubst over the answers, as Rio's rio-controller stack uses it; positions stay in the file", () => {
        const text = [
            "kubernetes:",
            "  manifest: |-",
            "    apiVersion: v1",
            "    kind: ConfigMap",
            "    metadata:",
            "      name: ${NAME}",
            "    data:",
            '      {{- if eq .Values.RIO_DEBUG "true" }}',
            "      debug: yes",
            "      {{- end}}",
            "      mode: ${MODE}",
            "services:",
            "  web:",
            "    image: nginx",
            "    scale: x",
            "template:",
            "  goTemplate: true",
            "  envSubst: true",
            "  questions:",
            "  - variable: RIO_DEBUG",
            "  - variable: NAME",
        ].join("\n");
        const answers = { NAME: "rio", RIO_DEBUG: "true", MODE: "a" };
        const fixed = text.replace("scale: x", "scale: 1");
        const debug = parseRiofile(fixed, "Riofile", { answers });
        assert.deepEqual(debug.manifest[0]!.data, { debug: "yes", mode: "a" });
        const quiet = parseRiofile(fixed, "Riofile", { answers: { ...answers, RIO_DEBUG: "false" } });
        assert.deepEqual(quiet.manifest[0]!.data, { mode: "a" });
        // The unanswered question is empty, so the if is false, without a warning (Rio's .Values had it as "").
        const unanswered = parseRiofile(fixed, "Riofile", { answers: { NAME: "rio", MODE: "m" } });
        assert.deepEqual([unanswered.manifest[0]!.data, unanswered.warnings], [{ mode: "m" }, []]);
        assert.equal(
            rioError(() => parseRiofile(text, "Riofile", { answers })).message,
            'Riofile:15:12 services.web.scale: scale must be a whole number of replicas ≥ 0, not "x"',
        );
        planObjects(planRiofile(debug, { namespace: "ns", gateway: { domain: "example.com" } }));
    });

    it("a printed value nothing sets is empty with a warning (Go printed <no value>), refused when strict", () => {
        const text = "services:\n  web:\n    image: nginx{{ .Values.TAG }}\ntemplate:\n  goTemplate: true\n";
        const loaded = parseRiofile(text, "Riofile");
        assert.equal(loaded.services[0]!.spec.image, "nginx");
        assert.deepEqual(loaded.warnings!.map(formatWarning), [
            "Riofile:3:17 .Values.TAG is not set, so it is empty (as in Rio): no question asks for it and no answer was given; answer it in an --answers file (rio render), in rio:answers (stack config) or in a Riofile-answers file next to the Riofile, or write ${TAG:-default}",
        ]);
        assert.match(
            rioError(() => parseRiofile(text, "Riofile", { strict: true })).message,
            /^Riofile:3:17 \.Values\.TAG is not set: no question asks for it/,
        );
        assert.equal(
            parseRiofile(text, "Riofile", { answers: { TAG: ":1.27" } }).services[0]!.spec.image,
            "nginx:1.27",
        );
    });

    it("an error in the template points into the file, after what envSubst changed", () => {
        assert.equal(
            rioError(() =>
                parseRiofile(
                    "services:\n  web:\n    env: [A=${A}]\n    image: x{{ if }}\ntemplate:\n  goTemplate: true\n  envSubst: true\n",
                    "Riofile",
                    { answers: { A: "many\nlines\nhere" } },
                ),
            ).message,
            'Riofile:4:16 "if" needs a condition',
        );
    });
});
