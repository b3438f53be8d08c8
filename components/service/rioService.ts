import * as pulumi from "@pulumi/pulumi";
import { checked } from "../kube/userError";
import { under } from "../errors";
import { routedHosts } from "../router/plan";
import { normalizeRouter, RouterSpec } from "../router/spec";
import { declarePlanned, sameShape } from "../kube/children";
import { ContextOptions, GatewayRef, resolveContext } from "./context";
import { BuildSpec, GIT_URL } from "../build/spec";
import { EnvInput } from "./env";
import { normalizeApp } from "./app";
import { planApp, ServicePlan } from "./plan";
import { PortSpec } from "./ports";
import { Probe } from "./probes";
import { DataMountSpec, PullPolicy, ServiceSpec, SidecarSpec, VersionSpec } from "./spec";
import { AutoscaleInput } from "./autoscale";
import { Allowable } from "./context";
import { VolumeSpec, VolumeTemplateSpec } from "./volumes";
import { LOCAL_PATH, LocalImage } from "../build/local";
import * as dockerBuild from "@pulumi/docker-build";

/**
 * A local folder's image: built and pushed under its content tag, with a registry layer cache beside it. RioSystem's
 * registry is logged in to with its credentials (a secret end to end); a `pushRegistry` uses this machine's login.
 */
function localImage(
    name: string,
    image: pulumi.Output<LocalImage>,
    credentials: RioServiceArgs["registryCredentials"],
    parent: pulumi.Resource,
): dockerBuild.Image {
    const registries = pulumi
        .all([image, pulumi.output(credentials)])
        .apply(([i, c]) => (i.registry !== undefined && c !== undefined && c.address === i.registry ? [c] : undefined));
    return new dockerBuild.Image(
        name,
        {
            context: { location: image.context },
            dockerfile: { location: image.dockerfile },
            tags: image.apply((i) => i.tags),
            push: true,
            // The content tag already shows in a preview whether the folder changed; building is for `up` only.
            buildOnPreview: false,
            buildArgs: image.args,
            noCache: image.noCache,
            cacheFrom: [{ registry: { ref: image.cache } }],
            cacheTo: [{ registry: { ref: image.cache, mode: dockerBuild.CacheMode.Max } }],
            registries,
        },
        { parent },
    );
}

const WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet"];

