/** Admission of every rendered object on the Envoy Gateway setup: its chart's experimental Gateway API and policies. */
import { admissionSuite } from "./admission";
import { useCluster } from "./harness";

const cluster = useCluster({
    crds: ["gatewayApi", "certManager", "keda", "kedaHttp", "envoyGateway"],
    channel: "experimental",
});
admissionSuite(cluster, "envoy");
