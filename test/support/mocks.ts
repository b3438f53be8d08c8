/**
 * The Pulumi mock-engine harness (see ../shared/reference/pulumi.md §3): records every registration, answers
 * no invokes, and is installed before any component module is imported.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
    type: string;
    name: string;
    /** Inputs with secrets unwrapped to their values. */
    inputs: Record<string, any>;
    /** Top-level inputs that arrived as Pulumi secrets. */
    secretInputs: string[];
    custom: boolean;
    urn: string;
}

export const registered: Registered[] = [];

/** The wire form of a secret value (`specialSigKey` → `specialSecretSig` in @pulumi/pulumi's rpc). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isSecret(v: unknown): boolean {
    if (v === null || typeof v !== "object") return false;
    if ((v as any)[SIG_KEY] === SECRET_SIG) return true;
    return Object.values(v as object).some(isSecret);
}

function unwrapSecrets(v: any): any {
    if (v === null || typeof v !== "object") return v;
    if (v[SIG_KEY] === SECRET_SIG) return unwrapSecrets(v.value);
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
}

/** What a live object would report back beyond its inputs (e.g. a Gateway's status), by resource type. */
export type LiveState = (type: string, inputs: Record<string, any>) => Record<string, unknown> | undefined;

/** Installs the mocks. Call at the top of a test file, before importing anything that registers resources. */
/** Answers to invokes by token; any other invoke fails the test (`Mock not implemented`). */
export type Calls = Record<string, (inputs: Record<string, any>) => Record<string, unknown>>;

/** Cloudflare's published ranges as the tests see them (two of the real ones). */
export const CLOUDFLARE_RANGES = {
    ipv4Cidrs: ["173.245.48.0/20", "103.21.244.0/22"],
    ipv6Cidrs: ["2400:cb00::/32"],
    etag: "test",
};

export const defaultCalls: Calls = { "cloudflare:index/getIpRanges:getIpRanges": () => CLOUDFLARE_RANGES };

export async function installMocks(
    stack = "test",
    preview = false,
    live?: LiveState,
    calls: Calls = defaultCalls,
): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                const urn = `${args.type}::${args.name}`;
                const secretInputs = Object.keys(args.inputs).filter((k) => isSecret(args.inputs[k]));
                const inputs = unwrapSecrets(args.inputs);
                registered.push({
                    type: args.type,
                    name: args.name,
                    inputs,
                    secretInputs,
                    custom: args.custom ?? false,
                    urn,
                });
                return {
                    id: preview ? undefined : `${args.name}-id`,
                    state: { ...args.inputs, ...live?.(args.type, inputs) },
                };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const answer = calls[args.token];
                if (!answer) throw new Error(`Mock not implemented: ${args.token}`);
                return answer(args.inputs);
            },
        },
        "rio",
        stack,
        preview,
    );
}

/** Resolves an Output (or plain value) in a test. */
export function value<T>(o: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}

/** Waits until a component and every child it registered exist. */
export async function settle(resource: pulumi.Resource): Promise<void> {
    await value(resource.urn);
    // Children register synchronously in the constructor but their inputs resolve later; let them drain.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Custom resources (not components), ordered by type and name: registration order is not deterministic. */
export function applied(): Registered[] {
    return registered
        .filter((r) => r.custom)
        .sort((a, b) => KIND_ORDER(a) - KIND_ORDER(b) || a.name.localeCompare(b.name));
}

/** The order planApp lists kinds in. */
const KINDS = [
    "Namespace",
    "ConfigMap",
    "Deployment",
    "Service",
    "HTTPRoute",
    "HorizontalPodAutoscaler",
    "InterceptorRoute",
    "ScaledObject",
    "PodDisruptionBudget",
    "ReferenceGrant",
];
const KIND_ORDER = (r: Registered) => KINDS.findIndex((k) => r.type.endsWith(`:${k}`));

/** The inputs of every registered Kubernetes object, as the plain objects they describe. */
export function kubeObjects(): Record<string, any>[] {
    return registered
        .filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.inputs.apiVersion && r.inputs.kind)
        .map((r) => r.inputs);
}

/** The registered resources of one type. */
export function byType(type: string): Registered[] {
    return registered.filter((r) => r.type === type);
}

/** The only registered resource with this type and name (fails on none or several: mocks hide URN clashes). */
export function one(type: string, name: string): Registered {
    const found = registered.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected exactly one ${type} named ${name}, found ${found.length}`);
    return found[0]!;
}

/** Throws if two registrations share type and name (a real engine would reject the duplicate URN). */
export function assertUniqueUrns(): void {
    const seen = new Set<string>();
    for (const r of registered) {
        if (seen.has(r.urn)) throw new Error(`duplicate URN ${r.urn}`);
        seen.add(r.urn);
    }
}

/** Forgets what was recorded (between tests). */
export function reset(): void {
    registered.length = 0;
}
