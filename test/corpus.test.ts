/**
 * Broken Riofiles, each with the exact one-line error `rio render` prints for it (test/corpus/broken), a large
 * file broken at its end, and a fuzz of the loader and planner: whatever a Riofile turns into, the only error a
 * user ever sees is a RioInputError.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { MAX_MESSAGE, RioInputError } from "../components/errors";
import { parseRiofile } from "../components/riofile/load";
import { planRiofile } from "../components/render/plan";
import { main } from "../components/cli/main";

const ROOT = path.resolve(__dirname, "../..");
const RIO = path.resolve(__dirname, "../../dist/components/cli/main.js");
/** Relative to ROOT: the paths given to the CLI, and so the file part of every expected message. */
const BROKEN = "test/corpus/broken";

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** The real `rio` process, run from the repository root. */
function spawnRio(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        execFile(process.execPath, [RIO, ...args], { cwd: ROOT, encoding: "utf8" }, (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
            resolve({ code, stdout, stderr });
        });
    });
}

/** The CLI's `main`, in this process, with stdout and stderr captured and the repository root as cwd. */
function runInProcess(args: string[]): Run {
    const cwd = process.cwd();
    const { stdout: out, stderr: err } = process;
    const writeOut = out.write;
    const writeErr = err.write;
    let stdout = "";
    let stderr = "";
    const text = (chunk: string | Uint8Array) =>
        typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    out.write = ((chunk: string | Uint8Array) => ((stdout += text(chunk)), true)) as typeof out.write;
    err.write = ((chunk: string | Uint8Array) => ((stderr += text(chunk)), true)) as typeof err.write;
    try {
        process.chdir(ROOT);
        return { code: main(args), stdout, stderr };
    } catch (e) {
        // main lets anything but a user error through: that is a crash, which the assertion shows.
        return { code: null, stdout, stderr: `${stderr}uncaught: ${(e as Error).stack ?? String(e)}` };
    } finally {
        out.write = writeOut;
        err.write = writeErr;
        process.chdir(cwd);
    }
}

/** Every corpus file with the error its first line expects. */
function corpus(): { file: string; expected: string }[] {
    return fs
        .readdirSync(path.join(ROOT, BROKEN))
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => {
            const file = `${BROKEN}/${f}`;
            const first = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n", 1)[0]!.replace(/\r$/, ""); // a CRLF file too
            const m = /^# expect: (.+)$/.exec(first);
            assert.ok(m, `${file} must start with "# expect: <error>"`);
            return { file, expected: m[1]! };
        });
}

describe("broken Riofiles (test/corpus/broken)", () => {
    const cases = corpus();
    // A spread of the corpus runs as real processes (a few at a time); the rest through main() in this process.
    const SPAWNED = new Set(cases.filter((_, i) => i % 8 === 0).map((c) => c.file));
    const runs = new Map<string, Promise<Run>>();

    before(async () => {
        const queue = cases.filter((c) => SPAWNED.has(c.file));
        const settled: Promise<Run>[] = [];
        for (let i = 0; i < queue.length; i += 4) {
            const batch = queue.slice(i, i + 4).map((c) => {
                const p = spawnRio(["render", "-f", c.file]);
                runs.set(c.file, p);
                return p;
            });
            settled.push(...batch);
            await Promise.all(batch);
        }
        await Promise.all(settled);
    });

    it("has at least 45 cases, each expecting an error in its own file", () => {
        assert.ok(cases.length >= 45, `only ${cases.length} corpus files`);
        assert.ok(SPAWNED.size >= 5);
        for (const { file, expected } of cases)
            assert.ok(expected.startsWith(`${file}:`), `${file}: the expected error names another file`);
    });

    for (const { file, expected } of cases) {
        const how = SPAWNED.has(file) ? "process" : "main()";
        it(`${path.basename(file)} (${how})`, async () => {
            const r = SPAWNED.has(file) ? await runs.get(file)! : runInProcess(["render", "-f", file]);
            assert.deepEqual(r, { code: 1, stdout: "", stderr: `rio: ${expected}\n` });
        });
    }
});

