/** Admission of every rendered object on the Traefik setup: Gateway API's standard channel (RioSystem's bundle). */
import { admissionSuite } from "./admission";
import { useCluster } from "./harness";

const cluster = useCluster({
    crds: ["gatewayApi", "certManager", "keda", "kedaHttp", "traefik"],
    channel: "standard",
});
admissionSuite(cluster, "traefik");
