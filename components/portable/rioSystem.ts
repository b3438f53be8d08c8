import * as pulumi from "@pulumi/pulumi";
import { RioInputError } from "../errors";
import { checked } from "../kube/userError";
import { RioSystem as RichSystem, RioSystemArgs as RichSystemArgs } from "../system/rioSystem";
import { BuildSecret, BuildSecretValues, toBuildSecrets } from "./buildSecrets";
import { AcmeServer, GatewayImplementation } from "./enums";
import { withoutNulls } from "./nulls";
import { RegistryCredentials, SystemRef } from "./target";

/** A Civo k3s cluster RioSystem creates (the token is the `civo:token` config). */
export interface CivoCluster {
    /** Civo region, e.g. `LON1`, `FRA1`, `NYC1`, `PHX1`. Default `LON1`. */
    region?: string;
    /** Node size. Default `g4s.kube.medium` (2 vCPU / 4 GB). */
    nodeSize?: string;
    /** Nodes in the pool (at least 1). Default 2. */
    nodeCount?: number;
    /** Kubernetes (k3s) version as Civo names it, e.g. `1.30.5-k3s1`. Default: Civo's current default. */
    kubernetesVersion?: string;
    /** Civo marketplace applications, in Civo's syntax. Default `-traefik2-nodeport,-metrics-server`. */
    applications?: string;
}

/** A Cloudflare zone RioSystem manages records in and solves DNS-01 through (its token is `cloudflareApiToken`). */
export interface CloudflareZone {
    /** The zone's id. */
    zoneId: pulumi.Input<string>;
    /** Proxy the records through Cloudflare, with the zone's SSL/TLS mode Full (strict). Default true. */
    proxied?: boolean;
    /** The zone's name: custom domains inside it get records and DNS-01 certificates. Default: `domain`. */
    zone?: string;
}

/** RioSystem's features, each on or off by name. Default: gateway, tls, registry and metrics; dns with a zone. */
export interface Features {
    /** Gateway API CRDs, the gateway controller and the Gateway every route attaches to. */
    gateway?: boolean;
    /** cert-manager, the ClusterIssuer and the wildcard certificate. */
    tls?: boolean;
    /** Cloudflare records for `*.<domain>` and `<domain>`. */
    dns?: boolean;
    /** An in-cluster registry for built images. */
    registry?: boolean;
    /** metrics-server, for HorizontalPodAutoscalers and `kubectl top`. */
    metrics?: boolean;
    /** The namespace and service account BuildKit jobs run with. */
    build?: boolean;
    /** KEDA and its HTTP add-on: concurrency autoscaling and scale to zero. */
    autoscaling?: boolean;
    /** Flagger: gradual rollouts. */
    rollout?: boolean;
    /** Headlamp on `dashboard.<domain>`. */
    dashboard?: boolean;
    /** The Pulumi Kubernetes Operator re-running this stack's `pulumi up` on a period. */
    continuousDeployment?: boolean;
}

/** A key of a Secret. */
export interface SecretKeyRef {
    /** The Secret's name. */
    name: string;
    /** The key in it. */
    key: string;
}

/** Where the operator finds this project to re-run it (the `continuousDeployment` feature). */
export interface ContinuousDeployment {
    /** The git repository of this Pulumi project. */
    repo?: string;
    /** Its branch. Default `main`. */
    branch?: string;
    /** The project's folder in the repository. Default: the root. */
    repoDir?: string;
    /** The fully qualified stack, e.g. `acme/rio/civo`. */
    stack?: string;
    /** Seconds between runs. Default 60. */
    resyncSeconds?: number;
    /** The Secret in rio-system holding the backend token. Default `pulumi-api-secret`, key `accessToken`. */
    accessTokenSecret?: SecretKeyRef;
    /** For a private repository: the Secret in rio-system whose `accessToken` the operator clones with. */
    gitAuthSecret?: string;
}

/** Where a release's chart comes from instead of its pin. */
export interface ChartSource {
    /** A local chart directory or `.tgz`, an `oci://` reference, or a chart name in `repo`. */
    chart: string;
    /** The chart repository's URL, for a chart name. */
    repo?: string;
    /** Default: the source's own. */
    version?: string;
}

