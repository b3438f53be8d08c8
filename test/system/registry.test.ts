/**
 * The registry reachable from outside for local-folder builds: `registry.<domain>` through the gateway, basic auth
 * enforced by the gateway (Traefik Middleware / Envoy Gateway SecurityPolicy), the htpasswd Secret, the DNS-only
 * record, and credentials that stay Pulumi secrets — planned, rendered, and registered under the mock engine.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parseAllDocuments } from "yaml";
import { renderSystem } from "../../components/render/system";
import { planSystem } from "../../components/system/plan";
import { htpasswdLine, HTPASSWD_PLACEHOLDER } from "../../components/system/registryRoute";
import { resolveSettings, SettingsInput } from "../../components/system/settings";
import { byType, installMocks, kubeObjects, one, registered, reset, settle, value } from "../support/mocks";
import { expectRio } from "../support/rioError";
import { validateObject } from "../support/schema";

const ADDRESS = "203.0.113.10";
const GENERATED = "generated-registry-password";
const direct = {
    domain: "apps.example.com",
    email: "ops@example.com",
    cloudflare: { hasZone: true, hasToken: true, proxied: false },
};

/** Envoy Gateway's own test vector: `htpasswd -nbs user1 password`. */
const ENVOY_VECTOR = "user1:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=";

function find(objects: any[], kind: string, name: string) {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    assert.equal(found.length, 1, `${kind}/${name}`);
    return found[0];
}

const labels = {
    "app.kubernetes.io/name": "registry",
    "app.kubernetes.io/part-of": "rio-system",
    "app.kubernetes.io/managed-by": "pulumi-rio",
};
const parentRefs = [
    {
        group: "gateway.networking.k8s.io",
        kind: "Gateway",
        name: "rio-gateway",
        namespace: "rio-system",
        sectionName: "https",
    },
];