/** Arguments of {@link RioService}: Rio's service keys, camelCase, in Rio's value syntax. */
export interface RioServiceArgs {
    /** Container image, e.g. `rancher/hello-world`. Required. */
    image?: pulumi.Input<string>;
    /**
     * Ports in Rio's syntax `PORT[:TARGETPORT][/PROTOCOL][,name=N][,expose=false|internal][,hostport]`, or
     * structured. Protocols: http (default), http2, grpc (published through the gateway by default), tcp,
     * udp, sctp (cluster-internal). Default: none, so the service is private (no Service, no route).
     * Unlike the other keys this is a plain value: it decides which objects exist.
     */
    ports?: string | number | readonly (string | number | PortSpec)[];
    /** Environment: `["K=V"]` or `{K: "V"}`; `secret://name/key` and `config://name/key` read from a Secret/ConfigMap. */
    env?: pulumi.Input<EnvInput>;
    /** ConfigMaps mounted as files: `name[/key]:/absolute/target`. Default none. */
    configs?: pulumi.Input<string | readonly (string | DataMountSpec)[]>;
    /** Secrets mounted as files: `name[/key]:/absolute/target`. Default none. */
    secrets?: pulumi.Input<string | readonly (string | DataMountSpec)[]>;
    /** Entrypoint; a string is shell-split (never run through a shell). Default: the image's. */
    command?: pulumi.Input<string | readonly string[]>;
    /** Arguments; a string is shell-split. Default: the image's. */
    args?: pulumi.Input<string | readonly string[]>;
    /** Working directory. Default: the image's. */
    workingDir?: pulumi.Input<string>;
    /** CPU request in cores (`0.5`) or as a quantity (`"500m"`). Default `50m`, as in Rio; no limit is set. */
    cpus?: pulumi.Input<string | number>;
    /** Memory request (`"128Mi"`, or bytes). Default `64Mi`, as in Rio; no limit is set. */
    memory?: pulumi.Input<string | number>;
    /** Fixed number of replicas. Default 1. */
    scale?: pulumi.Input<number | string>;
    /** Labels for the workload and its pods. The `app.kubernetes.io/*` keys pulumi-rio derives are reserved. */
    labels?: pulumi.Input<Readonly<Record<string, string>>>;
    /** Annotations for the workload and its pods. */
    annotations?: pulumi.Input<Readonly<Record<string, string>>>;
    /**
     * Readiness probe: a Kubernetes Probe, or Rio's shorthand `http://:8080/healthz`, `tcp://:5432` or a
     * command. Default: a TCP probe on the first exposed port.
     */
    readinessProbe?: pulumi.Input<string | Probe>;
    /** Liveness probe, same forms as `readinessProbe`. Default none. */
    livenessProbe?: pulumi.Input<string | Probe>;
    /** `Always`, `IfNotPresent` or `Never` (Rio's `always`, `not-present`, `never` too). Default: Kubernetes'. */
    imagePullPolicy?: pulumi.Input<PullPolicy>;
    /** Names of docker-registry Secrets to pull the image with. Default none. */
    imagePullSecrets?: pulumi.Input<string | readonly string[]>;
    /** App name; versions of one app share it. Default: the component's name. */
    app?: pulumi.Input<string>;
    /** Version of the app. Default `v0`. */
    version?: pulumi.Input<string>;
    /** Extra hostnames served, besides `<app>-<namespace>.<domain>`. Default none. */
    hostnames?: pulumi.Input<readonly string[]>;
    /** Share of the app's traffic relative to its other versions' (with `versions`, set per version). Default 100. */
    weight?: pulumi.Input<number>;
    /**
     * Several versions of the app (Rio's revisions), by version name: each inherits every key above and
     * overrides what it sets (`image`, `env`, `scale`, `weight`, …; `name` names its workload, default
     * `<name>-<version>`). Traffic to `<app>-<namespace>.<domain>` splits by weight; `<app>-<version>-…` reaches
     * one version. Blue/green: the new version at weight 0, then swap the weights; canary: any split. Like
     * `ports`, the set of versions is a plain value (each version's keys may be Outputs).
     */
    versions?: Readonly<
        Record<string, { [K in keyof VersionSpec]: K extends "name" ? string : pulumi.Input<VersionSpec[K]> }>
    >;
    /** Namespace to deploy into. Default `default`. */
    namespace?: pulumi.Input<string>;
    /** The Gateway routes attach to and the cluster domain. Defaults: `rio-gateway` in `rio-system`, `https`. */
    gateway?: pulumi.Input<GatewayRef>;
    /**
     * Build the image from git — Rio's `build` keys: `repo`, `branch` (default: the remote's default branch) or
     * `revision` (a tag or commit), `dockerfile`, `context`, `args`, `noCache`, `timeout`, `imageName`,
     * `pushRegistry`, `pushRegistrySecretName`, `cloneSecretName`. A git URL as `image` means the same. The branch
     * is resolved to its head commit with `git ls-remote` when the program runs, and the image tag comes from it.
     * A plain value: it decides which objects exist.
     */
    build?: BuildSpec;
    /** What follows `<app>-` in hostnames (a preview's slug). Default: the namespace, as in Rio. */
    hostLabel?: pulumi.Input<string>;
    /**
     * Autoscaling: `{concurrency, min, max}` (in-flight requests per pod, through KEDA's HTTP add-on; `min: 0`
     * scales to zero) or `{cpu, memory, min, max}` (utilization percent, an HPA). `scale: "1-10"` is Rio's short
     * form. Default: none, a fixed `scale`. A plain value.
     */
    autoscale?: AutoscaleInput;
    /** Pod DNS: `{policy, nameservers, searches, options}` (`policy: host` is Kubernetes' `Default`). Default: the cluster's. */
    dns?: pulumi.Input<ServiceSpec["dns"]>;
    /** Extra /etc/hosts entries: `host=ip` strings or `{ip, hostnames}`. Default none. */
    hostAliases?: pulumi.Input<ServiceSpec["hostAliases"]>;
    /** The pod's hostname. Default: the pod's name. */
    hostname?: pulumi.Input<string>;
    /** Keep stdin open (`stdinOnce`: for one attach only) and allocate a TTY. Default false. */
    stdin?: pulumi.Input<boolean>;
    stdinOnce?: pulumi.Input<boolean>;
    tty?: pulumi.Input<boolean>;
    /** User and group the container runs as. Default: the image's. */
    runAsUser?: pulumi.Input<number>;
    runAsGroup?: pulumi.Input<number>;
    /** Mount the container's root filesystem read-only. Default false. */
    readOnlyRootFilesystem?: pulumi.Input<boolean>;
    /** Kubernetes NodeAffinity, PodAffinity and PodAntiAffinity, as Kubernetes takes them. Default none. */
    nodeAffinity?: pulumi.Input<Record<string, unknown>>;
    podAffinity?: pulumi.Input<Record<string, unknown>>;
    podAntiAffinity?: pulumi.Input<Record<string, unknown>>;
    /** Rolling update bounds, a number or a percentage. Defaults 0 and 1 (never below the desired count). */
    maxUnavailable?: pulumi.Input<number | string>;
    maxSurge?: pulumi.Input<number | string>;
    /**
     * Volumes in Rio's syntax: `name:/path` (scratch), `name:/path,persistent=true` (a 20Gi claim `<name>`),
     * `/host/dir:/path[,hosttype=directory]` (needs `allow: [hostPath]`), or a `volumeTemplates` name. A plain value.
     */
    volumes?: string | readonly (string | VolumeSpec)[];
    /** Timeout of requests through the gateway, in seconds (Envoy Gateway). Default: the gateway's. */
    requestTimeoutSeconds?: pulumi.Input<number>;
    /** Rio's mesh opt-out: pulumi-rio installs no mesh, so only `false` is accepted (and changes nothing). */
    serviceMesh?: false;
    /**
     * Features that reach into the node, allowed by name (Rio's admission verbs): `hostPort`, `hostNetwork`,
     * `hostPath`, `privileged`. Each is refused unless listed. Default none. A plain value.
     */
    allow?: readonly Allowable[];
    /** Run one pod on every node (a DaemonSet) instead of `scale` replicas. Default false. A plain value. */
    global?: boolean;
    /**
     * Per-replica claims `{name, storage (default 20Gi), accessModes, storageClassName, volumeMode, labels,
     * annotations}`: the workload becomes a StatefulSet, each mounted with `volumes: <name>:/path`. A plain value.
     */
    volumeTemplates?: readonly VolumeTemplateSpec[];
    /**
     * Sidecars `{name, image, …container keys}` and init containers (`init: true`, run to completion first).
     * Default none. A plain value.
     */
    containers?: readonly SidecarSpec[];
    /** Use the node's network (needs `allow: [hostNetwork]`). Default false. A plain value. */
    hostNetwork?: boolean;
    /** Run the container privileged (needs `allow: [privileged]`). Default false. A plain value. */
    privileged?: boolean;
    /**
     * API access in the namespace, Rio's grammar: `'get,list configmaps'`, `'* pods'`, `'read apps/deployments'`,
     * `role=<Role>`. Gives the pods a ServiceAccount `<name>`, a Role `rio-<name>` and a binding. Default none: no
     * ServiceAccount token is mounted. A plain value.
     */
    permissions?: string | readonly string[];
    /** Cluster-wide API access (ClusterRole `rio-<namespace>-<name>`), same grammar plus `url=/path`. A plain value. */
    globalPermissions?: string | readonly string[];
    /** RioSystem's registry (`ref.registry`), which builds push to and nodes pull from. Default: RioSystem's. */
    registry?: pulumi.Input<{ push: string; pull: string; external?: { host: string } } | undefined>;
    /** Where a relative local folder (`image: ./app`) is found. Default: the working directory (the program's folder). */
    baseDir?: string;
    /**
     * The Rio routers that send to this app, by name, with their keys (RioRouter's `routes` and `hostnames`;
     * plain values). KEDA's interceptor routes by host, so a concurrency-scaled app's InterceptorRoute also
     * lists the hosts they reach it on; give the router the app (RioRouter `apps`) too. Default none.
     */
    routers?: Record<string, RouterSpec>;
    /**
     * Login to RioSystem's registry at `registry.<domain>` for local folder builds (RioSystem's
     * `registryCredentials`, a secret). Default none: a `pushRegistry` then uses this machine's docker login.
     */
    registryCredentials?: pulumi.Input<{ address: string; username: string; password: string } | undefined>;
}

