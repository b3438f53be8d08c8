/**
 * The stack's config (namespace `rio`), every key checked before anything is registered: an unknown key (a typo
 * would silently fall back to a default), a wrong type (`rio:system.domain: 42`), a boolean written as a word
 * (`install: "no"` is not false, so it is refused) — each a RioInputError naming the config key.
 */
import { z } from "zod";
import { RioInputError } from "../components/errors";
import { checkSystemConfig, SystemConfig } from "../components/system/config";
import { unknownKey } from "../components/service/keys";
import { answersFromConfig } from "../components/riofile/answers";
import { Allowable } from "../components/service/context";

/** The program's settings from `rio:*` config (secrets are read through pulumi.Config, to stay secret). */
export interface StackConfig {
    /** `rio:riofile`; unset: ./Riofile, else the folder's Dockerfile. */
    riofile?: string;
    namespace: string;
    createNamespace?: boolean;
    answers: Record<string, string>;
    allow: Allowable[];
    system: SystemConfig;
    /** Without RioSystem: the gateway you run, and its domain. */
    gateway?: { name?: string; namespace?: string; scheme?: "https" | "http"; listener?: string };
    domain?: string;
    buildSecrets?: Record<string, unknown>;
    /** A preview stack: the base stack, and its pull request and/or branch. */
    previewOf?: string;
    pullRequest?: number;
    branch?: string;
    /** The project's own repository (only its builds follow the branch); default: the Riofile's git origin. */
    repo?: string;
    scaleToZero?: boolean;
    ttlHours?: number;
    gatewayImplementation?: "traefik" | "envoy";
}

/** Config keys holding credentials: their values are never shown in a message. */
const SECRET_KEYS = ["rio:registryPassword", "rio:cloudflareApiToken", "rio:buildSecrets"];

/** `true`/`false`, or the words Pulumi stores for them; anything else (`"no"`, `1`) is refused, never truthy. */
const bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")], {
    errorMap: () => ({ message: "expected true or false" }),
});
const str = z.string();
/** A whole number written as a number or as digits (top-level config values are always strings). */
const count = (what: string, min: number) =>
    z
        .union(
            [
                z.number(),
                z
                    .string()
                    .regex(/^\s*-?\d+(\.\d+)?\s*$/)
                    .transform(Number),
            ],
            {
                errorMap: () => ({ message: `expected ${what}` }),
            },
        )
        .refine((n) => Number.isFinite(n) && n >= min, { message: `expected ${what}` });
const map = <T extends z.ZodTypeAny>(value: T) => z.record(z.string(), value);

/** `rio:system`'s values (its keys are checked by checkSystemConfig, with a did-you-mean). */
const SYSTEM = z
    .object({
        install: bool,
        civo: z
            .object({
                region: str,
                nodeSize: str,
                nodeCount: count("a number of nodes (1 or more)", 1),
                kubernetesVersion: str,
                applications: str,
            })
            .partial()
            .strict(),
        domain: str,
        email: str,
        acmeServer: z.enum(["production", "staging"]),
        cloudflare: z.object({ zoneId: str, proxied: bool, zone: str }).partial(),
        gatewayImplementation: z.enum(["traefik", "envoy"]),
        features: map(bool),
        clusterHasMetricsServer: bool,
        registryPersistence: bool,
        registryExposed: bool,
        domains: z.array(str),
        continuousDeployment: z
            .object({
                repo: str,
                branch: str,
                repoDir: str,
                stack: str,
                resyncSeconds: count("a number of seconds", 1),
                accessTokenSecret: z.object({ name: str, key: str }).strict(),
                gitAuthSecret: str,
            })
            .partial()
            .strict(),
        helmValues: map(map(z.unknown())),
    })
    .partial()
    .passthrough();