describe("registry exposure: the plan", () => {
    it("htpasswd lines are {SHA}: base64 of the password's SHA-1, the one format Envoy Gateway accepts", () => {
        assert.equal(htpasswdLine("user1", "password"), ENVOY_VECTOR);
        const line = htpasswdLine("rio", "s3cret pass:word");
        assert.equal(line, `rio:{SHA}${createHash("sha1").update("s3cret pass:word").digest("base64")}`);
    });

    it("Traefik: an HTTPRoute for registry.<domain> on the HTTPS listener, and a basicAuth Middleware it references", () => {
        const plan = planSystem(resolveSettings(direct));
        const objects = plan.objects.map((o) => o.object as any);
        const route = find(objects, "HTTPRoute", "rio-registry");
        assert.deepEqual(route.metadata, { name: "rio-registry", namespace: "rio-system", labels });
        assert.deepEqual(route.spec, {
            parentRefs,
            hostnames: ["registry.apps.example.com"],
            rules: [
                {
                    matches: [{ path: { type: "PathPrefix", value: "/v2" } }],
                    filters: [
                        {
                            type: "ExtensionRef",
                            extensionRef: { group: "traefik.io", kind: "Middleware", name: "rio-registry-basic-auth" },
                        },
                    ],
                    backendRefs: [{ group: "", kind: "Service", name: "rio-registry", port: 5000 }],
                },
            ],
        });
        const middleware = find(objects, "Middleware", "rio-registry-basic-auth");
        assert.deepEqual(middleware, {
            apiVersion: "traefik.io/v1alpha1",
            kind: "Middleware",
            metadata: { name: "rio-registry-basic-auth", namespace: "rio-system", labels },
            spec: { basicAuth: { secret: "rio-registry-htpasswd", removeHeader: true } },
        });
        // The route needs the Gateway API kinds; the Middleware kind comes with Traefik's chart.
        assert.deepEqual(
            plan.objects
                .filter((o) => o.object.metadata.name.startsWith("rio-registry-b") || o.object.kind === "HTTPRoute")
                .map((o) => [o.object.kind, o.object.metadata.name, o.after]),
            [
                ["HTTPRoute", "rio-https-redirect", { crds: "gatewayApi" }],
                ["HTTPRoute", "rio-registry", { crds: "gatewayApi" }],
                ["Middleware", "rio-registry-basic-auth", { release: "traefik" }],
            ],
        );
        assert.deepEqual(plan.registry, {
            push: "rio-registry.rio-system.svc.cluster.local:5000",
            pull: "localhost:30500",
            external: { host: "registry.apps.example.com", username: "rio" },
        });
        assert.deepEqual(plan.registryAuthSecret!("rio:{SHA}x"), {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "rio-registry-htpasswd", namespace: "rio-system", labels },
            type: "Opaque",
            stringData: { users: "rio:{SHA}x" },
        });
        for (const o of [route, middleware, plan.registryAuthSecret!("rio:{SHA}x")]) validateObject(o);
        // In-cluster pulls are untouched: the registry's NodePort Service is the same.
        assert.deepEqual(find(objects, "Service", "rio-registry").spec.type, "NodePort");
    });

    it("Envoy Gateway: a SecurityPolicy on the route, the .htpasswd key, and no request timeout for long layer uploads", () => {
        const plan = planSystem(resolveSettings({ ...direct, gatewayImplementation: "envoy" }));
        const objects = plan.objects.map((o) => o.object as any);
        const route = find(objects, "HTTPRoute", "rio-registry");
        assert.deepEqual(route.spec.rules, [
            {
                matches: [{ path: { type: "PathPrefix", value: "/v2" } }],
                backendRefs: [{ group: "", kind: "Service", name: "rio-registry", port: 5000 }],
                timeouts: { request: "0s" },
            },
        ]);
        assert.deepEqual(route.spec.parentRefs, parentRefs);
        const policy = find(objects, "SecurityPolicy", "rio-registry-basic-auth");
        assert.deepEqual(policy, {
            apiVersion: "gateway.envoyproxy.io/v1alpha1",
            kind: "SecurityPolicy",
            metadata: { name: "rio-registry-basic-auth", namespace: "rio-system", labels },
            spec: {
                targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "rio-registry" }],
                basicAuth: { users: { group: "", kind: "Secret", name: "rio-registry-htpasswd" } },
            },
        });
        assert.deepEqual(plan.objects.find((o) => o.object.kind === "SecurityPolicy")!.after, {
            release: "envoyGateway",
        });
        assert.deepEqual(
            plan.objects.find((o) => o.object.metadata.name === "rio-registry" && o.object.kind === "HTTPRoute")!.after,
            { release: "envoyGateway" },
        );
        assert.deepEqual(plan.registryAuthSecret!(ENVOY_VECTOR).stringData, { ".htpasswd": ENVOY_VECTOR });
        assert.equal(
            objects.some((o) => o.kind === "Middleware"),
            false,
        );
        for (const o of [route, policy]) validateObject(o);
    });

    it("is on by default only with trusted certificates and records Cloudflare does not proxy", () => {
        const exposed = (input: SettingsInput) => resolveSettings(input).registryExposed === true;
        assert.equal(exposed(direct), true);
        assert.equal(
            exposed({ ...direct, cloudflare: { hasZone: true, hasToken: true } }),
            false,
            "proxied by default: hides the address, caps bodies",
        );
        assert.equal(exposed({ domain: "apps.example.com" }), false, "the local CA: clients do not trust it");
        assert.equal(exposed({}), false);
        assert.equal(exposed({ ...direct, features: { registry: false } }), false);
        assert.equal(exposed({ ...direct, features: { tls: false } }), false);
        assert.equal(exposed({ ...direct, registryExposed: false }), false);
        // Asked for by name: the local CA, or a proxied zone off Civo (a DNS-only record then).
        assert.equal(exposed({ domain: "127.0.0.1.sslip.io", registryExposed: true }), true);
        assert.equal(
            exposed({ ...direct, cloudflare: { hasZone: true, hasToken: true }, registryExposed: true }),
            true,
        );
        // Off: no route, no policy, no external address.
        const plan = planSystem(resolveSettings({ ...direct, registryExposed: false }));
        assert.equal(
            plan.objects.some(
                (o) =>
                    ["rio-registry-basic-auth"].includes(o.object.metadata.name) ||
                    (o.object.kind === "HTTPRoute" && o.object.metadata.name === "rio-registry"),
            ),
            false,
        );
        assert.deepEqual(plan.registry, {
            push: "rio-registry.rio-system.svc.cluster.local:5000",
            pull: "localhost:30500",
        });
        assert.equal(plan.registryAuthSecret, undefined);
    });

    const bad: [string, SettingsInput, string][] = [
        [
            "over plain HTTP",
            { domain: "apps.example.com", features: { tls: false }, registryExposed: true },
            "needs the tls feature: the registry is never served over plain HTTP",
        ],
        ["without a domain", { registryExposed: true }, "needs domain: the registry is served at registry.<domain>"],
        [
            "without the registry",
            { domain: "apps.example.com", features: { registry: false }, registryExposed: true },
            "needs the registry feature; turn registry on or registryExposed off",
        ],
        [
            "behind Civo's Cloudflare-only firewall",
            { ...direct, civo: {}, cloudflare: { hasZone: true, hasToken: true }, registryExposed: true },
            "the gateway's Civo firewall admits only Cloudflare, which caps request bodies at 100 MB: set cloudflare.proxied to false, or push local builds to a pushRegistry",
        ],
    ];
    for (const [what, input, detail] of bad) {
        it(`refuses registryExposed ${what}`, () => {
            expectRio(() => resolveSettings(input), ["registryExposed"], detail);
        });
    }

    it("rio render --system prints the route, the Middleware and the Secret, with a placeholder for the credential", () => {
        const text = renderSystem(planSystem(resolveSettings(direct)), "apps.example.com");
        const docs = parseAllDocuments(text)
            .map((d) => d.toJS())
            .filter((o) => o !== null);
        for (const o of docs) validateObject(o);
        const secret = docs.filter((o) => o.kind === "Secret");
        assert.deepEqual(secret, [
            {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "rio-registry-htpasswd", namespace: "rio-system", labels },
                type: "Opaque",
                stringData: { users: HTPASSWD_PLACEHOLDER },
            },
        ]);
        assert.equal(HTPASSWD_PLACEHOLDER, "rio:{SHA}<set by RioSystem: htpasswd -nbs rio <registry password>>");
        assert.deepEqual(
            docs
                .filter((o) => o.metadata?.name?.startsWith("rio-registry") && o.kind !== "Secret")
                .map((o) => o.kind)
                .sort(),
            ["Deployment", "HTTPRoute", "Middleware", "PersistentVolumeClaim", "Service"],
        );
    });
});

