/**
 * The portable components other languages use: their args mapped onto the TypeScript components' (pure
 * functions), the objects they deploy (the same as the TypeScript components', under the mock engine), and the
 * plugin's construct with inputs as they come off the wire — secrets staying secrets on the way to the objects.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { byType, installMocks, kubeObjects, one, registered, reset, settle, value } from "./support/mocks";
import { expectRio } from "./support/rioError";

const ROOT = path.resolve(__dirname, "../..");
const GOLDEN = JSON.parse(fs.readFileSync(path.join(ROOT, "test/golden/schema.json"), "utf8"));
const ADDRESS = "203.0.113.10";
const gateway = { domain: "apps.example.com" };

let rio: typeof import("../components");
let portable: typeof import("../components/portable");
let mapping: typeof import("../components/portable/toService") &
    typeof import("../components/portable/rioRouter") &
    typeof import("../components/portable/rioSystem") &
    typeof import("../components/portable/previewEnv") &
    typeof import("../components/portable/buildSecrets") &
    typeof import("../components/portable/source") &
    typeof import("../components/portable/nulls");
let RioProvider: typeof import("../components/portable/provider").RioProvider;
let PLUGIN_DIR: string;

before(async () => {
    await installMocks("portable", false, (type) =>
        type === "kubernetes:gateway.networking.k8s.io/v1:Gateway"
            ? { status: { addresses: [{ type: "IPAddress", value: ADDRESS }] } }
            : undefined,
    );
    rio = await import("../components");
    portable = await import("../components/portable");
    mapping = {
        ...(await import("../components/portable/toService")),
        ...(await import("../components/portable/rioRouter")),
        ...(await import("../components/portable/rioSystem")),
        ...(await import("../components/portable/previewEnv")),
        ...(await import("../components/portable/buildSecrets")),
        ...(await import("../components/portable/source")),
        ...(await import("../components/portable/nulls")),
    };
    ({ RioProvider, PLUGIN_DIR } = await import("../components/portable/provider"));
});
beforeEach(reset);

/** An Output's value, or its error. */
const settled = (o: pulumi.Output<unknown>): Promise<unknown> => (o as any).promise();
const isSecret = (o: unknown): Promise<boolean> => (pulumi.output(o) as any).isSecret;

/** Inputs as the engine sends them to Construct (a protobuf Struct), read back by the SDK's provider server. */
async function wire(inputs: Record<string, unknown>, dependsOn: Record<string, string[]> = {}): Promise<pulumi.Inputs> {
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
    const { deserializeInputs } = require("@pulumi/pulumi/provider/server");
    // Each key's dependencies, as the engine's ConstructRequest.PropertyDependencies gives them.
    const deps = new Map(Object.entries(dependsOn).map(([k, urns]) => [k, { getUrnsList: () => urns }]));
    return deserializeInputs(Struct.fromJavaScript(inputs), deps);
}
/** A value as the engine sends a secret. */
const wireSecret = (value: unknown) => ({
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    value,
});

/** What an Output failed with (all its promises settled, so none is left to reject unhandled). */
async function failure(o: unknown): Promise<unknown> {
    const out = o as any;
    const [v] = await Promise.allSettled([out.promise(), out.isKnown, out.isSecret]);
    assert.equal(v.status, "rejected");
    return (v as PromiseRejectedResult).reason;
}

/** Kind, namespace and name: registration order is not deterministic, so objects are compared sorted by it. */
const key = (o: Record<string, any>) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** The Kubernetes objects a component registers, settled and sorted, then forgotten (so two runs compare). */
async function objectsOf(make: () => pulumi.Resource): Promise<Record<string, any>[]> {
    reset();
    await settle(make());
    const objects = kubeObjects().sort((a, b) => key(a).localeCompare(key(b)));
    reset();
    return objects;
}

