/**
 * The project's Pulumi program: RioSystem (unless `rio:system.install` is false), then the Riofile named in
 * stack config, deployed into a namespace and routed through RioSystem's gateway.
 *
 * Config (namespace `rio`):
 * - `riofile` (default `./Riofile`), `namespace` (default `default`), `createNamespace` (default: true unless
 *   the namespace is `default`), `answers` (the Riofile template's answers, a map; they win over its
 *   Riofile-answers file);
 * - `system`: RioSystem's settings (`domain`, `email`, `civo`, `cloudflare.zoneId`, `gatewayImplementation`,
 *   `features`, `helmValues`, …) and `install`; the Cloudflare token is the secret `cloudflareApiToken`, the Civo
 *   token the secret `civo:token`;
 * - without RioSystem: `domain` and `gateway` (`{name, namespace, scheme, listener}`) of a gateway you run;
 * - a preview stack: `previewOf` (the base stack, e.g. `acme/rio/civo`), `pullRequest` and/or `branch`, and
 *   optionally `repo` (the project's repository, whose builds follow the branch), `scaleToZero`, `ttlHours`,
 *   `gatewayImplementation` — see stacks/Pulumi.pr.yaml.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deployRiofile, GatewayRef, loadRiofile, PreviewEnv, RioInputError, RioSystem } from "../components";
import { featuresNeeded, registryExposureNeeded } from "../components/riofile/needs";
import { BuildSecretInput } from "../components/build/credentials";
import { previewNamespace as namespaceOfPreview, previewSlug } from "../components/preview/slug";
import { readStackConfig, StackConfig } from "./config";

/** Secrets only: every other key is read (and checked) once, by readStackConfig. */
const config = new pulumi.Config("rio");

/**
 * `rio:buildSecrets` (set each credential with `pulumi config set --secret --path 'rio:buildSecrets.<name>.<field>'`):
 * every field but the kind and the registry server is handed on as a Pulumi secret.
 */
function buildSecrets(raw: unknown): Record<string, BuildSecretInput> {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw))
        throw new RioInputError(["rio:buildSecrets"], "must map Secret names to {kind, …credentials}");
    return Object.fromEntries(
        Object.entries(raw as Record<string, Record<string, unknown>>).map(([name, fields]) => [
            name,
            Object.fromEntries(
                Object.entries(fields ?? {}).map(([k, v]) => [
                    k,
                    k === "kind" || k === "server" || typeof v !== "string" ? v : pulumi.secret(v),
                ]),
            ) as BuildSecretInput,
        ]),
    );
}

/**
 * `rio:riofile`, its template answered by `rio:answers` (then its Riofile-answers) and NAMESPACE. Unset: ./Riofile,
 * else the folder's Dockerfile as one service (rio up without -f); a path that is set must exist.
 */
function readRiofile(settings: StackConfig, namespace: string) {
    return loadRiofile(settings.riofile ?? "./Riofile", {
        answers: settings.answers,
        namespace,
        orDockerfile: settings.riofile === undefined,
    });
}

function program(settings: StackConfig) {
    const namespace = settings.namespace;
    const riofile = readRiofile(settings, namespace);
    // Host-reaching features the stack allows by name (Rio's admission verbs); the namespace's Pod Security follows.
    const allow = settings.allow;
    const { install = true, cloudflare, features, ...systemArgs } = settings.system;

    const system = install
        ? new RioSystem("rio", {
              ...systemArgs,
              ...(cloudflare && {
                  cloudflare: { ...cloudflare, apiToken: config.requireSecret("cloudflareApiToken") },
              }),
              // Install only what the Riofile needs (KEDA for concurrency autoscaling, metrics-server for cpu/memory,
              // the builder and registry for builds), unless asked for by name.
              features: { ...featuresNeeded(riofile), ...features },
              // Local folders are pushed from this machine: the registry must be served at registry.<domain>.
              ...(registryExposureNeeded(riofile) &&
                  systemArgs.registryExposed === undefined && { registryExposed: true }),
              ...(config.getSecret("registryPassword") && { registryPassword: config.getSecret("registryPassword") }),
              ...(settings.buildSecrets !== undefined && { buildSecrets: buildSecrets(settings.buildSecrets) }),
          })
        : undefined;
    const provider = system?.provider;
    const ns =
        (settings.createNamespace ?? namespace !== "default")
            ? new k8s.core.v1.Namespace(
                  namespace,
                  {
                      metadata: {
                          name: namespace,
                          // Rio apps run as the image says; baseline refuses privileged pods, restricted only warns.
                          labels: {
                              "pod-security.kubernetes.io/enforce": allow.length > 0 ? "privileged" : "baseline",
                              "pod-security.kubernetes.io/warn": allow.length > 0 ? "baseline" : "restricted",
                          },
                      },
                  },
                  { provider },
              )
            : undefined;
    const gateway: pulumi.Input<GatewayRef> = system
        ? system.ref.apply((r) => r.gateway)
        : ({ ...settings.gateway, domain: settings.domain } as GatewayRef);
    const deployed = deployRiofile(
        riofile,
        {
            namespace,
            allow,
            gateway,
            gatewayImplementation: system ? (systemArgs.gatewayImplementation ?? "traefik") : undefined,
            ...(system && {
                registry: system.ref.apply((r) => r.registry),
                registryCredentials: system.registryCredentials,
            }),
        },
        { provider, dependsOn: [...(ns ? [ns] : []), ...(system ? [system] : [])] },
    );
    return { system, deployed };
}

