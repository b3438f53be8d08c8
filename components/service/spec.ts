import { isIP } from "net";
import {
    resolveVolumes,
    resolveVolumeTemplates,
    Volume,
    VolumeSpec,
    VolumeTemplate,
    VolumeTemplateSpec,
} from "./volumes";
import { z } from "zod";
import { RioInputError, under } from "../errors";
import { splitCommand } from "./command";
import { EnvInput, EnvVar, resolveEnv } from "./env";
import { Mount, resolveMounts } from "./mounts";
import { assertDnsLabel, assertDnsSubdomain, assertHostname } from "./names";
import { kubeProtocol, Port, PortProtocols, PortSpec, resolvePorts } from "./ports";
import { Probe, resolveProbe } from "./probes";
import { resolveCpus, resolveMemory } from "./resources";
import { checkKeys, unknownKey } from "./keys";
import { Permission, resolvePermissions } from "./permissions";
import { Autoscale, AutoscaleInput, autoscaleSchema, parseScaleRange, resolveAutoscale } from "./autoscale";
import { BuildSpec, buildSchema, GIT_URL, NormalizedBuild, normalizeBuild } from "../build/spec";
import { LOCAL_PATH, LocalBuild, normalizeLocalBuild } from "../build/local";
import { GradualRollout, RolloutSpec, normalizeRollout } from "./rollout";

/** A ConfigMap or Secret mount in Rio's structured form. */
export interface DataMountSpec {
    name: string;
    key?: string;
    target: string;
}

/** Kubernetes image pull policies, and Rio's CLI spellings of them. */
export type PullPolicy = "Always" | "IfNotPresent" | "Never" | "always" | "not-present" | "never";

/**
 * Rio's service keys (camelCase, Rio's value syntax) as plain values. `RioServiceArgs` is this with every
 * key a `pulumi.Input`; the Riofile loader produces it from `services.<name>`.
 */
export interface ServiceSpec {
    image?: string;
    ports?: string | number | readonly (string | number | PortSpec)[];
    env?: EnvInput;
    configs?: string | readonly (string | DataMountSpec)[];
    secrets?: string | readonly (string | DataMountSpec)[];
    command?: string | readonly string[];
    args?: string | readonly string[];
    workingDir?: string;
    cpus?: string | number;
    memory?: string | number;
    scale?: number | string;
    labels?: Readonly<Record<string, string>>;
    annotations?: Readonly<Record<string, string>>;
    readinessProbe?: string | Probe;
    livenessProbe?: string | Probe;
    imagePullPolicy?: PullPolicy;
    imagePullSecrets?: string | readonly string[];
    app?: string;
    version?: string;
    hostnames?: readonly string[];
    /** Share of the app's traffic, relative to the other versions' (Rio's weights). Default 100. */
    weight?: number;
    /** Rio's autoscaling: `{concurrency, minReplicas, maxReplicas}` (KEDA), or `{cpu, memory}` targets in percent (HPA). */
    autoscale?: AutoscaleInput;
    /** Build the image from git (Rio's `build`); a git URL as `image` means the same, as in `rio run`. */
    build?: BuildSpec;
    /** Pod DNS: `policy` (`ClusterFirst`, `Default`, `None`, `ClusterFirstWithHostNet`, or Rio's `host`), `nameservers`, `searches`, `options`. */
    dns?: {
        policy?: string;
        nameservers?: string[];
        searches?: string[];
        options?: string | (string | { name: string; value?: string })[];
    };
    /** Extra /etc/hosts entries: Kubernetes HostAliases, or Rio's `host[,host]=ip` strings (one, or a list). */
    hostAliases?: string | readonly (string | { ip: string; hostnames: string[] })[];
    hostname?: string;
    stdin?: boolean;
    stdinOnce?: boolean;
    tty?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    readOnlyRootFilesystem?: boolean;
    /** Kubernetes NodeAffinity / PodAffinity / PodAntiAffinity, as is. */
    nodeAffinity?: Record<string, unknown>;
    podAffinity?: Record<string, unknown>;
    podAntiAffinity?: Record<string, unknown>;
    /** Rolling update bounds (a number or a percentage). Defaults 0 and 1: never below the desired count. */
    maxUnavailable?: number | string;
    maxSurge?: number | string;
    /** Rio's volumes: `name:/path` (scratch), `name:/path,persistent=true` (a 20Gi PersistentVolumeClaim). */
    volumes?: string | readonly (string | VolumeSpec)[];
    /** A timeout on requests through the gateway, in seconds (Envoy Gateway: HTTPRoute timeouts). */
    requestTimeoutSeconds?: number;
    /**
     * Rio's gradual rollout: a new image or spec takes the traffic step by step (Flagger, RioSystem's `rollout`
     * feature, moves the weights) instead of all at once: `increment` percent every `interval` seconds (default 10,
     * Flagger's minimum); `pause: true` holds a rollout where it is. Default: no gradual rollout.
     */
    rollout?: RolloutSpec;
    /** How long a gradual rollout takes: seconds or a duration (`90s`, `10m`, at most `10h`). Default 60 with `rollout`. */
    rolloutDuration?: number | string;
    /** Run one pod on every node (a DaemonSet) instead of `scale` replicas. Default false. */
    global?: boolean;
    /** Per-replica claims (Rio's `volumeTemplates`): the workload becomes a StatefulSet; mount each with `volumes: <name>:/path`. */
    volumeTemplates?: readonly VolumeTemplateSpec[];
    /** Sidecars and, with `init: true`, init containers: each takes the container keys (image, command, ports, env, …). */
    containers?: readonly SidecarSpec[];
    /** Use the node's network (Rio's `net: host`); the stack must allow `hostNetwork` by name. Default false. */
    hostNetwork?: boolean;
    /** A privileged container (root on the node); the stack must allow `privileged` by name. Default false. */
    privileged?: boolean;
    /** Kubernetes API access in the namespace, in Rio's grammar (`'get,list configmaps'`, `'* pods'`, `role=<name>`). */
    permissions?: string | readonly string[];
    /** Cluster-wide API access (a ClusterRole), same grammar, plus `url=/path` for non-resource URLs. */
    globalPermissions?: string | readonly string[];
    /** Rio's mesh opt-out. pulumi-rio installs no mesh, so only `false` (what happens anyway) is accepted. */
    serviceMesh?: false;
    /** Several versions of the app, each overriding these keys; see {@link VersionSpec}. */
    versions?: Readonly<Record<string, VersionSpec>>;
}

