/** The Riofiles whose objects differ by gateway (routers, versions, timeouts) on the Envoy Gateway setup. */
import { useCluster } from "./harness";
import { riofileSuite } from "./riofiles";

const cluster = useCluster({
    crds: ["gatewayApi", "certManager", "keda", "kedaHttp", "envoyGateway"],
    channel: "experimental",
});
riofileSuite(cluster, "envoy", ["traffic", "canary", "routers", "versions", "services"]);
