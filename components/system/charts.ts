import { Feature } from "./features";
import { BUDGETS, PodBudget, Resources } from "./budget";
import { gatewayRef, GATEWAY_NAME, HTTPS_LISTENER, IMPLEMENTATIONS } from "./gateway";
import { SystemSettings } from "./settings";
import { usesGatewayHttp01 } from "./tls";

/**
 * Every chart RioSystem installs, pinned: a version default is part of the contract, so a bump is a release.
 * Sources: each chart's values.yaml at the tag named (see the README's footprint section).
 */
export const CHARTS = {
    traefik: { chart: "traefik", repo: "https://traefik.github.io/charts", version: "41.3.0" },
    envoyGateway: { chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.9.0" },
    certManager: { chart: "oci://quay.io/jetstack/charts/cert-manager", version: "v1.21.1" },
    metricsServer: {
        chart: "metrics-server",
        repo: "https://kubernetes-sigs.github.io/metrics-server/",
        version: "3.13.1",
    },
    keda: { chart: "keda", repo: "https://kedacore.github.io/charts", version: "2.20.2" },
    kedaHttp: { chart: "keda-add-ons-http", repo: "https://kedacore.github.io/charts", version: "0.15.0" },
    flagger: { chart: "flagger", repo: "https://flagger.app", version: "1.36.1" },
    headlamp: { chart: "headlamp", repo: "https://kubernetes-sigs.github.io/headlamp/", version: "0.45.0" },
    pulumiOperator: { chart: "oci://ghcr.io/pulumi/helm-charts/pulumi-kubernetes-operator", version: "2.9.0" },
} as const;
export type ChartKey = keyof typeof CHARTS;

/** CRD bundles applied from pinned release assets before anything uses their kinds. */
export const CRD_BUNDLES = {
    gatewayApi: "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml",
    certManager: "https://github.com/cert-manager/cert-manager/releases/download/v1.21.1/cert-manager.crds.yaml",
} as const;
export type CrdBundleKey = keyof typeof CRD_BUNDLES;

/** A CRD bundle's file or URL: its source in the settings, else the pinned release asset. */
export function crdBundleFile(s: SystemSettings, key: CrdBundleKey): string {
    return s.sources?.crdBundles?.[key] ?? CRD_BUNDLES[key];
}

/**
 * What must be in the cluster before a release (or object) is applied: a CRD bundle, or another release, up
 * and ready (Pulumi's Helm release waits for its Deployments and its post-install hooks).
 */
export type Need = { crds: CrdBundleKey } | { release: ChartKey };

/** Where the Gateway API kinds come from: the pinned bundle next to Traefik, Envoy Gateway's own chart. */
export function gatewayApiKinds(s: SystemSettings): Need {
    return s.gateway === "traefik" ? { crds: "gatewayApi" } : { release: "envoyGateway" };
}

/** One Helm release as RioSystem plans it: chart, pinned version, values, and the pods it runs. */
export interface ReleasePlan {
    key: ChartKey;
    feature: Feature;
    /** Helm release name (also the base of the chart's object names). */
    name: string;
    namespace: string;
    /** The pinned chart of {@link CHARTS}, or the settings' source for this release (which may leave out the version). */
    chart: string;
    repo?: string;
    version?: string;
    values: Record<string, unknown>;
    /**
     * What the release waits for: the kinds its templates (or its controller at start) use. Releases come in
     * install order, so a release it needs is always planned before it.
     */
    after: Need[];
    pods: PodBudget[];
}

/** A release of one of {@link CHARTS} (or its source in the settings: only where it comes from changes) in RioSystem's namespace. */
function release(
    s: SystemSettings,
    key: ChartKey,
    feature: Feature,
    name: string,
    body: Pick<ReleasePlan, "values" | "pods"> & { after?: Need[] },
): ReleasePlan {
    return {
        key,
        feature,
        name,
        namespace: s.namespace,
        ...(s.sources?.charts?.[key] ?? CHARTS[key]),
        values: body.values,
        after: body.after ?? [],
        pods: body.pods,
    };
}

const pod = (feature: Feature, component: string, resources: Resources, replicas = 1): PodBudget => ({
    feature,
    component,
    replicas,
    containers: [resources],
});

function traefik(s: SystemSettings): ReleasePlan {
    const impl = IMPLEMENTATIONS.traefik;
    return release(s, "traefik", "gateway", "traefik", {
        // Its Gateway provider watches the Gateway API kinds; its own CRDs (Middleware, for RioRouter) come with the chart.
        after: [{ crds: "gatewayApi" }],
        values: {
            providers: {
                kubernetesGateway: { enabled: true },
                // Gateway API only: no Ingress controller competing for the same addresses.
                kubernetesIngress: { enabled: false },
                kubernetesCRD: { enabled: true },
            },
            ingressClass: { enabled: false },
            // RioSystem declares its own GatewayClass and Gateway (planGateway), so their names and listeners are ours.
            gateway: { enabled: false },
            gatewayClass: { enabled: false },
            service: { spec: { type: "LoadBalancer" } },
            ports: { web: { port: impl.http }, websecure: { port: impl.https } },
            deployment: { replicas: 1 },
            resources: BUDGETS.traefik,
        },
        pods: [pod("gateway", "traefik", BUDGETS.traefik)],
    });
}

function envoyGateway(s: SystemSettings): ReleasePlan {
    return release(s, "envoyGateway", "gateway", "envoy-gateway", {
        // The chart brings Envoy Gateway's CRDs and the Gateway API experimental channel (retries, timeouts).
        values: { deployment: { replicas: 1, envoyGateway: { resources: BUDGETS.envoyGateway } } },
        pods: [
            pod("gateway", "envoy-gateway", BUDGETS.envoyGateway),
            pod("gateway", "envoy proxy (rio-gateway)", BUDGETS.envoyProxy),
        ],
    });
}

function certManager(s: SystemSettings): ReleasePlan {
    // HTTP-01 through the Gateway (custom domains outside the Cloudflare zone) needs cert-manager's Gateway API
    // support, off by default in v1.21; with it on, the controller refuses to start until the Gateway API kinds exist.
    const gatewayApi = usesGatewayHttp01(s);
    return release(s, "certManager", "tls", "cert-manager", {
        after: [{ crds: "certManager" }, ...(gatewayApi ? [gatewayApiKinds(s)] : [])],
        values: {
            // The chart templates its CRDs (it has no crds/ folder); they come from the pinned bundle instead, so
            // Pulumi knows the kinds before the first preview.
            crds: { enabled: false },
            replicaCount: 1,
            resources: BUDGETS.certManagerController,
            webhook: { replicaCount: 1, resources: BUDGETS.certManagerWebhook },
            cainjector: { replicaCount: 1, resources: BUDGETS.certManagerCainjector },
            // The post-install hook Helm (so the release) waits on until the API answers through the webhook with
            // its CA injected: a webhook pod that is Ready is not enough, and the first ClusterIssuer would race it.
            startupapicheck: { enabled: true, resources: BUDGETS.certManagerStartupapicheck },
            // The ClusterIssuers' Cloudflare token lives in this namespace (cert-manager's cluster resource namespace).
            clusterResourceNamespace: s.namespace,
            ...(gatewayApi && {
                // The ControllerConfiguration's v1.21 key (`enableGatewayAPI` is its deprecated spelling).
                config: {
                    apiVersion: "controller.config.cert-manager.io/v1alpha1",
                    kind: "ControllerConfiguration",
                    gatewayAPI: { enabled: true },
                },
            }),
        },
        pods: [
            pod("tls", "cert-manager controller", BUDGETS.certManagerController),
            pod("tls", "cert-manager webhook", BUDGETS.certManagerWebhook),
            pod("tls", "cert-manager cainjector", BUDGETS.certManagerCainjector),
        ],
    });
}

function metricsServer(s: SystemSettings): ReleasePlan {
    return release(s, "metricsServer", "metrics", "metrics-server", {
        values: {
            replicas: 1,
            resources: BUDGETS.metricsServer,
            // k3s and Civo kubelets serve self-signed certificates.
            args: ["--kubelet-insecure-tls"],
        },
        pods: [pod("metrics", "metrics-server", BUDGETS.metricsServer)],
    });
}

function keda(s: SystemSettings): ReleasePlan[] {
    return [
        release(s, "keda", "autoscaling", "keda", {
            values: {
                operator: { replicaCount: 1 },
                metricsServer: { replicaCount: 1 },
                webhooks: { replicaCount: 1 },
                // The chart reads resources from one top-level map, and spells the metrics server "metricServer" there.
                resources: {
                    operator: BUDGETS.kedaOperator,
                    metricServer: BUDGETS.kedaMetricsServer,
                    webhooks: BUDGETS.kedaWebhooks,
                },
            },
            pods: [
                pod("autoscaling", "keda operator", BUDGETS.kedaOperator),
                pod("autoscaling", "keda metrics apiserver", BUDGETS.kedaMetricsServer),
                pod("autoscaling", "keda admission webhooks", BUDGETS.kedaWebhooks),
            ],
        }),
        release(s, "kedaHttp", "autoscaling", "keda-add-ons-http", {
            // Its chart templates the interceptor's ScaledObject, a KEDA kind.
            after: [{ release: "keda" }],
            values: {
                operator: { replicas: 1, resources: BUDGETS.kedaHttpOperator },
                scaler: { replicas: 1, resources: BUDGETS.kedaHttpScaler },
                interceptor: { replicas: { min: 1, max: 3 }, resources: BUDGETS.kedaHttpInterceptor },
            },
            pods: [
                pod("autoscaling", "http add-on operator", BUDGETS.kedaHttpOperator),
                pod("autoscaling", "http add-on scaler", BUDGETS.kedaHttpScaler),
                pod("autoscaling", "http add-on interceptor", BUDGETS.kedaHttpInterceptor),
            ],
        }),
    ];
}

/** Flagger with its Gateway API router: RioService's gradual rollouts are its Canaries (service/rollout.ts). */
function flagger(s: SystemSettings): ReleasePlan {
    return release(s, "flagger", "rollout", "flagger", {
        // Its router writes the apps' HTTPRoutes; its chart brings the Canary CRD (crds/).
        after: [gatewayApiKinds(s)],
        values: {
            meshProvider: "gatewayapi:v1",
            // Canaries check readiness only (no metric analysis): no Prometheus is installed or needed.
            prometheus: { install: false },
            resources: BUDGETS.flagger,
        },
        pods: [pod("rollout", "flagger", BUDGETS.flagger)],
    });
}

/** Headlamp on `dashboard.<domain>` through the Gateway. Its own service account gets no rights: users log in with a token. */
function headlamp(s: SystemSettings, domain: string | undefined): ReleasePlan {
    const ref = gatewayRef(s);
    return release(s, "headlamp", "dashboard", "headlamp", {
        // Its chart templates the HTTPRoute below.
        after: [gatewayApiKinds(s)],
        values: {
            replicaCount: 1,
            // The chart binds its service account to cluster-admin by default; token login needs no rights there.
            clusterRoleBinding: { create: false },
            config: { inCluster: true },
            resources: BUDGETS.headlamp,
            httpRoute: {
                enabled: true,
                parentRefs: [{ name: GATEWAY_NAME, namespace: s.namespace, sectionName: ref.listener }],
                ...(domain !== undefined && { hostnames: [`dashboard.${domain}`] }),
            },
        },
        pods: [pod("dashboard", "headlamp", BUDGETS.headlamp)],
    });
}

/** The Pulumi Kubernetes Operator (v2), for continuous deployment: Stack objects re-run `pulumi up`. */
function pulumiOperator(s: SystemSettings): ReleasePlan {
    return release(s, "pulumiOperator", "continuousDeployment", "pulumi-kubernetes-operator", {
        values: { resources: BUDGETS.pulumiOperator },
        pods: [pod("continuousDeployment", "pulumi kubernetes operator", BUDGETS.pulumiOperator)],
    });
}

/** The Helm releases of the enabled features, in install order. */
export function planReleases(s: SystemSettings, domain?: string): ReleasePlan[] {
    const f = s.features;
    return [
        ...(f.gateway ? [s.gateway === "traefik" ? traefik(s) : envoyGateway(s)] : []),
        ...(f.tls ? [certManager(s)] : []),
        ...(f.metrics ? [metricsServer(s)] : []),
        ...(f.autoscaling ? keda(s) : []),
        ...(f.rollout ? [flagger(s)] : []),
        ...(f.dashboard ? [headlamp(s, domain ?? s.domain)] : []),
        ...(f.continuousDeployment ? [pulumiOperator(s)] : []),
    ];
}

export { HTTPS_LISTENER };
