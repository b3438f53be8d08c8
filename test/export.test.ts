/**
 * `rio export`: a loaded Riofile written back as a normalized Riofile. Loading the export gives the same Riofile
 * and the same planned objects, exporting it again gives the same text, and Rio's aliases come out canonical.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import ts from "typescript";
import { parse, stringify } from "yaml";
import { exportRiofile } from "../components/riofile/export";
import { loadRiofile, parseRiofile } from "../components/riofile/load";
import { SERVICE_ALIASES, SERVICE_KEYS } from "../components/service/keys";
import { riofile } from "./support/generatedRiofile";
import { checkRoundTrip } from "./support/roundTrip";
import { validateObject } from "./support/schema";

const ROOT = path.resolve(__dirname, "../..");
/** The CLI of the same build as this test (dist/ in `npm test`). */
const RIO = path.resolve(__dirname, "../components/cli/main.js");
/** Rio's own integration-test Riofiles: present in CI (and next to this checkout), not in a user's clone. */
const COMPAT = path.resolve(ROOT, "../shared/rio-compat");

function rio(args: string[], input?: string) {
    const r = spawnSync(process.execPath, [RIO, ...args], { cwd: ROOT, input, encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Export, reload, compare; every object the reloaded Riofile plans is schema-valid (but for `kubernetes.manifest`'s,
 * which are the user's own, of any kind, and come last). Returns the export.
 */
function roundTrip(text: string, file: string): string {
    const exported = exportRiofile(parseRiofile(text, file));
    const { reloaded, planned } = checkRoundTrip(parseRiofile(text, file), exported);
    for (const objects of planned)
        for (const { object } of objects.slice(0, objects.length - reloaded.manifest.length)) validateObject(object);
    assertCanonical(exported);
    return exported;
}

/** Every key of the export is spelled canonically: no service alias, no router `regxp`, no `template`. */
function assertCanonical(exported: string): void {
    const content = parse(exported) as Record<string, Record<string, Record<string, unknown>>> | null;
    for (const key of Object.keys(content ?? {}))
        assert.ok(["services", "configs", "routers", "externalservices", "kubernetes"].includes(key), key);
    for (const [name, spec] of Object.entries(content?.services ?? {})) {
        for (const key of Object.keys(spec)) {
            assert.ok(
                (SERVICE_KEYS as readonly string[]).includes(key) && key !== "versions",
                `services.${name}.${key} is not a canonical Riofile key`,
            );
            assert.ok(
                !Object.hasOwn(SERVICE_ALIASES, key) && key !== "cpuMillis",
                `services.${name}.${key} is an alias`,
            );
        }
    }
    for (const [name, router] of Object.entries(content?.routers ?? {})) {
        for (const route of (router.routes ?? []) as { match?: { path?: object; headers?: { value: object }[] } }[]) {
            const matches = [route.match?.path, ...(route.match?.headers ?? []).map((h) => h.value)].filter(
                (m) => m !== undefined,
            );
            for (const m of matches) assert.ok(!("regxp" in m), `routers.${name}: regxp is not canonical`);
        }
    }
}

function examples(): { file: string; text: string }[] {
    const dir = path.join(ROOT, "examples");
    return fs
        .readdirSync(dir)
        .filter((d) => fs.existsSync(path.join(dir, d, "Riofile")))
        .sort()
        .map((d) => ({ file: `examples/${d}/Riofile`, text: fs.readFileSync(path.join(dir, d, "Riofile"), "utf8") }));
}

function compat(): { file: string; text: string }[] {
    if (!fs.existsSync(COMPAT)) return [];
    return fs
        .readdirSync(COMPAT)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => ({ file: `../shared/rio-compat/${f}`, text: fs.readFileSync(path.join(COMPAT, f), "utf8") }));
}

/**
 * The valid Riofiles test/corpus.test.ts's fuzz starts from (its `INLINE` table), read from its source with the
 * TypeScript parser so they stay the same ones: each entry is an array of string literals joined by newlines.
 */
function fuzzSeeds(): { file: string; text: string }[] {
    const file = path.join(ROOT, "test/corpus.test.ts");
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const seeds: { file: string; text: string }[] = [];
    const visit = (node: ts.Node): void => {
        if (
            ts.isVariableDeclaration(node) &&
            node.name.getText() === "INLINE" &&
            node.initializer &&
            ts.isObjectLiteralExpression(node.initializer)
        ) {
            for (const prop of node.initializer.properties) {
                assert.ok(ts.isPropertyAssignment(prop), `INLINE: ${prop.getText()} is not name: [...].join("\\n")`);
                const call = prop.initializer;
                assert.ok(
                    ts.isCallExpression(call) &&
                        ts.isPropertyAccessExpression(call.expression) &&
                        ts.isArrayLiteralExpression(call.expression.expression),
                    `INLINE.${prop.name.getText()}`,
                );
                const lines = call.expression.expression.elements.map((e) => {
                    assert.ok(
                        ts.isStringLiteral(e),
                        `INLINE.${prop.name.getText()}: ${e.getText()} is not a string literal`,
                    );
                    return e.text;
                });
                seeds.push({ file: `corpus seed ${prop.name.getText()}`, text: lines.join("\n") });
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return seeds;
}

describe("rio export round trip: examples, Rio's own Riofiles and the fuzz seeds", () => {
    const sources = [...examples(), ...compat(), ...fuzzSeeds()];

    it("covers the examples, Rio's three Riofiles (when ../shared/rio-compat is there) and at least three fuzz seeds", () => {
        assert.ok(sources.filter((s) => s.file.startsWith("examples/")).length >= 4);
        // A user's clone (and their CI, CI=true) has no ../shared: .ci/run checks Rio's files where they exist.
        if (fs.existsSync(COMPAT)) assert.equal(sources.filter((s) => s.file.startsWith("../shared/")).length, 3);
        assert.ok(sources.filter((s) => s.file.startsWith("corpus seed")).length >= 3);
    });

    for (const { file, text } of sources) {
        it(`${file}: loads back to the same Riofile and objects, and exports to the same text`, () => {
            roundTrip(text, file);
        });
    }
});

describe("exportRiofile", () => {
    it("writes the canary example exactly: each version its own service with app and version, keys in Rio's order", () => {
        assert.equal(
            exportRiofile(
                parseRiofile(
                    fs.readFileSync(path.join(ROOT, "examples/canary/Riofile"), "utf8"),
                    "examples/canary/Riofile",
                ),
            ),
            [
                "# Written by rio export from examples/canary/Riofile: a normalized Riofile (canonical keys, each version of an app its own service).",
                "",
                "services:",
                "  shop:",
                "    image: nginxdemos/hello:0.4",
                "    ports: 80/http",
                "    scale: 2",
                "    app: shop",
                "    version: v1",
                "    weight: 90",
                "  shop-v2:",
                "    image: nginxdemos/hello:0.4-plain-text",
                "    ports: 80/http",
                "    app: shop",
                "    version: v2",
                "    weight: 10",
                "",
            ].join("\n"),
        );
    });

    it("writes a config's labels first, then its files, and loads them back the same", () => {
        const text = stringify({ configs: { site: { "index.html": "hi", labels: { team: "web" } } } });
        const out = roundTrip(text, "Riofile");
        assert.equal(
            out,
            [
                "# Written by rio export from Riofile: a normalized Riofile (canonical keys, each version of an app its own service).",
                "",
                "configs:",
                "  site:",
                "    labels:",
                "      team: web",
                "    index.html: hi",
                "",
            ].join("\n"),
        );
        assert.deepEqual(parseRiofile(out, "exported").configs, [
            { name: "site", data: { "index.html": "hi" }, labels: { team: "web" } },
        ]);
    });

    it("writes config files and the manifest as literal blocks, and long lines unfolded", () => {
        const long = `--${"x".repeat(150)}`;
        const text = stringify({
            services: { web: { image: "nginx", args: [long] } },
            configs: { site: { "index.html": "<h1>hi</h1>\n<p>there</p>\n", "one.txt": "one line", count: 3 } },
            kubernetes: {
                manifest:
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: 'b'}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  pem: |\n    line 1\n    line 2\n",
            },
        });
        const out = roundTrip(text, "Riofile");
        assert.equal(
            out,
            [
                "# Written by rio export from Riofile: a normalized Riofile (canonical keys, each version of an app its own service).",
                "",
                "services:",
                "  web:",
                "    image: nginx",
                "    args:",
                `      - ${long}`,
                "configs:",
                "  site:",
                "    index.html: |",
                "      <h1>hi</h1>",
                "      <p>there</p>",
                "    one.txt: one line",
                '    count: "3"',
                "kubernetes:",
                "  manifest: |",
                "    apiVersion: v1",
                "    kind: ConfigMap",
                "    metadata:",
                "      name: extra",
                "    data:",
                "      a: b",
                "    ---",
                "    apiVersion: v1",
                "    kind: Secret",
                "    metadata:",
                "      name: s",
                "    stringData:",
                "      pem: |",
                "        line 1",
                "        line 2",
                "",
            ].join("\n"),
        );
    });

    it("puts an app's hostnames, gathered from its services when loading, on its first service", () => {
        const text = [
            "services:",
            "  a:",
            "    image: nginx",
            "    app: shop",
            "    version: v1",
            "    port: 80",
            "    hostnames: [a.example.com]",
            "  b:",
            "    image: nginx:next",
            "    app: shop",
            "    port: 80",
            "    hostnames: [b.example.com]",
        ].join("\n");
        assert.deepEqual(parse(roundTrip(text, "Riofile")).services, {
            a: { image: "nginx", ports: 80, app: "shop", version: "v1", hostnames: ["a.example.com", "b.example.com"] },
            // No version written is Rio's v0: the export says so.
            b: { image: "nginx:next", ports: 80, app: "shop", version: "v0" },
        });
    });

    it("writes plain Kubernetes YAML (loaded as a manifest) as a Riofile with kubernetes.manifest", () => {
        const text =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: '1'\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n";
        assert.deepEqual(parse(roundTrip(text, "objects.yaml")), {
            kubernetes: {
                manifest:
                    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "1"\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n',
            },
        });
    });

    it("writes an empty Riofile as an empty map, which loads as an empty Riofile", () => {
        for (const text of ["", "# nothing\n", "services: {}\nconfigs:\n"]) {
            assert.equal(
                roundTrip(text, "Riofile"),
                "# Written by rio export from Riofile: a normalized Riofile (canonical keys, each version of an app its own service).\n\n{}\n",
            );
        }
    });

    it("keeps the header comment to one line whatever the file name", () => {
        const out = exportRiofile(parseRiofile("services:\n  web:\n    image: nginx\n", "odd\nname"));
        assert.equal(
            out.split("\n")[0],
            '# Written by rio export from "odd\\nname": a normalized Riofile (canonical keys, each version of an app its own service).',
        );
        assert.deepEqual(parse(out), { services: { web: { image: "nginx" } } });
    });

    it("keeps text YAML would read as something else as text", () => {
        // JSON is YAML, and says exactly which text is meant.
        const text = JSON.stringify({
            services: {
                web: {
                    image: "nginx",
                    env: {
                        A: "true",
                        B: "1e3",
                        C: "",
                        D: "  padded  ",
                        E: "null",
                        F: "#not a comment",
                        G: "two\nlines",
                        H: "0x1F",
                    },
                },
            },
            configs: {
                c: {
                    k: "---\nnot a separator",
                    t: "tab\there",
                    keep: "trailing\n\n\n",
                    lead: "  indented\nfirst",
                    "1": "a key like a number",
                    blank: " \n",
                    blanks: "\n  \n",
                },
            },
        });
        const out = roundTrip(text, "Riofile");
        // Blank lines only: a literal block would need an indentation indicator, so they are quoted.
        assert.ok(out.includes('\n    blank: "\\ \\n"\n    blanks: "\\n \\ \\n"\n'), out);
    });
});

/** Rio's aliases, and what the export writes instead. */
const SERVICE_ALIAS_CASES: [alias: string, value: unknown, canonical: string, written: unknown][] = [
    ["port", "80/http", "ports", "80/http"],
    ["environment", { A: 1, B: "two" }, "env", { A: "1", B: "two" }],
    ["config", "site/index.html:/srv/index.html", "configs", "site/index.html:/srv/index.html"],
    ["secret", "tls:/etc/tls", "secrets", "tls:/etc/tls"],
    ["arg", "--verbose", "args", "--verbose"],
    ["cpu", 0.5, "cpus", 0.5],
    ["cpuMillis", 500, "cpus", "500m"],
    ["mem", "64Mi", "memory", "64Mi"],
    ["memoryBytes", 1048576, "memory", 1048576],
    ["replicas", 2, "scale", 2],
    ["readiness", "tcp://:80", "readinessProbe", "tcp://:80"],
    ["liveness", { tcpSocket: { port: 80 } }, "livenessProbe", { tcpSocket: { port: 80 } }],
    ["pullPolicy", "always", "imagePullPolicy", "always"],
    ["pullSecrets", "regcred", "imagePullSecrets", ["regcred"]],
    ["hosts", ["db=10.0.0.1"], "hostAliases", ["db=10.0.0.1"]],
    ["stdinOpen", true, "stdin", true],
    ["user", 1000, "runAsUser", 1000],
    ["group", 1000, "runAsGroup", 1000],
    ["volume", "data:/data", "volumes", "data:/data"],
];

describe("aliases come out canonical", () => {
    for (const [alias, value, canonical, written] of SERVICE_ALIAS_CASES) {
        it(`${alias} → ${canonical}`, () => {
            const out = roundTrip(stringify({ services: { web: { image: "nginx", [alias]: value } } }), "Riofile");
            assert.deepEqual(parse(out).services.web, { image: "nginx", [canonical]: written });
        });
    }

    it("a router's regxp (Rio's docs) → regexp (Rio's code), in a path and in a header match", () => {
        const text = stringify({
            services: { web: { image: "nginx", ports: "80/http" } },
            routers: {
                front: {
                    routes: [
                        {
                            match: { path: { regxp: "^/v[0-9]+" }, headers: [{ name: "x-v", value: { regxp: "^b" } }] },
                            to: [{ app: "web" }],
                        },
                    ],
                },
            },
        });
        assert.deepEqual(parse(roundTrip(text, "Riofile")).routers, {
            front: {
                routes: [
                    {
                        match: { path: { regexp: "^/v[0-9]+" }, headers: [{ name: "x-v", value: { regexp: "^b" } }] },
                        to: [{ app: "web" }],
                    },
                ],
            },
        });
    });

    it("a destination's version on a one-version app is dropped (its only version is the app's Service)", () => {
        const text = stringify({
            services: { web: { image: "nginx", ports: "80/http", version: "v1" } },
            routers: { front: { routes: [{ to: [{ app: "web", version: "v1", port: 80 }] }] } },
        });
        assert.deepEqual(parse(roundTrip(text, "Riofile")).routers.front.routes, [{ to: [{ app: "web", port: 80 }] }]);
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Property: small valid Riofiles of the fuzz seeds' shapes, in any spelling Rio takes, round-trip.

describe("property: generated valid Riofiles round-trip", () => {
    it("load → export → load gives the same Riofile and objects; export is idempotent; keys are canonical", () => {
        fc.assert(
            fc.property(riofile, fc.constantFrom("block", "flow", "json"), ({ content }, style) => {
                const yamlText =
                    style === "json"
                        ? JSON.stringify(content)
                        : stringify(content, style === "flow" ? { collectionStyle: "flow" } : {});
                const exported = exportRiofile(parseRiofile(yamlText, "Riofile"));
                checkRoundTrip(parseRiofile(yamlText, "Riofile"), exported);
                assertCanonical(exported);
            }),
            { numRuns: 150 },
        );
    });
});

// ---------------------------------------------------------------------------------------------------------------
// The real process.

describe("rio export (the real CLI)", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-export-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("prints the normalized Riofile of -f on stdout, exit 0, nothing on stderr", () => {
        const r = rio(["export", "-f", "examples/all-keys/Riofile"]);
        const expected = exportRiofile({
            ...loadRiofile(path.join(ROOT, "examples/all-keys/Riofile")),
            file: "examples/all-keys/Riofile",
        });
        assert.deepEqual(r, { code: 0, stdout: expected, stderr: "" });
        const services = parse(r.stdout).services;
        assert.deepEqual(Object.keys(services), ["web", "worker", "cache"]);
        assert.deepEqual(services.cache, {
            image: "redis:7-alpine",
            ports: "6379/tcp",
            readinessProbe: "tcp://:6379",
            imagePullPolicy: "always",
        });
    });

    it("reads standard input with -f -, and ./Riofile by default", () => {
        const text = "services:\n  web:\n    image: nginx\n    port: 80\n";
        const r = rio(["export", "-f", "-"], text);
        assert.deepEqual(r, { code: 0, stdout: exportRiofile(parseRiofile(text, "<stdin>")), stderr: "" });
        assert.ok(r.stdout.startsWith("# Written by rio export from <stdin>: "));
        fs.writeFileSync(path.join(dir, "Riofile"), text);
        const d = spawnSync(process.execPath, [RIO, "export"], { cwd: dir, encoding: "utf8" });
        assert.equal(d.status, 0, d.stderr);
        assert.equal(d.stdout, r.stdout.replace("<stdin>", "Riofile"));
    });

    it("a broken Riofile: exit 1, nothing on stdout, one line with file:line:col on stderr", () => {
        const file = path.join(dir, "broken");
        fs.writeFileSync(file, "services:\n  web:\n    image: nginx\n    ports:\n      - abc\n");
        assert.deepEqual(rio(["export", "-f", file]), {
            code: 1,
            stdout: "",
            stderr: `rio: ${file}:5:9 services.web.ports[0]: port "abc" is not a number\n`,
        });
        assert.deepEqual(rio(["export", "-f", "-"], "services:\n  web:\n    imag: nginx\n"), {
            code: 1,
            stdout: "",
            stderr: 'rio: <stdin>:3:5 services.web.imag: unknown key; did you mean "image"?\n',
        });
        assert.deepEqual(rio(["export", "-f", path.join(dir, "missing")]), {
            code: 1,
            stdout: "",
            stderr: `rio: ${path.join(dir, "missing")}: no such file\n`,
        });
    });

    it("is listed in the help", () => {
        const r = rio(["--help"]);
        assert.equal(r.code, 0);
        assert.match(r.stdout, /^ {2}export \[options\] +print the Riofile normalized/m);
    });
});
