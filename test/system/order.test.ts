/**
 * What each system release and object waits for (the mock engine does not show dependsOn, so the order is a
 * plan RioSystem applies as is): exact values per release, and over every feature set, that whatever is waited
 * for is planned, a release before the releases that need it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BUDGETS } from "../../components/system/budget";
import { Need } from "../../components/system/charts";
import { FEATURES } from "../../components/system/features";
import { planSystem } from "../../components/system/plan";
import { resolveSettings } from "../../components/system/settings";

const all = Object.fromEntries(FEATURES.filter((f) => f !== "continuousDeployment").map((f) => [f, true]));

function plan(gatewayImplementation: "traefik" | "envoy", domains: string[] = []) {
    return planSystem(
        resolveSettings({
            domain: "apps.example.com",
            email: "ops@example.com",
            cloudflare: { hasZone: true, hasToken: true },
            gatewayImplementation,
            features: { ...all, continuousDeployment: true },
            continuousDeployment: { repo: "https://github.com/example/infra", stack: "acme/rio/prod" },
            domains,
        }),
    );
}

const afterByRelease = (p: ReturnType<typeof plan>) => p.releases.map((r) => [r.key, r.after]);

describe("system ordering", () => {
    it("Traefik: the gateway after the Gateway API bundle, cert-manager after its bundle, the HTTP add-on after KEDA, Headlamp after the Gateway API kinds", () => {
        assert.deepEqual(afterByRelease(plan("traefik")), [
            ["traefik", [{ crds: "gatewayApi" }]],
            ["certManager", [{ crds: "certManager" }]],
            ["metricsServer", []],
            ["keda", []],
            ["kedaHttp", [{ release: "keda" }]],
            ["flagger", [{ crds: "gatewayApi" }]],
            ["headlamp", [{ crds: "gatewayApi" }]],
            ["pulumiOperator", []],
        ]);
    });

    it("Envoy Gateway brings the Gateway API kinds in its chart: Headlamp waits for that release", () => {
        assert.deepEqual(afterByRelease(plan("envoy")), [
            ["envoyGateway", []],
            ["certManager", [{ crds: "certManager" }]],
            ["metricsServer", []],
            ["keda", []],
            ["kedaHttp", [{ release: "keda" }]],
            ["flagger", [{ release: "envoyGateway" }]],
            ["headlamp", [{ release: "envoyGateway" }]],
            ["pulumiOperator", []],
        ]);
    });

    it("a custom domain outside the zone (HTTP-01 through the Gateway): cert-manager's Gateway API support on, and cert-manager after the Gateway API kinds", () => {
        const config = {
            apiVersion: "controller.config.cert-manager.io/v1alpha1",
            kind: "ControllerConfiguration",
            gatewayAPI: { enabled: true },
        };
        for (const [gateway, kinds] of [
            ["traefik", { crds: "gatewayApi" }],
            ["envoy", { release: "envoyGateway" }],
        ] as const) {
            const cm = plan(gateway, ["www.other.org"]).releases.find((r) => r.key === "certManager")!;
            assert.deepEqual(cm.after, [{ crds: "certManager" }, kinds]);
            assert.deepEqual(cm.values.config, config);
        }
        // In the zone (DNS-01) or with no custom domain, nothing uses it: off, as the chart has it.
        assert.equal(plan("traefik", ["shop.apps.example.com"]).releases[1]!.values.config, undefined);
        assert.equal(plan("traefik").releases[1]!.values.config, undefined);
        // Without a zone the local CA signs custom domains: no ACME, no HTTP-01.
        const local = planSystem(resolveSettings({ domain: "apps.example.com", domains: ["www.other.org"] }));
        assert.equal(local.releases.find((r) => r.key === "certManager")!.values.config, undefined);
    });

    it("cert-manager's release is ready only once its API answers (startupapicheck), and every issuer waits for it", () => {
        const p = plan("traefik", ["www.other.org"]);
        const cm = p.releases.find((r) => r.key === "certManager")!;
        assert.deepEqual(cm.values.startupapicheck, { enabled: true, resources: BUDGETS.certManagerStartupapicheck });
        assert.deepEqual(cm.values.crds, { enabled: false });
        // skipCrds does nothing for this chart (its CRDs are templates, switched off by crds.enabled): not planned.
        for (const r of p.releases) assert.equal("skipCrds" in r, false, r.key);
        assert.deepEqual(
            p.objects
                .filter((o) => o.object.apiVersion === "cert-manager.io/v1")
                .map((o) => [o.object.kind, o.object.metadata.name, o.after]),
            [
                ["ClusterIssuer", "rio-letsencrypt", { release: "certManager" }],
                ["ClusterIssuer", "rio-letsencrypt-staging", { release: "certManager" }],
                ["ClusterIssuer", "rio-letsencrypt-http01", { release: "certManager" }],
                ["Certificate", "rio-domain-www-other-org", { release: "certManager" }],
            ],
        );
    });

    it("whatever a release or object waits for is planned, and a release before the releases that need it (every feature set)", () => {
        const sets = [all, ...FEATURES.filter((f) => f !== "continuousDeployment").map((f) => ({ [f]: true }))];
        for (const features of sets)
            for (const gatewayImplementation of ["traefik", "envoy"] as const)
                for (const domains of [[], ["www.other.org"]]) {
                    const p = planSystem(
                        resolveSettings({
                            domain: "apps.example.com",
                            email: "ops@example.com",
                            cloudflare: { hasZone: true, hasToken: true },
                            gatewayImplementation,
                            features: { ...features, ...(features.build && { registry: true }) },
                            domains: features.gateway === false ? [] : domains,
                        }),
                    );
                    const where = `${JSON.stringify(features)} ${gatewayImplementation} ${domains}`;
                    const planned = (n: Need, before: number) =>
                        "crds" in n
                            ? p.crds.some((c) => c.key === n.crds)
                            : p.releases.slice(0, before).some((r) => r.key === n.release);
                    p.releases.forEach((r, i) => {
                        for (const n of r.after)
                            assert.ok(planned(n, i), `${where}: ${r.key} waits for ${JSON.stringify(n)}`);
                    });
                    for (const o of p.objects)
                        if (o.after !== undefined)
                            assert.ok(
                                planned(o.after, p.releases.length),
                                `${where}: ${o.object.kind} waits for ${JSON.stringify(o.after)}`,
                            );
                }
    });
});
