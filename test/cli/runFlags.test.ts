/**
 * `rio run`'s flags → a Riofile service, in Rio's grammar: each case is the flags, the Riofile service they give,
 * and what the Riofile loader makes of it — the same as the Riofile keys written by hand, so flags and Riofile
 * keys cannot disagree.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { checkRiofile, parseRiofile } from "../../components/riofile/load";
import { normalizeApp } from "../../components/service/app";
import { checkRunService, parseEnvFile, RunFlags, runService } from "../../components/cli/runFlags";
import { parseServiceName, randomName } from "../../components/cli/serviceName";

const NO_INPUTS = {
    lookupEnv: () => undefined,
    readFile: (f: string): string => {
        throw Object.assign(new Error(`ENOENT: ${f}`), { code: "ENOENT" });
    },
};

/** The loader's view of one service (what RioService plans from). */
const loaded = (service: Record<string, unknown>) => {
    const riofile = checkRiofile({ services: { app: service } }, "test");
    return normalizeApp("app", riofile.services[0]!.spec).versions[0]!;
};

const CASES: { name: string; flags: RunFlags; args?: string[]; service: Record<string, unknown>; riofile: string }[] = [
    {
        name: "-p 8080: one HTTP port, the container's 8080 behind Service port 8080",
        flags: { ports: ["8080"] },
        service: { image: "nginx", ports: ["8080"] },
        riofile: "image: nginx\nports: 8080",
    },
    {
        name: "-p 80:8080/http: Service port 80 to container port 8080",
        flags: { ports: ["80:8080/http"] },
        service: { image: "nginx", ports: ["80:8080/http"] },
        riofile: "image: nginx\nports: 80:8080/http",
    },
    {
        name: "several -p, with names and an internal port",
        flags: { ports: ["80:8080/http,web", "9090/http,metrics,internal"] },
        service: { image: "nginx", ports: ["80:8080/http,web", "9090/http,metrics,internal"] },
        riofile: "image: nginx\nports:\n  - 80:8080/http,web\n  - 9090/http,metrics,internal",
    },
    {
        name: "--scale 3: a count",
        flags: { scale: "3" },
        service: { image: "nginx", scale: 3 },
        riofile: "image: nginx\nscale: 3",
    },
    {
        name: "--scale 1-10: autoscaling between 1 and 10 (on concurrency, Rio's default)",
        flags: { ports: ["8080"], scale: "1-10" },
        service: { image: "nginx", ports: ["8080"], scale: "1-10" },
        riofile: "image: nginx\nports: 8080\nscale: 1-10",
    },
    {
        name: "-e K=V twice and --cpus/--memory",
        flags: { env: ["A=1", "B=two words"], cpus: "250m", memory: "128Mi" },
        service: { image: "nginx", env: ["A=1", "B=two words"], cpus: "250m", memory: "128Mi" },
        riofile: "image: nginx\nenv:\n  - A=1\n  - B=two words\ncpus: 250m\nmemory: 128Mi",
    },
    {
        name: "trailing arguments replace the image's command arguments",
        flags: {},
        args: ["-g", "daemon off;"],
        service: { image: "nginx", args: ["-g", "daemon off;"] },
        riofile: 'image: nginx\nargs: ["-g", "daemon off;"]',
    },
];

