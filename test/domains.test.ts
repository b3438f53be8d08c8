/** Custom domains (Rio's `rio domain register`): listeners, certificates and records in RioSystem, routes that attach to them. */
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { resolveContext } from "../components/service/context";
import { normalizeApp } from "../components/service/app";
import { planApp } from "../components/service/plan";
import { planSystem } from "../components/system/plan";
import { resolveSettings } from "../components/system/settings";
import { byType, installMocks, kubeObjects, reset, settle } from "./support/mocks";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";

const settings = resolveSettings({
    domain: "apps.example.com",
    email: "ops@example.com",
    cloudflare: { hasZone: true, hasToken: true, zone: "example.com" },
    domains: ["www.acme.io", "shop.example.com", "blog.apps.example.com"],
});

describe("custom domains in RioSystem", () => {
    it("keeps only the names the wildcard does not cover", () => {
        assert.deepEqual(settings.domains, ["www.acme.io", "shop.example.com"]);
    });

    it("gives each its HTTP and HTTPS listeners, a certificate (DNS-01 in the zone, HTTP-01 outside), and the redirect", () => {
        const plan = planSystem(settings);
        const get = (kind: string, name: string) =>
            plan.objects.find((o) => o.object.kind === kind && o.object.metadata.name === name)!.object as any;
        const listeners = get("Gateway", "rio-gateway").spec.listeners.map((l: any) => [
            l.name,
            l.hostname,
            l.tls?.certificateRefs[0].name,
        ]);
        assert.deepEqual(listeners, [
            ["http", "*.apps.example.com", undefined],
            ["https", "*.apps.example.com", "rio-wildcard-tls"],
            ["http-www.acme.io", "www.acme.io", undefined],
            ["https-www.acme.io", "www.acme.io", "rio-domain-www-acme-io-tls"],
            ["http-shop.example.com", "shop.example.com", undefined],
            ["https-shop.example.com", "shop.example.com", "rio-domain-shop-example-com-tls"],
        ]);
        assert.deepEqual(get("Certificate", "rio-domain-www-acme-io").spec.issuerRef.name, "rio-letsencrypt-http01");
        assert.deepEqual(get("Certificate", "rio-domain-shop-example-com").spec.issuerRef.name, "rio-letsencrypt");
        assert.deepEqual(get("ClusterIssuer", "rio-letsencrypt-http01").spec.acme.solvers, [
            {
                http01: {
                    gatewayHTTPRoute: {
                        parentRefs: [
                            {
                                group: "gateway.networking.k8s.io",
                                kind: "Gateway",
                                name: "rio-gateway",
                                namespace: "rio-system",
                            },
                        ],
                    },
                },
            },
        ]);
        assert.deepEqual(get("ClusterIssuer", "rio-letsencrypt").spec.acme.solvers[0].selector, {
            dnsZones: ["example.com"],
        });
        assert.deepEqual(
            get("HTTPRoute", "rio-https-redirect").spec.parentRefs.map((p: any) => p.sectionName),
            ["http", "http-www.acme.io", "http-shop.example.com"],
        );
        for (const o of plan.objects) validateObject(o.object);
        assert.deepEqual(plan.gateway.customDomains, ["www.acme.io", "shop.example.com"]);
    });

    it("without ACME (the local stack) the local CA signs them", () => {
        const local = planSystem(resolveSettings({ domain: "127.0.0.1.sslip.io", domains: ["dev.test"] }));
        const cert = local.objects.find(
            (o) => o.object.kind === "Certificate" && o.object.metadata.name === "rio-domain-dev-test",
        )!.object as any;
        assert.equal(cert.spec.issuerRef.name, "rio-ca");
    });

    it("refuses a wildcard", () => {
        expectRio(
            () => resolveSettings({ domains: ["*.acme.io"] }),
            ["domains", 0],
            "register the names themselves; a wildcard needs DNS-01 in a managed zone",
        );
    });
});

describe("routes on custom domains", () => {
    const ctx = resolveContext("shop", {
        domain: "apps.example.com",
        listener: "https",
        customDomains: ["www.acme.io"],
    });
    it("attach to the domain's own HTTPS listener too", () => {
        const plan = planApp(
            normalizeApp("web", { image: "web", ports: "80", hostnames: ["www.acme.io", "web.apps.example.com"] }),
            ctx,
        );
        const route = plan.objects.find((o) => o.object.kind === "HTTPRoute")!.object as any;
        assert.deepEqual(
            route.spec.parentRefs.map((p: any) => p.sectionName),
            ["https", "https-www.acme.io"],
        );
        assert.deepEqual(route.spec.hostnames, ["web-shop.apps.example.com", "www.acme.io", "web.apps.example.com"]);
    });
    it("refuse a hostname the gateway has no listener for, naming the fix", () => {
        expectRio(
            () => planApp(normalizeApp("web", { image: "web", ports: "80", hostnames: ["www.other.io"] }), ctx),
            ["hostnames"],
            "\"www.other.io\" is neither under *.apps.example.com nor one of RioSystem's domains (www.acme.io); add it to RioSystem's domains",
        );
    });
});

describe("RioSystem under the mock engine", () => {
    let rio: typeof import("../components");
    before(async () => {
        await installMocks("domains", false, (type) =>
            type === "kubernetes:gateway.networking.k8s.io/v1:Gateway"
                ? { status: { addresses: [{ value: "203.0.113.9" }] } }
                : undefined,
        );
        rio = await import("../components");
    });
    beforeEach(reset);

    it("creates a Cloudflare record for a custom domain in the zone, none for one outside it", async () => {
        const sys = new rio.RioSystem("d", {
            domain: "apps.example.com",
            email: "ops@example.com",
            cloudflare: { zoneId: "z", apiToken: pulumi.secret("t"), zone: "example.com" },
            domains: ["www.acme.io", "shop.example.com"],
        });
        await settle(sys);
        assert.deepEqual(
            byType("cloudflare:index/dnsRecord:DnsRecord")
                .map((r) => r.inputs.name)
                .sort(),
            ["*.apps.example.com", "apps.example.com", "shop.example.com"],
        );
        assert.ok(kubeObjects().some((o) => o.kind === "Certificate" && o.metadata.name === "rio-domain-www-acme-io"));
    });
});
