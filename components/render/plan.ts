import { RioInputError } from "../errors";
import { PlannedObject } from "../kube/object";
import { planConfigMap } from "../riofile/configMap";
import { Riofile } from "../riofile/load";
import { GatewayRef, resolveContext, ServiceContext } from "../service/context";
import { normalizeApp } from "../service/app";
import { planApp, ServicePlan } from "../service/plan";
import { planRouter, RouterPlan } from "../router/plan";
import { normalizeRouter } from "../router/spec";

/** Where a Riofile is deployed: the namespace and the gateway its services attach to. */
export interface RiofileTarget {
    namespace?: string;
    gateway?: GatewayRef;
}

/** A Riofile's objects, grouped as the components create them. */
export interface RiofilePlan {
    context: ServiceContext;
    configs: { name: string; object: PlannedObject }[];
    services: { name: string; plan: ServicePlan }[];
    routers: { name: string; plan: RouterPlan }[];
}

/** Plans every object of a Riofile with the same functions `RioService` and `RioRouter` use. */
export function planRiofile(riofile: Riofile, target: RiofileTarget): RiofilePlan {
    const context = resolveContext(target.namespace, target.gateway);
    // Errors found only now (they depend on the namespace or domain) still point into the file.
    const located = <T>(prefix: (string | number)[], fn: () => T): T => {
        try {
            return fn();
        } catch (e) {
            if (!(e instanceof RioInputError)) throw e;
            const at = e.withPrefix(prefix);
            throw riofile.locate ? at.withLocation(riofile.locate(at.path, at.atKey)) : at;
        }
    };
    const services = riofile.services.map(({ name, spec }) => ({ name, plan: located(["services", name], () => planApp(normalizeApp(name, spec), context)) }));
    const routers = riofile.routers.map(({ name, spec }) => ({ name, plan: located(["routers", name], () => planRouter(normalizeRouter(name, spec), context)) }));
    return {
        context,
        configs: riofile.configs.map(({ name, data }) => ({ name, object: { suffix: "", object: planConfigMap(name, data, context.namespace) } })),
        services,
        routers,
    };
}

/** Every object of the plan in apply order: configs, then each service's objects. */
export function planObjects(plan: RiofilePlan): PlannedObject[] {
    return [...plan.configs.map((c) => c.object), ...plan.services.flatMap((s) => s.plan.objects), ...plan.routers.flatMap((r) => r.plan.objects)];
}
