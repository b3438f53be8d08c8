/** Riofile `externalservices` and `kubernetes.manifest`. */
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { RioInputError } from "../components/errors";
import { normalizeExternalService, planExternalService } from "../components/external/externalService";
import { parseRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { resolveContext } from "../components/service/context";
import { applied, installMocks, reset } from "./support/mocks";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";
import { formatWarning, RioWarning } from "../components/riofile/warnings";

const ctx = resolveContext("shop", { domain: "apps.example.com" });

function plan(name: string, spec: unknown) {
    const objects = planExternalService(normalizeExternalService(name, spec, ctx), "shop");
    objects.forEach(validateObject);
    return objects as any[];
}

describe("external services", () => {
    it("addresses: a headless Service and an EndpointSlice per IP family", () => {
        const [svc, v4, v6] = plan("dns", { ipAddresses: ["1.1.1.1", "1.0.0.1", "2606:4700:4700::1111"] });
        assert.deepEqual(svc.spec, { clusterIP: "None" });
        assert.deepEqual(
            [v4.metadata.name, v4.addressType, v4.endpoints],
            [
                "dns-ipv4",
                "IPv4",
                [
                    { addresses: ["1.1.1.1"], conditions: { ready: true } },
                    { addresses: ["1.0.0.1"], conditions: { ready: true } },
                ],
            ],
        );
        assert.equal(v4.metadata.labels["kubernetes.io/service-name"], "dns");
        assert.deepEqual([v6.addressType, v6.endpoints[0].addresses], ["IPv6", ["2606:4700:4700::1111"]]);
    });

    it("a DNS name, another namespace's app version, a router: ExternalName Services", () => {
        assert.deepEqual(plan("ext", { fqdn: "www.example.com" })[0].spec, {
            type: "ExternalName",
            externalName: "www.example.com",
        });
        assert.deepEqual(
            plan("pay", { targetApp: "payments", targetVersion: "v2", targetServiceNamespace: "billing" })[0].spec,
            {
                type: "ExternalName",
                externalName: "payments-v2.billing.svc.cluster.local",
            },
        );
        assert.deepEqual(plan("front", { targetRouter: "gw" })[0].spec, {
            type: "ExternalName",
            externalName: "gw-shop.apps.example.com",
        });
    });

    it("the docs' service: <namespace>/<app>[@<version>] is targetServiceNamespace, targetApp, targetVersion", () => {
        assert.equal(
            plan("pay", { service: "billing/payments" })[0].spec.externalName,
            "payments.billing.svc.cluster.local",
        );
        assert.equal(
            plan("pay", { service: "billing/payments@v2" })[0].spec.externalName,
            "payments-v2.billing.svc.cluster.local",
        );
        assert.equal(plan("pay", { service: "payments" })[0].spec.externalName, "payments.shop.svc.cluster.local");
    });

    it("several targets: the first of fqdn, ipAddresses, targetApp/service, targetRouter, as Rio took them; the rest warned", () => {
        const warnings: RioWarning[] = [];
        const ext = normalizeExternalService(
            "foo",
            {
                ipAddresses: ["1.1.1.1"],
                fqdn: "www.foo.bar",
                service: "$namespace/$name",
                targetServiceNamespace: undefined,
            },
            ctx,
            warnings,
        );
        assert.deepEqual(ext.target, { kind: "name", name: "www.foo.bar" });
        assert.deepEqual(warnings, [
            { path: ["ipAddresses"], detail: "is ignored, as Rio ignored it: fqdn comes first and is the target" },
            { path: ["service"], detail: "is ignored, as Rio ignored it: fqdn comes first and is the target" },
        ]);
        const ips: RioWarning[] = [];
        assert.equal(
            normalizeExternalService("x", { ipAddresses: ["10.0.0.1"], targetApp: "a", targetVersion: "v1" }, ctx, ips)
                .target.kind,
            "ips",
        );
        assert.deepEqual(
            ips.map((w) => w.path),
            [["targetApp"], ["targetVersion"]],
        );
        const app: RioWarning[] = [];
        assert.deepEqual(
            normalizeExternalService("x", { targetApp: "a", targetRouter: "r", targetServiceNamespace: "n" }, ctx, app)
                .target,
            { kind: "name", name: "a.n.svc.cluster.local" },
        );
        assert.deepEqual(app, [
            {
                path: ["targetRouter"],
                detail: "is ignored, as Rio ignored it: targetApp comes first and is the target",
            },
        ]);
    });

    it("in a Riofile, the ignored targets are warnings located at their keys", () => {
        const r = parseRiofile(
            [
                "externalservices:",
                "  foo:",
                "    ipAddresses: [1.1.1.1]",
                "    fqdn: www.foo.bar",
                "    service: $namespace/$name",
            ].join("\n"),
            "Riofile",
        );
        assert.deepEqual(
            r.warnings?.map((w) => formatWarning(w)),
            [
                "Riofile:3:5 externalservices.foo.ipAddresses: is ignored, as Rio ignored it: fqdn comes first and is the target",
                "Riofile:5:5 externalservices.foo.service: is ignored, as Rio ignored it: fqdn comes first and is the target",
            ],
        );
        const objects = planObjects(planRiofile(r, { namespace: "shop" })).map((p) => p.object) as any[];
        assert.deepEqual(
            objects.map((o) => [o.kind, o.spec.type, o.spec.externalName]),
            [["Service", "ExternalName", "www.foo.bar"]],
        );
    });

    const bad: [string, unknown, (string | number)[], string, boolean?][] = [
        ["no target", {}, [], "give one of ipAddresses, fqdn, targetApp or targetRouter"],
        [
            "service together with the target keys it stands for",
            { service: "billing/payments", targetServiceNamespace: "billing" },
            ["targetServiceNamespace"],
            "service already names the target (<namespace>/<app>[@<version>]): give one of them",
            true,
        ],
        [
            "a service that is not <namespace>/<app>[@<version>]",
            { service: "billing/pay_ments" },
            ["service"],
            "app \"pay_ments\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        ],
        [
            "a service with two versions",
            { service: "a@b@c" },
            ["service"],
            '"a@b@c" is not <namespace>/<app>[@<version>]',
        ],
        ["a bad address", { ipAddresses: ["1.1.1"] }, ["ipAddresses", 0], '"1.1.1" is not an IP address'],
        [
            "a version without an app",
            { fqdn: "a.example.com", targetVersion: "v1" },
            ["targetVersion"],
            "needs targetApp",
            true,
        ],
        ["an unknown key", { fqdns: "x" }, ["fqdns"], 'unknown key; did you mean "fqdn"?', true],
    ];
    for (const [what, spec, p, detail, atKey] of bad) {
        it(`refuses ${what}`, () => {
            expectRio(() => normalizeExternalService("ext", spec, ctx), p, detail, atKey ?? false);
        });
    }
});

describe("kubernetes.manifest", () => {
    const riofile = (manifest: string[]) =>
        [
            "services:",
            "  web:",
            "    image: nginx",
            "kubernetes:",
            "  manifest: |-",
            ...manifest.map((l) => `    ${l}`),
        ].join("\n");

    it("applies raw objects as they are, in the namespace unless they name one or live outside namespaces", () => {
        const r = parseRiofile(
            riofile([
                "apiVersion: v1",
                "kind: ConfigMap",
                "metadata:",
                "  name: raw",
                "data: {a: b}",
                "---",
                "apiVersion: v1",
                "kind: Namespace",
                "metadata:",
                "  name: extra",
                "---",
                "apiVersion: v1",
                "kind: Secret",
                "metadata:",
                "  name: s",
                "  namespace: other",
            ]),
            "Riofile",
        );
        const objects = planObjects(planRiofile(r, { namespace: "apps" })).map((p) => p.object);
        assert.deepEqual(
            objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace]),
            [
                ["Deployment", "web", "apps"],
                ["ConfigMap", "raw", "apps"],
                ["Namespace", "extra", undefined],
                ["Secret", "s", "other"],
            ],
        );
        assert.deepEqual((objects[1] as any).data, { a: "b" });
    });

    const bad: [string, string[], string][] = [
        [
            "a document without a kind",
            ["apiVersion: v1", "metadata: {name: x}"],
            "Riofile:5:13 kubernetes.manifest[0].kind: is required",
        ],
        [
            "broken YAML",
            ["apiVersion: v1", "kind: [", "---"],
            "Riofile:5:13 kubernetes.manifest[0]: invalid YAML (line 3 of the manifest): Flow sequence in block collection must be sufficiently indented and end with a ]",
        ],
        [
            "an object declared twice",
            [
                "apiVersion: v1",
                "kind: ConfigMap",
                "metadata: {name: x}",
                "---",
                "apiVersion: v1",
                "kind: ConfigMap",
                "metadata: {name: x}",
            ],
            'Riofile:5:13 kubernetes.manifest[1]: ConfigMap "x" is declared twice',
        ],
        [
            "an object the services already plan",
            ["apiVersion: apps/v1", "kind: Deployment", "metadata: {name: web}", "spec: {}"],
            'Riofile:5:13 kubernetes.manifest[0]: Deployment "web" is also declared by services.web',
        ],
    ];
    for (const [what, lines, message] of bad) {
        it(`refuses ${what}`, () => {
            assert.throws(
                () => planRiofile(parseRiofile(riofile(lines), "Riofile"), {}),
                (e: unknown) => e instanceof RioInputError && e.message === message,
            );
        });
    }
});

