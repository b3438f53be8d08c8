import { KubeObject } from "../kube/object";
import { systemLabels } from "./gateway";
import { Resources } from "./budget";
import { SystemSettings } from "./settings";

/** The registry's image (CNCF distribution v3), pinned. */
export const REGISTRY_IMAGE = "registry:3.0.0";
export const REGISTRY = {
    name: "rio-registry",
    port: 5000,
    /**
     * The NodePort every node exposes the registry on. Kubelet/containerd pull through `localhost:<nodePort>`:
     * node-local, so no cluster DNS is needed, and containerd speaks plain HTTP to localhost — what Rio's socat
     * DaemonSet did, without a privileged pod. (Needs kube-proxy in iptables mode, k3s' default.)
     */
    nodePort: 30500,
    storage: "20Gi",
};
export const REGISTRY_RESOURCES: Resources = {
    requests: { cpu: "25m", memory: "48Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
};

/** The registry's pods (what `rio build` port-forwards to). */
export const REGISTRY_SELECTOR = { "app.kubernetes.io/name": "registry", "app.kubernetes.io/part-of": "rio-system" };

/** Where builds push to (cluster DNS) and where nodes pull from (node-local). Same repositories, two doors. */
export function registryAddresses(namespace: string): { push: string; pull: string } {
    return {
        push: `${REGISTRY.name}.${namespace}.svc.cluster.local:${REGISTRY.port}`,
        pull: `localhost:${REGISTRY.nodePort}`,
    };
}

/**
 * A `distribution` registry: Deployment (one replica, Recreate: the volume is ReadWriteOnce), NodePort Service,
 * and a PersistentVolumeClaim on the default StorageClass when `persistent` (k3s and Civo have one); deletes are
 * enabled so `registry garbage-collect` can reclaim space.
 */
export function planRegistry(s: SystemSettings, persistent: boolean): KubeObject[] {
    const labels = systemLabels("registry");
    const selector = REGISTRY_SELECTOR;
    const volume = persistent ? { persistentVolumeClaim: { claimName: REGISTRY.name } } : { emptyDir: {} };
    return [
        ...(persistent
            ? [
                  {
                      apiVersion: "v1",
                      kind: "PersistentVolumeClaim",
                      metadata: { name: REGISTRY.name, namespace: s.namespace, labels },
                      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: REGISTRY.storage } } },
                  },
              ]
            : []),
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: REGISTRY.name, namespace: s.namespace, labels },
            spec: {
                replicas: 1,
                strategy: { type: "Recreate" },
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels },
                    spec: {
                        automountServiceAccountToken: false,
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: 1000,
                            runAsGroup: 1000,
                            fsGroup: 1000,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        containers: [
                            {
                                name: "registry",
                                image: REGISTRY_IMAGE,
                                ports: [{ name: "registry", containerPort: REGISTRY.port, protocol: "TCP" }],
                                env: [
                                    { name: "REGISTRY_STORAGE_DELETE_ENABLED", value: "true" },
                                    { name: "REGISTRY_HTTP_ADDR", value: `:${REGISTRY.port}` },
                                ],
                                resources: REGISTRY_RESOURCES,
                                readinessProbe: { httpGet: { path: "/v2/", port: REGISTRY.port } },
                                livenessProbe: { httpGet: { path: "/v2/", port: REGISTRY.port }, periodSeconds: 20 },
                                volumeMounts: [{ name: "data", mountPath: "/var/lib/registry" }],
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    readOnlyRootFilesystem: true,
                                    capabilities: { drop: ["ALL"] },
                                },
                            },
                        ],
                        volumes: [{ name: "data", ...volume }],
                    },
                },
            },
        },
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: REGISTRY.name, namespace: s.namespace, labels },
            spec: {
                type: "NodePort",
                selector,
                ports: [
                    {
                        name: "registry",
                        port: REGISTRY.port,
                        targetPort: REGISTRY.port,
                        nodePort: REGISTRY.nodePort,
                        protocol: "TCP",
                    },
                ],
            },
        },
    ];
}