describe("a large Riofile", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-corpus-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** `count` valid services; returns the lines (line n of the file is lines[n - 1]). */
    function services(count: number): string[] {
        const lines = ["# generated: many valid services, one broken at the end", "services:"];
        for (let i = 0; i < count; i++) {
            lines.push(
                `  svc-${i}:`,
                "    image: nginx:1.27-alpine",
                "    ports: 80/http",
                "    env:",
                `      - INDEX=${i}`,
                `      - NAME="svc ${i}"`,
            );
        }
        return lines;
    }

    it("points at the broken port after 2000 valid services (the real process)", async () => {
        const lines = [
            ...services(2000),
            "  broken:",
            "    image: nginx",
            "    ports:",
            "      - 80/http",
            "      - 70000/tcp",
        ];
        const line = lines.length; // the last line holds the bad port
        const file = path.join(dir, "Riofile");
        fs.writeFileSync(file, `${lines.join("\n")}\n`);
        const r = await spawnRio(["render", "-f", file]);
        assert.deepEqual(r, {
            code: 1,
            stdout: "",
            stderr: `rio: ${file}:${line}:9 services.broken.ports[1]: port 70000 is out of range (1-65535)\n`,
        });
    });

    it("points at an unknown key and at a router's missing app after 2000 valid services", () => {
        const base = services(2000);
        const unknown = [...base, "  last:", "    image: nginx", "    replica: 3"];
        assert.throws(
            () => parseRiofile(unknown.join("\n"), "big/Riofile"),
            (e: unknown) =>
                e instanceof RioInputError &&
                e.message ===
                    `big/Riofile:${unknown.length}:5 services.last.replica: unknown key; did you mean "replicas"?`,
        );
        const router = [
            ...base,
            "routers:",
            "  front:",
            "    routes:",
            "      - to: [{app: svc-1999}]",
            "      - to:",
            "          - app: svc-2000",
        ];
        const apps = Array.from({ length: 2000 }, (_, i) => `svc-${i}`).join(", ");
        assert.throws(
            () => parseRiofile(router.join("\n"), "big/Riofile"),
            // The detail names every app; the message shown is cut to MAX_MESSAGE characters in its middle.
            (e: unknown) =>
                e instanceof RioInputError &&
                e.detail === `no service of this Riofile is app "svc-2000" (apps: ${apps})` &&
                e.message.startsWith(
                    `big/Riofile:${router.length}:18 routers.front.routes[1].to[0].app: no service of this Riofile is app "svc-2000" (apps: svc-0, svc-1, `,
                ) &&
                e.message.endsWith(", svc-1998, svc-1999)") &&
                e.message.length === MAX_MESSAGE,
        );
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Fuzz: mutate valid Riofiles; loading and planning either succeed or throw a located RioInputError.

/** Valid Riofiles besides the examples, reaching keys and syntax the examples do not. */
const INLINE: Record<string, string> = {
    structured: [
        "services:",
        "  api:",
        "    image: ghcr.io/acme/api:1.0",
        "    ports:",
        "      - port: 80",
        "        targetPort: 8080",
        "        protocol: http",
        "        name: web",
        "      - 9000/tcp,internal",
        "    env:",
        "      MODE: production",
        "      RETRIES: 3",
        "      TOKEN: secret://api-token/token",
        "    configs:",
        "      - name: api-config",
        "        key: app.yaml",
        "        target: /etc/api/app.yaml",
        "    secrets: api-tls:/etc/api/tls",
        "    command: [/bin/api]",
        "    args: [--listen, ':8080', --verbose]",
        "    workingDir: /srv",
        "    cpuMillis: 500",
        "    memoryBytes: 268435456",
        "    labels: {tier: backend}",
        "    annotations: {example.com/docs: 'https://example.com/api'}",
        "    readinessProbe:",
        "      httpGet: {path: /ready, port: 8080}",
        "      periodSeconds: 5",
        "    livenessProbe:",
        "      exec:",
        "        command: [cat, /tmp/alive]",
        "    imagePullSecrets: regcred",
        "    hostnames: [api.example.com]",
        "    autoscale:",
        "      concurrency: 20",
        "      minScale: 0",
        "      maxScale: 8",
        "  batch:",
        "    image: busybox",
        "    command: sh -c 'sleep 3600'",
        "    autoscale: {cpu: 70, memory: 80, min: 1, max: 4}",
        "configs:",
        "  api-config:",
        "    app.yaml: |",
        "      listen: 8080",
        "      debug: false",
    ].join("\n"),
    routing: [
        "services:",
        "  web:",
        "    image: nginx",
        "    ports: 80/http",
        "    version: v1",
        "    weight: 75",
        "  web-v2:",
        "    image: nginx:next",
        "    app: web",
        "    version: v2",
        "    ports: 80/http",
        "    weight: 25",
        "  docs:",
        "    image: docs",
        "    ports: 8080/http",
        "    scale: 1-3",
        "routers:",
        "  edge:",
        "    hostnames: [edge.example.com]",
        "    routes:",
        "      - match:",
        "          path: {exact: /}",
        "          methods: GET",
        "        to: [{app: web, version: v1}]",
        "      - match:",
        "          path: {regexp: '^/docs/v[0-9]+'}",
        "          headers:",
        "            - name: x-docs",
        "              value: {prefix: beta}",
        "        to: [{app: docs, port: 8080}]",
        "      - match:",
        "          path: {prefix: /legacy}",
        "        redirect: {host: legacy.example.com, toHTTPS: true}",
        "      - match:",
        "          path: {prefix: /static}",
        "        rewrite: {path: /assets}",
        "        headers:",
        "          add: {x-cache: hit}",
        "          remove: [x-debug]",
        "        to: [{app: web}]",
        "      - to:",
        "          - {app: web, version: v1, weight: 3}",
        "          - {app: web, version: v2, weight: 1}",
        "externalservices:",
        "  db:",
        "    fqdn: db.example.net",
        "  same-web:",
        "    targetApp: web",
        "    targetVersion: v2",
        "    targetServiceNamespace: other",
        "  edge-alias:",
        "    targetRouter: edge",
        "  dual:",
        "    ipAddresses: [10.0.0.1, 'fd00::1']",
        "kubernetes:",
        "  manifest: |-",
        "    apiVersion: v1",
        "    kind: ConfigMap",
        "    metadata:",
        "      name: extra",
        "    data:",
        "      a: b",
        "    ---",
        "    apiVersion: rbac.authorization.k8s.io/v1",
        "    kind: ClusterRole",
        "    metadata:",
        "      name: reader",
        "    rules: []",
    ].join("\n"),
    flow: [
        "# flow style, an anchor and an alias",
        "services:",
        "  web: &base {image: nginx, ports: [80/http], env: [A=1, 'B=two words'], scale: 2}",
        "  web-copy: *base",
        "  worker: {image: busybox, args: [-c, echo hi], cpus: 0.25, memory: 64Mi}",
        "configs: {site: {index.html: '<h1>hi</h1>', count: 3}}",
    ].join("\n"),
};

function examples(): Record<string, string> {
    const dir = path.join(ROOT, "examples");
    return Object.fromEntries(
        fs
            .readdirSync(dir)
            .filter((d) => fs.existsSync(path.join(dir, d, "Riofile")))
            .sort()
            .map((d) => [`examples/${d}`, fs.readFileSync(path.join(dir, d, "Riofile"), "utf8")]),
    );
}

type Mutation =
    | { kind: "delete"; at: number }
    | { kind: "duplicate"; at: number }
    | { kind: "swap"; at: number; other: number }
    | { kind: "indent"; at: number; spaces: number }
    | { kind: "value"; at: number; value: string }
    | { kind: "insert"; at: number; text: string }
    | { kind: "truncate"; at: number };

/** YAML text for a scalar or a collection: what may replace a value. */
const yamlValue: fc.Arbitrary<string> = fc.oneof(
    fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
    fc.string({ maxLength: 12 }),
    fc.integer({ min: -100_000, max: 100_000 }).map(String),
    fc.double().map(String),
    fc.constantFrom(
        "true",
        "false",
        "null",
        "~",
        "",
        ".inf",
        "-.inf",
        ".nan",
        "0x1F",
        "0o17",
        "1e3",
        "-0",
        "''",
        "[]",
        "{}",
        "- a",
        "80/http",
        "0",
        "65536",
        "-1",
        "1-0",
        "0-5",
        "5-1",
        "a=b",
        "=x",
        "secret://s/k",
        "config://c",
        "/abs",
        "../up",
        "tcp://:1",
        "500m",
        "1Gi",
        "-5Mi",
        "v1",
        "Web",
        "a.b.c",
        "!!str 1",
        "!!binary aGk=",
        "!!set {a, b}",
        "&x 1",
        "*x",
        "|\n  text",
        ">-\n  folded",
        "'quoted",
        '"unterminated',
        "\t",
        "#comment",
        "? a",
        "@reserved",
        "constructor",
        "__proto__",
    ),
    fc
        .array(
            fc.oneof(
                fc.integer().map(String),
                fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
                fc.constantFrom("true", "null", "{}", "[]"),
            ),
            { maxLength: 4 },
        )
        .map((a) => `[${a.join(", ")}]`),
    fc
        .dictionary(
            fc.string({ minLength: 1, maxLength: 6 }).map((s) => JSON.stringify(s)),
            fc.integer().map(String),
            { maxKeys: 3 },
        )
        .map(
            (d) =>
                `{${Object.entries(d)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join(", ")}}`,
        ),
);

const insertion: fc.Arbitrary<string> = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.string({ unit: "binary", maxLength: 4 }),
    fc.constantFrom(
        ":",
        "-",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "*",
        "&",
        "!",
        "#",
        "'",
        '"',
        "|",
        ">",
        "\t",
        "\n",
        "\n  ",
        "%",
        "@",
        "`",
        "? ",
        "---\n",
        "...\n",
        "\\",
        "\u0000",
        "\uFEFF",
        "\r",
    ),
);

/** Structural and value mutations weigh more than raw insertions, which mostly make the YAML itself invalid. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), other: fc.nat() }), weight: 2 },
    {
        arbitrary: fc.record({
            kind: fc.constant("indent" as const),
            at: fc.nat(),
            spaces: fc.integer({ min: 0, max: 12 }),
        }),
        weight: 2,
    },
    { arbitrary: fc.record({ kind: fc.constant("value" as const), at: fc.nat(), value: yamlValue }), weight: 5 },
    { arbitrary: fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: insertion }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }), weight: 1 },
);

/** A line's value part: after `key:` or a list item's `- `. */
const VALUE = /^(\s*(?:-\s+)?(?:[^\s#:][^#:]*:(?:\s+|$))?)(.*)$/;

function mutate(text: string, m: Mutation): string {
    if (m.kind === "insert") {
        const at = m.at % (text.length + 1);
        return text.slice(0, at) + m.text + text.slice(at);
    }
    if (m.kind === "truncate") return text.slice(0, m.at % (text.length + 1));
    const lines = text.split("\n");
    const i = m.at % lines.length;
    switch (m.kind) {
        case "delete":
            lines.splice(i, 1);
            break;
        case "duplicate":
            lines.splice(i, 0, lines[i]!);
            break;
        case "swap": {
            const j = m.other % lines.length;
            [lines[i], lines[j]] = [lines[j]!, lines[i]!];
            break;
        }
        case "indent":
            lines[i] = " ".repeat(m.spaces) + lines[i]!.trimStart();
            break;
        case "value": {
            const [, head = ""] = VALUE.exec(lines[i]!) ?? [];
            lines[i] =
                `${head === "" ? `${lines[i]}: ` : head.endsWith(" ") ? head : `${head} `}${m.value.replace(/\n/g, `\n${" ".repeat(head.length - head.trimStart().length + 2)}`)}`;
            break;
        }
    }
    return lines.join("\n");
}

const TARGET = { namespace: "default", gateway: { domain: "apps.example.com" } };

/** Loads and plans; any error must be a RioInputError that says where in the file. */
function check(text: string): void {
    try {
        planRiofile(parseRiofile(text, "Riofile"), TARGET);
    } catch (e) {
        if (!(e instanceof RioInputError)) {
            throw new Error(`not a RioInputError: ${(e as Error)?.stack ?? String(e)}\n--- Riofile ---\n${text}\n---`, {
                cause: e,
            });
        }
        if (e.location === undefined || !e.message.startsWith(`Riofile:${e.location.line}:${e.location.column} `)) {
            throw new Error(`an error without file:line:col: ${e.message}\n--- Riofile ---\n${text}\n---`, {
                cause: e,
            });
        }
    }
}

describe("fuzz: mutated Riofiles fail only with a RioInputError", () => {
    const sources = {
        ...examples(),
        ...Object.fromEntries(Object.entries(INLINE).map(([k, v]) => [`inline ${k}`, v])),
    };
    // The audit's figure: 6,000 mutated Riofiles in all, spread over the sources.
    const RUNS = Math.ceil(6000 / Object.keys(sources).length);
    /** The longest one Riofile may take to load and plan, or to be refused. */
    const BOUND_MS = 10_000;

    it("starts from valid Riofiles", () => {
        assert.ok(Object.keys(sources).length >= 7);
        for (const [name, text] of Object.entries(sources)) {
            assert.doesNotThrow(() => planRiofile(parseRiofile(text, name), TARGET), name);
        }
    });

    for (const [name, text] of Object.entries(sources)) {
        it(`${name}: ${RUNS} runs of 1-4 mutations`, () => {
            fc.assert(
                fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
                    const mutated = ms.reduce(mutate, text);
                    const start = performance.now();
                    check(mutated);
                    const took = performance.now() - start;
                    assert.ok(took < BOUND_MS, `${Math.round(took)} ms for one Riofile:\n${mutated}`);
                }),
                { numRuns: RUNS },
            );
        });
    }
});