/**
 * A preview stack (`rio:previewOf` names the base stack): only a PreviewEnv, on the base's cluster, gateway and
 * registry, read through a StackReference.
 */
function previewProgram(settings: StackConfig, base: string) {
    const { pullRequest, branch } = settings;
    const riofile = readRiofile(
        settings,
        namespaceOfPreview(
            previewSlug({ ...(pullRequest !== undefined && { pullRequest }), ...(branch !== undefined && { branch }) }),
        ),
    );
    const ref = new pulumi.StackReference(base);
    const kubeconfig = ref.getOutput("kubeconfig") as pulumi.Output<string | undefined>;
    // The base's own cluster when it made one (its kubeconfig output), else the current kube context.
    const provider = new k8s.Provider("preview-k8s", { kubeconfig: kubeconfig.apply((k) => k ?? "") });
    const preview = new PreviewEnv(
        "preview",
        {
            ...(pullRequest !== undefined && { pullRequest }),
            ...(branch !== undefined && { branch }),
            ...(settings.repo !== undefined && { repo: settings.repo }),
            riofile,
            system: ref.getOutput("rio") as pulumi.Output<{
                gateway: GatewayRef;
                registry?: { push: string; pull: string; external?: { host: string } };
            }>,
            // A secret output of the base: stays a secret through the reference.
            registryCredentials: ref.getOutput("registryCredentials") as pulumi.Output<
                { address: string; username: string; password: string } | undefined
            >,
            gatewayImplementation: settings.gatewayImplementation ?? "traefik",
            scaleToZero: settings.scaleToZero ?? false,
            ...(settings.ttlHours !== undefined && { ttlHours: settings.ttlHours }),
        },
        { providers: { kubernetes: provider } },
    );
    return { system: undefined, deployed: preview.deployed, preview };
}

function run() {
    try {
        const settings = readStackConfig(pulumi.runtime.allConfig());
        return settings.previewOf !== undefined
            ? previewProgram(settings, settings.previewOf)
            : { ...program(settings), preview: undefined };
    } catch (e) {
        // Bad input is the user's to fix: one clear line, no stack trace.
        if (e instanceof RioInputError) throw new pulumi.RunError(e.message);
        if (e instanceof pulumi.ResourceError) throw new pulumi.RunError(e.message);
        throw e;
    }
}

const { system, deployed, preview } = run();

/** URLs of every exposed service and router, by name. */
export const urls = pulumi.all(
    Object.fromEntries(
        [...Object.entries(deployed.services), ...Object.entries(deployed.routers)].map(([name, s]) => [name, s.urls]),
    ),
);
/** What preview stacks and other programs read through a StackReference. */
export const rio = system?.ref;
/** The login to registry.<domain> when RioSystem serves it there (a secret), for preview stacks' local builds. */
export const registryCredentials = system?.registryCredentials;
export const kubeconfig = system?.kubeconfig;
export const gatewayAddress = system?.address;
/** A preview stack's namespace and first URL (what the pull request comment shows). */
export const previewNamespace = preview?.namespace;
export const previewUrl = preview?.url;
/** When a preview stack expires (its last deployment plus rio:ttlHours): the scheduled clean-up destroys it after. */
export const previewExpiresAt = preview?.expiresAt;
