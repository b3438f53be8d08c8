/**
 * The program of a `rio` stack, run inline by the Automation API: RioSystem with the settings `rio install` kept,
 * then each namespace's Riofile through `deployRiofile` — the components every Pulumi program uses, nothing
 * planned twice. It reads only the stack's config (desired.ts), so `pulumi preview` on the stack, its history and
 * a rollback see what the commands asked for.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RioInputError } from "../errors";
import { deployRiofile } from "../riofile/deploy";
import { parseRiofile, Riofile } from "../riofile/load";
import { featuresNeeded } from "../riofile/needs";
import { planRiofile } from "../render/plan";
import { Feature } from "../system/features";
import { planSystem } from "../system/plan";
import { RioSystem, RioSystemArgs, settingsOf } from "../system/rioSystem";
import { SystemConfig } from "../system/config";
import { SystemSettings } from "../system/settings";
import { checkBuildSecrets } from "../build/credentials";
import { buildSecretInputs, needsBuild } from "./buildSecrets";
import { Desired, readDesired } from "./desired";
import { refuseLocalBuilds, riofileLabel } from "./riofileEdit";

/** The Pulumi project of rio's stacks: apart from the repository's own `rio` project, so no stack is shared. */
export const PROJECT = "rio-cli";

/** RioSystem settings a `rio` stack cannot take yet, and why. */
const NOT_YET: Record<string, string> = {
    install: "a rio stack always installs RioSystem",
    civo: "rio deploys to the cluster of a kube context; create a Civo cluster with the project's civo stack (pulumi up)",
    cloudflare: "rio keeps no Cloudflare token yet; use the project's civo stack (pulumi up) for a Cloudflare zone",
    continuousDeployment: "continuous deployment re-runs the project's program, not a rio stack",
};

/** Refuses RioSystem settings a rio stack does not handle yet, naming each (under `rio:system`). */
export function checkRioSystem(system: SystemConfig): void {
    for (const key of Object.keys(system))
        if (Object.hasOwn(NOT_YET, key))
            throw new RioInputError(
                ["rio:system", key],
                `is not supported by rio install yet: ${NOT_YET[key]}`,
                undefined,
                true,
            );
}

/** Each namespace's Riofile, loaded (its template was answered when it was added). */
export function loadRiofiles(desired: Desired): { namespace: string; riofile: Riofile }[] {
    return Object.entries(desired.riofiles)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([namespace, text]) => ({
            namespace,
            riofile: parseRiofile(text, riofileLabel(namespace), { namespace }),
        }));
}

/**
 * RioSystem's args: the stack's settings, with only the features the Riofiles need turned on unless the settings
 * name them (as the project's program does): the builder for builds (and for the credentials `rio secret create`
 * kept for them), KEDA for concurrency, metrics-server for cpu/memory autoscaling.
 */
export function systemArgs(
    system: SystemConfig,
    riofiles: readonly Riofile[],
    buildSecrets?: Desired["buildSecrets"],
): RioSystemArgs {
    const { install: _install, cloudflare: _cloudflare, features, ...rest } = system;
    // With no Riofile yet (just installed), nothing is needed: the features a Riofile would ask for stay off.
    const none: Riofile = { file: "none", services: [], configs: [], routers: [], externalServices: [], manifest: [] };
    const needed: Partial<Record<Feature, boolean>> = featuresNeeded(none);
    for (const riofile of riofiles)
        for (const [f, on] of Object.entries(featuresNeeded(riofile)) as [Feature, boolean][])
            needed[f] = (needed[f] ?? false) || on;
    // Credentials for builds are kept where builds run (the build feature, which needs the registry).
    if (needsBuild(buildSecrets)) Object.assign(needed, { build: true, registry: true });
    return { ...rest, features: { ...needed, ...features } };
}

/** The Pulumi resource name a Riofile entry gets: two namespaces may not both have one (they would be one resource). */
function resourceNames(riofile: Riofile): string[] {
    return [
        ...riofile.services.map((s) => `service "${s.name}"`),
        ...riofile.routers.map((r) => `router "${r.name}"`),
        ...riofile.configs.map((c) => `config "${c.name}"`),
        ...riofile.externalServices.map((e) => `external service "${e.name}"`),
    ];
}

/** Two namespaces may not both have an entry of one name: they would be one Pulumi resource. */
function checkNames(loaded: readonly { namespace: string; riofile: Riofile }[]): void {
    const owner = new Map<string, string>();
    for (const { namespace, riofile } of loaded)
        for (const name of resourceNames(riofile)) {
            const other = owner.get(name);
            if (other !== undefined)
                throw new RioInputError(
                    [],
                    `${name} is in namespace ${other} already: a rio stack holds each name once, whatever its namespace; choose another name`,
                );
            owner.set(name, namespace);
        }
}