/** The keys a sidecar or init container takes (Rio's `NamedContainer`): the container-level service keys. */
export const CONTAINER_KEYS = [
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "env",
    "cpus",
    "memory",
    "configs",
    "secrets",
    "readinessProbe",
    "livenessProbe",
    "imagePullPolicy",
    "stdin",
    "stdinOnce",
    "tty",
    "volumes",
    "runAsUser",
    "runAsGroup",
    "readOnlyRootFilesystem",
    "privileged",
] as const;

/** A sidecar (or, with `init: true`, an init container run to completion before the others start). */
export type SidecarSpec = Pick<ServiceSpec, (typeof CONTAINER_KEYS)[number]> & { name: string; init?: boolean };

/** One version of an app: any service key but the app-level ones, plus the name of its workload. */
export interface VersionSpec extends Omit<ServiceSpec, "versions" | "app" | "version" | "hostnames"> {
    /** Name of this version's workload. Default `<component name>-<version>`. */
    name?: string;
}

/** One container, checked: the main one (named like the service) or a sidecar. */
export interface NormalizedContainer {
    name: string;
    image: string;
    /** The ports this container listens on. */
    ports: Port[];
    env: EnvVar[];
    mounts: Mount[];
    command?: string[];
    args?: string[];
    workingDir?: string;
    cpus: string;
    memory: string;
    readinessProbe?: Probe;
    livenessProbe?: Probe;
    imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
    /** Container-level settings (stdin, stdinOnce, tty). */
    container: Record<string, unknown>;
    /** Container securityContext additions (runAsUser, runAsGroup, readOnlyRootFilesystem, privileged). */
    security: Record<string, unknown>;
    volumes: Volume[];
}

/** A sidecar or init container. */
export interface NormalizedSidecar extends NormalizedContainer {
    init: boolean;
}

/** What runs the pods: `scale` replicas, one per node (`global`), or replicas with their own claims (`volumeTemplates`). */
export type WorkloadKind = "Deployment" | "DaemonSet" | "StatefulSet";

