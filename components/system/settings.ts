import { KeyPath, RioInputError, under } from "../errors";
import { assertHostname, coveredByWildcard } from "../service/names";
import { Features, resolveFeatures } from "./features";
import { ContinuousDeployment, ContinuousDeploymentInput, resolveContinuousDeployment } from "./deployer";
import { resolveRegistryExposed } from "./registryRoute";
import { ChartSources, resolveChartSources } from "./sources";

/** The gateway implementations RioSystem can install. */
export const GATEWAY_IMPLEMENTATIONS = ["traefik", "envoy"] as const;
export type GatewayImplementation = (typeof GATEWAY_IMPLEMENTATIONS)[number];

/** Let's Encrypt's ACME directories. */
export const ACME_SERVERS = {
    production: "https://acme-v02.api.letsencrypt.org/directory",
    staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;
export type AcmeServer = keyof typeof ACME_SERVERS;

/** A Civo k3s cluster (plain settings: they decide what is created). */
export interface CivoSettingsInput {
    /** Civo region, e.g. `LON1`, `FRA1`, `NYC1`, `PHX1`. Default `LON1`. */
    region?: string;
    /** Node size, e.g. `g4s.kube.medium` (2 vCPU / 4 GB). Default `g4s.kube.medium`. */
    nodeSize?: string;
    /** Nodes in the pool (at least 1). Default 2. */
    nodeCount?: number;
    /** Kubernetes (k3s) version as Civo names it, e.g. `1.30.5-k3s1`. Default: Civo's current default. */
    kubernetesVersion?: string;
    /**
     * Civo marketplace applications, in Civo's syntax (`-name` removes a default one). Default
     * `-traefik2-nodeport,-metrics-server`: none of Civo's defaults, as the walkthrough advises — RioSystem
     * installs what it needs itself.
     */
    applications?: string;
}

export interface CivoSettings {
    region: string;
    nodeSize: string;
    nodeCount: number;
    kubernetesVersion?: string;
    applications: string;
}

/** The plain part of RioSystem's arguments, checked. Credentials stay in the args as secrets, never here. */
export interface SystemSettings {
    /** Cluster domain; undefined means "derive `<address>.sslip.io` from the gateway address". */
    domain?: string;
    email?: string;
    acmeServer: AcmeServer;
    gateway: GatewayImplementation;
    features: Features;
    civo?: CivoSettings;
    cloudflare?: { proxied: boolean; zone: string };
    /** Custom domains (Rio's `rio domain register`) the wildcard does not cover: each gets listeners and a certificate. */
    domains: string[];
    continuousDeployment?: ContinuousDeployment;
    /** The registry is served at `registry.<domain>` through the gateway, behind basic auth (see registryRoute.ts). */
    registryExposed?: true;
    /** Charts and CRD bundles from elsewhere than their pins (RioSystem's `charts`, `crdBundles`); absent: the pins. */
    sources?: ChartSources;
    namespace: string;
}

export interface SettingsInput {
    domain?: string;
    email?: string;
    acmeServer?: string;
    gatewayImplementation?: string;
    features?: Readonly<Record<string, unknown>>;
    civo?: CivoSettingsInput;
    /** Only whether Cloudflare is configured and proxied matters here; its secrets never reach the planner. */
    cloudflare?: { proxied?: boolean; hasZone: boolean; hasToken: boolean; zone?: string };
    /** Custom domains (Rio's `rio domain register`). */
    domains?: readonly string[];
    /** The `continuousDeployment` feature's settings. */
    continuousDeployment?: ContinuousDeploymentInput;
    /**
     * Whether the cluster already runs metrics-server (stock k3s does). Default false: a Civo cluster is created
     * without marketplace applications, so RioSystem installs metrics-server itself.
     */
    clusterHasMetricsServer?: boolean;
    /** RioSystem's `registryExposed`: serve the registry at `registry.<domain>` (default: see resolveRegistryExposed). */
    registryExposed?: boolean;
    /** RioSystem's `charts`: a chart source per release key (checked here: the stack config's values are untyped). */
    charts?: unknown;
    /** RioSystem's `crdBundles`: a file or URL per CRD bundle key. */
    crdBundles?: unknown;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, path: KeyPath): T {
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
        throw new RioInputError(path, `must be one of ${allowed.join(", ")}, not "${value}"`);
    }
    return value as T;
}

