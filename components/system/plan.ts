import { KubeObject } from "../kube/object";
import { PodBudget } from "./budget";
import { planBuilder } from "./builder";
import { CrdBundleKey, crdBundleFile, gatewayApiKinds, Need, planReleases, ReleasePlan } from "./charts";
import { planDashboardAccess } from "./dashboard";
import { planDeployer } from "./deployer";
import { Feature } from "./features";
import { gatewayRef, planGateway, systemLabels } from "./gateway";
import { planRegistry, REGISTRY_RESOURCES, registryAddresses } from "./registry";
import { planRegistryRoute, registryAuthSecret, registryExposure, RegistryExposure } from "./registryRoute";
import { SystemSettings } from "./settings";
import { planTls } from "./tls";

/** When an object can be applied: right away, once a CRD bundle exists, or once a release is up. */
export type After = Need | undefined;

export interface SystemObject {
    feature: Feature | "system";
    object: KubeObject;
    after?: After;
}

/** Everything RioSystem puts in the cluster, before any Output is known. */
export interface SystemPlan {
    settings: SystemSettings;
    /** The CRD bundles, applied first; `file` is a URL or a local path (the pinned release asset by default). */
    crds: { key: CrdBundleKey; feature: Feature; file: string }[];
    releases: ReleasePlan[];
    objects: SystemObject[];
    /** The wildcard certificate for a domain (the domain may only be known once the gateway has an address). */
    certificate?: (domain: string) => KubeObject;
    issuer?: string;
    gateway: ReturnType<typeof gatewayRef>;
    /** Where builds push and nodes pull; `external` when the registry is also served at `registry.<domain>`. */
    registry?: { push: string; pull: string; external?: RegistryExposure };
    /** The Secret the gateway checks registry logins against, for an htpasswd line (kept apart: it holds a credential). */
    registryAuthSecret?: (htpasswd: string) => KubeObject;
    /** Every system pod with its requests and limits: what `npm run footprint` adds up. */
    pods: PodBudget[];
}

export interface PlanOptions {
    /** The registry keeps images on a PersistentVolumeClaim of the default StorageClass. Default true. */
    registryPersistence?: boolean;
}

/**
 * The one mapping from RioSystem's settings to what it installs: `RioSystem` applies it, `rio render --system`
 * prints it and `npm run footprint` adds up its pods.
 */
export function planSystem(s: SystemSettings, options: PlanOptions = {}): SystemPlan {
    const f = s.features;
    const releases = planReleases(s);
    const tls = f.tls ? planTls(s) : undefined;
    const gatewayKey = s.gateway === "traefik" ? "traefik" : "envoyGateway";
    const gatewayKinds = gatewayApiKinds(s);
    const objects: SystemObject[] = [
        {
            feature: "system",
            object: {
                apiVersion: "v1",
                kind: "Namespace",
                metadata: {
                    name: s.namespace,
                    labels: {
                        ...systemLabels("system"),
                        "pod-security.kubernetes.io/enforce": "baseline",
                        "pod-security.kubernetes.io/warn": "restricted",
                    },
                },
            },
        },
        ...(f.gateway
            ? planGateway(s).map((object) => ({
                  feature: "gateway" as const,
                  object,
                  // The Gateway API kinds come from the pinned bundle with Traefik, from the chart with Envoy Gateway.
                  after: gatewayKinds,
              }))
            : []),
        ...(tls
            ? tls.objects.map((object) => ({
                  feature: "tls" as const,
                  object,
                  after: { release: "certManager" as const },
              }))
            : []),
        ...(f.registry
            ? planRegistry(s, options.registryPersistence ?? true).map((object) => ({
                  feature: "registry" as const,
                  object,
              }))
            : []),
        ...(s.registryExposed
            ? planRegistryRoute(s).map((object) => ({
                  feature: "registry" as const,
                  object,
                  // The route needs the Gateway API kinds; the Middleware and SecurityPolicy kinds come with their charts.
                  after: object.kind === "HTTPRoute" ? gatewayKinds : { release: gatewayKey as ReleasePlan["key"] },
              }))
            : []),
        ...(f.build ? planBuilder().map((object) => ({ feature: "build" as const, object })) : []),
        ...(f.dashboard ? planDashboardAccess(s).map((object) => ({ feature: "dashboard" as const, object })) : []),
        ...(s.continuousDeployment
            ? planDeployer(s, s.continuousDeployment).map((object) => ({
                  feature: "continuousDeployment" as const,
                  object,
                  ...(object.kind === "Stack" && { after: { release: "pulumiOperator" as const } }),
              }))
            : []),
    ];
    return {
        settings: s,
        crds: [
            ...(f.gateway && s.gateway === "traefik"
                ? [{ key: "gatewayApi" as const, feature: "gateway" as const, file: crdBundleFile(s, "gatewayApi") }]
                : []),
            ...(f.tls
                ? [{ key: "certManager" as const, feature: "tls" as const, file: crdBundleFile(s, "certManager") }]
                : []),
        ],
        releases,
        objects,
        ...(tls && { certificate: tls.certificate, issuer: tls.issuer }),
        gateway: gatewayRef(s),
        ...(f.registry && {
            registry: {
                ...registryAddresses(s.namespace),
                ...(s.registryExposed && { external: registryExposure(s.domain!) }),
            },
        }),
        ...(s.registryExposed && { registryAuthSecret: (htpasswd: string) => registryAuthSecret(s, htpasswd) }),
        pods: [
            ...releases.flatMap((r) => r.pods),
            ...(f.registry
                ? [{ feature: "registry", component: "registry", replicas: 1, containers: [REGISTRY_RESOURCES] }]
                : []),
        ],
    };
}
