import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { declareObject } from "../kube/declare";
import { planRiofile, RiofileTarget } from "../render/plan";
import { Allowable, GatewayRef } from "../service/context";
import { isPlain, RioService } from "../service/rioService";
import { RioRouter } from "../router/rioRouter";
import { Riofile } from "./load";
import { formatWarning } from "./warnings";
import { manifestName } from "./manifest";

/** Where a Riofile is deployed. */
export interface DeployTarget {
    /** Namespace of every object. Default `default`. */
    namespace?: string;
    /** The gateway routes attach to; may be an Output, such as `RioSystem.ref.gateway`. */
    gateway?: pulumi.Input<GatewayRef>;
    /** The gateway's implementation (routers' extra objects depend on it). Default: the gateway's, else `traefik`. */
    gatewayImplementation?: "traefik" | "envoy";
    /** What follows `<app>-` in hostnames (a preview's slug). Default: the namespace. */
    hostLabel?: string;
    /** Features reaching into the node allowed by name (`hostPort`, `hostNetwork`, `hostPath`, `privileged`). Default none. */
    allow?: readonly Allowable[];
    /** RioSystem's registry (`ref.registry`), for builds. Default: RioSystem's, in rio-system. */
    registry?: pulumi.Input<{ push: string; pull: string; external?: { host: string } } | undefined>;
    /** Login to RioSystem's registry for local folder builds (RioSystem's `registryCredentials`, a secret). */
    registryCredentials?: pulumi.Input<{ address: string; username: string; password: string } | undefined>;
}

/** Options for the resources a Riofile becomes. */
export interface DeployOptions {
    /** Kubernetes provider. Default: the parent's, else the default provider (current kube context). */
    provider?: pulumi.ProviderResource;
    /** Parent of every resource created. */
    parent?: pulumi.Resource;
    /** Resources everything waits for (e.g. the namespace). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** Skip deleting these objects one by one when this resource (a preview's namespace) is deleted. */
    deletedWith?: pulumi.Resource;
}

/** What a deployed Riofile is made of. */
export interface DeployedRiofile {
    services: Record<string, RioService>;
    routers: Record<string, RioRouter>;
    externalServices: pulumi.CustomResource[];
    manifest: pulumi.CustomResource[];
    configMaps: Record<string, pulumi.CustomResource>;
}

/**
 * Deploys a loaded Riofile: its configs as ConfigMaps, its services as {@link RioService}s (which wait for the
 * ConfigMaps they may mount). The whole file is planned first, with the functions `rio render` uses, so an
 * error anywhere is reported with its file position before any resource is registered.
 */
export function deployRiofile(riofile: Riofile, target: DeployTarget, opts?: DeployOptions): DeployedRiofile {
    // What the loader took as Rio did but is worth saying (an unset variable, a key Rio ignored).
    for (const w of riofile.warnings ?? []) void pulumi.log.warn(formatWarning(w), opts?.parent);
    // A gateway still to be created (RioSystem's) has no domain yet: check everything else against a stand-in
    // domain now, and let each RioService plan its routes once the real one is known.
    const known = isPlain(target.gateway);
    const plan = planRiofile(riofile, {
        namespace: target.namespace,
        ...(target.hostLabel !== undefined && { hostLabel: target.hostLabel }),
        ...(target.allow && { allow: target.allow }),
        // A registry still to be created is checked against a stand-in; each RioService plans with the real one.
        registry: isPlain(target.registry)
            ? (target.registry as RiofileTarget["registry"])
            : { push: "pending.invalid", pull: "pending.invalid", external: { host: "pending.invalid" } },
        gateway: known
            ? {
                  ...(target.gateway as GatewayRef | undefined),
                  ...(target.gatewayImplementation && { implementation: target.gatewayImplementation }),
              }
            : {
                  domain: "pending.invalid",
                  ...(target.gatewayImplementation && { implementation: target.gatewayImplementation }),
              },
    });
    const childOpts: pulumi.CustomResourceOptions = {
        parent: opts?.parent,
        provider: opts?.provider,
        dependsOn: opts?.dependsOn,
        // RioService and RioRouter hand deletedWith down to their own objects.
        ...(opts?.deletedWith && { deletedWith: opts.deletedWith }),
    };
    const configMaps = Object.fromEntries(
        plan.configs.map(({ name, object }) => [name, declareObject(name, object.object, object.object, childOpts)]),
    );
    const services = Object.fromEntries(
        riofile.services.map(({ name, spec }) => [
            name,
            new RioService(
                name,
                {
                    ...spec,
                    namespace: plan.context.namespace,
                    gateway: known ? plan.context.gateway : target.gateway,
                    ...(target.hostLabel !== undefined && { hostLabel: target.hostLabel }),
                    ...(target.allow && { allow: target.allow }),
                    ...(target.registry !== undefined && { registry: target.registry }),
                    ...(target.registryCredentials !== undefined && {
                        registryCredentials: target.registryCredentials,
                    }),
                    // A Riofile's local folders are relative to the Riofile.
                    baseDir: path.dirname(path.resolve(riofile.file)),
                    // Its routers' hosts reach a scale-to-zero app through KEDA's interceptor.
                    ...(riofile.routers.length > 0 && {
                        routers: Object.fromEntries(riofile.routers.map((r) => [r.name, r.spec])),
                    }),
                },
                { ...childOpts, dependsOn: [...(opts?.dependsOn ?? []), ...Object.values(configMaps)] },
            ),
        ]),
    );
    const routers = Object.fromEntries(
        riofile.routers.map(({ name, spec }) => [
            name,
            new RioRouter(
                name,
                {
                    ...spec,
                    routes: spec.routes,
                    namespace: plan.context.namespace,
                    gateway: known ? plan.context.gateway : target.gateway,
                    gatewayImplementation: plan.context.gateway.implementation,
                    apps: Object.fromEntries(riofile.services.map((svc) => [svc.name, svc.spec])),
                    ...(target.hostLabel !== undefined && { hostLabel: target.hostLabel }),
                },
                { ...childOpts, dependsOn: [...(opts?.dependsOn ?? []), ...Object.values(services)] },
            ),
        ]),
    );
    // External services and the raw manifest are plain objects: no component adds anything to them.
    const externalServices = plan.externalServices.flatMap((e) =>
        e.objects.map(({ suffix, object }) => declareObject(`${e.name}${suffix}`, object, object, childOpts)),
    );
    const manifest = plan.manifest.map(({ object }) =>
        declareObject(
            `manifest-${object.kind.toLowerCase()}-${object.metadata.namespace ? `${object.metadata.namespace}-` : ""}${manifestName(object)}`,
            object,
            object,
            childOpts,
        ),
    );
    return { services, configMaps, routers, externalServices, manifest };
}
