import * as civo from "@pulumi/civo";
import * as cloudflare from "@pulumi/cloudflare";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { BuildSecretInput, checkBuildSecrets, declareBuildSecrets } from "../build/credentials";
import { checked } from "../kube/userError";
import { declareObject } from "../kube/declare";
import { GatewayRef } from "../service/context";
import { ChartKey, CrdBundleKey, Need } from "./charts";
import { ChartSource } from "./sources";
import { dnsRecords, recordType, sslipDomain } from "./dns";
import { CIVO_FIREWALL_ANNOTATION, gatewayFirewallRules } from "./firewall";
import { withServiceAnnotations } from "./gateway";
import { Feature } from "./features";
import { planSystem, SystemPlan } from "./plan";
import { BUILDER } from "./builder";
import { htpasswdLine, registryHost, RegistryExposure, REGISTRY_USER } from "./registryRoute";
import { CivoSettingsInput, resolveSettings, SystemSettings } from "./settings";
import { CLOUDFLARE_TOKEN_SECRET } from "./tls";
import { ContinuousDeploymentInput } from "./deployer";
import { mergeValues } from "./values";

/** What a release or object waits for, declared already (a plan that names one it lacks is a bug, not input). */
function present<T>(resource: T | undefined, need: Need, of: string): T {
    if (resource === undefined)
        throw new Error(`pulumi-rio: ${of} waits for ${JSON.stringify(need)}, which is not planned`);
    return resource;
}

/** A Cloudflare zone RioSystem manages records in and solves DNS-01 through. */
export interface CloudflareArgs {
    /** The zone's id. */
    zoneId: pulumi.Input<string>;
    /**
     * An API token on the zone with Zone → DNS → Edit and Zone → Zone → Read (records, DNS-01), and with proxied
     * records Zone → Zone Settings → Edit (the zone's SSL mode). Kept a Pulumi secret end to end.
     */
    apiToken: pulumi.Input<string>;
    /**
     * Proxy the records through Cloudflare, and set the zone's SSL/TLS mode to Full (strict): Cloudflare then
     * reaches the gateway over HTTPS and checks its Let's Encrypt certificate (in Flexible mode it would speak
     * HTTP, which the gateway redirects to HTTPS: a redirect loop). The mode is zone-wide. Default true.
     */
    proxied?: boolean;
    /** The zone's name: custom domains inside it get records and DNS-01 certificates. Default: `domain`. */
    zone?: string;
}