/** Arguments of the portable RioSystem — what `rio install` took as flags. Credentials are top-level secrets. */
export interface RioSystemArgs {
    /** Create a Civo k3s cluster. Default: an existing cluster (`kubeconfig`, the provider passed in, or the kube context). */
    civo?: CivoCluster;
    /** Kubeconfig of an existing cluster. A secret. */
    kubeconfig?: pulumi.Input<string>;
    /** Cluster domain: apps are served at `<app>-<namespace>.<domain>`. Default: `<gateway address>.sslip.io`. */
    domain?: string;
    /** Email for Let's Encrypt (required with a Cloudflare zone). */
    email?: string;
    /** Custom domains (Rio's `rio domain register`) services and routers may list in `hostnames`. */
    domains?: string[];
    /** Let's Encrypt `production` or `staging`. Default `production`. */
    acmeServer?: AcmeServer;
    /** A Cloudflare zone for DNS records and DNS-01. Default none: a self-signed CA and sslip.io names. */
    cloudflare?: CloudflareZone;
    /**
     * The zone's API token (Zone → DNS → Edit, Zone → Zone → Read; with proxied records Zone → Zone Settings →
     * Edit). Required with `cloudflare`. A secret.
     */
    cloudflareApiToken?: pulumi.Input<string>;
    /** `traefik` (default, k3s' own) or `envoy` (Envoy Gateway: timeouts, retries, mirroring, fault injection). */
    gatewayImplementation?: GatewayImplementation;
    /** Switch features on or off by name. */
    features?: Features;
    /** The cluster already runs metrics-server (stock k3s does), so `metrics` defaults to off. Default false. */
    clusterHasMetricsServer?: boolean;
    /** Keep registry images on a PersistentVolumeClaim. Default true. */
    registryPersistence?: boolean;
    /** Serve the registry at `registry.<domain>` behind basic auth (user `rio`), for pushes from outside the cluster. */
    registryExposed?: boolean;
    /** The password of the exposed registry's user `rio`. Default: a generated one. A secret. */
    registryPassword?: pulumi.Input<string>;
    /** Secrets for builds and the continuous deployment by Secret name: their kinds (values in `buildSecretValues`). */
    buildSecrets?: Record<string, BuildSecret>;
    /** The credentials of each `buildSecrets` entry, by the same name. A secret. */
    buildSecretValues?: pulumi.Input<Record<string, BuildSecretValues>>;
    /** With the `continuousDeployment` feature: where this project lives and which stack it is. */
    continuousDeployment?: ContinuousDeployment;
    /** Extra Helm values per chart key (`traefik`, `certManager`, …), merged over pulumi-rio's. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- `any` is what the analyzer types as a free-form value
    helmValues?: Record<string, Record<string, any>>;
    /** Where a release's chart comes from, by chart key, instead of its pin. */
    charts?: Record<string, ChartSource>;
    /** Where a CRD bundle comes from (`gatewayApi`, `certManager`): a local file or a URL. */
    crdBundles?: Record<string, string>;
}

/** The rich RioSystem's args: the Cloudflare token into its zone, the build secrets' kinds and values joined. */
export function toRioSystemArgs(name: string, args: RioSystemArgs): RichSystemArgs {
    const { cloudflare, cloudflareApiToken, buildSecrets, buildSecretValues, ...rest } = args;
    if (cloudflareApiToken !== undefined && cloudflare === undefined)
        throw new RioInputError(["cloudflareApiToken"], "is the token of the cloudflare zone: set cloudflare too");
    if (cloudflare !== undefined && (cloudflareApiToken === undefined || cloudflareApiToken === ""))
        throw new RioInputError(["cloudflareApiToken"], "is required with cloudflare (a Pulumi secret)");
    if (buildSecretValues !== undefined && buildSecrets === undefined)
        throw new RioInputError(
            ["buildSecretValues"],
            "holds the values of buildSecrets entries: set buildSecrets too",
        );
    return {
        ...(rest as Omit<RichSystemArgs, "cloudflare" | "buildSecrets">),
        ...(cloudflare && { cloudflare: { ...cloudflare, apiToken: cloudflareApiToken! } }),
        ...(buildSecrets && { buildSecrets: toBuildSecrets(`RioSystem "${name}"`, buildSecrets, buildSecretValues) }),
    };
}

/**
 * `rio install` as a component: the cluster (Civo k3s, or an existing one), and as features the gateway (Gateway
 * API on Traefik or Envoy Gateway), TLS, DNS (Cloudflare), a registry, the builder's namespace, metrics-server,
 * KEDA, Flagger and Headlamp.
 */
export class RioSystem extends pulumi.ComponentResource {
    /** Kubeconfig of the cluster RioSystem created (a secret); none for an existing cluster. */
    public readonly kubeconfig!: pulumi.Output<string | undefined>;
    /** Cluster domain. */
    public readonly domain!: pulumi.Output<string>;
    /** The gateway's public address (IP or hostname), once published. */
    public readonly address!: pulumi.Output<string | undefined>;
    /** What RioService, RioRouter, Riofile and PreviewEnv need: gateway, registry, issuer. */
    public readonly ref!: pulumi.Output<SystemRef>;
    /** With `registryExposed`: the address and login of `registry.<domain>` (a secret). */
    public readonly registryCredentials!: pulumi.Output<RegistryCredentials | undefined>;

    constructor(name: string, args: RioSystemArgs, opts?: pulumi.ComponentResourceOptions) {
        const rich = checked("RioSystem", name, () => toRioSystemArgs(name, withoutNulls(args)));
        super("pulumi-rio:index:RioSystem", name, {}, opts);
        const system = new RichSystem(name, rich, { parent: this });
        this.kubeconfig = system.kubeconfig;
        this.domain = system.domain;
        this.address = system.address;
        this.ref = system.ref;
        this.registryCredentials = system.registryCredentials;
        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            domain: this.domain,
            address: this.address,
            ref: this.ref,
            registryCredentials: this.registryCredentials,
        });
    }
}