/** A service with Rio's grammar parsed, defaults filled and everything checked: what the planners consume. */
export interface NormalizedService extends NormalizedContainer {
    /** The service (and workload, and main container) name. */
    name: string;
    app: string;
    version: string;
    /** Every port of the pod: the main container's, then the sidecars' (tagged with `container`). */
    ports: Port[];
    scale: number;
    workload: WorkloadKind;
    volumeTemplates: VolumeTemplate[];
    sidecars: NormalizedSidecar[];
    hostNetwork: boolean;
    /** API access in the namespace (Role rules or `role=` grants); none means no ServiceAccount token. */
    permissions: Permission[];
    /** Cluster-wide API access (ClusterRole rules or grants). */
    globalPermissions: Permission[];
    labels: Record<string, string>;
    annotations: Record<string, string>;
    imagePullSecrets: string[];
    hostnames: string[];
    weight: number;
    /** How the version scales, when it is not a fixed `scale`. */
    autoscale?: Autoscale;
    /** Built from git: the image is the one the build pushes (decided when planning, once the commit is known). */
    build?: NormalizedBuild & { declaredAt: "image" | "build" };
    /** Built from a local folder on the machine running Pulumi: the image is the one pushed (decided when planning). */
    localBuild?: LocalBuild;
    /** Pod-level settings passed through as Kubernetes takes them (dnsPolicy, dnsConfig, hostAliases, hostname, affinity). */
    pod: Record<string, unknown>;
    /** Rolling update bounds (Deployment, DaemonSet); a StatefulSet replaces pods one at a time. */
    rollout: { maxUnavailable: number | string; maxSurge: number | string };
    requestTimeoutSeconds?: number;
    /** A gradual rollout through Flagger's steps, when the service asks for one. */
    gradual?: GradualRollout;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const stringList = z.union([z.string().transform((s) => [s]), z.array(z.string())]);
const portObject = z
    .object({
        port: z.number().int(),
        targetPort: z.number().int(),
        protocol: z.string().transform((s) => s.toLowerCase() as PortSpec["protocol"]),
        name: z.string(),
        expose: z.boolean(),
        hostPort: z.boolean(),
    })
    .partial()
    .strict();
const dataMount = z.object({ name: z.string(), key: z.string().optional(), target: z.string() }).strict();
const mountList = z.union([z.string(), z.array(z.union([z.string(), dataMount]))]);
const httpHeader = z.object({ name: z.string(), value: z.string() }).strict();
const intOrString = z.union([z.number().int(), z.string()]);
const probeObject = z
    .object({
        httpGet: z
            .object({
                path: z.string().optional(),
                port: intOrString,
                host: z.string().optional(),
                scheme: z.enum(["HTTP", "HTTPS"]).optional(),
                httpHeaders: z.array(httpHeader).optional(),
            })
            .strict(),
        tcpSocket: z.object({ port: intOrString, host: z.string().optional() }).strict(),
        exec: z.object({ command: z.array(z.string()).min(1) }).strict(),
        grpc: z.object({ port: z.number().int(), service: z.string().optional() }).strict(),
        initialDelaySeconds: z.number().int().min(0),
        periodSeconds: z.number().int().min(1),
        timeoutSeconds: z.number().int().min(1),
        successThreshold: z.number().int().min(1),
        failureThreshold: z.number().int().min(1),
        terminationGracePeriodSeconds: z.number().int().min(1),
    })
    .partial()
    .strict();

/** The shape of every service key this release implements (types only; grammars are parsed afterwards). */
export const serviceSchema = z
    .object({
        image: z.string().min(1, "image may not be empty"),
        ports: z.union([z.string(), z.number().int(), z.array(z.union([z.string(), z.number().int(), portObject]))]),
        // Rio's parser took a string for each of its list keys as a one-entry list (ObjectsToSlice).
        env: z.union([z.string(), z.array(z.string()), z.record(scalar)]),
        configs: mountList,
        secrets: mountList,
        command: z.union([z.string(), z.array(z.string())]),
        args: z.union([z.string(), z.array(scalar)]),
        workingDir: z.string(),
        cpus: z.union([z.string(), z.number()]),
        memory: z.union([z.string(), z.number()]),
        scale: z.union([z.number(), z.string()]),
        labels: z.record(scalar),
        annotations: z.record(scalar),
        readinessProbe: z.union([z.string(), probeObject]),
        livenessProbe: z.union([z.string(), probeObject]),
        imagePullPolicy: z.string(),
        imagePullSecrets: stringList,
        app: z.string(),
        version: z.string(),
        hostnames: stringList,
        weight: z
            .number()
            .int("weight must be a whole number")
            .min(0, "weight may not be negative")
            .max(1_000_000, "weight is at most 1000000"),
        versions: z.record(z.unknown()),
        autoscale: autoscaleSchema,
        build: buildSchema,
        dns: z
            .object({
                policy: z.string(),
                nameservers: z.array(z.string()),
                searches: z.array(z.string()),
                options: z.union([
                    z.string(),
                    z.array(
                        z.union([z.string(), z.object({ name: z.string(), value: z.string().optional() }).strict()]),
                    ),
                ]),
            })
            .partial()
            .strict(),
        hostAliases: z.union([
            z.string(),
            z.array(
                z.union([z.string(), z.object({ ip: z.string(), hostnames: z.array(z.string()).min(1) }).strict()]),
            ),
        ]),
        hostname: z.string(),
        stdin: z.boolean(),
        stdinOnce: z.boolean(),
        tty: z.boolean(),
        runAsUser: z.number().int().min(0),
        runAsGroup: z.number().int().min(0),
        readOnlyRootFilesystem: z.boolean(),
        nodeAffinity: z.record(z.unknown()),
        podAffinity: z.record(z.unknown()),
        podAntiAffinity: z.record(z.unknown()),
        maxUnavailable: z.union([z.number().int().min(0), z.string()]),
        maxSurge: z.union([z.number().int().min(0), z.string()]),
        requestTimeoutSeconds: z.number().int().min(1, "requestTimeoutSeconds must be at least 1"),
        rollout: z
            .object({ increment: z.number(), interval: z.number(), intervalSeconds: z.number(), pause: z.boolean() })
            .partial()
            .strict(),
        rolloutDuration: z.union([z.number(), z.string()]),
        volumes: z.union([
            z.string(),
            z.array(
                z.union([
                    z.string(),
                    z
                        .object({
                            name: z.string(),
                            path: z.string(),
                            persistent: z.boolean(),
                            hostPath: z.string(),
                            hostpath: z.string(),
                            hostPathType: z.string(),
                        })
                        .partial({ name: true, persistent: true, hostPath: true, hostpath: true, hostPathType: true })
                        .strict(),
                ]),
            ),
        ]),
        global: z.boolean(),
        volumeTemplates: z.array(
            z
                .object({
                    name: z.string(),
                    storage: z.union([z.string(), z.number()]),
                    accessModes: z.array(z.string()),
                    storageClassName: z.string(),
                    volumeMode: z.string(),
                    labels: z.record(z.string()),
                    annotations: z.record(z.string()),
                })
                .partial({
                    storage: true,
                    accessModes: true,
                    storageClassName: true,
                    volumeMode: true,
                    labels: true,
                    annotations: true,
                })
                .strict(),
        ),
        // Each entry is checked against the container keys (with Rio's aliases) when normalized.
        containers: z.array(z.record(z.unknown())),
        hostNetwork: z.boolean(),
        privileged: z.boolean(),
        // A single string keeps its form, so errors point at it rather than at an index the file does not have.
        permissions: z.union([z.string(), z.array(z.string())]),
        globalPermissions: z.union([z.string(), z.array(z.string())]),
        serviceMesh: z.literal(false, {
            errorMap: () => ({
                message:
                    "pulumi-rio installs no service mesh: only serviceMesh: false (what happens anyway) is accepted",
            }),
        }),
    })
    .partial()
    .strict();

/** A sidecar's keys: the container keys, its name, and `init`. */
export const sidecarSchema = serviceSchema
    .pick(Object.fromEntries(CONTAINER_KEYS.map((k) => [k, true])) as { [K in (typeof CONTAINER_KEYS)[number]]: true })
    .extend({ name: z.string(), init: z.boolean().optional() })
    .strict();

/** Looks through optional, default, effects and nullable wrappers to the schema underneath. */
function unwrap(t: z.ZodTypeAny): z.ZodTypeAny {
    for (;;) {
        if (t instanceof z.ZodOptional || t instanceof z.ZodNullable || t instanceof z.ZodDefault) t = t._def.innerType;
        else if (t instanceof z.ZodEffects) t = t._def.schema;
        else return t;
    }
}

/** The keys the object schema at `path` accepts (for a did-you-mean), following arrays, records and unions. */
export function keysAt(schema: z.ZodTypeAny, path: readonly (string | number)[]): string[] {
    let options: z.ZodTypeAny[] = [schema];
    for (const seg of path) {
        options = options
            .flatMap((o) => {
                const t = unwrap(o);
                if (t instanceof z.ZodUnion) return (t._def.options as z.ZodTypeAny[]).map(unwrap);
                return [t];
            })
            .flatMap((t) => {
                if (t instanceof z.ZodObject && typeof seg === "string" && seg in t.shape)
                    return [t.shape[seg] as z.ZodTypeAny];
                if (t instanceof z.ZodArray && typeof seg === "number") return [t.element as z.ZodTypeAny];
                if (t instanceof z.ZodRecord) return [t._def.valueType as z.ZodTypeAny];
                return [];
            });
    }
    const objects = options.flatMap((o) => {
        const t = unwrap(o);
        return t instanceof z.ZodUnion ? (t._def.options as z.ZodTypeAny[]).map(unwrap) : [t];
    });
    return [...new Set(objects.flatMap((t) => (t instanceof z.ZodObject ? Object.keys(t.shape) : [])))];
}

/** Turns a zod failure into our error, naming the first offending key (with a did-you-mean when `schema` is given). */
export function fromZod(error: z.ZodError, schema?: z.ZodTypeAny): RioInputError {
    const issue = error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
        const known = schema ? keysAt(schema, issue.path) : [];
        return known.length > 0
            ? unknownKey(issue.keys[0]!, known).withPrefix(issue.path)
            : new RioInputError([...issue.path, issue.keys[0]!], "unknown key", undefined, true);
    }
    if (issue.code === "invalid_union") {
        // zod reports each branch; the most useful is the one that got furthest into the value.
        const deepest = issue.unionErrors.flatMap((e) => e.issues).sort((a, b) => b.path.length - a.path.length)[0];
        if (deepest && deepest.path.length > issue.path.length) return fromZod(new z.ZodError([deepest]), schema);
        return new RioInputError(issue.path, `has the wrong type (${describeUnion(issue)})`);
    }
    return new RioInputError(issue.path, issue.message.charAt(0).toLowerCase() + issue.message.slice(1));
}