describe("the portable RioService's args, as the TypeScript RioService's", () => {
    it("passes Rio's keys on, merges each probe's two forms and reads numbers written as text as numbers", () => {
        const probe = { httpGet: { path: "/healthz", port: 8080 } };
        assert.deepEqual(
            mapping.toRioServiceArgs({
                image: "nginx",
                ports: ["80:8080/http", "9090/http,internal"],
                readinessProbeSpec: probe,
                livenessProbe: "tcp://:8080",
                maxUnavailable: "0",
                maxSurge: "25%",
                namespace: "shop",
                containers: [{ name: "proxy", image: "envoy", readinessProbeSpec: probe }],
                versions: { v2: { image: "nginx:2", maxSurge: "2", weight: 10, rolloutDuration: "90" } },
                rollout: { increment: 10 },
                rolloutDuration: "1m30s",
            }),
            {
                image: "nginx",
                ports: ["80:8080/http", "9090/http,internal"],
                readinessProbe: probe,
                livenessProbe: "tcp://:8080",
                maxUnavailable: 0,
                maxSurge: "25%",
                namespace: "shop",
                containers: [{ name: "proxy", image: "envoy", readinessProbe: probe }],
                versions: { v2: { image: "nginx:2", maxSurge: 2, weight: 10, rolloutDuration: 90 } },
                rollout: { increment: 10 },
                rolloutDuration: "1m30s",
            },
        );
    });

    it("refuses a probe in both forms, at the structured key", () => {
        expectRio(
            () =>
                mapping.toRioServiceArgs({
                    readinessProbe: "http://:80/",
                    readinessProbeSpec: { tcpSocket: { port: 80 } },
                }),
            ["readinessProbeSpec"],
            "give readinessProbe (Rio's shorthand) or readinessProbeSpec, not both",
        );
        expectRio(
            () =>
                mapping.toRioServiceArgs({
                    containers: [{ name: "c", image: "i", livenessProbe: "tcp://:1", livenessProbeSpec: {} }],
                }),
            ["containers", 0, "livenessProbeSpec"],
            "give livenessProbe (Rio's shorthand) or livenessProbeSpec, not both",
        );
    });

    it("parses a rolling-update bound that is an Output once it resolves", async () => {
        assert.equal(await settled(pulumi.output(mapping.intOrPercent(pulumi.output("3")))), 3);
        assert.equal(await settled(pulumi.output(mapping.intOrPercent(pulumi.output("50%")))), "50%");
    });

    it("drops the nulls an SDK sends for unset keys, and leaves Outputs alone", () => {
        const o = pulumi.output("x");
        const cleaned = mapping.withoutNulls({ a: null, b: { c: undefined, d: 1, e: o }, f: [1, null] });
        assert.deepEqual(Object.keys(cleaned), ["b", "f"]);
        assert.deepEqual(cleaned.f, [1, null]);
        assert.equal(cleaned.b.e, o);
        assert.deepEqual(Object.keys(cleaned.b), ["d", "e"]);
    });
});