/** @internal The service keys of the args (everything but where it is deployed). */
export function specOf(args: RioServiceArgs): Record<string, unknown> {
    const {
        namespace: _n,
        gateway: _g,
        registry: _r,
        registryCredentials: _c,
        baseDir: _b,
        hostLabel: _h,
        allow: _a,
        routers: _routers,
        ...spec
    } = args;
    return spec;
}

/** @internal True when `value` holds no Output or Promise anywhere, so it can be planned right now. */
export function isPlain(value: unknown): boolean {
    if (value === null || typeof value !== "object") return true;
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return false;
    return Array.isArray(value) ? value.every(isPlain) : Object.values(value).every(isPlain);
}

/** @internal Plans a service from resolved args; user errors become errors naming the component and key. */
export function planArgs(
    name: string,
    args: {
        spec: unknown;
        namespace?: string;
        gateway?: GatewayRef;
        registry?: ContextOptions["registry"];
        hostLabel?: string;
        allow?: readonly string[];
        baseDir?: string;
        routers?: Record<string, RouterSpec>;
    },
    options: Pick<ContextOptions, "resolveCommit" | "baseDir"> = {},
): ServicePlan {
    return checked("RioService", name, () => {
        const app = normalizeApp(name, args.spec);
        const ctx = resolveContext(args.namespace, args.gateway, {
            ...(args.registry && { registry: args.registry }),
            ...(args.hostLabel !== undefined && { hostLabel: args.hostLabel }),
            ...(args.allow && { allow: args.allow }),
            ...(args.baseDir !== undefined && { baseDir: args.baseDir }),
            ...options,
        });
        const routers = Object.entries(args.routers ?? {}).map(([router, spec]) => ({
            normalized: under(["routers", router], () => normalizeRouter(router, spec)),
        }));
        return planApp(
            app,
            ctx,
            under(["routers"], () => routedHosts(app, routers, ctx)),
        );
    });
}

