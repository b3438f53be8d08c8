/**
 * The project's Pulumi program: RioSystem (unless `rio:system.install` is false), then the Riofile named in
 * stack config, deployed into a namespace and routed through RioSystem's gateway.
 *
 * Config (namespace `rio`):
 * - `riofile` (default `./Riofile`), `namespace` (default `default`), `createNamespace` (default: true unless
 *   the namespace is `default`);
 * - `system`: RioSystem's settings (`domain`, `email`, `civo`, `cloudflare.zoneId`, `gatewayImplementation`,
 *   `features`, `helmValues`, …) and `install`; the Cloudflare token is the secret `cloudflareApiToken`, the Civo
 *   token the secret `civo:token`;
 * - without RioSystem: `domain` and `gateway` (`{name, namespace, scheme, listener}`) of a gateway you run.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deployRiofile, GatewayRef, loadRiofile, RioInputError, RioSystem } from "../components";
import { checkSystemConfig } from "../components/system/config";
import { featuresNeeded } from "../components/riofile/needs";

const config = new pulumi.Config("rio");

function program() {
    const riofile = loadRiofile(config.get("riofile") ?? "./Riofile");
    const namespace = config.get("namespace") ?? "default";
    const { install = true, cloudflare, features, ...systemArgs } = checkSystemConfig(config.getObject("system"));

    const system = install
        ? new RioSystem("rio", {
              ...systemArgs,
              ...(cloudflare && { cloudflare: { ...cloudflare, apiToken: config.requireSecret("cloudflareApiToken") } }),
              // Install only what the Riofile needs (KEDA for concurrency autoscaling, metrics-server for cpu/memory,
              // the builder and registry for builds), unless asked for by name.
              features: { ...featuresNeeded(riofile), ...features },
          })
        : undefined;
    const provider = system?.provider;
    const ns =
        (config.getBoolean("createNamespace") ?? namespace !== "default")
            ? new k8s.core.v1.Namespace(
                  namespace,
                  {
                      metadata: {
                          name: namespace,
                          // Rio apps run as the image says; baseline refuses privileged pods, restricted only warns.
                          labels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" },
                      },
                  },
                  { provider },
              )
            : undefined;
    const gateway: pulumi.Input<GatewayRef> = system
        ? system.ref.apply((r) => r.gateway)
        : { ...config.getObject<GatewayRef>("gateway"), domain: config.get("domain") };
    const deployed = deployRiofile(
        riofile,
        {
            namespace,
            gateway,
            gatewayImplementation: system ? (systemArgs.gatewayImplementation ?? "traefik") : undefined,
            ...(system && { registry: system.ref.apply((r) => r.registry) }),
        },
        { provider, dependsOn: [...(ns ? [ns] : []), ...(system ? [system] : [])] },
    );
    return { system, deployed };
}

function run() {
    try {
        return program();
    } catch (e) {
        // Bad input is the user's to fix: one clear line, no stack trace.
        if (e instanceof RioInputError) throw new pulumi.RunError(e.message);
        if (e instanceof pulumi.ResourceError) throw new pulumi.RunError(e.message);
        throw e;
    }
}

const { system, deployed } = run();

/** URLs of every exposed service and router, by name. */
export const urls = pulumi.all(
    Object.fromEntries([...Object.entries(deployed.services), ...Object.entries(deployed.routers)].map(([name, s]) => [name, s.urls])),
);
/** What preview stacks and other programs read through a StackReference. */
export const rio = system?.ref;
export const kubeconfig = system?.kubeconfig;
export const gatewayAddress = system?.address;