describe("the other portable components' args", () => {
    it("RioRouter: the apps' keys mapped as a RioService's", () => {
        assert.deepEqual(
            mapping.toRioRouterArgs({
                routes: [{ to: [{ app: "web", weight: 1 }] }],
                apps: { web: { ports: ["80/http"], versions: { v1: { maxSurge: "1" } } } },
            }),
            {
                routes: [{ to: [{ app: "web", weight: 1 }] }],
                apps: { web: { ports: ["80/http"], versions: { v1: { maxSurge: 1 } } } },
            },
        );
    });

    it("RioSystem: the top-level Cloudflare token joins its zone; a token or values without their key are refused", () => {
        assert.deepEqual(
            mapping.toRioSystemArgs("rio", {
                domain: "example.com",
                cloudflare: { zoneId: "z", proxied: false },
                cloudflareApiToken: "t",
            }),
            { domain: "example.com", cloudflare: { zoneId: "z", proxied: false, apiToken: "t" } },
        );
        expectRio(
            () => mapping.toRioSystemArgs("rio", { cloudflareApiToken: "t" }),
            ["cloudflareApiToken"],
            "is the token of the cloudflare zone: set cloudflare too",
        );
        expectRio(
            () => mapping.toRioSystemArgs("rio", { cloudflare: { zoneId: "z" } }),
            ["cloudflareApiToken"],
            "is required with cloudflare (a Pulumi secret)",
        );
        expectRio(
            () => mapping.toRioSystemArgs("rio", { buildSecretValues: { git: { token: "x" } } }),
            ["buildSecretValues"],
            "holds the values of buildSecrets entries: set buildSecrets too",
        );
    });

    it("RioSystem: each build secret's credential is its own Output, secret when the values are", async () => {
        const secrets = mapping.toBuildSecrets(
            'RioSystem "rio"',
            { git: { kind: "gitBasicAuth" }, hub: { kind: "docker", server: "docker.io" } },
            pulumi.secret({ git: { username: "bot", password: "tok" }, hub: { username: "me" } }),
        ) as Record<string, any>;
        assert.deepEqual(Object.keys(secrets.git).sort(), ["kind", "password", "username"]);
        assert.equal(secrets.git.kind, "gitBasicAuth");
        assert.equal(await settled(secrets.git.password), "tok");
        assert.equal(await isSecret(secrets.git.password), true);
        assert.equal(secrets.hub.server, "docker.io");
        assert.equal(
            ((await failure(secrets.hub.password)) as Error).message,
            'RioSystem "rio": buildSecretValues.hub.password is required (a docker secret)',
        );
    });

    it("PreviewEnv: the Riofile is loaded for the preview's namespace (its template's NAMESPACE)", () => {
        const text =
            "template:\n  envSubst: true\nservices:\n  web:\n    image: nginx\n    env:\n      NS: ${NAMESPACE}\n";
        const args = mapping.toPreviewEnvArgs({ text, pullRequest: 7, system: { gateway } });
        assert.deepEqual(args.riofile.services[0]!.spec.env, { NS: "preview-pr-7" });
        assert.deepEqual(
            Object.keys(args).sort(),
            ["pullRequest", "riofile", "system"],
            "file, text, answers and strict are the portable source's",
        );
        expectRio(
            () => mapping.toPreviewEnvArgs({ text, system: { gateway } }),
            ["branch"],
            "a preview needs a pull request number or a branch",
        );
    });

    it("a Riofile source is its file or its text, not both, not neither", () => {
        expectRio(
            () => mapping.loadSource({ file: "Riofile", text: "services: {}" }, "default"),
            ["text"],
            "give the Riofile's file or its text, not both",
        );
        expectRio(() => mapping.loadSource({}, "default"), [], "needs the Riofile: its file or its text");
        expectRio(
            () => mapping.loadSource({ text: pulumi.output("services: {}") as any }, "default"),
            ["text"],
            "must be a plain string, not an Output: the Riofile decides which objects exist",
        );
        expectRio(
            () => mapping.loadSource({ text: "services: {}" }, pulumi.output("shop") as any),
            ["namespace"],
            "must be a plain string, not an Output: it is the template's NAMESPACE",
        );
    });
});

