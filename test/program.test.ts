/** The project's own Pulumi program (Pulumi.yaml → stacks/index.ts), run under the mock engine with stack config. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { applied, installMocks, one, reset, value } from "./support/mocks";
import { validateObject } from "./support/schema";

const ROOT = path.resolve(__dirname, "../..");
const PROGRAM = require.resolve("../stacks/index");

/** Loads the program afresh with the given config (as `pulumi up --stack X` would after reading Pulumi.X.yaml). */
async function runProgram(config: Record<string, unknown>): Promise<Record<string, any>> {
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
    delete require.cache[PROGRAM];
    return import(PROGRAM);
}

before(() => installMocks("local"));
beforeEach(reset);

describe("the stack program", () => {
    it("deploys the local stack's Riofile into its namespace, as stacks/Pulumi.local.yaml configures it", async () => {
        const stack = parse(fs.readFileSync(path.join(ROOT, "stacks/Pulumi.local.yaml"), "utf8")).config as Record<string, unknown>;
        const riofile = path.join(ROOT, stack["rio:riofile"] as string);
        const outputs = await runProgram({ ...stack, "rio:riofile": riofile });
        assert.deepEqual(await value(outputs.urls), { "hello-world": ["http://hello-world-rio-local.127.0.0.1.sslip.io"] });
        assert.deepEqual(
            applied().map((r) => [r.type, r.name]),
            [
                ["kubernetes:core/v1:Namespace", "rio-local"],
                ["kubernetes:apps/v1:Deployment", "hello-world"],
                ["kubernetes:core/v1:Service", "hello-world"],
                ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "hello-world"],
            ],
        );
        const ns = one("kubernetes:core/v1:Namespace", "rio-local").inputs;
        assert.deepEqual(ns.metadata, {
            name: "rio-local",
            labels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" },
        });
        assert.equal(one("kubernetes:apps/v1:Deployment", "hello-world").inputs.metadata.namespace, "rio-local");
        for (const r of applied()) validateObject(r.inputs);
    });

    it("creates no namespace for `default` and wires ConfigMaps of the Riofile", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-program-"));
        fs.writeFileSync(path.join(dir, "Riofile"), "configs:\n  conf:\n    a: b\nservices:\n  web:\n    image: nginx\n    configs: [conf/a:/etc/a]\n");
        const outputs = await runProgram({ "rio:riofile": path.join(dir, "Riofile") });
        assert.deepEqual(await value(outputs.urls), { web: [] });
        assert.deepEqual(
            applied().map((r) => [r.type, r.name]),
            [
                ["kubernetes:core/v1:ConfigMap", "conf"],
                ["kubernetes:apps/v1:Deployment", "web"],
            ],
        );
        assert.deepEqual(one("kubernetes:core/v1:ConfigMap", "conf").inputs.data, { a: "b" });
    });

    it("stops with one clear line, and registers nothing, on a bad Riofile", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-program-"));
        const file = path.join(dir, "Riofile");
        fs.writeFileSync(file, "services:\n  web:\n    image: nginx\n    scale: -1\n");
        await assert.rejects(
            runProgram({ "rio:riofile": file }),
            (e: unknown) => e instanceof pulumi.RunError && e.message === `${file}:4:12 services.web.scale: scale must be a whole number of replicas ≥ 0, not "-1"`,
        );
        assert.deepEqual(applied(), []);
    });
});

describe("Pulumi's Node.js runtime", () => {
    it("loads stacks/index.ts from source with the ts-node and TypeScript `pulumi up` would use", () => {
        const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
        const r = spawnSync(process.execPath, [path.join(__dirname, "support/pulumiRuntime.js")], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.match(out.typescript, /^5\./); // the project's TypeScript, not Pulumi's vendored 3.8
        assert.deepEqual(out.urls, { "hello-world": ["https://hello-world-rio-local.127.0.0.1.sslip.io"] });
        assert.deepEqual(out.types, [
            "kubernetes:apps/v1:Deployment::hello-world",
            "kubernetes:core/v1:Namespace::rio-local",
            "kubernetes:core/v1:Service::hello-world",
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::hello-world",
            "pulumi-rio:index:RioService::hello-world",
        ]);
    });
});
