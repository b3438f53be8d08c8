import { KubeObject } from "../kube/object";
import { appLabels, objectLabels } from "./labels";
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

/** The ClusterIP Service `<app>` in front of the app's pods; none for a service without ports (Rio: private). */
export function planAppService(svc: NormalizedService, namespace: string): KubeObject | undefined {
    if (svc.ports.length === 0) return undefined;
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: svc.app, namespace, labels: objectLabels(svc) },
        spec: {
            type: "ClusterIP",
            selector: appLabels(svc),
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