/** Every `rio:*` key the program reads, and the shape of its value. */
const KEYS: Record<string, { json: boolean; schema: z.ZodTypeAny }> = {
    riofile: { json: false, schema: str.min(1, "expected the path of a Riofile") },
    namespace: { json: false, schema: str },
    createNamespace: { json: false, schema: bool },
    answers: { json: true, schema: z.unknown() },
    allow: { json: true, schema: z.array(str) },
    system: { json: true, schema: SYSTEM },
    gateway: {
        json: true,
        schema: z
            .object({ name: str, namespace: str, scheme: z.enum(["https", "http"]), listener: str })
            .partial()
            .strict(),
    },
    domain: { json: false, schema: str },
    buildSecrets: { json: true, schema: map(z.unknown()) },
    registryPassword: { json: false, schema: str },
    cloudflareApiToken: { json: false, schema: str },
    previewOf: {
        json: false,
        schema: str.regex(/^[\w.-]+(\/[\w.-]+){0,2}$/, "expected the base stack (org/project/stack, or project/stack)"),
    },
    pullRequest: {
        json: false,
        schema: count("a pull request number (1 or more)", 1).refine(
            Number.isInteger,
            "expected a pull request number (1 or more)",
        ),
    },
    branch: { json: false, schema: str.min(1, "expected a branch name") },
    repo: { json: false, schema: str.min(1, "expected the project's git repository URL") },
    scaleToZero: { json: false, schema: bool },
    ttlHours: {
        json: false,
        schema: count("a number of hours (more than 0)", 0).refine(
            (n) => n > 0,
            "expected a number of hours (more than 0)",
        ),
    },
    gatewayImplementation: { json: false, schema: z.enum(["traefik", "envoy"]) },
};

/** What a value is, for "expected …, got …": the value itself (shortened by the message), or its kind for a secret. */
function shown(value: unknown, secret: boolean): string {
    const kind =
        value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "a map" : typeof value;
    if (secret || typeof value === "object" || value === undefined) return kind;
    return JSON.stringify(value);
}

/** The value at `path` in `root`. */
function at(root: unknown, path: readonly (string | number)[]): unknown {
    return path.reduce<unknown>(
        (v, seg) => (v !== null && typeof v === "object" ? (v as never)[seg] : undefined),
        root,
    );
}

const TYPE_NAMES: Record<string, string> = {
    string: "a string",
    number: "a number",
    boolean: "true or false",
    object: "a map",
    array: "a list",
};

/** One zod issue as "expected …, got …", at its config key. */
function issueError(key: string, value: unknown, issue: z.ZodIssue, secret: boolean): RioInputError {
    const path = [key, ...issue.path];
    const got = shown(at(value, issue.path), secret);
    if (issue.code === "unrecognized_keys")
        return new RioInputError([...path, issue.keys[0]!], "unknown key", undefined, true);
    if (issue.code === "invalid_type")
        return new RioInputError(path, `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${got}`);
    if (issue.code === "invalid_enum_value")
        return new RioInputError(path, `expected one of ${issue.options.join(", ")}, got ${got}`);
    if (issue.code === "invalid_union") {
        const inner = issue.unionErrors.flatMap((e) => e.issues).find((i) => i.path.length > issue.path.length);
        if (inner) return issueError(key, value, inner, secret);
    }
    return new RioInputError(path, `${issue.message}, got ${got}`);
}

/**
 * Reads and checks every `rio:*` key of the stack's config (`pulumi.runtime.allConfig()`: object values come as
 * JSON text). A key the program does not read is refused with a did-you-mean.
 */
export function readStackConfig(all: Record<string, string>): StackConfig {
    const out: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(all)) {
        if (!fullKey.startsWith("rio:")) continue;
        const name = fullKey.slice("rio:".length);
        const spec = Object.hasOwn(KEYS, name) ? KEYS[name]! : undefined;
        if (!spec) {
            const e = unknownKey(name, Object.keys(KEYS));
            throw new RioInputError(
                [`rio:${e.path[0]}`],
                e.detail.replace(/did you mean "/, 'did you mean "rio:'),
                undefined,
                true,
            );
        }
        const secret = SECRET_KEYS.includes(fullKey);
        let value: unknown = text;
        if (spec.json) {
            try {
                value = JSON.parse(text);
            } catch {
                // A plain word where a map or list belongs: say what it is, not that it is bad JSON.
                value = text;
            }
        }
        // rio:system's keys first, with a did-you-mean; then its values' types.
        if (name === "system") checkSystemConfig(value);
        const parsed = spec.schema.safeParse(value);
        if (!parsed.success) throw issueError(fullKey, value, parsed.error.issues[0]!, secret);
        out[name] = parsed.data;
    }
    const system = checkSystemConfig(out.system);
    const config: StackConfig = {
        ...(out as Omit<StackConfig, "namespace" | "answers" | "allow" | "system">),
        namespace: (out.namespace as string | undefined) ?? "default",
        answers: answersFromConfig(out.answers),
        allow: (out.allow as Allowable[] | undefined) ?? [],
        system,
    };
    if (config.previewOf !== undefined && config.pullRequest === undefined && config.branch === undefined)
        throw new RioInputError(["rio:previewOf"], "a preview stack needs rio:pullRequest or rio:branch (or both)");
    return config;
}
