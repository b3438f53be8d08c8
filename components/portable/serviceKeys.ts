/**
 * Rio's service keys as the interfaces Pulumi's schema analyzer accepts: one type per key. Where Rio took several
 * spellings, the portable key takes the one other languages type best — Rio's own grammar strings for `ports`,
 * `volumes`, `configs`, `secrets` and `permissions`, lists for `command` and `args`, a map for `env` — and a
 * structured form Rio also took is a key of its own (`readinessProbeSpec` beside `readinessProbe`). The Riofile
 * component takes every spelling. Keys that decide which objects exist are plain values; the others are inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { Allowable, PullPolicy } from "./enums";
import { Probe } from "./probe";
import { RouterSpec } from "./routes";
import { Gateway, Registry, RegistryCredentials } from "./target";

/** Build the image from git (Rio's `build`), or from a local folder when there is no `repo`. */
export interface Build {
    /** Git repository URL. Without it, `context` is a local folder built on the machine running Pulumi. */
    repo?: string;
    /** Branch to build. Default: the remote's default branch. */
    branch?: string;
    /** A tag or commit to build instead of a branch. */
    revision?: string;
    /** Dockerfile path in the context. Default `Dockerfile`. */
    dockerfile?: string;
    /** Build context. Default `.`. */
    context?: string;
    /** Build arguments. */
    args?: Record<string, string>;
    /** Build without the layer cache. Default false. */
    noCache?: boolean;
    /** Build timeout in seconds. Default 600. */
    timeout?: number;
    /** Image name the build pushes. Default: the service's. */
    imageName?: string;
    /** Registry to push to. Default: RioSystem's. */
    pushRegistry?: string;
    /** docker-registry Secret for `pushRegistry` (RioSystem `buildSecrets`, kind docker). */
    pushRegistrySecretName?: string;
    /** Secret to clone with (RioSystem `buildSecrets`, kind gitBasicAuth or gitSshKeyAuth). */
    cloneSecretName?: string;
}

/** Autoscaling: `concurrency` (in-flight requests per pod, KEDA; `min: 0` scales to zero) or `cpu`/`memory` (an HPA). */
export interface Autoscale {
    /** In-flight requests per pod. */
    concurrency?: number;
    /** Fewest replicas. */
    min?: number;
    /** Most replicas. */
    max?: number;
    /** Target CPU utilization in percent. */
    cpu?: number;
    /** Target memory utilization in percent. */
    memory?: number;
}

/** A resolver option of the pod's DNS. */
export interface DnsOption {
    /** Option name, e.g. `ndots`. */
    name: string;
    /** Its value, for options that take one. */
    value?: string;
}

/** The pod's DNS settings. */
export interface Dns {
    /** `ClusterFirst`, `Default`, `None`, `ClusterFirstWithHostNet`, or Rio's `host`. */
    policy?: string;
    /** Name servers, by IP address. */
    nameservers?: string[];
    /** Search domains. */
    searches?: string[];
    /** Resolver options. */
    options?: DnsOption[];
}

/** An /etc/hosts entry. */
export interface HostAlias {
    /** The address. */
    ip: string;
    /** The names it has. */
    hostnames: string[];
}

/** A claim made per replica (the workload becomes a StatefulSet); mount it with `volumes: <name>:/path`. */
export interface VolumeTemplate {
    /** Name of the claim, as `volumes` mounts it. */
    name: string;
    /** Size, a Kubernetes quantity. Default `20Gi`. */
    storage?: string;
    /** Default `[ReadWriteOnce]`. */
    accessModes?: string[];
    /** Default: the cluster's default StorageClass. */
    storageClassName?: string;
    /** `Filesystem` (default) or `Block`. */
    volumeMode?: string;
    /** Labels of each claim. */
    labels?: Record<string, string>;
    /** Annotations of each claim. */
    annotations?: Record<string, string>;
}

/** Rio's gradual rollout: a new spec takes the traffic step by step (Flagger, RioSystem's `rollout` feature). */
export interface Rollout {
    /** Percent of the traffic each step moves. Default: what keeps `rolloutDuration`. */
    increment?: number;
    /** Seconds between steps. Default 10, Flagger's minimum. */
    interval?: number;
    /** Hold a rollout where it is. Default false. */
    pause?: boolean;
}