/** Keys that decide which objects exist (not only what they contain): they must be plain values. */
const STRUCTURAL = [
    "ports",
    "scale",
    "autoscale",
    "build",
    "volumes",
    "global",
    "volumeTemplates",
    "containers",
    "hostNetwork",
    "privileged",
    "permissions",
    "globalPermissions",
] as const;

/**
 * @internal The objects a service will have, from its structural keys alone — ports, scale, autoscale, and the
 * versions' names and structural keys (every other key only fills the objects in).
 */
export function shapeOf(name: string, args: RioServiceArgs): ServicePlan {
    const refuse = (key: string) =>
        new pulumi.ResourceError(
            `RioService "${name}": ${key} must be a plain value, not an Output: it decides which objects are created`,
            undefined,
            true,
        );
    const late = (v: unknown) => pulumi.Output.isInstance(v) || v instanceof Promise;
    const structural = (spec: Record<string, unknown>, at: string) =>
        Object.fromEntries(
            STRUCTURAL.filter((k) => spec[k] !== undefined).map((k) => {
                if (!isPlain(spec[k])) throw refuse(`${at}${k}`);
                return [k, spec[k]];
            }),
        );
    if (late(args.versions)) throw refuse("versions");
    const versions =
        args.versions &&
        Object.fromEntries(
            Object.entries(args.versions).map(([v, spec]) => [
                v,
                {
                    ...structural(spec as Record<string, unknown>, `versions.${v}.`),
                    ...(isPlain(spec.name) && { name: spec.name }),
                },
            ]),
        );
    // A git URL or a folder given as the image means a build (an Output image is taken for a built one).
    const image =
        typeof args.image === "string" && (GIT_URL.test(args.image) || LOCAL_PATH.test(args.image))
            ? args.image
            : "shape";
    return planArgs(
        name,
        {
            spec: {
                ...structural(args as Record<string, unknown>, ""),
                ...(args.build === undefined && { image }),
                ...(versions && { versions }),
            },
            namespace: "x",
            gateway: { domain: "shape.invalid" },
            // A folder build needs somewhere to push even in the shape: the real registry is checked with the plan.
            registry: { push: "shape", pull: "shape", external: { host: "shape" } },
            ...(args.baseDir !== undefined && { baseDir: args.baseDir }),
            ...(args.allow && { allow: args.allow }),
        },
        // The shape needs no commit: only that there is a build.
        { resolveCommit: () => "0".repeat(40) },
    );
}

