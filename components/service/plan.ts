import { RioInputError } from "../errors";
import { PlannedObject } from "../kube/object";
import { planAppService } from "./appService";
import { ServiceContext } from "./context";
import { planDeployment } from "./deployment";
import { planHttpRoutes } from "./httpRoute";
import { NormalizedService } from "./spec";

/** Everything one service becomes: the objects to apply and the values its component outputs. */
export interface ServicePlan {
    objects: PlannedObject[];
    /** Name of the app's ClusterIP Service, when the service has ports. */
    serviceName?: string;
    hostnames: string[];
    urls: string[];
}

/**
 * The one mapping from a normalized service to Kubernetes objects. `RioService` applies exactly these and
 * `rio render` prints exactly these; nothing else decides what a service becomes.
 */
export function planService(svc: NormalizedService, ctx: ServiceContext): ServicePlan {
    const service = planAppService(svc, ctx.namespace);
    const exposed = planHttpRoutes(svc, ctx);
    const hostnames = exposed.flatMap((e) => e.hostnames);
    const dup = hostnames.find((h, i) => hostnames.indexOf(h) !== i);
    if (dup) throw new RioInputError(["hostnames"], `hostname "${dup}" is listed twice`);
    return {
        objects: [
            { suffix: "", object: planDeployment(svc, ctx.namespace) },
            ...(service ? [{ suffix: "", object: service }] : []),
            ...exposed.map((e) => ({ suffix: e.suffix, object: e.route })),
        ],
        serviceName: service?.metadata.name,
        hostnames,
        urls: hostnames.map((h) => `${ctx.gateway.scheme}://${h}`),
    };
}
