/**
 * pulumi-rio for every Pulumi language: the schema Pulumi's own analyzer (@pulumi/pulumi/provider/experimental,
 * what `componentProviderHost` runs) infers from the portable components, checked against the golden file and
 * key by key; the plugin folder the CLI reads; and the plugin executable answering GetSchema over gRPC as the
 * CLI asks it. Offline: no Pulumi CLI, no cluster.
 */
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { COMPONENTS } from "../components/portable/components";
import { PLUGIN_DIR, SCHEMA_SOURCES } from "../components/portable/provider";
import { analyzeSchema, mustBeKnown, SECRETS } from "../components/portable/schema";
import { cachedSchema, sourceHash } from "../components/portable/schemaCache";

const ROOT = path.resolve(__dirname, "../..");
const GOLDEN = path.join(ROOT, "test/golden/schema.json");
const TOKENS = ["RioService", "RioRouter", "Riofile", "PreviewEnv", "RioSystem"].map((c) => `pulumi-rio:index:${c}`);

let schema: Record<string, any>;

before(() => {
    // The analyzer itself, in-process, over the plugin folder: what the CLI's `pulumi package get-schema` receives.
    schema = analyzeSchema(PLUGIN_DIR);
    // Regenerate after an intended change with UPDATE_GOLDEN=1, then read the diff before committing it.
    if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(GOLDEN, `${JSON.stringify(schema, null, 4)}\n`);
});

const resource = (c: string) => schema.resources[`pulumi-rio:index:${c}`];
const type = (t: string) => schema.types[`pulumi-rio:index:${t}`];

/** Every `$ref` in the schema. */
function refs(value: unknown): string[] {
    if (value === null || typeof value !== "object") return [];
    return Object.entries(value).flatMap(([k, v]) => (k === "$ref" ? [v as string] : refs(v)));
}

