/** Every example and compatibility Riofile deployed, checked and destroyed on the Traefik setup. */
import { useCluster } from "./harness";
import { riofileSuite } from "./riofiles";

const cluster = useCluster({ crds: ["gatewayApi", "certManager", "keda", "kedaHttp", "traefik"], channel: "standard" });
riofileSuite(cluster, "traefik");
