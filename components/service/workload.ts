import { KubeObject } from "../kube/object";
import { Mount } from "./mounts";
import { kubeProtocol } from "./ports";
import { objectLabels, podLabels, selectorLabels } from "./labels";
import { Probe } from "./probes";
import { NormalizedContainer, NormalizedService } from "./spec";
import { claimTemplate } from "./volumes";

/** A volume name for a mounted ConfigMap/Secret: Rio's `config-<name>`/`secret-<name>`, kept a DNS label. */
export function mountVolumeName(m: Pick<Mount, "source" | "name">): string {
    const base = `${m.source}-${m.name.replace(/\./g, "-")}`;
    if (base.length <= 63) return base;
    let h = 0;
    for (const c of base) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
    return `${base.slice(0, 54).replace(/-+$/, "")}-${h.toString(16).padStart(8, "0")}`;
}

/** Rio probed nothing by default; we probe the first exposed port so a rollout never routes to a pod that is not listening. */
export function defaultReadinessProbe(svc: Pick<NormalizedContainer, "ports">): Probe | undefined {
    const first = svc.ports.find((p) => p.expose);
    return first ? { tcpSocket: { port: first.targetPort } } : undefined;
}

/** The pod's volumes: each mounted ConfigMap/Secret and each of Rio's volumes once, whichever containers mount them. */
function podVolumes(containers: NormalizedContainer[]): Record<string, unknown>[] {
    const seen = new Map<string, Record<string, unknown>>();
    for (const c of containers) {
        for (const m of c.mounts) {
            const name = mountVolumeName(m);
            if (!seen.has(name))
                seen.set(
                    name,
                    m.source === "config"
                        ? { name, configMap: { name: m.name } }
                        : { name, secret: { secretName: m.name } },
                );
        }
    }
    for (const c of containers) {
        for (const v of c.volumes) {
            const name = `vol-${v.name}`;
            // A template's volume comes from the StatefulSet's claim of the same name, per replica.
            if (seen.has(name) || v.template) continue;
            seen.set(name, {
                name,
                ...(v.hostPath !== undefined
                    ? { hostPath: { path: v.hostPath, ...(v.hostPathType !== undefined && { type: v.hostPathType }) } }
                    : v.persistent
                      ? { persistentVolumeClaim: { claimName: v.name } }
                      : { emptyDir: {} }),
            });
        }
    }
    return [...seen.values()];
}

/** One container of the pod, as Kubernetes takes it. */
export function containerSpec(c: NormalizedContainer, readinessProbe: Probe | undefined): Record<string, unknown> {
    return {
        name: c.name,
        image: c.image,
        ...(c.imagePullPolicy && { imagePullPolicy: c.imagePullPolicy }),
        ...(c.command && { command: c.command }),
        ...(c.args && { args: c.args }),
        ...(c.workingDir !== undefined && { workingDir: c.workingDir }),
        ...(c.ports.length > 0 && {
            ports: c.ports.map((p) => ({
                name: p.name,
                containerPort: p.targetPort,
                protocol: kubeProtocol(p),
                // Rio bound the service port on the node (containers.go: HostPort = port.Port), not the container's.
                ...(p.hostPort && { hostPort: p.port }),
            })),
        }),
        ...(c.env.length > 0 && { env: c.env }),
        // Requests only, as Rio did: limits throttle or kill apps whose needs nobody measured yet.
        resources: { requests: { cpu: c.cpus, memory: c.memory } },
        ...(readinessProbe && { readinessProbe }),
        ...(c.livenessProbe && { livenessProbe: c.livenessProbe }),
        ...(c.mounts.length + c.volumes.length > 0 && {
            volumeMounts: [
                ...c.mounts.map((m) => ({
                    name: mountVolumeName(m),
                    mountPath: m.target,
                    ...(m.key !== undefined && { subPath: m.key }),
                    readOnly: true,
                })),
                ...c.volumes.map((v) => ({ name: `vol-${v.name}`, mountPath: v.path })),
            ],
        }),
        ...c.container,
        // A privileged container escalates by definition; everything else may not.
        securityContext: { allowPrivilegeEscalation: c.security.privileged === true, ...c.security },
    };
}

/**
 * The workload running one version of a service: a Deployment; a DaemonSet for a `global` service (one pod per
 * node); a StatefulSet when it has `volumeTemplates` (a claim per replica, `vol-<name>`).
 */
export function planWorkload(svc: NormalizedService, namespace: string): KubeObject {
    const main = { ...svc, ports: svc.ports.filter((p) => p.container === undefined) };
    const containers = [main, ...svc.sidecars];
    const volumes = podVolumes(containers);
    const annotations = Object.keys(svc.annotations).length > 0 ? { annotations: svc.annotations } : {};
    const template = {
        metadata: { labels: podLabels(svc), ...annotations },
        spec: {
            // The app gets no Kubernetes API credentials unless it asks for permissions.
            ...(svc.permissions.length + svc.globalPermissions.length > 0
                ? { serviceAccountName: svc.name, automountServiceAccountToken: true }
                : { automountServiceAccountToken: false }),
            securityContext: { seccompProfile: { type: "RuntimeDefault" } },
            ...(svc.hostNetwork && { hostNetwork: true }),
            ...(svc.imagePullSecrets.length > 0 && {
                imagePullSecrets: svc.imagePullSecrets.map((name) => ({ name })),
            }),
            ...svc.pod,
            ...(svc.sidecars.some((c) => c.init) && {
                initContainers: svc.sidecars.filter((c) => c.init).map((c) => containerSpec(c, undefined)),
            }),
            containers: [
                containerSpec(main, svc.readinessProbe ?? defaultReadinessProbe(main)),
                ...svc.sidecars.filter((c) => !c.init).map((c) => containerSpec(c, c.readinessProbe)),
            ],
            ...(volumes.length > 0 && { volumes }),
        },
    };
    const selector = { matchLabels: selectorLabels(svc) };
    const metadata = { name: svc.name, namespace, labels: objectLabels(svc), ...annotations };
    switch (svc.workload) {
        case "DaemonSet":
            return {
                apiVersion: "apps/v1",
                kind: "DaemonSet",
                metadata,
                spec: { selector, updateStrategy: { type: "RollingUpdate", rollingUpdate: svc.rollout }, template },
            };
        case "StatefulSet":
            return {
                apiVersion: "apps/v1",
                kind: "StatefulSet",
                metadata,
                spec: {
                    ...(svc.autoscale === undefined && { replicas: svc.scale }),
                    // The app's Service names the pods' network identity.
                    serviceName: svc.app,
                    selector,
                    template,
                    volumeClaimTemplates: svc.volumeTemplates.map((t) => claimTemplate(t, objectLabels(svc))),
                },
            };
        default:
            return {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata,
                spec: {
                    // An autoscaled workload leaves replicas to its autoscaler: Pulumi must not reset them on every update.
                    ...(svc.autoscale === undefined && { replicas: svc.scale }),
                    selector,
                    // Never below the desired count during a rollout: a new pod must be ready before an old one goes.
                    strategy: { type: "RollingUpdate", rollingUpdate: svc.rollout },
                    template,
                },
            };
    }
}
