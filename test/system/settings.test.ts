/** RioSystem's plain settings and feature switches: defaults, and a clear error naming the arg for bad input. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveSettings, SettingsInput } from "../../components/system/settings";
import { expectRio } from "../support/rioError";

const civo = {};
const cloudflare = { hasZone: true, hasToken: true };

describe("RioSystem settings", () => {
    it("defaults: Traefik, TLS, registry and metrics-server on; DNS only with a zone; build, autoscaling, dashboard off", () => {
        assert.deepEqual(resolveSettings({}), {
            acmeServer: "production",
            gateway: "traefik",
            features: {
                gateway: true,
                tls: true,
                dns: false,
                registry: true,
                metrics: true,
                build: false,
                autoscaling: false,
                rollout: false,
                dashboard: false,
                continuousDeployment: false,
            },
            domains: [],
            namespace: "rio-system",
        });
    });

    it("a Civo + Cloudflare stack: LON1, two g4s.kube.medium nodes, no marketplace apps, DNS on and proxied", () => {
        const s = resolveSettings({ domain: "Apps.Example.com", email: "ops@example.com", civo, cloudflare });
        assert.equal(s.domain, "apps.example.com");
        assert.deepEqual(s.civo, {
            region: "LON1",
            nodeSize: "g4s.kube.medium",
            nodeCount: 2,
            applications: "-traefik2-nodeport,-metrics-server",
        });
        assert.deepEqual(s.cloudflare, { proxied: true, zone: "apps.example.com" });
        assert.equal(s.features.dns, true);
    });

    it("switches features on and off by name, and skips metrics-server where the cluster has one", () => {
        const s = resolveSettings({
            features: { dashboard: true, registry: false, tls: false },
            clusterHasMetricsServer: true,
        });
        assert.deepEqual(s.features, {
            gateway: true,
            tls: false,
            dns: false,
            registry: false,
            metrics: false,
            build: false,
            autoscaling: false,
            rollout: false,
            dashboard: true,
            continuousDeployment: false,
        });
    });

    const bad: [string, SettingsInput, (string | number)[], string, boolean?][] = [
        [
            "an invalid domain",
            { domain: "not a domain" },
            ["domain"],
            'domain "not a domain" is not a valid hostname (for example "app.example.com")',
        ],
        [
            "a wildcard domain",
            { domain: "*.example.com" },
            ["domain"],
            'give the domain itself ("example.com"), not a wildcard',
        ],
        ["an email without @", { email: "ops.example.com" }, ["email"], '"ops.example.com" is not an email address'],
        [
            "an unknown feature",
            { features: { dashbord: true } },
            ["features", "dashbord"],
            'unknown key; did you mean "dashboard"?',
            true,
        ],
        [
            "a feature that is not a boolean",
            { features: { tls: "yes" } },
            ["features", "tls"],
            'must be true or false, not "yes"',
        ],
        [
            "DNS without a zone",
            { features: { dns: true } },
            ["features", "dns"],
            "needs a Cloudflare zone and API token (cloudflare.zoneId, cloudflare.apiToken)",
        ],
        [
            "TLS without the gateway",
            { features: { gateway: false } },
            ["features", "tls"],
            "needs the gateway feature (Gateway API CRDs, the gateway controller and the Gateway every route attaches to); turn gateway on or tls off",
        ],
        [
            "build without the registry",
            { features: { registry: false, build: true } },
            ["features", "build"],
            "needs the registry feature (an in-cluster distribution registry for built images); turn registry on or build off",
        ],
        [
            "Cloudflare without a zone",
            { cloudflare: { hasZone: false, hasToken: true }, domain: "example.com" },
            ["cloudflare", "zoneId"],
            "is required when cloudflare is set",
        ],
        [
            "Cloudflare without a token",
            { cloudflare: { hasZone: true, hasToken: false }, domain: "example.com" },
            ["cloudflare", "apiToken"],
            "is required when cloudflare is set (a Pulumi secret)",
        ],
        [
            "Cloudflare without a domain",
            { cloudflare, email: "a@b.co" },
            ["domain"],
            "is required with a Cloudflare zone (the records are *.<domain> and <domain>)",
        ],
        [
            "Let's Encrypt without an email",
            { cloudflare, domain: "example.com" },
            ["email"],
            "is required for Let's Encrypt certificates (expiry notices go there)",
        ],
        [
            "a node count below 1",
            { civo: { ...civo, nodeCount: 0 } },
            ["civo", "nodeCount"],
            "must be a whole number from 1 to 100, not 0",
        ],
        [
            "an unknown Civo size format",
            { civo: { ...civo, nodeSize: "large" } },
            ["civo", "nodeSize"],
            '"large" is not a Civo Kubernetes node size (e.g. g4s.kube.small, g4s.kube.medium)',
        ],
        [
            "a bad Civo region",
            { civo: { ...civo, region: "london" } },
            ["civo", "region"],
            '"london" is not a Civo region (three letters and a digit, e.g. LON1, FRA1, NYC1)',
        ],
        [
            "a bad Kubernetes version",
            { civo: { kubernetesVersion: "latest" } },
            ["civo", "kubernetesVersion"],
            '"latest" is not a version like 1.30.5-k3s1',
        ],
        [
            "an unknown gateway",
            { gatewayImplementation: "nginx" },
            ["gatewayImplementation"],
            'must be one of traefik, envoy, not "nginx"',
        ],
        [
            "an unknown ACME server",
            { acmeServer: "prod" },
            ["acmeServer"],
            'must be one of production, staging, not "prod"',
        ],
    ];
    for (const [what, input, path, detail, atKey] of bad) {
        it(`rejects ${what}`, () => {
            expectRio(() => resolveSettings(input), path, detail, atKey ?? false);
        });
    }
});
