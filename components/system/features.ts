import { RioInputError } from "../errors";
import { unknownKey } from "../service/keys";

/**
 * RioSystem's features, like Rio's `rio install --disable-features`: every piece but the cluster can be
 * switched off, and one that is off installs nothing.
 */
export const FEATURES = [
    "gateway",
    "tls",
    "dns",
    "registry",
    "metrics",
    "build",
    "autoscaling",
    "rollout",
    "dashboard",
    "continuousDeployment",
] as const;
export type Feature = (typeof FEATURES)[number];
export type Features = Record<Feature, boolean>;

/** Why each feature exists, for errors and the footprint report. */
export const FEATURE_PURPOSE: Record<Feature, string> = {
    gateway: "Gateway API CRDs, the gateway controller and the Gateway every route attaches to",
    tls: "cert-manager, the ClusterIssuer and the wildcard certificate",
    dns: "Cloudflare records for *.<domain> and <domain>",
    registry: "an in-cluster distribution registry for built images",
    metrics: "metrics-server, for HorizontalPodAutoscalers and kubectl top",
    build: "the namespace and service account rootless BuildKit jobs run with",
    autoscaling: "KEDA and its HTTP add-on, for concurrency autoscaling and scale to zero",
    rollout: "Flagger, which moves a service's traffic to its new spec step by step (rollout, rolloutDuration)",
    dashboard: "Headlamp on dashboard.<domain>",
    continuousDeployment: "the Pulumi Kubernetes Operator re-running this stack's pulumi up on a period",
};

/** Features a feature cannot work without. */
const NEEDS: Partial<Record<Feature, Feature[]>> = {
    tls: ["gateway"],
    dns: ["gateway"],
    dashboard: ["gateway"],
    build: ["registry"],
    rollout: ["gateway"],
};

export interface FeatureDefaults {
    /** A Cloudflare zone is configured (turns `dns` on by default). */
    hasDnsZone: boolean;
    /** The cluster already runs metrics-server (k3s does), so `metrics` is off by default. */
    hasMetricsServer: boolean;
}

/**
 * Resolves the feature switches: defaults (gateway, tls, dns when a zone is given, registry, metrics when the
 * cluster lacks it), then the user's choices; unknown names and missing dependencies are errors.
 */
export function resolveFeatures(
    input: Readonly<Record<string, unknown>> | undefined,
    defaults: FeatureDefaults,
): Features {
    const features: Features = {
        gateway: true,
        tls: true,
        dns: defaults.hasDnsZone,
        registry: true,
        metrics: !defaults.hasMetricsServer,
        build: false,
        autoscaling: false,
        rollout: false,
        dashboard: false,
        continuousDeployment: false,
    };
    for (const [name, on] of Object.entries(input ?? {})) {
        if (!(FEATURES as readonly string[]).includes(name)) throw unknownKey(name, FEATURES).withPrefix(["features"]);
        if (typeof on !== "boolean")
            throw new RioInputError(["features", name], `must be true or false, not ${JSON.stringify(on)}`);
        features[name as Feature] = on;
    }
    if (features.dns && !defaults.hasDnsZone) {
        throw new RioInputError(
            ["features", "dns"],
            "needs a Cloudflare zone and API token (cloudflare.zoneId, cloudflare.apiToken)",
        );
    }
    for (const f of FEATURES) {
        for (const need of NEEDS[f] ?? []) {
            if (features[f] && !features[need]) {
                throw new RioInputError(
                    ["features", f],
                    `needs the ${need} feature (${FEATURE_PURPOSE[need]}); turn ${need} on or ${f} off`,
                );
            }
        }
    }
    return features;
}