describe("the schema the analyzer infers", () => {
    it("is the golden file", () => {
        assert.deepEqual(schema, JSON.parse(fs.readFileSync(GOLDEN, "utf8")));
    });

    it("names the package and its five components pulumi-rio:index:<Component>, with no other package", () => {
        assert.equal(schema.name, "pulumi-rio");
        assert.equal(schema.version, JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
        assert.deepEqual(Object.keys(schema.resources).sort(), [...TOKENS].sort());
        for (const token of TOKENS) assert.equal(schema.resources[token].isComponent, true, token);
        assert.deepEqual(
            Object.keys(COMPONENTS).map((c) => `pulumi-rio:index:${c}`),
            TOKENS,
        );
        assert.deepEqual(schema.dependencies, []);
        // Every language's generator is told to respect the schema's version; Python's package is pulumi_rio.
        assert.deepEqual(schema.language.python, { respectSchemaVersion: true, packageName: "pulumi_rio" });
        assert.deepEqual(schema.language.go, {
            respectSchemaVersion: true,
            importBasePath: "example.com/pulumi-rio/sdk/go/pulumirio",
        });
        // Maps of objects are inputs (Go's generator cannot compile them plain: pulumi/pulumi#14662), and still
        // among the keys the plugin needs known, with every plain key.
        const maps = Object.entries(schema.resources).flatMap(([token, r]: [string, any]) =>
            Object.entries(r.inputProperties)
                .filter(([, p]: [string, any]) => p.additionalProperties?.$ref?.startsWith("#/types/"))
                .map(([k, p]: [string, any]) => [
                    token.split(":")[2],
                    k,
                    p.plain ?? false,
                    p.additionalProperties.plain ?? false,
                ]),
        );
        assert.deepEqual(maps.sort(), [
            ["RioRouter", "apps", false, false],
            ["RioService", "routers", false, false],
            ["RioService", "versions", false, false],
            ["RioSystem", "buildSecretValues", false, false],
            ["RioSystem", "buildSecrets", false, false],
            ["RioSystem", "charts", false, false],
        ]);
        assert.deepEqual(mustBeKnown(resource("RioRouter")), [
            "routes",
            "hostnames",
            "hostLabel",
            "gatewayImplementation",
            "apps",
        ]);
        for (const t of Object.keys(schema.types)) assert.match(t, /^pulumi-rio:index:[A-Z][A-Za-z]+$/);
        // Every reference is to one of its own types, or to Pulumi's Any (free-form Kubernetes affinity, Helm values).
        for (const ref of new Set(refs(schema)))
            assert.ok(
                ref === "pulumi.json#/Any" || Object.hasOwn(schema.types, ref.replace("#/types/", "")),
                `dangling ${ref}`,
            );
    });

    it("types Rio's string grammars as plain string lists, inputs as inputs, enums as enums", () => {
        const service = resource("RioService").inputProperties;
        // `ports` decides which objects exist: a plain value, Rio's syntax per entry.
        assert.deepEqual(service.ports, {
            type: "array",
            items: { type: "string", plain: true },
            optional: true,
            plain: true,
            description:
                "Ports in Rio's syntax `PORT[:TARGETPORT][/PROTOCOL][,name=N][,expose=false|internal][,hostport]`; http,\nhttp2 and grpc are published through the gateway. Default none: a private service. A plain value.",
        });
        assert.deepEqual(service.image, {
            type: "string",
            optional: true,
            description: "Container image, e.g. `rancher/hello-world`; a git URL or `./folder` means a build.",
        });
        assert.deepEqual(service.env.additionalProperties, { type: "string" });
        assert.equal(service.env.plain, undefined);
        assert.equal(service.gateway.$ref, "#/types/pulumi-rio:index:Gateway");
        assert.deepEqual(service.allow.items, { $ref: "#/types/pulumi-rio:index:Allowable", plain: true });
        // A map of objects is an input, for Go (see enrichSchema); the plugin still needs it known.
        assert.deepEqual(service.versions.additionalProperties, { $ref: "#/types/pulumi-rio:index:ServiceVersion" });
        assert.equal(service.versions.plain, undefined);
        assert.deepEqual(service.nodeAffinity.additionalProperties, { $ref: "pulumi.json#/Any" });
        assert.equal(service.readinessProbeSpec.$ref, "#/types/pulumi-rio:index:Probe");
        assert.deepEqual(resource("RioService").requiredInputs, []);
        assert.deepEqual(resource("RioService").required, ["hostnames", "namespace", "urls"]);

        assert.deepEqual(resource("RioRouter").requiredInputs, ["routes"]);
        assert.deepEqual(resource("RioRouter").inputProperties.routes.items, {
            $ref: "#/types/pulumi-rio:index:Route",
            plain: true,
        });
        assert.deepEqual(Object.keys(type("Route").properties), [
            "match",
            "to",
            "redirect",
            "rewrite",
            "headers",
            "mirror",
            "timeoutSeconds",
            "retry",
            "fault",
        ]);
        assert.deepEqual(type("HeaderEdits").properties.set.additionalProperties, { type: "string", plain: true });

        const riofile = resource("Riofile").inputProperties;
        assert.deepEqual(
            Object.keys(riofile).sort(),
            [
                "allow",
                "answers",
                "createNamespace",
                "file",
                "gateway",
                "gatewayImplementation",
                "hostLabel",
                "namespace",
                "registry",
                "registryCredentials",
                "strict",
                "text",
            ].sort(),
        );
        assert.deepEqual(resource("Riofile").properties.urls.additionalProperties, {
            type: "array",
            items: { type: "string" },
        });
        assert.deepEqual(resource("PreviewEnv").requiredInputs, ["system"]);
        assert.equal(resource("PreviewEnv").inputProperties.system.$ref, "#/types/pulumi-rio:index:SystemRef");
        assert.equal(resource("RioSystem").properties.ref.$ref, "#/types/pulumi-rio:index:SystemRef");

        assert.deepEqual(type("GatewayImplementation").enum, [
            {
                name: "Traefik",
                value: "traefik",
                description: "Traefik (k3s' own): routes, weights, redirects, rewrites, header edits.",
            },
            {
                name: "Envoy",
                value: "envoy",
                description: "Envoy Gateway: also timeouts, retries, mirroring and fault injection.",
            },
        ]);
        assert.deepEqual(
            type("BuildSecretKind").enum.map((e: { value: string }) => e.value),
            ["gitBasicAuth", "gitSshKeyAuth", "docker", "githubWebhook"],
        );
    });

    it("takes every description from the JSDoc, for components, properties, types and enums", () => {
        assert.equal(
            resource("Riofile").description,
            "A whole Riofile — services, configs, routers, external services and `kubernetes.manifest`, with every key and\ntemplate feature Rio had — deployed as `rio up` did, by the same code as `rio up` and the project's program.",
        );
        assert.equal(
            resource("RioSystem").properties.address.description,
            "The gateway's public address (IP or hostname), once published.",
        );
        assert.equal(
            type("Gateway").description,
            "The Gateway routes attach to, and the cluster domain (RioSystem's `ref.gateway`).",
        );
        assert.equal(type("StringMatch").description, "A string match: one of `exact`, `prefix` or `regexp`.");
        assert.equal(
            type("Allowable").description,
            "Features that reach into the node, refused unless a stack allows them by name (Rio's admission verbs).",
        );
        // Nothing is left undescribed: other languages' SDKs and docs show these.
        const missing: string[] = [];
        for (const [token, r] of Object.entries<any>(schema.resources)) {
            if (!r.description) missing.push(token);
            for (const [p, d] of [...Object.entries<any>(r.inputProperties), ...Object.entries<any>(r.properties)])
                if (!d.description) missing.push(`${token}.${p}`);
        }
        for (const [token, t] of Object.entries<any>(schema.types)) {
            if (!t.description) missing.push(token);
            for (const [p, d] of Object.entries<any>(t.properties ?? {}))
                if (!d.description) missing.push(`${token}.${p}`);
        }
        assert.deepEqual(missing, []);
    });

    it("marks the credentials secret, inputs and outputs, and nothing else", () => {
        const secret: string[] = [];
        for (const [token, r] of Object.entries<any>(schema.resources)) {
            for (const [p, d] of Object.entries<any>(r.inputProperties))
                if (d.secret) secret.push(`${token} input ${p}`);
            for (const [p, d] of Object.entries<any>(r.properties)) if (d.secret) secret.push(`${token} output ${p}`);
        }
        assert.deepEqual(secret.sort(), [
            "pulumi-rio:index:PreviewEnv input registryCredentials",
            "pulumi-rio:index:RioService input registryCredentials",
            "pulumi-rio:index:RioSystem input buildSecretValues",
            "pulumi-rio:index:RioSystem input cloudflareApiToken",
            "pulumi-rio:index:RioSystem input kubeconfig",
            "pulumi-rio:index:RioSystem input registryPassword",
            "pulumi-rio:index:RioSystem output kubeconfig",
            "pulumi-rio:index:RioSystem output registryCredentials",
            "pulumi-rio:index:Riofile input registryCredentials",
        ]);
        // A secret has to be an input (an SDK sends a plain value as it is), and top-level: a secret nested in an
        // object makes that whole input a secret Output, which the plain keys beside it could not be planned from.
        for (const [component, keys] of Object.entries(SECRETS))
            for (const key of keys) {
                const input = resource(component).inputProperties[key];
                if (input) assert.equal(input.plain, undefined, `${component}.${key}`);
            }
        assert.equal(resource("RioSystem").inputProperties.cloudflare.plain, true);
        assert.equal(type("CloudflareZone").properties.apiToken, undefined);
    });
});

describe("the plugin folder", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PLUGIN_DIR, "package.json"), "utf8"));
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

    it("is a nodejs plugin named and versioned as the package, whose main is the plugin executable", () => {
        assert.deepEqual(parse(fs.readFileSync(path.join(PLUGIN_DIR, "PulumiPlugin.yaml"), "utf8")), {
            runtime: { name: "nodejs", options: { typescript: false } },
        });
        assert.equal(manifest.name, root.name);
        assert.equal(manifest.version, root.version);
        assert.equal(
            path.resolve(PLUGIN_DIR, manifest.main),
            path.resolve(ROOT, root.bin["pulumi-resource-pulumi-rio"]),
        );
        assert.equal(root.bin["pulumi-resource-pulumi-rio"], "dist/components/portable/main.js");
    });

    it("gives the analyzer an index.ts and a tsconfig.json covering only what it exports", () => {
        assert.equal(fs.readFileSync(path.join(PLUGIN_DIR, "index.ts"), "utf8").includes('export * from "..";'), true);
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(PLUGIN_DIR, "tsconfig.json"), "utf8")), {
            extends: "../../../tsconfig.json",
            include: ["index.ts"],
        });
    });
});

