import { KubeObject } from "../kube/object";
import { MANAGED_BY } from "../service/labels";

export interface PreviewMeta {
    namespace: string;
    slug: string;
    branch?: string;
    pullRequest?: number;
    /** Where the gateway (and KEDA's interceptor) run: the only other namespace let in. */
    systemNamespace: string;
}

/**
 * What isolates a preview on a shared cluster: its namespace (Pod Security baseline enforced, restricted warned,
 * owner labels), a default-deny ingress NetworkPolicy letting in only the namespace itself and the system
 * namespace (gateway, interceptor), and a quota with default container limits so one preview cannot starve the
 * cluster.
 */
export function planPreviewIsolation(m: PreviewMeta): { namespace: KubeObject; objects: KubeObject[] } {
    const labels = {
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "rio.pulumi-rio.dev/preview": m.slug,
        ...(m.pullRequest !== undefined && { "rio.pulumi-rio.dev/pull-request": String(m.pullRequest) }),
    };
    const metadata = (name: string) => ({ name, namespace: m.namespace, labels });
    return {
        namespace: {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: {
                name: m.namespace,
                labels: {
                    ...labels,
                    "pod-security.kubernetes.io/enforce": "baseline",
                    "pod-security.kubernetes.io/warn": "restricted",
                },
                annotations: { ...(m.branch !== undefined && { "rio.pulumi-rio.dev/branch": m.branch }) },
            },
        },
        objects: [
            {
                apiVersion: "networking.k8s.io/v1",
                kind: "NetworkPolicy",
                metadata: metadata("preview-isolation"),
                spec: {
                    podSelector: {},
                    policyTypes: ["Ingress"],
                    ingress: [
                        { from: [{ podSelector: {} }] },
                        {
                            from: [
                                {
                                    namespaceSelector: {
                                        matchLabels: { "kubernetes.io/metadata.name": m.systemNamespace },
                                    },
                                },
                            ],
                        },
                    ],
                },
            },
            {
                apiVersion: "v1",
                kind: "ResourceQuota",
                metadata: metadata("preview-quota"),
                spec: {
                    hard: {
                        "requests.cpu": "1",
                        "requests.memory": "1Gi",
                        "limits.cpu": "4",
                        "limits.memory": "4Gi",
                        pods: "20",
                        "services.loadbalancers": "0",
                        "services.nodeports": "0",
                    },
                },
            },
            {
                // A quota on limits needs every container to have one: these are the defaults Rio's apps get here.
                apiVersion: "v1",
                kind: "LimitRange",
                metadata: metadata("preview-limits"),
                spec: {
                    limits: [
                        {
                            type: "Container",
                            defaultRequest: { cpu: "50m", memory: "64Mi" },
                            default: { cpu: "500m", memory: "512Mi" },
                        },
                    ],
                },
            },
        ],
    };
}