/** Arguments of {@link RioSystem} — what `rio install` took as flags. */
export interface RioSystemArgs {
    /** Create a Civo k3s cluster. Default: use an existing cluster (`kubeconfig`, the parent's provider, or the current kube context). */
    civo?: CivoSettingsInput;
    /** Kubeconfig of an existing cluster. Default: the `kubernetes` provider passed in, else the current kube context. */
    kubeconfig?: pulumi.Input<string>;
    /** Cluster domain: apps are served at `<app>-<namespace>.<domain>`. Default: `<gateway address>.sslip.io`. */
    domain?: string;
    /** Email for Let's Encrypt (required with a Cloudflare zone). */
    email?: string;
    /**
     * Custom domains (Rio's `rio domain register`) that services and routers may list in `hostnames`: each gets
     * HTTP/HTTPS listeners and a certificate (DNS-01 in the Cloudflare zone, else HTTP-01 through the gateway,
     * or the local CA), and a Cloudflare record when it is in the zone. Names `*.<domain>` covers need nothing.
     */
    domains?: string[];
    /** Let's Encrypt `production` or `staging`. Default `production` (both issuers are created). */
    acmeServer?: "production" | "staging";
    /** A Cloudflare zone for DNS records and DNS-01. Default none: a self-signed CA and sslip.io names. */
    cloudflare?: CloudflareArgs;
    /** `traefik` (default, k3s' own) or `envoy` (Envoy Gateway: timeouts, retries, mirroring, fault injection). */
    gatewayImplementation?: "traefik" | "envoy";
    /**
     * Switch features on or off by name: gateway, tls, dns, registry, metrics, build, autoscaling, dashboard.
     * Default: gateway, tls, registry and metrics on; dns on with a Cloudflare zone; the rest off.
     */
    features?: Partial<Record<Feature, boolean>>;
    /** The cluster already runs metrics-server (stock k3s does), so `metrics` defaults to off. Default false. */
    clusterHasMetricsServer?: boolean;
    /** Keep registry images on a PersistentVolumeClaim of the default StorageClass. Default true. */
    registryPersistence?: boolean;
    /**
     * Serve the registry at `registry.<domain>` on the gateway's HTTPS listener, behind basic auth the gateway
     * enforces (user `rio`), for pushes from outside the cluster (local-folder builds, `docker push`); nodes keep
     * pulling through the node-local NodePort. Never over plain HTTP: needs the tls feature and `domain`.
     * Default: on with Let's Encrypt certificates (a Cloudflare zone) whose records are not proxied; off
     * otherwise. With proxied records it adds a DNS-only `registry.<domain>` record (Cloudflare caps proxied
     * request bodies at 100 MB, and the record publishes the gateway's address); on Civo, whose gateway firewall
     * then admits only Cloudflare, it is refused. With the local CA, docker must trust `rio-ca` (or the address
     * be a loopback one, which docker treats as insecure).
     */
    registryExposed?: boolean;
    /** The password of the exposed registry's user `rio` (a Pulumi secret). Default: a generated one, stable across runs. */
    registryPassword?: pulumi.Input<string>;
    /**
     * Private repositories and registries for builds, Rio's secret kinds by Secret name (`rio secret create`):
     * `gitBasicAuth` and `gitSshKeyAuth` (a build's `cloneSecretName`), `docker` (`pushRegistrySecretName`) —
     * in the builder namespace, needing the build feature — and `githubWebhook` (Rio's GitHub token, the
     * continuous deployment's git token: `continuousDeployment.gitAuthSecret`), in rio-system. Every value is kept
     * a Pulumi secret; the Secrets are mounted only into builds (and the operator). Default none.
     */
    buildSecrets?: Record<string, BuildSecretInput>;
    /**
     * With the `continuousDeployment` feature: where this project lives and which stack it is, so the Pulumi
     * Kubernetes Operator can re-run `pulumi up` every `resyncSeconds` (default 60).
     */
    continuousDeployment?: ContinuousDeploymentInput;
    /** Extra Helm values per chart, merged over pulumi-rio's (the escape hatch). Default none. */
    helmValues?: Partial<Record<ChartKey, Record<string, unknown>>>;
    /**
     * Where a release's chart comes from, by chart key (`traefik`, `certManager`, …): a local chart directory or
     * `.tgz`, an `oci://` reference, or a chart name with `repo`; `version` unset takes the source's own. It
     * replaces the whole pin of that release (chart, repo and version), nothing else: values, release name,
     * namespace, timeout and ordering stay. For a chart mirror behind an air gap, and the cluster tier's local
     * stand-in charts. Default: each chart pinned upstream (`CHARTS` in components/system/charts.ts).
     */
    charts?: Partial<Record<ChartKey, ChartSource>>;
    /**
     * Where a CRD bundle comes from, by key (`gatewayApi`, `certManager`): a local file or a URL, for the same
     * reasons as `charts`. Default: the pinned upstream release asset (`CRD_BUNDLES`).
     */
    crdBundles?: Partial<Record<CrdBundleKey, string>>;
}

/** What a RioService needs from the system, in one value a StackReference can carry. */
export interface SystemRef {
    gateway: Required<
        Pick<GatewayRef, "name" | "namespace" | "domain" | "scheme" | "listener" | "implementation" | "customDomains">
    >;
    /** In-cluster push and node pull addresses; `external` (host and user, never the password) when exposed. */
    registry?: { push: string; pull: string; external?: RegistryExposure };
    issuer?: string;
}

/** Logging into the exposed registry: `@pulumi/docker-build`'s `registries` entry, and `docker login`'s. */
export interface RegistryCredentials {
    /** `registry.<domain>`. */
    address: string;
    username: string;
    password: string;
}

/** @internal Checks the plain args (before anything is registered). */
export function settingsOf(args: RioSystemArgs): SystemSettings {
    return resolveSettings({
        domain: args.domain,
        email: args.email,
        acmeServer: args.acmeServer,
        gatewayImplementation: args.gatewayImplementation,
        features: args.features,
        civo: args.civo,
        clusterHasMetricsServer: args.clusterHasMetricsServer,
        domains: args.domains,
        continuousDeployment: args.continuousDeployment,
        registryExposed: args.registryExposed,
        charts: args.charts,
        crdBundles: args.crdBundles,
        cloudflare: args.cloudflare && {
            proxied: args.cloudflare.proxied,
            zone: args.cloudflare.zone,
            hasZone: args.cloudflare.zoneId !== undefined && args.cloudflare.zoneId !== "",
            hasToken: args.cloudflare.apiToken !== undefined && args.cloudflare.apiToken !== "",
        },
    });
}

