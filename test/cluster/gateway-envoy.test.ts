/** Envoy Gateway's control plane and cert-manager act on RioSystem's and every Riofile's objects. */
import { gatewaySuite } from "./gatewaySuite";
import { useCluster } from "./harness";

const cluster = useCluster({
    crds: ["gatewayApi", "certManager", "keda", "kedaHttp", "envoyGateway"],
    channel: "experimental",
});
gatewaySuite(cluster, "envoy");