/**
 * One Rio service: a Deployment, the app's ClusterIP Service and, for ports exposed through the gateway,
 * HTTPRoutes on `<app>-<namespace>.<domain>` — what `rio run` or a Riofile `services` entry made.
 */
export class RioService extends pulumi.ComponentResource {
    /** The first URL the service is served at (`undefined` when no port is exposed). Resolves once every object exists. */
    public readonly url!: pulumi.Output<string | undefined>;
    /** Every URL the service is served at. Resolves once every object exists. */
    public readonly urls!: pulumi.Output<string[]>;
    /** Hostnames routed to the service. */
    public readonly hostnames!: pulumi.Output<string[]>;
    /** Namespace the service runs in. */
    public readonly namespace!: pulumi.Output<string>;
    /** Name of the app's ClusterIP Service (`undefined` for a service without ports). */
    public readonly serviceName!: pulumi.Output<string | undefined>;

    constructor(name: string, args: RioServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = {
            spec: specOf(args),
            namespace: args.namespace,
            gateway: args.gateway,
            registry: args.registry,
            hostLabel: args.hostLabel,
            allow: args.allow,
            baseDir: args.baseDir,
            routers: args.routers,
        };
        // Plan before registering anything, so bad input leaves nothing behind. When some args are Outputs the
        // full plan waits for them, but the set of objects is known now from the plain `ports`.
        const now = isPlain(resolved) ? planArgs(name, resolved as Parameters<typeof planArgs>[1]) : undefined;
        const shape = now ?? shapeOf(name, args);
        super("pulumi-rio:index:RioService", name, {}, opts);

        const later = now
            ? undefined
            : pulumi
                  .output(resolved)
                  .apply((r) =>
                      sameShape(`RioService "${name}"`, planArgs(name, r as Parameters<typeof planArgs>[1]), shape),
                  );
        // A value of the plan: right away when the args were plain, else once they resolve.
        const fromPlan = <T>(pick: (p: ServicePlan) => T): pulumi.Output<T> =>
            now ? (pulumi.output(pick(now)) as pulumi.Output<T>) : (later!.apply(pick) as pulumi.Output<T>);
        // The shape's objects are in "x" when the namespace was an Output, in the namespace itself otherwise.
        // Local folders are built and pushed first, by @pulumi/docker-build, on the machine running Pulumi.
        const images = new Map(
            shape.images.map(({ suffix }, i) => {
                const image = now ? pulumi.output(now.images[i]!.image) : later!.apply((p) => p.images[i]!.image);
                return [
                    `Image${suffix}`,
                    localImage(`${name}${suffix}`, image, args.registryCredentials, this),
                ] as const;
            }),
        );
        const children = declarePlanned(
            this,
            name,
            shape.objects,
            now?.objects,
            later,
            opts?.deletedWith && {
                resource: opts.deletedWith,
                namespace: shape.objects.find((o) => WORKLOADS.includes(o.object.kind))!.object.metadata.namespace!,
            },
            images,
        );
        // URLs are handed out only once every object exists.
        const ready = pulumi.all(children.map((c) => c.id));
        this.urls = now ? ready.apply(() => now.urls) : pulumi.all([ready, later!]).apply(([, p]) => p.urls);
        this.url = this.urls.apply((u) => u[0]);
        this.hostnames = fromPlan((p) => p.hostnames);
        this.namespace = fromPlan((p) => p.objects[0]!.object.metadata.namespace!);
        this.serviceName = fromPlan((p) => p.serviceName);
        this.registerOutputs({
            url: this.url,
            urls: this.urls,
            hostnames: this.hostnames,
            namespace: this.namespace,
            serviceName: this.serviceName,
        });
    }
}
