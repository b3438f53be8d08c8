import { KubeObject } from "../kube/object";
import { objectLabels, selectorLabels } from "./labels";
import { ServiceContext } from "./context";
import { NormalizedService } from "./spec";

/** The header the app's route sets per version, so KEDA's interceptor can tell versions apart behind one Service. */
export const VERSION_HEADER = "x-rio-version";

/**
 * What a concurrency-scaled version's traffic looks like to KEDA's interceptor: the hosts it serves, the
 * Service and port behind them, and (for one version among several) the header that names it.
 */
export interface InterceptedTarget {
    hosts: string[];
    service: string;
    port: number;
    header?: string;
}

/**
 * A version's autoscaler. On concurrency (Rio's): an InterceptorRoute (KEDA HTTP add-on) counting in-flight
 * requests per pod against the target and holding a cold request up to 60 s while a pod starts (scale from
 * zero answers the first request instead of failing it), and a ScaledObject with the bounds, fed by the
 * add-on's scaler. On cpu/memory: a HorizontalPodAutoscaler (autoscaling/v2).
 */
export function planAutoscaler(
    svc: NormalizedService,
    ctx: ServiceContext,
    target: InterceptedTarget | undefined,
): KubeObject[] {
    const a = svc.autoscale;
    if (!a) return [];
    const metadata = { name: svc.name, namespace: ctx.namespace, labels: objectLabels(svc) };
    // By kind for both engines: KEDA, like the HPA, would otherwise look for a Deployment of that name, which a
    // StatefulSet is not. (A DaemonSet has no scale subresource: normalizeService refuses autoscale on one. The
    // InterceptorRoute names the Service, not the workload, so it holds for every kind.)
    const scaleTargetRef = { apiVersion: "apps/v1", kind: svc.workload, name: svc.name };
    if (a.kind === "resource") {
        const metric = (name: "cpu" | "memory", utilization: number) => ({
            type: "Resource",
            resource: { name, target: { type: "Utilization", averageUtilization: utilization } },
        });
        return [
            {
                apiVersion: "autoscaling/v2",
                kind: "HorizontalPodAutoscaler",
                metadata,
                spec: {
                    scaleTargetRef,
                    minReplicas: a.min,
                    maxReplicas: a.max,
                    metrics: [
                        ...(a.cpu !== undefined ? [metric("cpu", a.cpu)] : []),
                        ...(a.memory !== undefined ? [metric("memory", a.memory)] : []),
                    ],
                },
            },
        ];
    }
    if (!target) return []; // refused earlier: concurrency needs an exposed port (normalizeService)
    return [
        ...[
            {
                apiVersion: "http.keda.sh/v1beta1",
                kind: "InterceptorRoute",
                metadata,
                spec: {
                    target: { service: target.service, port: target.port },
                    rules: [
                        {
                            hosts: target.hosts,
                            ...(target.header !== undefined && {
                                headers: [{ name: VERSION_HEADER, value: target.header }],
                            }),
                        },
                    ],
                    scalingMetric: { concurrency: { targetValue: a.concurrency } },
                    timeouts: { readiness: "60s" },
                },
            },
        ],
        {
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata,
            spec: {
                scaleTargetRef,
                minReplicaCount: a.min,
                maxReplicaCount: a.max,
                triggers: [
                    {
                        type: "external-push",
                        metadata: { interceptorRoute: svc.name, scalerAddress: ctx.autoscaling.scalerAddress },
                    },
                ],
            },
        },
    ];
}

/** Voluntary disruptions (drains, upgrades) take one pod at a time from a version that can run two or more. */
export function planDisruptionBudget(svc: NormalizedService, namespace: string): KubeObject | undefined {
    const max = svc.autoscale ? svc.autoscale.max : svc.scale;
    if (max < 2) return undefined;
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: svc.name, namespace, labels: objectLabels(svc) },
        spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(svc) } },
    };
}

/** Lets the app's routes (in its namespace) send to KEDA's interceptor (in the add-on's). */
export function planReferenceGrant(app: string, ctx: ServiceContext, labels: Record<string, string>): KubeObject {
    return {
        apiVersion: "gateway.networking.k8s.io/v1beta1",
        kind: "ReferenceGrant",
        metadata: { name: `rio-${ctx.namespace}-${app}`, namespace: ctx.autoscaling.namespace, labels },
        spec: {
            from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: ctx.namespace }],
            to: [{ group: "", kind: "Service", name: ctx.autoscaling.interceptor.name }],
        },
    };
}