function describeUnion(issue: z.ZodInvalidUnionIssue): string {
    const expected = new Set<string>();
    let received = "";
    for (const e of issue.unionErrors) {
        for (const i of e.issues) {
            if (i.code === "invalid_type" && i.path.length === issue.path.length) {
                expected.add(i.expected);
                received = i.received;
            }
        }
    }
    return expected.size > 0
        ? `expected ${[...expected].join(" or ")}, received ${received}`
        : "no accepted form matches";
}

const PULL_POLICIES: Record<string, NormalizedService["imagePullPolicy"]> = {
    always: "Always",
    ifnotpresent: "IfNotPresent",
    "not-present": "IfNotPresent",
    never: "Never",
};

/** Label keys pulumi-rio sets itself, because selectors are derived from them. */
const RESERVED_LABELS = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
    "app",
    "version",
];

/** A Kubernetes label key: an optional DNS-subdomain prefix and a name of at most 63 characters. */
export const LABEL_KEY =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A Kubernetes label value (at most 63 characters, checked apart). */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkLabels(labels: Record<string, string>, what: "labels" | "annotations"): Record<string, string> {
    for (const [k, v] of Object.entries(labels)) {
        under([what, k], () => {
            if (!LABEL_KEY.test(k) || k.length > 316)
                throw new RioInputError([], `"${k}" is not a valid ${what === "labels" ? "label" : "annotation"} key`);
            if (what === "labels") {
                if (RESERVED_LABELS.includes(k)) {
                    throw new RioInputError(
                        [],
                        `"${k}" is set by pulumi-rio (selectors use it); use app and version instead`,
                    );
                }
                if (v.length > 63 || !LABEL_VALUE.test(v)) {
                    throw new RioInputError(
                        [],
                        `label value "${v}" must be at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
                    );
                }
            }
        });
    }
    return labels;
}

function resolveScale(input: number | string | undefined): number {
    if (input === undefined) return 1;
    const text = String(input).trim();
    if (!/^\d+$/.test(text)) throw new RioInputError([], `scale must be a whole number of replicas ≥ 0, not "${text}"`);
    const n = Number(text);
    if (n > 10000) throw new RioInputError([], `scale ${n} is out of range (0-10000)`);
    return n;
}

function mountStrings(list: string | readonly (string | DataMountSpec)[] | undefined): string | string[] | undefined {
    if (list === undefined || typeof list === "string") return list;
    return list.map((m) =>
        typeof m === "string" ? m : `${m.name}${m.key !== undefined ? `/${m.key}` : ""}:${m.target}`,
    );
}

/** `scale` is a fixed count or Rio's `MIN-MAX` range; `autoscale` gives the bounds and the signal. */
function scaling(
    scale: number | string | undefined,
    autoscale: AutoscaleInput | undefined,
): { scale: number; autoscale?: Autoscale } {
    const range =
        typeof scale === "string"
            ? under(["scale"], () => {
                  const r = parseScaleRange(scale);
                  if (r && r.max < 1) throw new RioInputError([], `the maximum of "${scale}" must be at least 1`);
                  return r;
              })
            : undefined;
    // A fixed scale next to autoscale is the initial count, which the autoscaler then owns (Rio wrote both,
    // e.g. in `rio export`); it is still checked.
    if (range === undefined && scale !== undefined && autoscale !== undefined)
        under(["scale"], () => resolveScale(scale));
    const auto = resolveAutoscale(autoscale, range);
    return auto ? { scale: auto.min, autoscale: auto } : { scale: under(["scale"], () => resolveScale(scale)) };
}

const DNS_POLICIES: Record<string, string> = {
    clusterfirst: "ClusterFirst",
    default: "Default",
    host: "Default", // Rio's --host-dns
    none: "None",
    clusterfirstwithhostnet: "ClusterFirstWithHostNet",
};

/** The pod-level keys as Kubernetes takes them: DNS, extra hosts, hostname, affinity. */
function podSettings(s: z.infer<typeof serviceSchema>): Record<string, unknown> {
    const dns = s.dns;
    const policy =
        dns?.policy === undefined
            ? undefined
            : under(["dns", "policy"], () => {
                  const p = Object.hasOwn(DNS_POLICIES, dns.policy!.toLowerCase())
                      ? DNS_POLICIES[dns.policy!.toLowerCase()]
                      : undefined;
                  if (!p)
                      throw new RioInputError(
                          [],
                          `"${dns.policy}" is not a DNS policy (ClusterFirst, Default or host, None, ClusterFirstWithHostNet)`,
                      );
                  return p;
              });
    const config =
        dns && (dns.nameservers || dns.searches || dns.options)
            ? {
                  ...(dns.nameservers && {
                      nameservers: dns.nameservers.map((n, i) =>
                          under(["dns", "nameservers", i], () => {
                              if (isIP(n) === 0) throw new RioInputError([], `"${n}" is not an IP address`);
                              return n;
                          }),
                      ),
                  }),
                  ...(dns.searches && { searches: dns.searches }),
                  ...(dns.options && {
                      // Rio's --dnsoption k:v
                      options: (typeof dns.options === "string" ? [dns.options] : dns.options).map((o) =>
                          typeof o === "string"
                              ? o.includes(":")
                                  ? { name: o.slice(0, o.indexOf(":")), value: o.slice(o.indexOf(":") + 1) }
                                  : { name: o }
                              : o,
                      ),
                  }),
              }
            : undefined;
    if (policy === "None" && !config?.nameservers) throw new RioInputError(["dns", "policy"], "None needs nameservers");
    const aliases = typeof s.hostAliases === "string" ? [s.hostAliases] : s.hostAliases;
    const hostAliases = aliases?.map((h, i) =>
        under(typeof s.hostAliases === "string" ? ["hostAliases"] : ["hostAliases", i], () => {
            if (typeof h !== "string") {
                if (isIP(h.ip) === 0) throw new RioInputError(["ip"], `"${h.ip}" is not an IP address`);
                return h;
            }
            // Rio's --add-host host[,host]=ip
            const eq = h.indexOf("=");
            const [hosts, ip] = [h.slice(0, eq), h.slice(eq + 1)];
            const hostnames = hosts.split(",").map((x) => x.trim());
            if (eq <= 0 || isIP(ip) === 0 || hostnames.includes(""))
                throw new RioInputError([], `"${h}" must be host[,host]=ip`);
            return { ip, hostnames };
        }),
    );
    const affinity = {
        ...(s.nodeAffinity && { nodeAffinity: s.nodeAffinity }),
        ...(s.podAffinity && { podAffinity: s.podAffinity }),
        ...(s.podAntiAffinity && { podAntiAffinity: s.podAntiAffinity }),
    };
    return {
        // On the node's network the pod still resolves cluster names, as users of other pods expect.
        ...((policy ?? (s.hostNetwork ? "ClusterFirstWithHostNet" : undefined)) && {
            dnsPolicy: policy ?? "ClusterFirstWithHostNet",
        }),
        ...(config && { dnsConfig: config }),
        ...(hostAliases && { hostAliases }),
        ...(s.hostname !== undefined && {
            hostname: under(["hostname"], () => assertDnsLabel(s.hostname!, "hostname")),
        }),
        ...(Object.keys(affinity).length > 0 && { affinity }),
    };
}

/** A rollout bound (`maxUnavailable`, `maxSurge`) that lets no pod through: 0 or 0%. */
export function isZeroBound(v: number | string): boolean {
    return v === 0 || v === "0%";
}

/**
 * `maxUnavailable`/`maxSurge`: a number or a percentage; both 0 would never roll. Defaults 0 and 1 (so a
 * rollout never drops below the desired count); on a DaemonSet Kubernetes' 1 and 0, as a surge pod on the same
 * node would clash with a host port or network. The policy pack holds any Deployment to the same bounds.
 * @throws RioInputError under `maxUnavailable` or `maxSurge`.
 */
export function rolloutBounds(
    u: number | string | undefined,
    s: number | string | undefined,
    perNode = false,
): { maxUnavailable: number | string; maxSurge: number | string } {
    const check = (v: number | string, key: string) =>
        under([key], () => {
            if (typeof v === "string" && !/^\d{1,3}%$/.test(v))
                throw new RioInputError([], `"${v}" must be a number or a percentage like 25%`);
            return v;
        });
    const maxUnavailable = u === undefined ? (perNode ? 1 : 0) : check(u, "maxUnavailable");
    const maxSurge = s === undefined ? (perNode ? 0 : 1) : check(s, "maxSurge");
    if (isZeroBound(maxUnavailable) && isZeroBound(maxSurge))
        throw new RioInputError(
            ["maxSurge"],
            "maxUnavailable and maxSurge cannot both be 0: the rollout could never start",
        );
    return { maxUnavailable, maxSurge };
}

/** Runs `fn` on a service's canonical keys, reporting errors in the user's spelling of aliased keys. */
function withSpelling<T>(
    input: unknown,
    fn: (canonical: Record<string, unknown>) => T,
    extra: readonly string[] = [],
): T {
    const { value, spelling } = checkKeys(input, extra);
    try {
        return fn(value);
    } catch (e) {
        if (e instanceof RioInputError && typeof e.path[0] === "string") {
            throw new RioInputError(
                [spelling.get(e.path[0]) ?? e.path[0], ...e.path.slice(1)],
                e.detail,
                undefined,
                e.atKey,
            );
        }
        throw e;
    }
}

function parseCanonical(canonical: Record<string, unknown>): ServiceSpec {
    const parsed = serviceSchema.safeParse(canonical);
    if (!parsed.success) throw fromZod(parsed.error, serviceSchema);
    return parsed.data as ServiceSpec;
}

/** Checks a service's keys and types and maps Rio's aliases to canonical keys (grammars are not parsed yet). */
export function parseServiceSpec(input: unknown): ServiceSpec {
    return withSpelling(input, parseCanonical);
}

type Parsed = z.infer<typeof serviceSchema>;

/** The container-level keys of the service or of a sidecar, parsed and checked (paths relative to its keys). */
function containerFields(name: string, image: string, s: Parsed): NormalizedContainer {
    return {
        name,
        image,
        ports: under(["ports"], () => resolvePorts(s.ports)),
        env: under(["env"], () => resolveEnv(s.env)),
        mounts: resolveMounts(mountStrings(s.configs), mountStrings(s.secrets)),
        command: under(["command"], () => splitCommand(s.command)),
        args: under(["args"], () => splitCommand(s.args)),
        workingDir: s.workingDir,
        cpus: under(["cpus"], () => resolveCpus(s.cpus)),
        memory: under(["memory"], () => resolveMemory(s.memory)),
        readinessProbe: under(["readinessProbe"], () => resolveProbe(s.readinessProbe as Probe | string | undefined)),
        livenessProbe: under(["livenessProbe"], () => resolveProbe(s.livenessProbe as Probe | string | undefined)),
        imagePullPolicy: under(["imagePullPolicy"], () => {
            if (s.imagePullPolicy === undefined) return undefined;
            const key = s.imagePullPolicy.toLowerCase();
            const p = Object.hasOwn(PULL_POLICIES, key) ? PULL_POLICIES[key] : undefined;
            if (!p)
                throw new RioInputError(
                    [],
                    `"${s.imagePullPolicy}" is not a pull policy: use Always, IfNotPresent or Never`,
                );
            return p;
        }),
        container: {
            ...(s.stdin !== undefined && { stdin: s.stdin }),
            ...(s.stdinOnce !== undefined && { stdinOnce: s.stdinOnce }),
            ...(s.tty !== undefined && { tty: s.tty }),
        },
        security: {
            ...(s.runAsUser !== undefined && { runAsUser: s.runAsUser }),
            ...(s.runAsGroup !== undefined && { runAsGroup: s.runAsGroup }),
            ...(s.readOnlyRootFilesystem !== undefined && { readOnlyRootFilesystem: s.readOnlyRootFilesystem }),
            ...(s.privileged !== undefined && { privileged: s.privileged }),
        },
        volumes: under(["volumes"], () => resolveVolumes(s.volumes as string | VolumeSpec[] | undefined)),
    };
}

/** Rio's `containers`: sidecars, and init containers (`init: true`) that run to completion first. */
function normalizeSidecars(list: readonly Record<string, unknown>[], service: string): NormalizedSidecar[] {
    const sidecars = list.map((raw, i) =>
        under(["containers", i], () =>
            withSpelling(
                raw,
                (canonical) => {
                    const parsed = sidecarSchema.safeParse(canonical);
                    if (!parsed.success) throw fromZod(parsed.error, sidecarSchema);
                    const c = parsed.data;
                    const name = under(["name"], () => assertDnsLabel(c.name, "container name"));
                    if (c.image === undefined) throw new RioInputError([], "a container needs an image");
                    if (GIT_URL.test(c.image) || /^(\.{1,2}(\/|$)|\/)/.test(c.image)) {
                        throw new RioInputError(
                            ["image"],
                            "a sidecar runs an image that is already built: build it as a service of its own (or in CI) and give its image here",
                        );
                    }
                    const fields = containerFields(name, c.image, c as Parsed);
                    const init = c.init ?? false;
                    if (init) {
                        // Kubernetes refuses probes on init containers; ports on them would serve nothing.
                        for (const key of ["readinessProbe", "livenessProbe", "ports"] as const) {
                            if (c[key] !== undefined)
                                throw new RioInputError(
                                    [key],
                                    "an init container runs to completion before the others start: it takes no probes or ports",
                                    undefined,
                                    true,
                                );
                        }
                    }
                    return { ...fields, ports: fields.ports.map((p) => ({ ...p, container: name })), init };
                },
                ["name", "init"],
            ),
        ),
    );
    sidecars.forEach((c, i) => {
        if (c.name === service || sidecars.findIndex((d) => d.name === c.name) !== i) {
            throw new RioInputError(
                ["containers", i, "name"],
                `container name "${c.name}" is already used${c.name === service ? " by the service's own container" : ""}`,
            );
        }
    });
    return sidecars;
}

/** The pod's ports: the main container's and the sidecars', which share the pod's network and its Services. */
function podPorts(main: Port[], sidecars: NormalizedSidecar[]): Port[] {
    const all = [...main];
    sidecars.forEach((c, i) =>
        c.ports.forEach((p, j) => {
            const clash = all.find(
                (q) =>
                    q.name === p.name ||
                    (q.port === p.port && kubeProtocol(q) === kubeProtocol(p)) ||
                    q.targetPort === p.targetPort,
            );
            if (clash)
                throw new RioInputError(
                    ["containers", i, "ports", j],
                    `port ${p.port} (${p.name}) clashes with ${clash.container ?? "the service"}'s port ${clash.port} (${clash.name})`,
                );
            all.push(p);
        }),
    );
    return all;
}

/**
 * The pod's volumes, one per name across its containers (Rio: the same name is the same storage), with the
 * names of `volumeTemplates` turned into the StatefulSet's per-replica claims.
 */
function podVolumes(
    main: Volume[],
    sidecars: NormalizedSidecar[],
    templates: VolumeTemplate[],
): { main: Volume[]; sidecars: NormalizedSidecar[] } {
    const named = new Map<string, Volume>();
    const mark = (v: Volume, at: (string | number)[]): Volume => {
        const templated = templates.some((t) => t.name === v.name);
        if (templated && v.hostPath !== undefined)
            throw new RioInputError(at, `"${v.name}" is a volume template: it cannot be a host path`);
        const out: Volume = templated ? { ...v, persistent: false, template: true } : v;
        const seen = named.get(v.name);
        const source = (x: Volume) => JSON.stringify([x.persistent, x.hostPath, x.hostPathType, x.template]);
        if (seen && source(seen) !== source(out))
            throw new RioInputError(at, `volume "${v.name}" is declared differently by another container`);
        named.set(v.name, out);
        return out;
    };
    const result = {
        main: main.map((v, j) => mark(v, ["volumes", j])),
        sidecars: sidecars.map((c, i) => ({
            ...c,
            volumes: c.volumes.map((v, j) => mark(v, ["containers", i, "volumes", j])),
        })),
    };
    templates.forEach((t, i) => {
        if (!named.has(t.name))
            throw new RioInputError(
                ["volumeTemplates", i, "name"],
                `volume template "${t.name}" is mounted by no container: add volumes: ${t.name}:/path`,
            );
    });
    return result;
}

/** The workload kind, and the keys that do not fit it refused by name. */
function workloadKind(s: Parsed, templates: VolumeTemplate[]): WorkloadKind {
    if (s.global) {
        if (templates.length > 0)
            throw new RioInputError(
                ["volumeTemplates"],
                "a global service runs one pod per node (a DaemonSet), which cannot have per-replica claims; use volumes",
                undefined,
                true,
            );
        for (const key of ["scale", "autoscale"] as const) {
            if (s[key] !== undefined)
                throw new RioInputError(
                    [key],
                    "a global service runs one pod on every node: it has no scale",
                    undefined,
                    true,
                );
        }
        return "DaemonSet";
    }
    if (templates.length > 0) {
        for (const key of ["maxSurge", "maxUnavailable"] as const) {
            if (s[key] !== undefined)
                throw new RioInputError(
                    [key],
                    "a service with volumeTemplates is a StatefulSet, which replaces its pods one at a time",
                    undefined,
                    true,
                );
        }
        return "StatefulSet";
    }
    return "Deployment";
}

/**
 * Checks one service (keys, types, Rio's grammars) and fills Rio's defaults. Errors carry the key path
 * relative to the service, in the user's own spelling of aliased keys. Pure: no Pulumi, no I/O.
 */
export function normalizeService(name: string, input: unknown): NormalizedService {
    under([], () => assertDnsLabel(name, "service name"));
    return withSpelling(input, (canonical) => {
        const s = parseCanonical(canonical) as Parsed;
        if (s.versions !== undefined)
            throw new RioInputError(
                ["versions"],
                "is not allowed here: a version cannot have versions",
                undefined,
                true,
            );
        if (s.image !== undefined && s.build !== undefined) {
            throw new RioInputError(["build"], "give an image or a build, not both", undefined, true);
        }
        const gitImage = s.image !== undefined && GIT_URL.test(s.image);
        if (s.image === undefined && s.build === undefined)
            throw new RioInputError([], "a service needs an image (or a build)");
        // Rio built a folder for `image: ./dir`, and for a `build` without `repo`.
        const localBuild =
            s.image !== undefined && !gitImage && LOCAL_PATH.test(s.image)
                ? normalizeLocalBuild({ context: s.image }, "image")
                : s.build !== undefined && s.build.repo === undefined
                  ? under(["build"], () => normalizeLocalBuild(s.build!, "build"))
                  : undefined;
        const build =
            localBuild !== undefined
                ? undefined
                : s.build !== undefined
                  ? { ...under(["build"], () => normalizeBuild(s.build!)), declaredAt: "build" as const }
                  : gitImage
                    ? { ...under(["image"], () => normalizeBuild({ repo: s.image })), declaredAt: "image" as const }
                    : undefined;
        const app = under(["app"], () => assertDnsLabel(s.app ?? name, "app"));
        // A build's image is only known once its commit is: the planner puts it in.
        const main = containerFields(name, build ? build.repo : localBuild ? localBuild.context : s.image!, s);
        const templates = under(["volumeTemplates"], () =>
            resolveVolumeTemplates(s.volumeTemplates as VolumeTemplateSpec[] | undefined),
        );
        const workload = workloadKind(s, templates);
        const volumes = podVolumes(main.volumes, normalizeSidecars(s.containers ?? [], name), templates);
        const ports = podPorts(main.ports, volumes.sidecars);
        const scaled = workload === "DaemonSet" ? { scale: 1 } : scaling(s.scale, s.autoscale);
        if (scaled.autoscale?.kind === "concurrency" && !ports.some((p) => p.expose)) {
            throw new RioInputError(
                [s.autoscale !== undefined ? "autoscale" : "scale"],
                "autoscaling on concurrency counts requests through the gateway, so it needs an exposed port; expose one, or scale on cpu/memory",
            );
        }
        const version = under(["version"], () => assertDnsLabel(s.version ?? "v0", "version"));
        const gradual = normalizeRollout(s.rollout, s.rolloutDuration);
        return {
            ...main,
            app,
            version,
            ...(build && { build }),
            ...(localBuild && { localBuild }),
            ports,
            volumes: volumes.main,
            ...scaled,
            workload,
            volumeTemplates: templates,
            sidecars: volumes.sidecars,
            hostNetwork: s.hostNetwork ?? false,
            permissions: under(["permissions"], () => resolvePermissions(s.permissions, "namespace")),
            globalPermissions: under(["globalPermissions"], () => resolvePermissions(s.globalPermissions, "cluster")),
            labels: checkLabels(s.labels ?? {}, "labels"),
            annotations: checkLabels(s.annotations ?? {}, "annotations"),
            imagePullSecrets: (s.imagePullSecrets ?? []).map((n, i) =>
                under(["imagePullSecrets", i], () => assertDnsSubdomain(n, "Secret name")),
            ),
            hostnames: (s.hostnames ?? []).map((h, i) => under(["hostnames", i], () => assertHostname(h, "hostname"))),
            weight: s.weight ?? 100,
            pod: podSettings(s),
            rollout: rolloutBounds(s.maxUnavailable, s.maxSurge, workload === "DaemonSet"),
            ...(s.requestTimeoutSeconds !== undefined && { requestTimeoutSeconds: s.requestTimeoutSeconds }),
            ...(gradual && { gradual }),
        };
    });
}

export { PortProtocols };