describe("a Riofile deployed twice (Rio's before/after manifest test)", () => {
    let rio: typeof import("../components");
    before(async () => {
        await installMocks();
        rio = await import("../components");
    });
    beforeEach(reset);

    async function deploy(text: string): Promise<string[]> {
        reset();
        rio.deployRiofile(rio.parseRiofile(text, "Riofile"), {
            namespace: "default",
            gateway: { domain: "apps.example.com" },
        });
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
        return applied()
            .map((r) => `${r.type}::${r.name}`)
            .sort();
    }

    it("registers the manifest objects the second file still declares, and not the others (pulumi up deletes those)", async () => {
        const base = "services:\n  nginx:\n    image: nginx\n    ports: 80/http\n";
        const obj = (kind: string, name: string) =>
            `    ---\n    apiVersion: v1\n    kind: ${kind}\n    metadata:\n      name: ${name}\n`;
        const first = await deploy(
            `${base}kubernetes:\n  manifest: |-\n${obj("Service", "redis-master")}${obj("ConfigMap", "redis-conf")}`,
        );
        const second = await deploy(`${base}kubernetes:\n  manifest: |-\n${obj("ConfigMap", "redis-conf")}`);
        assert.ok(first.includes("kubernetes:core/v1:Service::manifest-service-default-redis-master"));
        assert.ok(!second.includes("kubernetes:core/v1:Service::manifest-service-default-redis-master"));
        assert.ok(second.includes("kubernetes:core/v1:ConfigMap::manifest-configmap-default-redis-conf"));
        assert.deepEqual(
            first.filter((r) => !second.includes(r)),
            ["kubernetes:core/v1:Service::manifest-service-default-redis-master"],
        );
    });
});
