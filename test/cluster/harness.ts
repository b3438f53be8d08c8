/**
 * One local control plane per cluster-tier test file, with the CRDs that file uses: files are isolated from one
 * another and each starts only what it needs.
 */
import { after, before } from "node:test";
import { ControlPlane, startControlPlane } from "./controlPlane";
import { CrdSet, GatewayChannel, installCrds } from "./crds";

export interface ClusterOptions {
    crds?: CrdSet[];
    channel?: GatewayChannel;
    /** The API server's aggregation layer (front proxy, endpoint routing), for aggregated API servers. */
    aggregationLayer?: boolean;
    /** kwok's kubelet server: pods/log and pods/exec answered from Logs/ClusterLogs and Exec/ClusterExec objects. */
    kwokServer?: boolean;
}

/** Starts a control plane before the file's tests and stops it after them; returns a getter for it. */
export function useCluster(opts: ClusterOptions = {}): () => ControlPlane {
    let cp: ControlPlane | undefined;
    before(async () => {
        cp = await startControlPlane({ aggregationLayer: opts.aggregationLayer, kwokServer: opts.kwokServer });
        await installCrds(cp.kube, opts.crds ?? ["gatewayApi"], opts.channel);
    });
    after(async () => {
        await cp?.stop();
    });
    return () => {
        if (!cp) throw new Error("the control plane is not running");
        return cp;
    };
}

/** A namespace with pulumi-rio's Pod Security labels, as the stack program makes them. */
export function namespaceObject(name: string, enforce = "baseline") {
    return {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
            name,
            labels: {
                "pod-security.kubernetes.io/enforce": enforce,
                "pod-security.kubernetes.io/warn": "restricted",
            },
        },
    };
}