describe("the portable components deploy what the TypeScript ones do", () => {
    it("RioService: the same objects for the portable spelling of the same service", async () => {
        const probe = { httpGet: { path: "/healthz", port: 8080 } };
        const common = { image: "nginx", namespace: "shop", gateway, env: { MODE: "prod" } };
        const fromPortable = await objectsOf(
            () =>
                new portable.RioService("web", {
                    ...common,
                    ports: ["80:8080/http"],
                    readinessProbeSpec: probe,
                    maxSurge: "2",
                    maxUnavailable: "1",
                    command: ["nginx", "-g", "daemon off;"],
                }),
        );
        const fromTypeScript = await objectsOf(
            () =>
                new rio.RioService("web", {
                    ...common,
                    ports: "80:8080/http",
                    readinessProbe: probe,
                    maxSurge: 2,
                    maxUnavailable: 1,
                    command: ["nginx", "-g", "daemon off;"],
                }),
        );
        assert.deepEqual(fromPortable.map(key), ["Deployment/shop/web", "HTTPRoute/shop/web", "Service/shop/web"]);
        assert.deepEqual(fromPortable, fromTypeScript);
    });

    it("RioRouter: the same HTTPRoute", async () => {
        const routes = [
            { match: { path: { prefix: "/api" } }, to: [{ app: "api", port: 80 }] },
            {
                to: [
                    { app: "web", version: "v1", weight: 9 },
                    { app: "web", version: "v2", weight: 1 },
                ],
            },
        ];
        const fromPortable = await objectsOf(
            () => new portable.RioRouter("shop", { routes, namespace: "shop", gateway }),
        );
        const fromTypeScript = await objectsOf(() => new rio.RioRouter("shop", { routes, namespace: "shop", gateway }));
        assert.ok(fromPortable.some((o) => o.kind === "HTTPRoute"));
        assert.deepEqual(fromPortable, fromTypeScript);
    });

    it("Riofile: every key of examples/all-keys as deployRiofile deploys it, in a namespace with Pod Security labels", async () => {
        const file = path.join(ROOT, "examples/all-keys/Riofile");
        const target = { namespace: "shop", gateway };
        const fromPortable = await objectsOf(() => new portable.Riofile("all-keys", { ...target, file }));
        const fromTypeScript = await objectsOf(() => {
            const parent = new pulumi.ComponentResource("test:index:Parent", "all-keys");
            rio.deployRiofile(rio.loadRiofile(file, { namespace: "shop" }), { ...target, allow: [] }, { parent });
            return parent;
        });
        const namespace = fromPortable.find((o) => o.kind === "Namespace");
        assert.deepEqual(namespace, {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: {
                name: "shop",
                labels: {
                    "pod-security.kubernetes.io/enforce": "baseline",
                    "pod-security.kubernetes.io/warn": "restricted",
                },
            },
        });
        assert.deepEqual(
            fromPortable.filter((o) => o.kind !== "Namespace"),
            fromTypeScript,
        );
        assert.deepEqual(fromTypeScript.map(key), [
            "ConfigMap/shop/site",
            "Deployment/shop/cache",
            "Deployment/shop/web",
            "Deployment/shop/worker",
            "HTTPRoute/shop/shop",
            "HTTPRoute/shop/shop-8443",
            "PodDisruptionBudget/shop/web",
            "Service/shop/cache",
            "Service/shop/shop",
        ]);
    });

    it("Riofile: its text, answered, with its URLs as outputs; a bad Riofile registers nothing", async () => {
        const text =
            "template:\n  questions:\n  - variable: IMAGE\n    default: nginx\n  envSubst: true\nservices:\n  web:\n    image: ${IMAGE}\n    ports: 80/http\n";
        const riofile = new portable.Riofile("app", { text, answers: { IMAGE: "httpd" }, gateway });
        await settle(riofile);
        assert.equal(
            one("kubernetes:apps/v1:Deployment", "web").inputs.spec.template.spec.containers[0].image,
            "httpd",
        );
        assert.equal(byType("kubernetes:core/v1:Namespace").length, 0, "the default namespace is not created");
        assert.deepEqual(await value(riofile.urls), { web: ["https://web-default.apps.example.com"] });
        assert.equal(await value(riofile.url), "https://web-default.apps.example.com");
        reset();
        assert.throws(
            () => new portable.Riofile("bad", { text: "services:\n  web:\n    imag: nginx\n" }),
            (e: Error) => {
                assert.ok(pulumi.ResourceError.isInstance(e));
                assert.equal(
                    e.message,
                    'Riofile "bad": Riofile:3:5 services.web.imag: unknown key; did you mean "image"?',
                );
                return true;
            },
        );
        assert.equal(registered.length, 0);
    });
});

