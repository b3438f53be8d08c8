/** The project's own Pulumi program (Pulumi.yaml → stacks/index.ts), run under the mock engine with stack config. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { applied, byType, installMocks, kubeObjects, one, registered, reset, value } from "./support/mocks";
import { validateObject } from "./support/schema";

const ROOT = path.resolve(__dirname, "../..");
const PROGRAM = require.resolve("../stacks/index");

/** Loads the program afresh with the given config (as `pulumi up --stack X` would after reading Pulumi.X.yaml). */
async function runProgram(config: Record<string, unknown>, secrets: string[] = []): Promise<Record<string, any>> {
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
        secrets,
    );
    delete require.cache[PROGRAM];
    return import(PROGRAM);
}

function stackConfig(stack: string): Record<string, unknown> {
    const config = parse(fs.readFileSync(path.join(ROOT, `stacks/Pulumi.${stack}.yaml`), "utf8")).config as Record<
        string,
        unknown
    >;
    return { ...config, "rio:riofile": path.join(ROOT, config["rio:riofile"] as string) };
}

function tempRiofile(text: string): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rio-program-")), "Riofile");
    fs.writeFileSync(file, text);
    return file;
}

/** Waits for every output of the program, so its registrations are all in before the next test resets them. */
async function drain(outputs: Record<string, any>): Promise<void> {
    for (const o of Object.values(outputs)) if (o !== undefined) await value(o);
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

/** The base stack a preview stack reads: its `rio` output (and no kubeconfig: the current context). */
const BASE_OUTPUTS = {
    rio: {
        gateway: {
            name: "rio-gateway",
            namespace: "rio-system",
            domain: "apps.example.com",
            scheme: "https",
            listener: "https",
            implementation: "traefik",
            customDomains: [],
        },
        registry: { push: "rio-registry.rio-system.svc.cluster.local:5000", pull: "localhost:30500" },
    },
};

before(() =>
    installMocks("local", false, (type) =>
        type === "kubernetes:gateway.networking.k8s.io/v1:Gateway"
            ? { status: { addresses: [{ value: "198.51.100.20" }] } }
            : type === "pulumi:pulumi:StackReference"
              ? { outputs: BASE_OUTPUTS, secretOutputNames: [] }
              : undefined,
    ),
);
beforeEach(reset);

describe("the stack program", () => {
    it("local stack: RioSystem with only what the Riofile needs, then hello-world behind its HTTPS listener", async () => {
        const outputs = await runProgram(stackConfig("local"));
        await drain(outputs);
        assert.deepEqual(await value(outputs.urls), {
            "hello-world": ["https://hello-world-rio-local.127.0.0.1.sslip.io"],
        });
        assert.deepEqual((await value(outputs.rio)).gateway, {
            name: "rio-gateway",
            namespace: "rio-system",
            scheme: "https",
            listener: "https",
            implementation: "traefik",
            customDomains: [],
            domain: "127.0.0.1.sslip.io",
        });
        // Nothing in hello-world builds or autoscales: no registry, builder, KEDA or metrics-server.
        assert.deepEqual(
            byType("kubernetes:helm.sh/v3:Release")
                .map((r) => r.inputs.name)
                .sort(),
            ["cert-manager", "traefik"],
        );
        assert.equal(kubeObjects().filter((o) => o.metadata.name === "rio-registry").length, 0);
        const route = one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "hello-world").inputs;
        assert.deepEqual(route.spec.parentRefs, [
            {
                group: "gateway.networking.k8s.io",
                kind: "Gateway",
                name: "rio-gateway",
                namespace: "rio-system",
                sectionName: "https",
            },
        ]);
        assert.deepEqual(one("kubernetes:core/v1:Namespace", "rio-local").inputs.metadata, {
            name: "rio-local",
            labels: {
                "pod-security.kubernetes.io/enforce": "baseline",
                "pod-security.kubernetes.io/warn": "restricted",
            },
        });
        for (const o of kubeObjects()) validateObject(o);
    });

    it("civo stack: the cluster, Cloudflare records and Let's Encrypt, with the token from secret config", async () => {
        const outputs = await runProgram({ ...stackConfig("civo"), "rio:cloudflareApiToken": "cf-secret" }, [
            "rio:cloudflareApiToken",
        ]);
        await drain(outputs);
        const cluster = one("civo:index/kubernetesCluster:KubernetesCluster", "rio-cluster").inputs;
        assert.deepEqual(
            [cluster.region, cluster.targetNodesSize, cluster.numTargetNodes],
            ["LON1", "g4s.kube.medium", 2],
        );
        assert.deepEqual(
            byType("cloudflare:index/dnsRecord:DnsRecord")
                .map((r) => r.inputs.name)
                .sort(),
            ["*.apps.example.com", "apps.example.com"],
        );
        assert.deepEqual(one("kubernetes:core/v1:Secret", "rio-cloudflare-token").secretInputs, ["stringData"]);
        assert.equal(one("kubernetes:apps/v1:Deployment", "hello-world").inputs.metadata.namespace, "apps");
    });

    it("without RioSystem: the Riofile onto a gateway you run, with its ConfigMaps", async () => {
        const file = tempRiofile(
            "configs:\n  conf:\n    a: b\nservices:\n  web:\n    image: nginx\n    configs: [conf/a:/etc/a]\n",
        );
        const outputs = await runProgram({ "rio:riofile": file, "rio:system": { install: false } });
        await drain(outputs);
        assert.deepEqual(await value(outputs.urls), { web: [] });
        assert.equal(outputs.rio, undefined);
        assert.deepEqual(
            applied().map((r) => [r.type, r.name]),
            [
                ["kubernetes:core/v1:ConfigMap", "conf"],
                ["kubernetes:apps/v1:Deployment", "web"],
            ],
        );
        assert.deepEqual(one("kubernetes:core/v1:ConfigMap", "conf").inputs.data, { a: "b" });
    });

    // A folder with a Dockerfile and no Riofile: rio:riofile unset would deploy it, a mistyped one must not.
    const dockerDir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-program-"));
    fs.writeFileSync(path.join(dockerDir, "Dockerfile"), "FROM nginx:1.27\n");
    const bad: [string, Record<string, unknown>, (file: string) => string][] = [
        [
            "a mistyped rio:riofile next to a Dockerfile",
            { "rio:riofile": path.join(dockerDir, "Riofle"), "rio:system": { install: false } },
            () => `${path.join(dockerDir, "Riofle")}: no such file`,
        ],
        [
            "a bad Riofile",
            { "rio:system": { install: false } },
            (f) => `${f}:4:12 services.web.scale: scale must be a whole number of replicas ≥ 0, not "-1"`,
        ],
        [
            "rio:system.domain: 42",
            { "rio:system": { domain: 42 } },
            () => "rio:system.domain: expected a string, got 42",
        ],
        [
            'rio:system.install: "no"',
            { "rio:system": { install: "no" } },
            () => 'rio:system.install: expected true or false, got "no"',
        ],
        [
            'rio:system.features: "all"',
            { "rio:system": { features: "all" } },
            () => 'rio:system.features: expected a map, got "all"',
        ],
        [
            "rio:system.features.build: 1",
            { "rio:system": { features: { build: 1 } } },
            () => "rio:system.features.build: expected true or false, got 1",
        ],
        [
            "rio:system.gatewayImplementation: nginx",
            { "rio:system": { gatewayImplementation: "nginx" } },
            () => 'rio:system.gatewayImplementation: expected one of traefik, envoy, got "nginx"',
        ],
        [
            "rio:system.civo.nodeCount: many",
            { "rio:system": { civo: { nodeCount: "many" } } },
            () => 'rio:system.civo.nodeCount: expected a number of nodes (1 or more), got "many"',
        ],
        [
            'rio:previewOf: ""',
            { "rio:previewOf": "", "rio:pullRequest": "1" },
            () => 'rio:previewOf: expected the base stack (org/project/stack, or project/stack), got ""',
        ],
        [
            "rio:previewOf without a pull request or branch",
            { "rio:previewOf": "acme/rio/civo" },
            () => "rio:previewOf: a preview stack needs rio:pullRequest or rio:branch (or both)",
        ],
        [
            "rio:pullRequest: abc",
            { "rio:previewOf": "acme/rio/civo", "rio:pullRequest": "abc" },
            () => 'rio:pullRequest: expected a pull request number (1 or more), got "abc"',
        ],
        [
            "rio:ttlHours: 0",
            { "rio:previewOf": "acme/rio/civo", "rio:pullRequest": "1", "rio:ttlHours": "0" },
            () => 'rio:ttlHours: expected a number of hours (more than 0), got "0"',
        ],
        [
            "rio:createNamespace: yes",
            { "rio:createNamespace": "yes", "rio:system": { install: false } },
            () => 'rio:createNamespace: expected true or false, got "yes"',
        ],
        [
            "rio:allow: hostPort (not a list)",
            { "rio:allow": "hostPort", "rio:system": { install: false } },
            () => 'rio:allow: expected a list, got "hostPort"',
        ],
        [
            "rio:gateway.scheme: ftp",
            { "rio:gateway": { scheme: "ftp" }, "rio:system": { install: false } },
            () => 'rio:gateway.scheme: expected one of https, http, got "ftp"',
        ],
        [
            "a typo in a config key",
            { "rio:riofle": "Riofile", "rio:system": { install: false } },
            () => 'rio:riofle: unknown key; did you mean "rio:riofile"?',
        ],
        [
            "a secret of the wrong type, without showing it",
            { "rio:buildSecrets": "hunter2", "rio:system": { install: false } },
            () => "rio:buildSecrets: expected a map, got string",
        ],
        [
            "a typo in rio:system",
            { "rio:system": { domian: "x.example.com" } },
            () => 'rio:system.domian: unknown key; did you mean "domain"?',
        ],
        [
            "a bad RioSystem setting",
            { "rio:system": { email: "nope" } },
            () => 'RioSystem "rio": email: "nope" is not an email address',
        ],
    ];
    for (const [what, config, message] of bad) {
        it(`stops with one clear line, and registers nothing, on ${what}`, async () => {
            const file = tempRiofile("services:\n  web:\n    image: nginx\n    scale: -1\n");
            const good = tempRiofile("services:\n  web:\n    image: nginx\n");
            const riofile = what === "a bad Riofile" ? file : good;
            await assert.rejects(
                runProgram({ "rio:riofile": riofile, ...config }),
                (e: unknown) => e instanceof pulumi.RunError && e.message === message(riofile),
            );
            assert.deepEqual(registered, []);
        });
    }
});

