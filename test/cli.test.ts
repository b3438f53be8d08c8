/** The real `rio` process: stdout, stderr and exit codes, on good and bad Riofiles. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { validateObject } from "./support/schema";
import { MAX_MESSAGE } from "../components/errors";

const ROOT = path.resolve(__dirname, "../..");
const RIO = path.join(ROOT, "dist/components/cli/main.js");

function rio(args: string[], input?: string) {
    const r = spawnSync(process.execPath, [RIO, ...args], { cwd: ROOT, input, encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempRiofile(text: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-cli-"));
    const file = path.join(dir, "Riofile");
    fs.writeFileSync(file, text);
    return file;
}

describe("rio render", () => {
    it("prints hello-world's Deployment, Service and HTTPRoute as schema-valid YAML", () => {
        const r = rio([
            "render",
            "-f",
            "examples/hello-world/Riofile",
            "--namespace",
            "demo",
            "--domain",
            "apps.example.com",
        ]);
        assert.equal(r.stderr, "");
        assert.equal(r.code, 0);
        const objects = parseAllDocuments(r.stdout).map((d) => d.toJS());
        assert.deepEqual(
            objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace]),
            [
                ["Deployment", "hello-world", "demo"],
                ["Service", "hello-world", "demo"],
                ["HTTPRoute", "hello-world", "demo"],
                ["PodDisruptionBudget", "hello-world", "demo"],
            ],
        );
        assert.equal(objects[0].spec.replicas, 2);
        assert.equal(objects[0].spec.template.spec.containers[0].image, "rancher/hello-world");
        assert.deepEqual(objects[2].spec.hostnames, ["hello-world-demo.apps.example.com"]);
        objects.forEach(validateObject);
    });

    for (const example of ["hello-world", "all-keys"]) {
        it(`prints only schema-valid objects for examples/${example}`, () => {
            const r = rio(["render", "-f", `examples/${example}/Riofile`, "-n", "team-a"]);
            assert.equal(r.code, 0, r.stderr);
            const objects = parseAllDocuments(r.stdout).map((d) => d.toJS());
            assert.ok(objects.length >= 3);
            objects.forEach(validateObject);
        });
    }

    it("defaults to ./Riofile, the default namespace and a placeholder domain", () => {
        const dir = path.dirname(tempRiofile("services:\n  web:\n    image: nginx\n    ports: 80\n"));
        const r = spawnSync(process.execPath, [RIO, "render"], { cwd: dir, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const route = parseAllDocuments(r.stdout)
            .map((d) => d.toJS())
            .find((o) => o.kind === "HTTPRoute");
        assert.deepEqual(route.spec.hostnames, ["web-default.rio.example.com"]);
    });

    it("reads standard input with -f -", () => {
        const r = rio(
            ["render", "-f", "-", "--gateway", "edge", "--gateway-namespace", "infra"],
            "services:\n  web:\n    image: nginx\n    ports: 80\n",
        );
        assert.equal(r.code, 0, r.stderr);
        const route = parseAllDocuments(r.stdout)
            .map((d) => d.toJS())
            .find((o) => o.kind === "HTTPRoute");
        assert.deepEqual(route.spec.parentRefs, [
            { group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "infra" },
        ]);
    });

    const bad: [string, string, string][] = [
        [
            "a bad port",
            "services:\n  web:\n    image: nginx\n    ports:\n      - abc\n",
            'services.web.ports[0]: port "abc" is not a number',
        ],
        [
            "a bad scale",
            "services:\n  web:\n    image: nginx\n    scale: two\n",
            'services.web.scale: scale must be a whole number of replicas ≥ 0, not "two"',
        ],
        ["invalid YAML", "services:\n  web: [\n", "invalid YAML:"],
        [
            "an unknown key",
            "services:\n  web:\n    imag: nginx\n",
            'services.web.imag: unknown key; did you mean "image"?',
        ],
    ];
    for (const [what, text, message] of bad) {
        it(`fails on ${what}: exit 1, one line on stderr with file:line:col, nothing on stdout`, () => {
            const file = tempRiofile(text);
            const r = rio(["render", "-f", file]);
            assert.equal(r.code, 1);
            assert.equal(r.stdout, "");
            const lines = r.stderr.trimEnd().split("\n");
            assert.equal(lines.length, 1, r.stderr);
            assert.match(lines[0]!, new RegExp(`^rio: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+ `));
            assert.ok(lines[0]!.includes(message), lines[0]);
            assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
        });
    }

    it("names a missing file", () => {
        const r = rio(["render", "-f", "does-not-exist/Riofile"]);
        assert.deepEqual([r.code, r.stdout, r.stderr], [1, "", "rio: does-not-exist/Riofile: no such file\n"]);
    });

    it("names a mistyped -f even in a folder with a Dockerfile: only no -f at all falls back to the Dockerfile", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-cli-"));
        fs.mkdirSync(path.join(dir, "app"));
        fs.writeFileSync(path.join(dir, "app", "Dockerfile"), "FROM nginx:1.27\n");
        for (const command of ["render", "export"]) {
            const r = spawnSync(process.execPath, [RIO, command, "-f", "app/Riofle"], { cwd: dir, encoding: "utf8" });
            assert.deepEqual([r.status, r.stdout, r.stderr], [1, "", "rio: app/Riofle: no such file\n"]);
        }
        const r = spawnSync(process.execPath, [RIO, "export"], { cwd: path.join(dir, "app"), encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.ok(r.stdout.endsWith("\nservices:\n  app:\n    image: ./\n    ports: 80:8080/http\n"), r.stdout);
    });

    it("refuses a bad namespace flag", () => {
        const r = rio(["render", "-f", "examples/hello-world/Riofile", "--namespace", "Not_A_Label"]);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /^rio: --namespace: namespace "Not_A_Label" is not a DNS-1123 label/);
    });

    it("exits 2 on a usage error and prints help on stderr", () => {
        const r = rio(["render", "--no-such-flag"]);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /unknown option '--no-such-flag'/);
    });
});

describe("rio render's flags, as a new user types them", () => {
    const hello = "examples/hello-world/Riofile";
    const bad: [string[], string][] = [
        [
            ["-f", hello, "--domain", "Bad Domain"],
            'rio: --domain: domain "Bad Domain" is not a valid hostname (for example "app.example.com")\n',
        ],
        [
            ["-f", hello, "--allow", "hostPort,hostPrt"],
            'rio: --allow: "hostPrt" cannot be allowed (only hostPort, hostNetwork, hostPath, privileged)\n',
        ],
        [
            ["-f", hello, "--gateway-namespace", "Infra"],
            "rio: --gateway-namespace: gateway namespace \"Infra\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit\n",
        ],
        [
            ["--system", "--domain", "Bad Domain"],
            'rio: --domain: domain "bad domain" is not a valid hostname (for example "app.example.com")\n',
        ],
        [["--system", "--enable", "build,buid"], 'rio: --enable buid: unknown feature; did you mean "build"?\n'],
        [
            ["--system", "--disable", "dashbord"],
            'rio: --disable dashbord: unknown feature; did you mean "dashboard"?\n',
        ],
        [["--system", "--email", "x"], 'rio: --email: "x" is not an email address\n'],
    ];
    for (const [args, stderr] of bad) {
        it(`names the flag, not the argument it sets: rio render ${args.join(" ")}`, () => {
            const r = rio(["render", ...args]);
            assert.deepEqual([r.code, r.stdout, r.stderr], [1, "", stderr]);
        });
    }

    const misplaced: [string[], string][] = [
        [
            ["-f", hello, "--enable", "build"],
            "error: --enable only applies with --system (what RioSystem installs); add --system, or leave it out\n",
        ],
        [
            ["-f", hello, "--disable", "dashboard", "--cloudflare"],
            "error: --disable, --cloudflare only apply with --system (what RioSystem installs); add --system, or leave them out\n",
        ],
        [
            ["--system", "-f", hello],
            "error: --file is about the Riofile, which --system does not read; leave it out, or drop --system\n",
        ],
    ];
    for (const [args, first] of misplaced) {
        it(`refuses a flag the mode it is in would ignore: rio render ${args.join(" ")}`, () => {
            const r = rio(["render", ...args]);
            assert.equal(r.code, 2);
            assert.equal(r.stdout, "");
            assert.equal(r.stderr.split("\n")[0] + "\n", first);
            assert.match(r.stderr, /\nUsage: rio render \[options\]\n/);
        });
    }

    it("an empty Riofile (or one of comments) says on stderr that there is nothing to render, and exits 0", () => {
        for (const text of ["", "# nothing yet\n", "services: {}\n"]) {
            const file = tempRiofile(text);
            const r = rio(["render", "-f", file]);
            assert.deepEqual(
                [r.code, r.stdout, r.stderr],
                [
                    0,
                    "",
                    `rio: warning: ${file} declares nothing to deploy (no services, routers, configs, externalservices or kubernetes.manifest): no output\n`,
                ],
            );
        }
    });
});

describe("rio's messages on a terminal", () => {
    it("escapes control characters and cuts a long value: one short line, whatever the Riofile holds", () => {
        const file = tempRiofile(
            `services:\n  web:\n    image: nginx\n    command: "\\e[2J${"y".repeat(100_000)} | tail"\n`,
        );
        const r = rio(["render", "-f", file]);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, "");
        const prefix = `rio: ${file}:4:14 services.web.command: "\\x1b[2J`;
        assert.ok(r.stderr.startsWith(prefix), r.stderr.slice(0, 200));
        assert.ok(
            r.stderr.endsWith(
                `…${"y".repeat(36)} | tail" uses shell syntax ("|"); give a list, or ["sh", "-c", "..."] to run a shell\n`,
            ),
            r.stderr.slice(-200),
        );
        // "rio: ", the message (its ESC written as the 4 characters \x1b), the newline.
        assert.equal(r.stderr.length, "rio: ".length + MAX_MESSAGE + 3 + "\n".length);
    });
});

describe("rio on a pipe", () => {
    it("exits 0 without a word when the reader closes the pipe early (rio render | head -n 1)", () => {
        // Far more than a pipe holds, so rio is still writing when `head` has read its line and gone.
        const file = tempRiofile(
            `services:\n${Array.from({ length: 300 }, (_, i) => `  s${i}:\n    image: nginx\n    ports: 80/http\n`).join("")}`,
        );
        const stderr = path.join(path.dirname(file), "stderr");
        const r = spawnSync(
            "bash",
            [
                "-c",
                '"$0" "$1" render -f "$2" 2>"$3" | head -n 1; echo "rio exit ${PIPESTATUS[0]}"',
                process.execPath,
                RIO,
                file,
                stderr,
            ],
            { encoding: "utf8" },
        );
        assert.equal(r.stdout, "---\nrio exit 0\n");
        assert.equal(fs.readFileSync(stderr, "utf8"), "");
    });
});
