import { KubeObject } from "../kube/object";
import { Mount } from "./mounts";
import { kubeProtocol } from "./ports";
import { objectLabels, podLabels, selectorLabels } from "./labels";
import { Probe } from "./probes";
import { NormalizedService } from "./spec";

/** A volume name for a mounted ConfigMap/Secret: Rio's `config-<name>`/`secret-<name>`, kept a DNS label. */
export function mountVolumeName(m: Pick<Mount, "source" | "name">): string {
    const base = `${m.source}-${m.name.replace(/\./g, "-")}`;
    if (base.length <= 63) return base;
    let h = 0;
    for (const c of base) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
    return `${base.slice(0, 54).replace(/-+$/, "")}-${h.toString(16).padStart(8, "0")}`;
}

/** Rio probed nothing by default; we probe the first exposed port so a rollout never routes to a pod that is not listening. */
export function defaultReadinessProbe(svc: NormalizedService): Probe | undefined {
    const first = svc.ports.find((p) => p.expose);
    return first ? { tcpSocket: { port: first.targetPort } } : undefined;
}

function volumes(mounts: Mount[]): Record<string, unknown>[] {
    const seen = new Map<string, Record<string, unknown>>();
    for (const m of mounts) {
        const name = mountVolumeName(m);
        if (seen.has(name)) continue;
        seen.set(name, m.source === "config" ? { name, configMap: { name: m.name } } : { name, secret: { secretName: m.name } });
    }
    return [...seen.values()];
}

/** The Deployment running one version of a service. */
export function planDeployment(svc: NormalizedService, namespace: string): KubeObject {
    const readinessProbe = svc.readinessProbe ?? defaultReadinessProbe(svc);
    const container: Record<string, unknown> = {
        name: svc.name,
        image: svc.image,
        ...(svc.imagePullPolicy && { imagePullPolicy: svc.imagePullPolicy }),
        ...(svc.command && { command: svc.command }),
        ...(svc.args && { args: svc.args }),
        ...(svc.workingDir !== undefined && { workingDir: svc.workingDir }),
        ...(svc.ports.length > 0 && {
            ports: svc.ports.map((p) => ({
                name: p.name,
                containerPort: p.targetPort,
                protocol: kubeProtocol(p),
                ...(p.hostPort && { hostPort: p.targetPort }),
            })),
        }),
        ...(svc.env.length > 0 && { env: svc.env }),
        // Requests only, as Rio did: limits throttle or kill apps whose needs nobody measured yet.
        resources: { requests: { cpu: svc.cpus, memory: svc.memory } },
        ...(readinessProbe && { readinessProbe }),
        ...(svc.livenessProbe && { livenessProbe: svc.livenessProbe }),
        ...(svc.mounts.length + svc.volumes.length > 0 && {
            volumeMounts: [
                ...svc.mounts.map((m) => ({
                    name: mountVolumeName(m),
                    mountPath: m.target,
                    ...(m.key !== undefined && { subPath: m.key }),
                    readOnly: true,
                })),
                ...svc.volumes.map((v) => ({ name: `vol-${v.name}`, mountPath: v.path })),
            ],
        }),
        ...svc.container,
        securityContext: { allowPrivilegeEscalation: false, ...svc.security },
    };
    const annotations = Object.keys(svc.annotations).length > 0 ? { annotations: svc.annotations } : {};
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: svc.name, namespace, labels: objectLabels(svc), ...annotations },
        spec: {
            // An autoscaled workload leaves replicas to its autoscaler: Pulumi must not reset them on every update.
            ...(svc.autoscale === undefined && { replicas: svc.scale }),
            selector: { matchLabels: selectorLabels(svc) },
            // Never below the desired count during a rollout: a new pod must be ready before an old one goes.
            strategy: { type: "RollingUpdate", rollingUpdate: svc.rollout },
            template: {
                metadata: { labels: podLabels(svc), ...annotations },
                spec: {
                    // The app gets no Kubernetes API credentials unless it asks for permissions.
                    automountServiceAccountToken: false,
                    securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                    ...(svc.imagePullSecrets.length > 0 && { imagePullSecrets: svc.imagePullSecrets.map((name) => ({ name })) }),
                    ...svc.pod,
                    containers: [container],
                    ...(svc.mounts.length + svc.volumes.length > 0 && {
                        volumes: [
                            ...volumes(svc.mounts),
                            // Rio's volumes: vol-<name>, scratch space or the claim `<name>`.
                            ...svc.volumes.map((v) => ({ name: `vol-${v.name}`, ...(v.persistent ? { persistentVolumeClaim: { claimName: v.name } } : { emptyDir: {} }) })),
                        ],
                    }),
                },
            },
        },
    };
}