describe("registry exposure under the mock engine", () => {
    let rio: typeof import("../../components");
    before(async () => {
        await installMocks("registry", false, (type) =>
            type === "kubernetes:gateway.networking.k8s.io/v1:Gateway"
                ? { status: { addresses: [{ type: "IPAddress", value: ADDRESS }] } }
                : type === "random:index/randomPassword:RandomPassword"
                  ? { result: GENERATED }
                  : undefined,
        );
        rio = await import("../../components");
    });
    beforeEach(reset);

    const cloudflare = (proxied: boolean) => ({ zoneId: "zone-1", apiToken: pulumi.secret("cf-token"), proxied });
    const isSecret = (o: pulumi.Output<unknown>) => new Promise<boolean>((r) => (o as any).isSecret.then(r));

    it("a given password: the htpasswd Secret holds its {SHA} line as a secret, and only registryCredentials carries it", async () => {
        const sys = new rio.RioSystem("reg", {
            domain: "apps.example.com",
            email: "ops@example.com",
            cloudflare: cloudflare(false),
            registryPassword: pulumi.secret("s3cret"),
        });
        await settle(sys);
        const secret = one("kubernetes:core/v1:Secret", "reg-registry-htpasswd");
        assert.deepEqual(secret.secretInputs, ["stringData"]);
        assert.deepEqual(secret.inputs, {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "rio-registry-htpasswd", namespace: "rio-system", labels },
            type: "Opaque",
            stringData: { users: `rio:{SHA}${createHash("sha1").update("s3cret").digest("base64")}` },
        });
        assert.equal(byType("random:index/randomPassword:RandomPassword").length, 0);

        const ref = await value(sys.ref);
        assert.deepEqual(ref.registry, {
            push: "rio-registry.rio-system.svc.cluster.local:5000",
            pull: "localhost:30500",
            external: { host: "registry.apps.example.com", username: "rio" },
        });
        assert.equal(JSON.stringify(ref).includes("s3cret"), false);
        assert.equal(await isSecret(sys.ref), false, "ref stays readable: URLs derived from it are not secrets");
        assert.deepEqual(await value(sys.registryCredentials), {
            address: "registry.apps.example.com",
            username: "rio",
            password: "s3cret",
        });
        assert.equal(await isSecret(sys.registryCredentials), true);

        const route = kubeObjects().find((o) => o.kind === "HTTPRoute" && o.metadata.name === "rio-registry")!;
        assert.deepEqual(route.spec.hostnames, ["registry.apps.example.com"]);
        assert.deepEqual(kubeObjects().find((o) => o.kind === "Middleware")!.spec, {
            basicAuth: { secret: "rio-registry-htpasswd", removeHeader: true },
        });
        // Unproxied records: the wildcard already reaches the gateway directly, no extra record.
        assert.deepEqual(
            byType("cloudflare:index/dnsRecord:DnsRecord")
                .map((r) => r.inputs.name)
                .sort(),
            ["*.apps.example.com", "apps.example.com"],
        );
        for (const o of kubeObjects()) if (o.kind !== "EnvoyProxy") validateObject(o);
    });

    it("no password given: a generated one (random.RandomPassword, stable across runs), hashed into the Secret", async () => {
        const sys = new rio.RioSystem("gen", {
            domain: "apps.example.com",
            email: "ops@example.com",
            cloudflare: cloudflare(false),
        });
        await settle(sys);
        assert.deepEqual(one("random:index/randomPassword:RandomPassword", "gen-registry-password").inputs, {
            length: 32,
            special: false,
        });
        const secret = one("kubernetes:core/v1:Secret", "gen-registry-htpasswd");
        assert.deepEqual(secret.secretInputs, ["stringData"]);
        assert.deepEqual(secret.inputs.stringData, { users: htpasswdLine("rio", GENERATED) });
        assert.deepEqual(await value(sys.registryCredentials), {
            address: "registry.apps.example.com",
            username: "rio",
            password: GENERATED,
        });
        assert.equal(await isSecret(sys.registryCredentials), true);
    });

    it("a proxied zone, asked for by name: a DNS-only registry record next to the proxied ones", async () => {
        const sys = new rio.RioSystem("px", {
            domain: "apps.example.com",
            email: "ops@example.com",
            cloudflare: cloudflare(true),
            registryExposed: true,
        });
        await settle(sys);
        const records = byType("cloudflare:index/dnsRecord:DnsRecord")
            .map((r) => r.inputs)
            .sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(
            records.map((r) => [r.name, r.proxied, r.ttl]),
            [
                ["*.apps.example.com", true, 1],
                ["apps.example.com", true, 1],
                ["registry.apps.example.com", false, 300],
            ],
        );
        assert.deepEqual(one("cloudflare:index/dnsRecord:DnsRecord", "px-dns-registry").inputs, {
            zoneId: "zone-1",
            name: "registry.apps.example.com",
            type: "A",
            content: ADDRESS,
            proxied: false,
            ttl: 300,
            comment: "pulumi-rio: the registry of RioSystem (DNS only: image pushes exceed Cloudflare's proxy limits)",
        });
    });

    it("Envoy Gateway: the SecurityPolicy and the .htpasswd key", async () => {
        const sys = new rio.RioSystem("env", {
            domain: "apps.example.com",
            email: "ops@example.com",
            cloudflare: cloudflare(false),
            gatewayImplementation: "envoy",
            registryPassword: "plain-but-kept-secret",
        });
        await settle(sys);
        const secret = one("kubernetes:core/v1:Secret", "env-registry-htpasswd");
        assert.deepEqual(secret.secretInputs, ["stringData"]);
        assert.deepEqual(secret.inputs.stringData, { ".htpasswd": htpasswdLine("rio", "plain-but-kept-secret") });
        const policy = one(
            "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy",
            "env-securitypolicy-rio-registry-basic-auth",
        ).inputs;
        assert.deepEqual(policy.spec.basicAuth, {
            users: { group: "", kind: "Secret", name: "rio-registry-htpasswd" },
        });
        assert.equal(await isSecret(sys.registryCredentials), true);
    });

    it("off: nothing exposed, no password, no credentials", async () => {
        const sys = new rio.RioSystem("off", {
            domain: "apps.example.com",
            email: "ops@example.com",
            cloudflare: cloudflare(false),
            registryExposed: false,
        });
        await settle(sys);
        assert.equal(byType("random:index/randomPassword:RandomPassword").length, 0);
        assert.equal(
            kubeObjects().some((o) => o.metadata.name.startsWith("rio-registry-")),
            false,
        );
        assert.equal(
            kubeObjects().some((o) => o.kind === "HTTPRoute" && o.metadata.name === "rio-registry"),
            false,
        );
        assert.equal(
            byType("kubernetes:core/v1:Secret").some((r) => r.name.endsWith("registry-htpasswd")),
            false,
        );
        assert.equal(await value(sys.registryCredentials), undefined);
        assert.deepEqual((await value(sys.ref)).registry, {
            push: "rio-registry.rio-system.svc.cluster.local:5000",
            pull: "localhost:30500",
        });
    });

    it("refuses registryExposed behind Civo's Cloudflare-only firewall before registering anything", () => {
        assert.throws(
            () =>
                new rio.RioSystem("civo", {
                    civo: {},
                    domain: "apps.example.com",
                    email: "ops@example.com",
                    cloudflare: cloudflare(true),
                    registryExposed: true,
                }),
            (e: unknown) =>
                e instanceof pulumi.ResourceError &&
                e.message ===
                    'RioSystem "civo": registryExposed: the gateway\'s Civo firewall admits only Cloudflare, which caps request bodies at 100 MB: set cloudflare.proxied to false, or push local builds to a pushRegistry',
        );
        assert.equal(registered.length, 0);
    });
});