describe("the plugin's construct, with inputs as they come off the wire", () => {
    const provider = () => new RioProvider(PLUGIN_DIR, () => GOLDEN);

    it("RioService: the component and its objects, its outputs as state, a secret env still secret on the Deployment", async () => {
        const inputs = await wire({
            image: "nginx",
            ports: ["80:8080/http"],
            namespace: "shop",
            gateway,
            env: wireSecret({ PASSWORD: "hunter2" }),
        });
        assert.equal(await isSecret(inputs.env), true);
        const { urn, state } = await provider().construct("web", "pulumi-rio:index:RioService", inputs, {});
        assert.match(await value(urn as pulumi.Output<string>), /pulumi-rio:index:RioService::web$/);
        assert.deepEqual(Object.keys(state), ["url", "urls", "hostnames", "namespace", "serviceName"]);
        assert.equal(await value(state.url), "https://web-shop.apps.example.com");
        assert.equal(await value(state.namespace), "shop");
        await new Promise((r) => setImmediate(r));
        // The portable component, with the TypeScript one as its child.
        assert.deepEqual(
            registered.filter((r) => !r.custom).map((r) => [r.type, r.name]),
            [
                ["pulumi-rio:index:RioService", "web"],
                ["pulumi-rio:index:RioService", "web"],
            ],
        );
        const deployment = one("kubernetes:apps/v1:Deployment", "web");
        assert.deepEqual(deployment.inputs.spec.template.spec.containers[0].env, [
            { name: "PASSWORD", value: "hunter2" },
        ]);
        assert.ok(deployment.secretInputs.includes("spec"), `secret inputs: ${deployment.secretInputs}`);
    });

    it("RioSystem: build credentials sent as one secret reach their Kubernetes Secret as a secret", async () => {
        const inputs = await wire({
            domain: "apps.example.com",
            features: { build: true },
            buildSecrets: { git: { kind: "gitBasicAuth" } },
            buildSecretValues: wireSecret({ git: { username: "bot", password: "tok" } }),
        });
        const { state } = await provider().construct("rio", "pulumi-rio:index:RioSystem", inputs, {});
        assert.deepEqual(Object.keys(state), ["kubeconfig", "domain", "address", "ref", "registryCredentials"]);
        assert.equal(await value(state.address), ADDRESS);
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
        const secret = one("kubernetes:core/v1:Secret", "rio-secret-git");
        assert.deepEqual(secret.inputs.stringData, { username: "bot", password: "tok" });
        assert.ok(secret.secretInputs.includes("stringData"));
    });

    it("refuses another resource's output where a value must be known, before registering anything", async () => {
        const ns = "urn:pulumi:test::rio::kubernetes:core/v1:Namespace::shop";
        const apps = { web: { image: "nginx", ports: ["80/http"] } };
        const inputs = await wire({ routes: [{ to: [{ app: "web" }] }], apps, gateway }, { apps: [ns] });
        assert.ok(pulumi.Output.isInstance(inputs.apps), "a value with dependencies comes as an Output");
        await assert.rejects(provider().construct("r", "pulumi-rio:index:RioRouter", inputs, {}), {
            message:
                `RioRouter "r": apps: must be a value the program knows when it runs, not another resource's ` +
                "output: it decides which objects exist",
        });
        const ports = await wire({ image: "nginx", ports: ["80/http"], gateway }, { ports: [ns] });
        await assert.rejects(provider().construct("web", "pulumi-rio:index:RioService", ports, {}), {
            message:
                `RioService "web": ports: must be a value the program knows when it runs, not another resource's ` +
                "output: it decides which objects exist",
        });
        assert.equal(registered.length, 0, "nothing registered");
        // The same values with no dependencies are taken.
        await provider().construct(
            "r",
            "pulumi-rio:index:RioRouter",
            await wire({ routes: [{ to: [{ app: "web" }] }], apps, gateway }),
            {},
        );
        await new Promise((r) => setImmediate(r));
        assert.deepEqual(
            registered.filter((r) => !r.custom).map((r) => [r.type, r.name]),
            [
                ["pulumi-rio:index:RioRouter", "r"],
                ["pulumi-rio:index:RioRouter", "r"],
            ],
        );
    });

    it("refuses a type token that is not one of its components", async () => {
        await assert.rejects(provider().construct("x", "pulumi-rio:index:Nope", {}, {}), {
            message: "pulumi-rio has no component pulumi-rio:index:Nope",
        });
        await assert.rejects(provider().construct("x", "other:index:RioService", {}, {}), {
            message: "Invalid package name other, expected 'pulumi-rio'",
        });
    });
});