/** A sidecar or, with `init: true`, an init container run to completion before the others start. */
export interface Container {
    /** Container name, unique in the pod. */
    name: string;
    /** Run to completion before the other containers start. Default false. */
    init?: boolean;
    /** An image that is already built. */
    image: string;
    /** Entrypoint. Default: the image's. */
    command?: string[];
    /** Arguments. Default: the image's. */
    args?: string[];
    /** Working directory. Default: the image's. */
    workingDir?: string;
    /** Ports in Rio's syntax, sharing the pod's Services. */
    ports?: string[];
    /** Environment, as the service's `env`. */
    env?: Record<string, string>;
    /** CPU request. Default `50m`. */
    cpus?: string;
    /** Memory request. Default `64Mi`. */
    memory?: string;
    /** ConfigMaps mounted as files: `name[/key]:/absolute/target`. */
    configs?: string[];
    /** Secrets mounted as files: `name[/key]:/absolute/target`. */
    secrets?: string[];
    /** Readiness probe in Rio's shorthand. */
    readinessProbe?: string;
    /** A structured probe instead of `readinessProbe`. */
    readinessProbeSpec?: Probe;
    /** Liveness probe in Rio's shorthand. */
    livenessProbe?: string;
    /** A structured probe instead of `livenessProbe`. */
    livenessProbeSpec?: Probe;
    /** Image pull policy. Default: Kubernetes'. */
    imagePullPolicy?: PullPolicy;
    /** Keep stdin open. Default false. */
    stdin?: boolean;
    /** Close stdin after the first attach. Default false. */
    stdinOnce?: boolean;
    /** Allocate a TTY. Default false. */
    tty?: boolean;
    /** Volumes in Rio's syntax; the same name is the same storage as the service's. */
    volumes?: string[];
    /** User the container runs as. Default: the image's. */
    runAsUser?: number;
    /** Group the container runs as. Default: the image's. */
    runAsGroup?: number;
    /** Mount the root filesystem read-only. Default false. */
    readOnlyRootFilesystem?: boolean;
    /** Run privileged (needs `allow: [privileged]`). Default false. */
    privileged?: boolean;
}

/** The keys one version of an app sets (Rio's revision keys); a version inherits the service's and overrides them. */
export interface VersionKeys {
    /** Container image, e.g. `rancher/hello-world`; a git URL or `./folder` means a build. */
    image?: pulumi.Input<string>;
    /** Build the image instead (Rio's `build` keys). A plain value. */
    build?: Build;
    /**
     * Ports in Rio's syntax `PORT[:TARGETPORT][/PROTOCOL][,name=N][,expose=false|internal][,hostport]`; http,
     * http2 and grpc are published through the gateway. Default none: a private service. A plain value.
     */
    ports?: string[];
    /** Environment; a value `secret://name/key` or `config://name/key` reads a Secret's or ConfigMap's key. */
    env?: pulumi.Input<Record<string, string>>;
    /** ConfigMaps mounted as files: `name[/key]:/absolute/target`. */
    configs?: pulumi.Input<string[]>;
    /** Secrets mounted as files: `name[/key]:/absolute/target`. */
    secrets?: pulumi.Input<string[]>;
    /** Entrypoint. Default: the image's. */
    command?: pulumi.Input<string[]>;
    /** Arguments. Default: the image's. */
    args?: pulumi.Input<string[]>;
    /** Working directory. Default: the image's. */
    workingDir?: pulumi.Input<string>;
    /** CPU request in cores (`0.5`) or as a quantity (`500m`). Default `50m`; no limit is set. */
    cpus?: pulumi.Input<string>;
    /** Memory request (`128Mi`). Default `64Mi`; no limit is set. */
    memory?: pulumi.Input<string>;
    /** Fixed number of replicas. Default 1. A plain value. */
    scale?: number;
    /** Autoscaling instead of a fixed `scale`. A plain value. */
    autoscale?: Autoscale;
    /** Labels for the workload and its pods. */
    labels?: pulumi.Input<Record<string, string>>;
    /** Annotations for the workload and its pods. */
    annotations?: pulumi.Input<Record<string, string>>;
    /** Readiness probe in Rio's shorthand: `http://:8080/healthz`, `tcp://:5432` or a command. Default: TCP on the first exposed port. */
    readinessProbe?: pulumi.Input<string>;
    /** A structured readiness probe instead of `readinessProbe`. */
    readinessProbeSpec?: pulumi.Input<Probe>;
    /** Liveness probe, same shorthand as `readinessProbe`. Default none. */
    livenessProbe?: pulumi.Input<string>;
    /** A structured liveness probe instead of `livenessProbe`. */
    livenessProbeSpec?: pulumi.Input<Probe>;
    /** Image pull policy. Default: Kubernetes'. */
    imagePullPolicy?: pulumi.Input<PullPolicy>;
    /** docker-registry Secrets to pull the image with. */
    imagePullSecrets?: pulumi.Input<string[]>;
    /** Share of the app's traffic relative to its other versions'. Default 100. */
    weight?: pulumi.Input<number>;
    /** Pod DNS. Default: the cluster's. */
    dns?: pulumi.Input<Dns>;
    /** Extra /etc/hosts entries. */
    hostAliases?: pulumi.Input<HostAlias[]>;
    /** The pod's hostname. Default: the pod's name. */
    hostname?: pulumi.Input<string>;
    /** Keep stdin open. Default false. */
    stdin?: pulumi.Input<boolean>;
    /** Close stdin after the first attach. Default false. */
    stdinOnce?: pulumi.Input<boolean>;
    /** Allocate a TTY. Default false. */
    tty?: pulumi.Input<boolean>;
    /** User the container runs as. Default: the image's. */
    runAsUser?: pulumi.Input<number>;
    /** Group the container runs as. Default: the image's. */
    runAsGroup?: pulumi.Input<number>;
    /** Mount the root filesystem read-only. Default false. */
    readOnlyRootFilesystem?: pulumi.Input<boolean>;
    /** Kubernetes NodeAffinity, as Kubernetes takes it. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- `any` is what the analyzer types as a free-form value
    nodeAffinity?: pulumi.Input<Record<string, any>>;
    /** Kubernetes PodAffinity, as Kubernetes takes it. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as nodeAffinity
    podAffinity?: pulumi.Input<Record<string, any>>;
    /** Kubernetes PodAntiAffinity, as Kubernetes takes it. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as nodeAffinity
    podAntiAffinity?: pulumi.Input<Record<string, any>>;
    /** Pods a rolling update may take down, a number (`1`) or a percentage (`25%`). Default 0. */
    maxUnavailable?: pulumi.Input<string>;
    /** Pods a rolling update may add, a number or a percentage. Default 1. */
    maxSurge?: pulumi.Input<string>;
    /** Volumes in Rio's syntax: `name:/path`, `name:/path,persistent=true`, `/host/dir:/path`. A plain value. */
    volumes?: string[];
    /** Timeout of requests through the gateway, in seconds. Default: the gateway's. */
    requestTimeoutSeconds?: pulumi.Input<number>;
    /** A gradual rollout of every change (Flagger). A plain value. */
    rollout?: Rollout;
    /** How long a gradual rollout takes: seconds or a duration (`90s`, `10m`, at most `10h`). A plain value. */
    rolloutDuration?: string;
    /** One pod on every node (a DaemonSet) instead of `scale` replicas. Default false. A plain value. */
    global?: boolean;
    /** Per-replica claims: the workload becomes a StatefulSet. A plain value. */
    volumeTemplates?: VolumeTemplate[];
    /** Sidecars and init containers. A plain value. */
    containers?: Container[];
    /** Use the node's network (needs `allow: [hostNetwork]`). Default false. A plain value. */
    hostNetwork?: boolean;
    /** Run privileged (needs `allow: [privileged]`). Default false. A plain value. */
    privileged?: boolean;
    /** API access in the namespace, Rio's grammar (`get,list configmaps`, `role=<Role>`). A plain value. */
    permissions?: string[];
    /** Cluster-wide API access, same grammar plus `url=/path`. A plain value. */
    globalPermissions?: string[];
}

