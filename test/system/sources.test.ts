/**
 * RioSystem's chart and CRD bundle sources (`charts`, `crdBundles`): a mirror or a local stand-in replaces a pin
 * and nothing else (values, names, ordering), bad keys are refused at their path, from the args and from
 * `rio:system`, and `rio render --system` prints the source used.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { renderSystem } from "../../components/render/system";
import { CHARTS } from "../../components/system/charts";
import { checkSystemConfig } from "../../components/system/config";
import { FEATURES } from "../../components/system/features";
import { planSystem } from "../../components/system/plan";
import { resolveSettings, SettingsInput } from "../../components/system/settings";
import { resolveChartSources } from "../../components/system/sources";
import { expectRio } from "../support/rioError";

const everything: SettingsInput = {
    domain: "apps.example.com",
    email: "ops@example.com",
    cloudflare: { hasZone: true, hasToken: true },
    features: Object.fromEntries(FEATURES.map((f) => [f, true])),
    continuousDeployment: { repo: "https://github.com/example/infra", stack: "acme/rio/prod" },
};

/** A local stand-in for every chart, as the cluster tier writes them. */
const local = Object.fromEntries(Object.keys(CHARTS).map((k) => [k, { chart: `/tmp/charts/${k}` }]));

describe("chart and CRD bundle sources", () => {
    it("without charts or crdBundles the settings carry no sources and every release keeps its pin", () => {
        const s = resolveSettings(everything);
        assert.equal("sources" in s, false);
        for (const gateway of ["traefik", "envoy"]) {
            const plan = planSystem(resolveSettings({ ...everything, gatewayImplementation: gateway }));
            for (const r of plan.releases) {
                const pin: { chart: string; repo?: string; version: string } = CHARTS[r.key];
                assert.deepEqual([r.chart, r.repo, r.version], [pin.chart, pin.repo, pin.version], r.key);
            }
        }
    });

    for (const gateway of ["traefik", "envoy"]) {
        it(`replaces each release's chart, repo and version and nothing else (${gateway})`, () => {
            const pinned = planSystem(resolveSettings({ ...everything, gatewayImplementation: gateway }));
            const mirrored = planSystem(
                resolveSettings({
                    ...everything,
                    gatewayImplementation: gateway,
                    charts: {
                        ...local,
                        certManager: { chart: "oci://mirror.internal/jetstack/cert-manager", version: "v1.21.1" },
                        keda: { chart: "keda", repo: "https://charts.mirror.internal/kedacore", version: "2.20.2" },
                    },
                }),
            );
            assert.deepEqual(
                mirrored.releases.map((r) => [r.key, r.chart, r.repo, r.version]),
                pinned.releases.map((r) => [
                    r.key,
                    ...(r.key === "certManager"
                        ? ["oci://mirror.internal/jetstack/cert-manager", undefined, "v1.21.1"]
                        : r.key === "keda"
                          ? ["keda", "https://charts.mirror.internal/kedacore", "2.20.2"]
                          : [`/tmp/charts/${r.key}`, undefined, undefined]),
                ]),
            );
            // Same releases in the same order, with the same names, namespaces, values, waits and pods.
            const rest = (p: typeof pinned) =>
                p.releases.map((r) => ({ ...r, chart: undefined, repo: undefined, version: undefined }));
            assert.deepEqual(rest(mirrored), rest(pinned));
            assert.deepEqual(mirrored.objects, pinned.objects);
            assert.deepEqual(mirrored.crds, pinned.crds);
            for (const r of mirrored.releases) {
                assert.equal("repo" in r && r.repo === undefined, false, `${r.key}: no repo key left undefined`);
                assert.equal(
                    "version" in r && r.version === undefined,
                    false,
                    `${r.key}: no version key left undefined`,
                );
            }
        });
    }

    it("takes a CRD bundle from a local file or URL instead of the pinned release asset", () => {
        const plan = planSystem(
            resolveSettings({
                ...everything,
                crdBundles: {
                    gatewayApi: "/tmp/crds/gateway-api-standard.yaml",
                    certManager: "https://mirror.internal/cert-manager/v1.21.1/cert-manager.crds.yaml",
                },
            }),
        );
        assert.deepEqual(plan.crds, [
            { key: "gatewayApi", feature: "gateway", file: "/tmp/crds/gateway-api-standard.yaml" },
            {
                key: "certManager",
                feature: "tls",
                file: "https://mirror.internal/cert-manager/v1.21.1/cert-manager.crds.yaml",
            },
        ]);
        const one = planSystem(resolveSettings({ ...everything, crdBundles: { certManager: "./cm.yaml" } }));
        assert.deepEqual(
            one.crds.map((c) => c.file),
            [
                "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml",
                "./cm.yaml",
            ],
        );
    });

    it("accepts a source for a feature that is off (one mirror list for every stack), and leaves it unused", () => {
        const s = resolveSettings({ domain: "apps.example.com", charts: { headlamp: { chart: "./headlamp" } } });
        assert.deepEqual(s.sources, { charts: { headlamp: { chart: "./headlamp" } } });
        assert.deepEqual(
            planSystem(s).releases.map((r) => r.key),
            ["traefik", "certManager", "metricsServer"],
        );
    });

    const bad: [string, Parameters<typeof resolveChartSources>[0], (string | number)[], string, boolean?][] = [
        [
            "an unknown chart key",
            { charts: { trafik: { chart: "./traefik" } } },
            ["charts", "trafik"],
            'unknown key; did you mean "traefik"?',
            true,
        ],
        [
            "an unknown CRD bundle key",
            { crdBundles: { gatewayAPI: "./gw.yaml" } },
            ["crdBundles", "gatewayAPI"],
            'unknown key; did you mean "gatewayApi"?',
            true,
        ],
        [
            "an unknown key in a chart source",
            { charts: { traefik: { chart: "./traefik", versoin: "41.3.0" } } },
            ["charts", "traefik", "versoin"],
            'unknown key; did you mean "version"?',
            true,
        ],
        [
            "an empty chart",
            { charts: { traefik: { chart: "" } } },
            ["charts", "traefik", "chart"],
            "must be a chart path, oci:// reference or chart name, not empty",
        ],
        [
            "a blank CRD bundle",
            { crdBundles: { certManager: " " } },
            ["crdBundles", "certManager"],
            "must be a file path or URL, not empty",
        ],
        [
            "an empty version",
            { charts: { keda: { chart: "keda", repo: "https://m", version: "" } } },
            ["charts", "keda", "version"],
            "must be a string, not empty",
        ],
        [
            "a version that is a number (unquoted YAML)",
            { charts: { keda: { chart: "keda", repo: "https://m", version: 2.2 } } },
            ["charts", "keda", "version"],
            "must be a string, not 2.2",
        ],
        [
            "a source without chart",
            { charts: { keda: { repo: "https://m" } } },
            ["charts", "keda"],
            "needs chart (a chart path, oci:// reference or chart name)",
        ],
        [
            "a bare string for a chart",
            { charts: { keda: "./keda" } },
            ["charts", "keda"],
            "must be a map of chart, repo and version",
        ],
        [
            "a repo with an oci:// chart",
            { charts: { certManager: { chart: "oci://m/cert-manager", repo: "https://m" } } },
            ["charts", "certManager", "repo"],
            "an oci:// chart names its registry itself; leave repo out",
        ],
        ["charts as a list", { charts: [] }, ["charts"], "must be a map of chart sources"],
        [
            "crdBundles as a string",
            { crdBundles: "./crds.yaml" },
            ["crdBundles"],
            "must be a map of CRD bundle files or URLs",
        ],
    ];
    for (const [what, input, path, detail, atKey] of bad) {
        it(`refuses ${what}`, () => {
            expectRio(() => resolveChartSources(input), path, detail, atKey ?? false);
            // The same error through RioSystem's settings, before anything is planned.
            expectRio(() => resolveSettings({ domain: "apps.example.com", ...input }), path, detail, atKey ?? false);
        });
    }

    it("rio:system takes charts and crdBundles, and refuses a bad one at its rio:system path", () => {
        const raw = {
            domain: "apps.example.com",
            charts: { traefik: { chart: "./charts/traefik" } },
            crdBundles: { gatewayApi: "./crds/gateway-api.yaml" },
        };
        assert.deepEqual(checkSystemConfig(raw), raw);
        const err = expectRio(
            () => checkSystemConfig({ charts: { trafik: { chart: "./charts/traefik" } } }),
            ["rio:system", "charts", "trafik"],
            'unknown key; did you mean "traefik"?',
            true,
        );
        assert.equal(err.message, 'rio:system.charts.trafik: unknown key; did you mean "traefik"?');
        assert.equal(
            expectRio(
                () => checkSystemConfig({ crdBundles: { certManager: "" } }),
                ["rio:system", "crdBundles", "certManager"],
                "must be a file path or URL, not empty",
            ).message,
            "rio:system.crdBundles.certManager: must be a file path or URL, not empty",
        );
    });

    it("rio render --system prints the sources used: HelmChart chart, repo and version, and the CRD bundle comments", () => {
        const text = renderSystem(
            planSystem(
                resolveSettings({
                    domain: "apps.example.com",
                    charts: {
                        traefik: { chart: "/tmp/charts/traefik-41.3.0.tgz" },
                        certManager: { chart: "oci://mirror.internal/jetstack/cert-manager", version: "v1.21.1" },
                        metricsServer: {
                            chart: "metrics-server",
                            repo: "https://charts.mirror.internal",
                            version: "3.13.1",
                        },
                    },
                    crdBundles: { gatewayApi: "/tmp/crds/gateway-api-standard.yaml" },
                }),
            ),
            "apps.example.com",
        );
        const pinned = renderSystem(planSystem(resolveSettings({ domain: "apps.example.com" })), "apps.example.com");
        assert.deepEqual(text.split("---\n")[0]!.split("\n"), [
            "# gateway: CRDs applied first from /tmp/crds/gateway-api-standard.yaml",
            "# tls: CRDs applied first from https://github.com/cert-manager/cert-manager/releases/download/v1.21.1/cert-manager.crds.yaml",
            "",
        ]);
        const charts = (t: string) =>
            parseAllDocuments(t)
                .map((d) => d.toJS())
                .filter((o) => o?.kind === "HelmChart");
        const sources = (t: string) =>
            charts(t).map((o) => ({ name: o.metadata.name, ...o.spec, valuesContent: undefined }));
        assert.deepEqual(sources(text), [
            {
                name: "traefik",
                chart: "/tmp/charts/traefik-41.3.0.tgz",
                targetNamespace: "rio-system",
                valuesContent: undefined,
            },
            {
                name: "cert-manager",
                chart: "oci://mirror.internal/jetstack/cert-manager",
                version: "v1.21.1",
                targetNamespace: "rio-system",
                valuesContent: undefined,
            },
            {
                name: "metrics-server",
                chart: "metrics-server",
                repo: "https://charts.mirror.internal",
                version: "3.13.1",
                targetNamespace: "rio-system",
                valuesContent: undefined,
            },
        ]);
        // The values are the pinned charts' values, byte for byte.
        assert.deepEqual(
            charts(text).map((o) => o.spec.valuesContent),
            charts(pinned).map((o) => o.spec.valuesContent),
        );
        // Everything after the CRD comments but the HelmCharts' sources is the same.
        const body = (t: string) =>
            parseAllDocuments(t.slice(t.indexOf("---\n")))
                .map((d) => d.toJS())
                .map((o) =>
                    o?.kind === "HelmChart" ? { ...o, spec: { ...o.spec, chart: 0, repo: 0, version: 0 } } : o,
                );
        assert.deepEqual(body(text), body(pinned));
    });
});