describe("rio run flags → Riofile service", () => {
    for (const c of CASES) {
        it(c.name, () => {
            const service = runService("nginx", c.args ?? [], c.flags, NO_INPUTS);
            assert.deepEqual(service, c.service);
            const fromText = parseRiofile(`services:\n  app:\n${c.riofile.replace(/^/gm, "    ")}\n`, "Riofile");
            assert.deepEqual(loaded(service), normalizeApp("app", fromText.services[0]!.spec).versions[0]);
        });
    }

    it("-p 8080 is Rio's: HTTP, exposed, Service port = container port", () => {
        const v = loaded(runService("nginx", [], { ports: ["8080"] }, NO_INPUTS));
        assert.deepEqual(v.ports, [
            { name: "http-8080", port: 8080, targetPort: 8080, protocol: "http", expose: true, hostPort: false },
        ]);
    });

    it("--scale 1-10 autoscales on concurrency between 1 and 10", () => {
        const v = loaded(runService("nginx", [], { ports: ["8080"], scale: "1-10" }, NO_INPUTS));
        assert.deepEqual(v.autoscale, { kind: "concurrency", concurrency: 10, min: 1, max: 10 });
    });

    it("env files first, then -e, the last of a name winning; a bare NAME takes rio's own variable or nothing", () => {
        const files: Record<string, string> = { "app.env": "\uFEFF# comment\n\nA=from-file\n  B=b\nHOME\nUNSET\n" };
        const service = runService(
            "nginx",
            [],
            { envFile: ["app.env"], env: ["A=from-flag", "USER", "NOPE", "C=x=y"] },
            {
                lookupEnv: (n) => ({ HOME: "/home/rio", USER: "rio" })[n],
                readFile: (f) => files[f]!,
            },
        );
        assert.deepEqual(service.env, ["B=b", "HOME=/home/rio", "A=from-flag", "USER=rio", "C=x=y"]);
    });

    it("an env file's bad line is located; a missing file is named", () => {
        assert.throws(
            () => parseEnvFile("A=1\nBAD NAME=2\n", "app.env", () => undefined),
            (e: RioInputError) => e.message === '--env-file app.env:2: "BAD NAME" is not a variable name',
        );
        assert.throws(
            () => runService("nginx", [], { envFile: ["missing.env"] }, NO_INPUTS),
            (e: RioInputError) => e.message === "--env-file missing.env: no such file",
        );
    });
});

describe("rio run: errors name the flag", () => {
    const bad: [string, RunFlags, string][] = [
        ["-p abc", { ports: ["abc"] }, '--ports: port "abc" is not a number'],
        ["-p 80:99999", { ports: ["80:99999"] }, "--ports: target port 99999 is out of range (1-65535)"],
        ["--scale 5-2", { scale: "5-2" }, "--scale: the minimum (5) is above the maximum (2)"],
        [
            "--scale 1-10 without a port",
            { scale: "1-10" },
            "--scale: autoscaling on concurrency counts requests through the gateway, so it needs an exposed port; expose one, or scale on cpu/memory",
        ],
        ["--scale -1", { scale: "-1" }, '--scale: scale must be a whole number of replicas ≥ 0, not "-1"'],
    ];
    for (const [name, flags, message] of bad)
        it(name, () => {
            assert.throws(
                () => checkRunService("hello-world", runService("nginx", [], flags, NO_INPUTS)),
                (e: RioInputError) => e instanceof RioInputError && e.message === message,
            );
        });
});

describe("rio run -n [ns:]name[@version]", () => {
    it("name alone, with a version, with a namespace, with both", () => {
        assert.deepEqual(parseServiceName("app", "--name"), { app: "app" });
        assert.deepEqual(parseServiceName("app@v2", "--name"), { app: "app", version: "v2" });
        assert.deepEqual(parseServiceName("team:app", "--name"), { namespace: "team", app: "app" });
        assert.deepEqual(parseServiceName("ns:app@v2", "--name"), { namespace: "ns", app: "app", version: "v2" });
    });
    it("refuses what Kubernetes would: names the flag and the part", () => {
        assert.throws(
            () => parseServiceName("ns:App@v2", "--name"),
            (e: RioInputError) =>
                e.message ===
                `--name: name "App" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
        );
        assert.throws(
            () => parseServiceName("a:b:c", "--name"),
            (e: RioInputError) => e.message === '--name: "a:b:c" is not [namespace:]name[@version]',
        );
        assert.throws(
            () => parseServiceName("app@", "--name"),
            (e: RioInputError) => /^--name: version "" is /.test(e.message),
        );
    });
    it("without -n, a random name not yet taken", () => {
        const seq = [0, 0, 0, 0, 0, 0.5];
        let i = 0;
        const random = () => seq[i++ % seq.length]!;
        assert.equal(randomName(new Set(), random), "brave-badger0");
        i = 0;
        assert.equal(randomName(new Set(["brave-badger0"]), random), "brave-badger5000");
    });
});