describe("the schema cache", () => {
    const roots = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-schema-src-"));
        fs.writeFileSync(path.join(dir, "a.ts"), "export const a = 1;\n");
        return dir;
    };

    it("analyzes once per content of the sources, and again when one changes", () => {
        const src = roots();
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "rio-schema-cache-"));
        let runs = 0;
        const analyze = () => ({ name: "pulumi-rio", resources: {}, types: {}, run: ++runs }) as any;
        assert.equal((cachedSchema("unused", [src], cache, analyze) as any).run, 1);
        assert.equal((cachedSchema("unused", [src], cache, analyze) as any).run, 1);
        assert.deepEqual(fs.readdirSync(cache), [`pulumi-rio-schema-${sourceHash([src])}.json`]);
        fs.writeFileSync(path.join(src, "a.ts"), "export const a = 2;\n");
        assert.equal((cachedSchema("unused", [src], cache, analyze) as any).run, 2);
        assert.equal(fs.readdirSync(cache).length, 2);
    });

    it("serves the schema when the cache cannot be written", () => {
        const analyze = () => ({ name: "pulumi-rio", resources: {}, types: {} }) as any;
        assert.deepEqual(cachedSchema("unused", [roots()], "/nonexistent/rio-cache", analyze), analyze());
    });
});