/**
 * `rio install` as a Pulumi component: the cluster (Civo k3s, or an existing one), and as features the gateway
 * (Gateway API on Traefik or Envoy Gateway), TLS (cert-manager, one wildcard certificate), DNS (Cloudflare),
 * a registry, the builder's namespace, metrics-server, KEDA and Headlamp.
 */
export class RioSystem extends pulumi.ComponentResource {
    /** Kubeconfig of the cluster RioSystem created (a secret); undefined for an existing cluster. */
    public readonly kubeconfig!: pulumi.Output<string | undefined>;
    /** The Kubernetes provider every system object (and your services) should use. */
    public readonly provider!: k8s.Provider;
    /** Cluster domain. */
    public readonly domain!: pulumi.Output<string>;
    /** The gateway's public address (IP or hostname), once the implementation has published it. */
    public readonly address!: pulumi.Output<string | undefined>;
    /** Everything RioService and PreviewEnv need: gateway reference, registry, issuer. */
    public readonly ref!: pulumi.Output<SystemRef>;
    /** The plan this system was built from (features, releases, pods). */
    public readonly plan: SystemPlan;
    /** With `registryExposed`: the address and login of `registry.<domain>`, one Pulumi secret; else undefined. */
    public readonly registryCredentials!: pulumi.Output<RegistryCredentials | undefined>;

