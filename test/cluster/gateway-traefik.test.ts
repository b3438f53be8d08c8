/** Traefik (Gateway API and CRD providers) and cert-manager act on RioSystem's and every Riofile's objects. */
import { gatewaySuite } from "./gatewaySuite";
import { useCluster } from "./harness";

const cluster = useCluster({ crds: ["gatewayApi", "certManager", "keda", "kedaHttp", "traefik"], channel: "standard" });
gatewaySuite(cluster, "traefik");