/** What the program checks itself before registering anything (a hand-edited config included). */
function checkStack(desired: Desired): { namespace: string; riofile: Riofile }[] {
    if (desired.system === undefined) throw new RioInputError([], "rio install has not run on this stack yet");
    checkRioSystem(desired.system);
    const loaded = loadRiofiles(desired);
    checkNames(loaded);
    for (const { namespace, riofile } of loaded)
        refuseLocalBuilds(riofile, (s) => `service "${s}" in namespace ${namespace}`);
    return loaded;
}

/** RioSystem's settings as the stack's program resolves them (the features its Riofiles need turned on). */
export function stackSettings(desired: Desired): {
    loaded: { namespace: string; riofile: Riofile }[];
    settings: SystemSettings;
} {
    const loaded = checkStack(desired);
    const args = systemArgs(
        desired.system!,
        loaded.map((l) => l.riofile),
        desired.buildSecrets,
    );
    return {
        loaded,
        settings: planSystem(settingsOf(args), { registryPersistence: args.registryPersistence }).settings,
    };
}

/**
 * Checks a desired state as the program will run it — RioSystem planned, every Riofile planned against a stand-in
 * gateway — so a user error stops the command before the engine runs, and no update is ever started that the
 * program would refuse.
 */
export function checkDesired(desired: Desired): void {
    const { loaded, settings } = stackSettings(desired);
    // As RioSystem checks them, on the stack file's values (ciphertexts stand for the credentials).
    checkBuildSecrets(desired.buildSecrets, {
        build: settings.features.build,
        systemNamespace: settings.namespace,
        gitAuthSecret: settings.continuousDeployment?.gitAuthSecret,
    });
    for (const { namespace, riofile } of loaded)
        planRiofile(riofile, { namespace, gateway: { domain: "pending.invalid" } });
}

/** Pod Security for the namespaces rio creates, as the project's program labels them. */
function namespaceObject(name: string, provider: k8s.Provider): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(
        `namespace-${name}`,
        {
            metadata: {
                name,
                labels: {
                    "pod-security.kubernetes.io/enforce": "baseline",
                    "pod-security.kubernetes.io/warn": "restricted",
                },
            },
        },
        { provider },
    );
}

/** The stack's outputs, as `rio ps` and the commands read them. */
export interface StackOutputs {
    /** Namespace → service or router → its URLs. */
    urls?: Record<string, Record<string, string[]>>;
    domain?: string;
    gatewayAddress?: string;
}

/** The inline program: reads the desired state from the stack's config and deploys it. */
export async function rioProgram(): Promise<Record<string, unknown>> {
    try {
        return deploy(readDesired(pulumi.runtime.allConfig()));
    } catch (e) {
        // Bad input is the user's to fix: one clear line, no stack trace, nothing registered.
        if (e instanceof RioInputError || e instanceof pulumi.ResourceError) throw new pulumi.RunError(e.message);
        throw e;
    }
}

function deploy(desired: Desired): Record<string, unknown> {
    const loaded = checkStack(desired);
    // The stack's own context, never whichever is current when the program runs. The kubeconfig is read where
    // the provider runs (KUBECONFIG, else ~/.kube/config): "" keeps the SDK from storing this process's KUBECONFIG
    // path as an input, which a `pulumi preview` from another shell would see as a change.
    const cluster = new k8s.Provider("cluster", {
        kubeconfig: "",
        ...(desired.context !== undefined && { context: desired.context }),
    });
    const args = systemArgs(
        desired.system!,
        loaded.map((l) => l.riofile),
        desired.buildSecrets,
    );
    const system = new RioSystem(
        "rio",
        { ...args, ...(desired.buildSecrets && { buildSecrets: buildSecretInputs(desired.buildSecrets) }) },
        { providers: { kubernetes: cluster } },
    );
    const urls: Record<string, pulumi.Output<Record<string, string[]>>> = {};
    for (const { namespace, riofile } of loaded) {
        const ns = namespace === "default" ? undefined : namespaceObject(namespace, system.provider);
        const deployed = deployRiofile(
            riofile,
            {
                namespace,
                gateway: system.ref.apply((r) => r.gateway),
                gatewayImplementation: args.gatewayImplementation ?? "traefik",
                registry: system.ref.apply((r) => r.registry),
                registryCredentials: system.registryCredentials,
            },
            { provider: system.provider, dependsOn: [...(ns ? [ns] : []), system] },
        );
        urls[namespace] = pulumi.all(
            Object.fromEntries(
                [...Object.entries(deployed.services), ...Object.entries(deployed.routers)].map(([name, s]) => [
                    name,
                    s.urls,
                ]),
            ),
        );
    }
    return { urls: pulumi.all(urls), domain: system.domain, gatewayAddress: system.address };
}