/** One version of an app: its keys, and the name of its workload. */
export interface ServiceVersion extends VersionKeys {
    /** Name of this version's workload. Default `<name>-<version>`. */
    name?: string;
}

/** Rio's service keys: a version's, and the app's own. */
export interface ServiceSpec extends VersionKeys {
    /** App name; versions of one app share it. Default: the component's name. */
    app?: pulumi.Input<string>;
    /** Version of the app. Default `v0`. */
    version?: pulumi.Input<string>;
    /** Extra hostnames served, besides `<app>-<namespace>.<domain>`. */
    hostnames?: pulumi.Input<string[]>;
    /** Several versions of the app (Rio's revisions) by version name, splitting its traffic by weight. A plain value. */
    versions?: Record<string, ServiceVersion>;
}

/** Arguments of the portable RioService: Rio's service keys, and where the service is deployed. */
export interface RioServiceArgs extends ServiceSpec {
    /** Namespace to deploy into. Default `default`. */
    namespace?: pulumi.Input<string>;
    /** The Gateway routes attach to, and the cluster domain: RioSystem's `ref.gateway`. */
    gateway?: pulumi.Input<Gateway>;
    /** What follows `<app>-` in hostnames. Default: the namespace. */
    hostLabel?: pulumi.Input<string>;
    /** Features reaching into the node allowed by name. Default none. A plain value. */
    allow?: Allowable[];
    /** RioSystem's registry (`ref.registry`), for builds. Default: RioSystem's. */
    registry?: pulumi.Input<Registry>;
    /** Where a relative local folder (`image: ./app`) is found. Default: the working directory. */
    baseDir?: string;
    /** The Rio routers that send to this app, by name (their keys, for scale-to-zero apps). A plain value. */
    routers?: Record<string, RouterSpec>;
    /** Login to RioSystem's registry for local folder builds (RioSystem's `registryCredentials`). A secret. */
    registryCredentials?: pulumi.Input<RegistryCredentials>;
}
