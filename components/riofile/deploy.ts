import * as pulumi from "@pulumi/pulumi";
import { declareObject } from "../kube/declare";
import { planRiofile, RiofileTarget } from "../render/plan";
import { RioService } from "../service/rioService";
import { Riofile } from "./load";

/** Options for the resources a Riofile becomes. */
export interface DeployOptions {
    /** Kubernetes provider. Default: the parent's, else the default provider (current kube context). */
    provider?: pulumi.ProviderResource;
    /** Parent of every resource created. */
    parent?: pulumi.Resource;
    /** Resources everything waits for (e.g. the namespace). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** What a deployed Riofile is made of. */
export interface DeployedRiofile {
    services: Record<string, RioService>;
    configMaps: Record<string, pulumi.CustomResource>;
}

/**
 * Deploys a loaded Riofile: its configs as ConfigMaps, its services as {@link RioService}s (which wait for the
 * ConfigMaps they may mount). The whole file is planned first, with the functions `rio render` uses, so an
 * error anywhere is reported with its file position before any resource is registered.
 */
export function deployRiofile(riofile: Riofile, target: RiofileTarget, opts?: DeployOptions): DeployedRiofile {
    const plan = planRiofile(riofile, target);
    const childOpts: pulumi.CustomResourceOptions = { parent: opts?.parent, provider: opts?.provider, dependsOn: opts?.dependsOn };
    const configMaps = Object.fromEntries(
        plan.configs.map(({ name, object }) => [name, declareObject(name, object.object, object.object, childOpts)]),
    );
    const services = Object.fromEntries(
        riofile.services.map(({ name, spec }) => [
            name,
            new RioService(
                name,
                { ...spec, namespace: plan.context.namespace, gateway: plan.context.gateway },
                { ...childOpts, dependsOn: [...(opts?.dependsOn ?? []), ...Object.values(configMaps)] },
            ),
        ]),
    );
    return { services, configMaps };
}