    constructor(name: string, args: RioSystemArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan: SystemPlan = checked("RioSystem", name, () =>
            planSystem(settingsOf(args), { registryPersistence: args.registryPersistence }),
        );
        const buildSecrets = checked("RioSystem", name, () =>
            checkBuildSecrets(args.buildSecrets, {
                build: plan.settings.features.build,
                systemNamespace: plan.settings.namespace,
                gitAuthSecret: plan.settings.continuousDeployment?.gitAuthSecret,
            }),
        );
        super("pulumi-rio:index:RioSystem", name, {}, opts);
        this.plan = plan;
        const s = plan.settings;

        // The cluster, and a provider built from it. The provider's name never changes, and Pulumi updates rather
        // than replaces it when the kubeconfig rotates, so the resources on it are not replaced.
        let kubeconfig: pulumi.Output<string> | undefined;
        let lbAnnotations: pulumi.Output<Record<string, string>> | undefined;
        if (s.civo) {
            const network = new civo.Network(
                `${name}-network`,
                { label: name, region: s.civo.region },
                { parent: this },
            );
            const cluster = new civo.KubernetesCluster(
                `${name}-cluster`,
                {
                    name,
                    region: s.civo.region,
                    networkId: network.id,
                    numTargetNodes: s.civo.nodeCount,
                    targetNodesSize: s.civo.nodeSize,
                    applications: s.civo.applications,
                    ...(s.civo.kubernetesVersion !== undefined && { kubernetesVersion: s.civo.kubernetesVersion }),
                    tags: "pulumi-rio",
                },
                { parent: this, additionalSecretOutputs: ["kubeconfig"] },
            );
            kubeconfig = pulumi.secret(cluster.kubeconfig);
            if (s.features.gateway) {
                // The gateway's load balancer gets its own firewall (the Civo cloud controller attaches it by
                // annotation): web ports only, and only from Cloudflare when Cloudflare proxies the records.
                const firewall = new civo.Firewall(
                    `${name}-gateway-firewall`,
                    { name: `${name}-gateway`, networkId: network.id, region: s.civo.region },
                    { parent: this },
                );
                const cloudflareRanges = s.cloudflare?.proxied
                    ? cloudflare.getIpRangesOutput({}, { parent: this }).ipv4Cidrs
                    : undefined;
                for (const rule of gatewayFirewallRules(s.cloudflare?.proxied ?? false)) {
                    new civo.FirewallRule(
                        `${name}-gateway-firewall-${rule.label}`,
                        {
                            firewallId: firewall.id,
                            region: s.civo.region,
                            direction: "ingress",
                            protocol: "tcp",
                            startPort: String(rule.port),
                            endPort: String(rule.port),
                            cidrs: rule.from === "cloudflare" ? cloudflareRanges! : ["0.0.0.0/0"],
                            label: rule.label,
                        },
                        { parent: this },
                    );
                }
                lbAnnotations = firewall.id.apply((id): Record<string, string> => ({ [CIVO_FIREWALL_ANNOTATION]: id }));
            }
        } else if (args.kubeconfig !== undefined) {
            kubeconfig = pulumi.secret(pulumi.output(args.kubeconfig));
        }
        const inherited = this.getProvider("kubernetes::Provider") as k8s.Provider | undefined;
        this.provider =
            kubeconfig || !inherited
                ? new k8s.Provider(`${name}-k8s`, kubeconfig ? { kubeconfig } : {}, { parent: this })
                : inherited;
        const on = { parent: this, provider: this.provider };

        // CRD bundles first, then releases, then the objects that need them.
        const crds = Object.fromEntries(
            plan.crds.map(
                (c) => [c.key, new k8s.yaml.v2.ConfigFile(`${name}-crds-${c.key}`, { file: c.file }, on)] as const,
            ),
        );
        const namespace = declareObject(`${name}-namespace`, plan.objects[0]!.object, plan.objects[0]!.object, on);
        // Each release waits for what its plan names (charts.ts): releases come in install order, so the ones it
        // needs are already declared.
        const releases: Partial<Record<ChartKey, k8s.helm.v3.Release>> = {};
        const needed = (n: Need) => ("crds" in n ? crds[n.crds] : releases[n.release]);
        for (const r of plan.releases) {
            releases[r.key] = new k8s.helm.v3.Release(
                `${name}-${r.name}`,
                {
                    name: r.name,
                    namespace: r.namespace,
                    chart: r.chart,
                    ...(r.version !== undefined && { version: r.version }),
                    ...(r.repo !== undefined && { repositoryOpts: { repo: r.repo } }),
                    values: mergeValues(
                        r.key === "traefik" && lbAnnotations
                            ? mergeValues(r.values, { service: { annotations: lbAnnotations } })
                            : r.values,
                        args.helmValues?.[r.key],
                    ),
                    timeout: 600,
                },
                { ...on, dependsOn: [namespace, ...r.after.map((n) => present(needed(n), n, r.key))] },
            );
        }
        const declared = plan.objects.slice(1).map(({ object, after }) => {
            const needs = after === undefined ? [] : [present(needed(after), after, object.kind)];
            const outputs = object.kind === "Gateway" ? ["status"] : [];
            const live =
                object.kind === "EnvoyProxy" && lbAnnotations
                    ? lbAnnotations.apply((a) => withServiceAnnotations(object, a))
                    : object;
            const res = declareObject(
                `${name}-${object.kind.toLowerCase()}-${object.metadata.name}`,
                object,
                live,
                { ...on, dependsOn: [namespace, ...needs] },
                outputs,
            );
            return { object, res };
        });

        // The gateway's address, once its implementation has published one (the Gateway waits for it).
        const gateway = declared.find((d) => d.object.kind === "Gateway")?.res;
        this.address = gateway
            ? (
                  gateway as unknown as { status: pulumi.Output<{ addresses?: { value: string }[] } | undefined> }
              ).status.apply((st) => st?.addresses?.[0]?.value)
            : pulumi.output(undefined);
        this.domain =
            s.domain !== undefined
                ? pulumi.output(s.domain)
                : this.address.apply((a) => {
                      if (a === undefined)
                          throw new pulumi.ResourceError(
                              `RioSystem "${name}": set domain, or turn the gateway feature on so one can be derived`,
                              this,
                          );
                      return sslipDomain(a);
                  });

        // One wildcard certificate for every service and preview.
        const certificate = plan.certificate
            ? declareObject(
                  `${name}-certificate`,
                  plan.certificate("placeholder.invalid"),
                  this.domain.apply(plan.certificate),
                  {
                      ...on,
                      dependsOn: [
                          releases.certManager!,
                          ...declared.filter((d) => d.object.kind === "ClusterIssuer").map((d) => d.res),
                      ],
                  },
              )
            : undefined;

        // The exposed registry's login: the gateway checks it against an htpasswd Secret; the password stays a secret.
        const registryPassword = plan.registryAuthSecret
            ? pulumi.secret(
                  args.registryPassword ??
                      new random.RandomPassword(
                          `${name}-registry-password`,
                          { length: 32, special: false },
                          { parent: this },
                      ).result,
              )
            : undefined;
        let htpasswd: k8s.core.v1.Secret | undefined;
        if (registryPassword && plan.registryAuthSecret) {
            const secret = plan.registryAuthSecret;
            const shape = secret("");
            htpasswd = new k8s.core.v1.Secret(
                `${name}-registry-htpasswd`,
                {
                    metadata: shape.metadata,
                    type: shape.type as string,
                    // (Only a mock engine leaves a generated password unset; a real one has it, or skips this while unknown.)
                    stringData: registryPassword.apply((pw) =>
                        pw === undefined
                            ? {}
                            : (secret(htpasswdLine(REGISTRY_USER, pw)).stringData as Record<string, string>),
                    ),
                },
                { ...on, dependsOn: [namespace] },
            );
        }
        const builderNamespace = declared.find(
            (d) => d.object.kind === "Namespace" && d.object.metadata.name === BUILDER.namespace,
        )?.res;
        declareBuildSecrets(name, buildSecrets, args.buildSecrets ?? {}, (p) => ({
            ...on,
            dependsOn: [p.namespace === BUILDER.namespace && builderNamespace ? builderNamespace : namespace],
        }));

        if (args.cloudflare && s.cloudflare) {
            const cf = new cloudflare.Provider(
                `${name}-cloudflare`,
                { apiToken: pulumi.secret(args.cloudflare.apiToken) },
                { parent: this },
            );
            const cfOpts = { parent: this, provider: cf };
            if (s.features.tls) {
                new k8s.core.v1.Secret(
                    `${name}-cloudflare-token`,
                    {
                        metadata: { name: CLOUDFLARE_TOKEN_SECRET.name, namespace: s.namespace },
                        type: "Opaque",
                        stringData: { [CLOUDFLARE_TOKEN_SECRET.key]: pulumi.secret(args.cloudflare.apiToken) },
                    },
                    { ...on, dependsOn: [namespace] },
                );
            }
            if (s.features.dns && s.domain !== undefined) {
                const address = this.address.apply((a) => a ?? "");
                const zone = s.cloudflare.zone;
                const custom = s.domains
                    .filter((d) => d === zone || d.endsWith(`.${zone}`))
                    .map((d) => ({ role: `domain-${d.replace(/\./g, "-")}`, name: d }));
                for (const rec of [...dnsRecords(s.domain), ...custom]) {
                    new cloudflare.DnsRecord(
                        `${name}-dns-${rec.role}`,
                        {
                            zoneId: args.cloudflare.zoneId,
                            name: rec.name,
                            type: address.apply(recordType),
                            content: address,
                            proxied: s.cloudflare.proxied,
                            // Proxied records have Cloudflare's automatic TTL.
                            ttl: s.cloudflare.proxied ? 1 : 300,
                            comment: "pulumi-rio: the gateway of RioSystem",
                        },
                        cfOpts,
                    );
                }
                if (s.registryExposed && s.cloudflare.proxied) {
                    // Layer pushes must not cross Cloudflare's proxy, which caps request bodies (100 MB on free plans).
                    new cloudflare.DnsRecord(
                        `${name}-dns-registry`,
                        {
                            zoneId: args.cloudflare.zoneId,
                            name: registryHost(s.domain),
                            type: address.apply(recordType),
                            content: address,
                            proxied: false,
                            ttl: 300,
                            comment:
                                "pulumi-rio: the registry of RioSystem (DNS only: image pushes exceed Cloudflare's proxy limits)",
                        },
                        cfOpts,
                    );
                }
                if (s.cloudflare.proxied) {
                    // Cloudflare talks HTTPS to the gateway and checks its (Let's Encrypt) certificate.
                    new cloudflare.ZoneSetting(
                        `${name}-ssl-strict`,
                        { zoneId: args.cloudflare.zoneId, settingId: "ssl", value: "strict" },
                        cfOpts,
                    );
                }
            }
        }

        const ready = pulumi.all([...declared.map((d) => d.res.urn), ...(certificate ? [certificate.urn] : [])]);
        this.kubeconfig = kubeconfig ?? pulumi.output(undefined);
        // Usable once the route, its auth policy and the htpasswd Secret are in: a push before them would be refused.
        const external = plan.registry?.external;
        this.registryCredentials =
            registryPassword && external && htpasswd
                ? pulumi.secret(
                      pulumi.all([registryPassword, ready, htpasswd.urn]).apply(([password]): RegistryCredentials => ({
                          address: external.host,
                          username: external.username,
                          password,
                      })),
                  )
                : pulumi.output(undefined);
        this.ref = pulumi.all([this.domain, ready]).apply(([domain]) => ({
            gateway: { ...plan.gateway, domain },
            ...(plan.registry && { registry: plan.registry }),
            ...(plan.issuer && { issuer: plan.issuer }),
        }));
        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            domain: this.domain,
            address: this.address,
            ref: this.ref,
            registryCredentials: this.registryCredentials,
        });
    }
}
