import { KubeObject } from "../kube/object";
import { appLabels, appObjectLabels, objectLabels, versionLabels } from "./labels";
import { Port, kubeProtocol } from "./ports";
import { NormalizedService } from "./spec";

/** Tells the gateway how to speak to the backend (Gateway API backend protocol selection, GEP-1911). */
export function appProtocol(p: Port): string | undefined {
    switch (p.protocol) {
        case "http":
            return "http";
        case "http2":
        case "grpc":
            return "kubernetes.io/h2c";
        default:
            return undefined;
    }
}

/**
 * The ClusterIP Service `<app>` in front of every version's pods, or with `perVersion` the Service
 * `<app>-<version>` in front of one version's (what weighted routes send to). None for a service without
 * ports: Rio made those private.
 */
export function planAppService(svc: NormalizedService, namespace: string, perVersion = false): KubeObject | undefined {
    if (svc.ports.length === 0) return undefined;
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
            name: perVersion ? `${svc.app}-${svc.version}` : svc.app,
            namespace,
            labels: perVersion ? objectLabels(svc) : appObjectLabels(svc),
        },
        spec: {
            type: "ClusterIP",
            selector: perVersion ? versionLabels(svc) : appLabels(svc),
            ports: svc.ports.map((p) => {
                const ap = appProtocol(p);
                return {
                    name: p.name,
                    port: p.port,
                    targetPort: p.targetPort,
                    protocol: kubeProtocol(p),
                    ...(ap && { appProtocol: ap }),
                };
            }),
        },
    };
}