describe("Pulumi's Node.js runtime", () => {
    it("loads stacks/index.ts from source with the ts-node and TypeScript `pulumi up` would use", () => {
        const r = spawnSync(process.execPath, [path.join(__dirname, "support/pulumiRuntime.js")], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.match(out.typescript, /^5\./); // the project's TypeScript, not Pulumi's vendored 3.8
        assert.deepEqual(out.urls, { "hello-world": ["https://hello-world-rio-local.127.0.0.1.sslip.io"] });
        assert.equal(out.rio.gateway.domain, "127.0.0.1.sslip.io");
        assert.ok(out.types.includes("pulumi-rio:index:RioSystem::rio"));
        assert.ok(out.types.includes("pulumi-rio:index:RioService::hello-world"));
        assert.ok(out.types.includes("kubernetes:helm.sh/v3:Release::rio-traefik"));
    });
});

describe("the stack program installs what the Riofile needs", () => {
    it("KEDA and its HTTP add-on for a concurrency-autoscaled service; metrics-server for a cpu-autoscaled one", async () => {
        const file = tempRiofile(
            "services:\n  web:\n    image: nginx\n    ports: 80\n    scale: 0-3\n  api:\n    image: api\n    ports: 8080\n    autoscale: {cpu: 60, maxReplicas: 4}\n",
        );
        const outputs = await runProgram({ "rio:riofile": file, "rio:system": { domain: "apps.example.com" } });
        await drain(outputs);
        assert.deepEqual(
            byType("kubernetes:helm.sh/v3:Release")
                .map((r) => r.inputs.name)
                .sort(),
            ["cert-manager", "keda", "keda-add-ons-http", "metrics-server", "traefik"],
        );
    });
});

describe("a preview stack (rio:previewOf)", () => {
    it("deploys only a PreviewEnv, on the base stack's gateway read through a StackReference", async () => {
        const outputs = await runProgram({ ...stackConfig("pr"), "rio:previewOf": "acme/rio/civo" });
        await drain(outputs);
        assert.equal(await value(outputs.previewNamespace), "preview-pr-42");
        // Pulumi.pr.yaml's rio:ttlHours, 72, from now: the stack output the scheduled clean-up reads.
        const expires = await value(outputs.previewExpiresAt);
        assert.ok(Math.abs(Date.parse(expires) - (Date.now() + 72 * 3600_000)) < 60_000, expires);
        assert.deepEqual(await value(outputs.urls), { "hello-world": ["https://hello-world-pr-42.apps.example.com"] });
        assert.deepEqual(byType("kubernetes:helm.sh/v3:Release"), []);
        assert.equal(one("pulumi-rio:index:PreviewEnv", "preview").type, "pulumi-rio:index:PreviewEnv");
        assert.deepEqual(one("kubernetes:apps/v1:Deployment", "hello-world").inputs.spec.replicas, 1);
        // Exactly the isolated environment: namespace, isolation, the app — and nothing of RioSystem's.
        assert.deepEqual(
            registered
                .filter((r) => r.custom && r.type !== "pulumi:pulumi:StackReference")
                .map((r) => `${r.type}::${r.name}`)
                .sort(),
            [
                "kubernetes:apps/v1:Deployment::hello-world",
                "kubernetes:core/v1:LimitRange::preview-preview-limits",
                "kubernetes:core/v1:Namespace::preview-namespace",
                "kubernetes:core/v1:ResourceQuota::preview-preview-quota",
                "kubernetes:core/v1:Service::hello-world",
                "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::hello-world",
                "kubernetes:networking.k8s.io/v1:NetworkPolicy::preview-preview-isolation",
                "pulumi:providers:kubernetes::preview-k8s",
            ],
        );
    });
});
