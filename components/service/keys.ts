import { closest, distance } from "fastest-levenshtein";
import { RioInputError } from "../errors";

/** Keys this release implements, in their canonical (camelCase) spelling. */
export const SERVICE_KEYS = [
    "image",
    "ports",
    "env",
    "configs",
    "secrets",
    "command",
    "args",
    "workingDir",
    "cpus",
    "memory",
    "scale",
    "labels",
    "annotations",
    "readinessProbe",
    "livenessProbe",
    "imagePullPolicy",
    "imagePullSecrets",
    "app",
    "version",
    "hostnames",
    "weight",
    "versions",
    "autoscale",
    "build",
    "dns",
    "hostAliases",
    "hostname",
    "stdin",
    "stdinOnce",
    "tty",
    "runAsUser",
    "runAsGroup",
    "readOnlyRootFilesystem",
    "nodeAffinity",
    "podAffinity",
    "podAntiAffinity",
    "maxUnavailable",
    "maxSurge",
    "volumes",
    "requestTimeoutSeconds",
    "rollout",
    "rolloutDuration",
    "global",
    "volumeTemplates",
    "containers",
    "hostNetwork",
    "privileged",
    "permissions",
    "globalPermissions",
    "serviceMesh",
] as const;

/**
 * Rio's aliases (`mapper:"alias=..."` tags in rio's service_types.go, and rio.md §1.1) → canonical key.
 * `cpuMillis` is handled apart because its unit differs.
 */
export const SERVICE_ALIASES: Readonly<Record<string, string>> = {
    port: "ports",
    environment: "env",
    config: "configs",
    secret: "secrets",
    arg: "args",
    cpu: "cpus",
    mem: "memory",
    memoryBytes: "memory",
    replicas: "scale",
    readiness: "readinessProbe",
    liveness: "livenessProbe",
    pullPolicy: "imagePullPolicy",
    pullSecrets: "imagePullSecrets",
    hosts: "hostAliases",
    stdinOpen: "stdin",
    user: "runAsUser",
    group: "runAsGroup",
    volume: "volumes",
    permission: "permissions",
    globalPermission: "globalPermissions",
    // Rio's Riofiles (stacks/build-stack.yaml) wrote it in snake case, and Rio's parser took it.
    global_permissions: "globalPermissions",
};

/**
 * Rio service keys pulumi-rio deliberately does not support, and why: refusing them by name, with the reason and
 * what to do instead, is better than an "unknown key" error for a valid Riofile, and better than dropping them.
 */
export const UNSUPPORTED_SERVICE_KEYS: Readonly<Record<string, string>> = {
    template:
        "pulumi-rio rolls the same workload to each new commit of a build instead of making a service per commit; pull requests get a PreviewEnv",
    stageOnly: "pulumi-rio makes no staged service per commit; pull requests get a PreviewEnv",
};

export const PLANNED_SERVICE_KEYS = Object.keys(UNSUPPORTED_SERVICE_KEYS);

const ALL_SPELLINGS = [...SERVICE_KEYS, ...Object.keys(SERVICE_ALIASES), "cpuMillis", "net", ...PLANNED_SERVICE_KEYS];

/** The canonical key an alias stands for (Rio's `net` and `cpuMillis` included); undefined for any other key. */
export function canonicalKey(key: string): string | undefined {
    if (Object.hasOwn(SERVICE_ALIASES, key)) return SERVICE_ALIASES[key];
    return key === "net" ? "hostNetwork" : key === "cpuMillis" ? "cpus" : undefined;
}

/** "did you mean" for a key nobody knows: the nearest known spelling when it is close enough to be a typo. */
export function suggestKey(key: string, known: readonly string[] = ALL_SPELLINGS): string | undefined {
    const lower = known.find((k) => k.toLowerCase() === key.toLowerCase());
    if (lower) return lower;
    const best = closest(key, known as string[]);
    return distance(key, best) <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

export function unknownKey(key: string, known?: readonly string[]): RioInputError {
    const hint = suggestKey(key, known);
    return new RioInputError([key], `unknown key${hint ? `; did you mean "${hint}"?` : ""}`, undefined, true);
}

/**
 * Maps aliases to canonical keys and rejects unknown or not-yet-implemented ones. `spelling` remembers how
 * the user wrote each canonical key, so later errors point at what is in their file.
 */
export function checkKeys(
    input: unknown,
    extra: readonly string[] = [],
): { value: Record<string, unknown>; spelling: Map<string, string> } {
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
        throw new RioInputError(
            [],
            `a service must be a map of keys, not ${input === null ? "null" : Array.isArray(input) ? "a list" : typeof input}`,
        );
    }
    const value: Record<string, unknown> = {};
    const spelling = new Map<string, string>();
    for (const [key, v] of Object.entries(input)) {
        if (v === undefined) continue;
        let canonical: string;
        let converted = v;
        if ((SERVICE_KEYS as readonly string[]).includes(key) || extra.includes(key)) canonical = key;
        else if (Object.hasOwn(SERVICE_ALIASES, key)) canonical = SERVICE_ALIASES[key]!;
        else if (key === "cpuMillis") {
            canonical = "cpus";
            converted = typeof v === "number" ? `${v}m` : v;
        } else if (key === "net") {
            // Rio's `--net host`: the only network mode it had besides the pod's own.
            canonical = "hostNetwork";
            if (v !== "host" && v !== "default" && v !== "")
                throw new RioInputError([key], `"${String(v)}" is not a network mode: use host (or hostNetwork: true)`);
            converted = v === "host";
        } else if ((key === "template" || key === "stageOnly") && v === false) {
            // Rio's default, written out by `rio export` and in Rio's docs: exactly what pulumi-rio does.
            continue;
        } else if (Object.hasOwn(UNSUPPORTED_SERVICE_KEYS, key)) {
            throw new RioInputError([key], `is not supported: ${UNSUPPORTED_SERVICE_KEYS[key]}`, undefined, true);
        } else throw unknownKey(key, extra.length > 0 ? [...ALL_SPELLINGS, ...extra] : undefined);
        const earlier = spelling.get(canonical);
        if (earlier !== undefined)
            throw new RioInputError([key], `sets the same thing as "${earlier}"; keep one`, undefined, true);
        spelling.set(canonical, key);
        value[canonical] = converted;
    }
    return { value, spelling };
}