function civoSettings(c: CivoSettingsInput): CivoSettings {
    const region = c.region ?? "LON1";
    if (!/^[A-Za-z]{3}\d$/.test(region)) {
        throw new RioInputError(
            ["civo", "region"],
            `"${region}" is not a Civo region (three letters and a digit, e.g. LON1, FRA1, NYC1)`,
        );
    }
    const nodeSize = c.nodeSize ?? "g4s.kube.medium";
    if (!/^g\d[a-z]\.kube\.[a-z0-9]+$/.test(nodeSize)) {
        throw new RioInputError(
            ["civo", "nodeSize"],
            `"${nodeSize}" is not a Civo Kubernetes node size (e.g. g4s.kube.small, g4s.kube.medium)`,
        );
    }
    const nodeCount = c.nodeCount ?? 2;
    if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 100) {
        throw new RioInputError(["civo", "nodeCount"], `must be a whole number from 1 to 100, not ${nodeCount}`);
    }
    if (c.kubernetesVersion !== undefined && !/^\d+\.\d+\.\d+(-k3s\d+)?$/.test(c.kubernetesVersion)) {
        throw new RioInputError(
            ["civo", "kubernetesVersion"],
            `"${c.kubernetesVersion}" is not a version like 1.30.5-k3s1`,
        );
    }
    return {
        region: region.toUpperCase(),
        nodeSize,
        nodeCount,
        ...(c.kubernetesVersion !== undefined && { kubernetesVersion: c.kubernetesVersion }),
        applications: c.applications ?? "-traefik2-nodeport,-metrics-server",
    };
}

function customDomains(input: readonly string[] | undefined, domain: string | undefined, features: Features): string[] {
    const out: string[] = [];
    (input ?? []).forEach((d, i) => {
        const h = under(["domains", i], () => assertHostname(d.toLowerCase(), "domain"));
        if (h.startsWith("*."))
            throw new RioInputError(
                ["domains", i],
                "register the names themselves; a wildcard needs DNS-01 in a managed zone",
            );
        if (!features.gateway)
            throw new RioInputError(["domains"], "custom domains are served by the gateway feature; turn it on");
        if (out.includes(h)) throw new RioInputError(["domains", i], `"${h}" is listed twice`);
        if (!coveredByWildcard(h, domain)) out.push(h);
    });
    return out;
}

/** Checks RioSystem's plain arguments. Errors name the argument (`civo.nodeCount`, `features.dns`, …). */
export function resolveSettings(input: SettingsInput): SystemSettings {
    const cf = input.cloudflare;
    if (cf && !cf.hasZone) throw new RioInputError(["cloudflare", "zoneId"], "is required when cloudflare is set");
    if (cf && !cf.hasToken)
        throw new RioInputError(["cloudflare", "apiToken"], "is required when cloudflare is set (a Pulumi secret)");
    const features = resolveFeatures(input.features, {
        hasDnsZone: cf !== undefined,
        hasMetricsServer: input.clusterHasMetricsServer ?? false,
    });
    const domain =
        input.domain === undefined
            ? undefined
            : under(["domain"], () => assertHostname(input.domain!.toLowerCase(), "domain"));
    if (domain?.startsWith("*."))
        throw new RioInputError(["domain"], `give the domain itself ("${domain.slice(2)}"), not a wildcard`);
    if (cf && domain === undefined)
        throw new RioInputError(
            ["domain"],
            "is required with a Cloudflare zone (the records are *.<domain> and <domain>)",
        );
    if (input.email !== undefined && !EMAIL.test(input.email))
        throw new RioInputError(["email"], `"${input.email}" is not an email address`);
    const sources = resolveChartSources({ charts: input.charts, crdBundles: input.crdBundles });
    const acmeServer = oneOf(input.acmeServer, ["production", "staging"] as const, "production", ["acmeServer"]);
    if (features.tls && cf && input.email === undefined) {
        throw new RioInputError(["email"], "is required for Let's Encrypt certificates (expiry notices go there)");
    }
    return {
        ...(domain !== undefined && { domain }),
        ...(input.email !== undefined && { email: input.email }),
        acmeServer,
        gateway: oneOf(input.gatewayImplementation, GATEWAY_IMPLEMENTATIONS, "traefik", ["gatewayImplementation"]),
        features,
        ...(input.civo !== undefined && { civo: civoSettings(input.civo) }),
        ...(cf !== undefined && {
            cloudflare: {
                proxied: cf.proxied ?? true,
                zone:
                    cf.zone === undefined
                        ? domain!
                        : under(["cloudflare", "zone"], () => assertHostname(cf.zone!, "zone")),
            },
        }),
        domains: customDomains(input.domains, domain, features),
        ...(features.continuousDeployment && {
            continuousDeployment: resolveContinuousDeployment(input.continuousDeployment),
        }),
        ...(resolveRegistryExposed({
            exposed: input.registryExposed,
            registry: features.registry,
            tls: features.tls,
            domain,
            cloudflare: cf && { proxied: cf.proxied ?? true },
            civo: input.civo !== undefined,
        }) && { registryExposed: true as const }),
        ...(Object.keys(sources).length > 0 && { sources }),
        namespace: "rio-system",
    };
}
