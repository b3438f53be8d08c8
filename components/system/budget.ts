/** CPU and memory of one container, as Kubernetes takes them. */
export interface Resources {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
}

/** One kind of pod a feature runs, with its replica count: what `npm run footprint` adds up. */
export interface PodBudget {
    feature: string;
    component: string;
    replicas: number;
    /** Every container of the pod (sidecars included). */
    containers: Resources[];
}

/** Millicores of a CPU quantity ("250m", "1", "0.5"). */
export function milliCpu(q: string): number {
    return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

const BINARY: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024 };

/** Mebibytes of a memory quantity ("64Mi", "1Gi"). */
export function mebibytes(q: string): number {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi)$/.exec(q);
    if (!m) throw new Error(`unsupported memory quantity ${q}`);
    return Number(m[1]) * BINARY[m[2]!]!;
}

export interface Totals {
    requests: { cpu: number; memory: number };
    limits: { cpu: number; memory: number };
}

/** Sums requests and limits (millicores, MiB) over pods × replicas. */
export function total(pods: readonly PodBudget[]): Totals {
    const t: Totals = { requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } };
    for (const p of pods) {
        for (const c of p.containers) {
            t.requests.cpu += milliCpu(c.requests.cpu) * p.replicas;
            t.requests.memory += mebibytes(c.requests.memory) * p.replicas;
            t.limits.cpu += milliCpu(c.limits.cpu) * p.replicas;
            t.limits.memory += mebibytes(c.limits.memory) * p.replicas;
        }
    }
    return t;
}

const r = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Resources => ({
    requests: { cpu, memory },
    limits: { cpu: cpuLimit, memory: memoryLimit },
});

/**
 * Resource budgets, sized for a 2 vCPU / 4 GB node. Charts that set nothing (Traefik, cert-manager, Headlamp)
 * get explicit requests and limits; charts with heavy defaults (KEDA: 100m/100Mi each; the HTTP add-on: 3
 * scalers and 3 interceptors at 250m) are cut to one small replica each.
 */
export const BUDGETS = {
    traefik: r("100m", "96Mi", "1", "256Mi"),
    envoyGateway: r("100m", "128Mi", "1", "512Mi"),
    envoyProxy: r("100m", "128Mi", "1", "512Mi"),
    certManagerController: r("20m", "64Mi", "200m", "256Mi"),
    certManagerWebhook: r("10m", "32Mi", "100m", "128Mi"),
    certManagerCainjector: r("10m", "64Mi", "100m", "256Mi"),
    // A one-off post-install Job (not a running pod, so not in the footprint).
    certManagerStartupapicheck: r("10m", "32Mi", "100m", "64Mi"),
    metricsServer: r("25m", "48Mi", "200m", "128Mi"),
    kedaOperator: r("50m", "64Mi", "500m", "256Mi"),
    kedaMetricsServer: r("25m", "48Mi", "300m", "192Mi"),
    kedaWebhooks: r("10m", "32Mi", "100m", "128Mi"),
    kedaHttpOperator: r("10m", "32Mi", "200m", "64Mi"),
    kedaHttpScaler: r("25m", "32Mi", "250m", "64Mi"),
    kedaHttpInterceptor: r("50m", "48Mi", "500m", "128Mi"),
    headlamp: r("25m", "64Mi", "250m", "192Mi"),
    flagger: r("10m", "32Mi", "500m", "128Mi"),
    // The operator's chart asks 200m/128Mi; it idles between runs. Each run's workspace pod is the program's own cost.
    pulumiOperator: r("50m", "96Mi", "500m", "256Mi"),
} as const;
