import { RioInputError } from "../errors";
import { PlannedObject } from "../kube/object";
import { planConfigMap } from "../riofile/configMap";
import { Riofile } from "../riofile/load";
import { GatewayRef, resolveContext, ServiceContext } from "../service/context";
import { normalizeApp } from "../service/app";
import { planApp, ServicePlan } from "../service/plan";

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
}

/**
 * Plans every object of a Riofile with the same functions `RioService` uses. Errors found only now (they
 * depend on the namespace or domain) still point into the file.
 */
export function planRiofile(riofile: Riofile, target: RiofileTarget): RiofilePlan {
    const context = resolveContext(target.namespace, target.gateway);
    const services = riofile.services.map(({ name, spec }) => {
        try {
            return { name, plan: planApp(normalizeApp(name, spec), context) };
        } catch (e) {
            if (!(e instanceof RioInputError)) throw e;
            const at = e.withPrefix(["services", name]);
            throw riofile.locate ? at.withLocation(riofile.locate(at.path, at.atKey)) : at;
        }
    });
    return {
        context,
        configs: riofile.configs.map(({ name, data }) => ({ name, object: { suffix: "", object: planConfigMap(name, data, context.namespace) } })),
        services,
    };
}

/** Every object of the plan in apply order: configs, then each service's objects. */
export function planObjects(plan: RiofilePlan): PlannedObject[] {
    return [...plan.configs.map((c) => c.object), ...plan.services.flatMap((s) => s.plan.objects)];
}
