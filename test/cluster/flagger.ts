/**
 * Flagger, built from its Go module and run out of cluster against the local control plane with the Gateway API
 * provider RioSystem's `rollout` feature configures. No Prometheus runs here: pulumi-rio's Canaries check only
 * readiness (no metrics), so Flagger's start-up probe of its metrics server fails harmlessly.
 */
import { ControlPlane, Process, freePort } from "./controlPlane";
import { engineBins } from "./engines";

export async function startFlagger(cp: ControlPlane): Promise<Process> {
    return cp.spawn("flagger", engineBins().flagger, [
        `-kubeconfig=${cp.kubeconfig}`,
        "-mesh-provider=gatewayapi:v1",
        `-port=${await freePort()}`,
        `-metrics-server=http://127.0.0.1:${await freePort()}`,
        "-log-level=info",
    ]);
}
