/**
 * `rio external create [ns:]NAME TARGET…` → the Riofile's `externalservices.<NAME>`, and what the planner makes of
 * each form (an ExternalName Service, or a selector-less Service with EndpointSlices); then the errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { planObjects, planRiofile } from "../../components/render/plan";
import { checkContent } from "../../components/cli/riofileEdit";
import { asExternalError, externalName, externalSpec, putExternal } from "../../components/cli/externalArgs";
import { rioMessage } from "../support/rioError";

const CASES: { name: string; targets: string[]; spec: Record<string, unknown>; service: Record<string, unknown> }[] = [
    {
        name: "IP addresses: a headless Service (its EndpointSlices carry them)",
        targets: ["10.0.0.5", "10.0.0.6", "fd00::5"],
        spec: { ipAddresses: ["10.0.0.5", "10.0.0.6", "fd00::5"] },
        service: { clusterIP: "None" },
    },
    {
        name: "a DNS name: ExternalName",
        targets: ["db.example.com"],
        spec: { fqdn: "db.example.com" },
        service: { type: "ExternalName", externalName: "db.example.com" },
    },
    {
        name: "another namespace's app",
        targets: ["data:postgres"],
        spec: { targetApp: "postgres", targetServiceNamespace: "data" },
        service: { type: "ExternalName", externalName: "postgres.data.svc.cluster.local" },
    },
    {
        name: "another namespace's version of an app",
        targets: ["data:postgres@v2"],
        spec: { targetApp: "postgres", targetVersion: "v2", targetServiceNamespace: "data" },
        service: { type: "ExternalName", externalName: "postgres-v2.data.svc.cluster.local" },
    },
    {
        name: "another namespace's router: its host on the gateway",
        targets: ["shop:router/front"],
        spec: { targetRouter: "front", targetServiceNamespace: "shop" },
        service: { type: "ExternalName", externalName: "front-shop.example.com" },
    },
    {
        name: "an app of this namespace, by its name alone",
        targets: ["web"],
        spec: { targetApp: "web" },
        service: { type: "ExternalName", externalName: "web.default.svc.cluster.local" },
    },
];

describe("rio external create: targets as an external service", () => {
    for (const c of CASES)
        it(c.name, () => {
            const spec = externalSpec(c.targets);
            assert.deepEqual(spec, c.spec);
            const { content, updated } = putExternal({}, "db", spec);
            assert.equal(updated, false);
            assert.deepEqual(content, { externalservices: { db: c.spec } });
            const plan = planRiofile(checkContent(content, "default"), {
                namespace: "default",
                gateway: { domain: "example.com" },
            });
            const service = planObjects(plan).find((p) => p.object.kind === "Service")!.object as unknown as {
                spec: unknown;
                metadata: { name: string };
            };
            assert.equal(service.metadata.name, "db");
            assert.deepEqual(service.spec, c.service);
        });

    it("the addresses' EndpointSlices, one per IP family", () => {
        const plan = planRiofile(
            checkContent({ externalservices: { db: externalSpec(["10.0.0.5", "fd00::5"]) } }, "default"),
            {
                namespace: "default",
                gateway: { domain: "example.com" },
            },
        );
        const slices = planObjects(plan)
            .filter((p) => p.object.kind === "EndpointSlice")
            .map((p) => [p.object.metadata.name, (p.object as any).addressType, (p.object as any).endpoints]);
        assert.deepEqual(slices, [
            ["db-ipv4", "IPv4", [{ addresses: ["10.0.0.5"], conditions: { ready: true } }]],
            ["db-ipv6", "IPv6", [{ addresses: ["fd00::5"], conditions: { ready: true } }]],
        ]);
    });

    it("the same name again replaces the entry", () => {
        const first = putExternal({}, "db", { fqdn: "a.example.com" }).content;
        const again = putExternal(first, "db", { ipAddresses: ["10.0.0.1"] });
        assert.deepEqual(again, {
            content: { externalservices: { db: { ipAddresses: ["10.0.0.1"] } } },
            updated: true,
        });
    });

    it("NAME may name its namespace, as Rio's [ns:]NAME", () => {
        assert.deepEqual(externalName("team:db"), { namespace: "team", app: "db" });
        assert.deepEqual(externalName("db"), { app: "db" });
    });
});

const message = rioMessage;

describe("rio external create: errors name the argument", () => {
    const cases: [string, () => unknown, string][] = [
        [
            "no target",
            () => externalSpec([]),
            "external create: expected NAME TARGET… (IP addresses, a DNS name, [ns:]app[@version] or [ns:]router/NAME)",
        ],
        [
            "an address and a name",
            () => externalSpec(["10.0.0.1", "db.example.com"]),
            'TARGET "db.example.com": several targets are IP addresses only; a DNS name, an app or a router is one target',
        ],
        [
            "a router with a version",
            () => externalSpec(["router/front@v1"]),
            'TARGET "router/front@v1": a router has no versions',
        ],
        ["a versioned NAME", () => externalName("db@v1"), 'NAME "db@v1": an external service has no versions'],
        [
            "a DNS name the loader refuses, told as the target",
            () => {
                const spec = externalSpec(["bad_host.example.com"]);
                try {
                    checkContent({ externalservices: { db: spec } }, "default");
                } catch (e) {
                    throw e instanceof RioInputError ? asExternalError(e, "db", ["bad_host.example.com"]) : e;
                }
            },
            'TARGET "bad_host.example.com": fqdn "bad_host.example.com" is not a valid hostname (for example "app.example.com")',
        ],
    ];
    for (const [name, fn, expected] of cases) it(name, () => assert.equal(message(fn), expected));
});
