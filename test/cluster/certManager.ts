/**
 * cert-manager's controllers (our main over its controller registry: see test/cluster/engines/cert-manager),
 * run out of cluster against the local control plane with the settings RioSystem gives its chart. The webhook
 * is not run: it only validates and defaults, and RioSystem's objects are checked against the CRDs' schemas and
 * the issuers' real reconciliation here instead.
 */
import { ControlPlane, Process } from "./controlPlane";
import { engineBins } from "./engines";
import { SYSTEM_NAMESPACE } from "./gateways";

/** Starts cert-manager's controller; its cluster resource namespace is RioSystem's, as the chart's values set. */
export function startCertManager(cp: ControlPlane): Process {
    return cp.spawn("cert-manager", engineBins()["cert-manager-controller"], [
        `--kubeconfig=${cp.kubeconfig}`,
        `--cluster-resource-namespace=${SYSTEM_NAMESPACE}`,
        "--v=2",
    ]);
}