describe("the plugin executable (pulumi-resource-pulumi-rio)", () => {
    let child: ChildProcess | undefined;
    after(() => child?.kill());

    it("serves the schema over the provider protocol, as the CLI's get-schema asks for it", async () => {
        const bin = path.join(ROOT, "dist/components/portable/main.js");
        assert.equal(fs.statSync(bin).mode & 0o111, 0o111);
        // Its cache already holds this schema (analyzed above), so the plugin answers at once, from the cache.
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "rio-plugin-cache-"));
        fs.writeFileSync(
            path.join(cache, `pulumi-rio-schema-${sourceHash(SCHEMA_SOURCES)}.json`),
            JSON.stringify(schema),
        );
        child = spawn(bin, [], { env: { ...process.env, TMPDIR: cache }, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        // The plugin's first line on stdout is its port, as the engine reads it.
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            child!.stdout!.on("data", (d) => {
                out += d;
                if (out.includes("\n")) resolve(out.split("\n")[0]!);
            });
            child!.on("exit", (code) => reject(new Error(`the plugin exited (${code}) before its port: ${stderr}`)));
        });
        assert.match(port, /^\d+$/);
        const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
        const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
        const { GetSchemaRequest } = require("@pulumi/pulumi/proto/provider_pb");
        const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const served = await new Promise<string>((resolve, reject) =>
            client.getSchema(new GetSchemaRequest(), (err: Error | null, res: any) =>
                err ? reject(err) : resolve(res.getSchema()),
            ),
        );
        client.close();
        assert.deepEqual(JSON.parse(served), schema);
    });
});
