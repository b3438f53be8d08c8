/**
 * The pod a Kubernetes resource runs, whichever program registered it: a Pulumi type token names the kind, and
 * each kind keeps its pod spec at its own path in the resource's inputs (what the policy SDK hands a policy).
 */

/** A container as the pod spec holds it: only the fields the pack reads. */
export interface Container {
    name?: string;
    ports?: { containerPort?: number; hostPort?: number; name?: string }[];
    securityContext?: { privileged?: boolean };
    resources?: Resources;
}

/** Requests and limits (`cpu`, `memory`) of a container, or of the whole pod. */
export interface Resources {
    requests?: Record<string, string | number>;
    limits?: Record<string, string | number>;
}

/** A pod spec: only the fields the pack reads. */
export interface PodSpec {
    containers?: Container[];
    initContainers?: Container[];
    ephemeralContainers?: Container[];
    hostNetwork?: boolean;
    volumes?: { name?: string; hostPath?: { path?: string } }[];
    /** Pod-level requests and limits (Kubernetes 1.32+), which cover every container. */
    resources?: Resources;
}

const TEMPLATE = ["spec", "template", "spec"];

/** Where each kind the pack reads keeps its pod spec. */
const POD_SPEC_AT: Record<string, readonly string[]> = {
    "kubernetes:core/v1:Pod": ["spec"],
    "kubernetes:core/v1:PodTemplate": ["template", "spec"],
    "kubernetes:core/v1:ReplicationController": TEMPLATE,
    "kubernetes:apps/v1:Deployment": TEMPLATE,
    "kubernetes:apps/v1:StatefulSet": TEMPLATE,
    "kubernetes:apps/v1:DaemonSet": TEMPLATE,
    "kubernetes:apps/v1:ReplicaSet": TEMPLATE,
    "kubernetes:batch/v1:Job": TEMPLATE,
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The Pulumi types whose pods the pack checks (the `…Patch` types too, where a policy asks for them). */
export const WORKLOAD_TYPES: readonly string[] = Object.keys(POD_SPEC_AT);

/** What a policy is given about a resource (the policy SDK's ResourceValidationArgs, the part read here). */
export interface ResourceArgs {
    type: string;
    props: Record<string, unknown>;
    provider?: { props: Record<string, unknown> };
}

/** One workload: its pod spec and how the policy config names it. */
export interface Workload {
    /** `namespace/name`, as the policy config's `allow` lists name workloads. */
    id: string;
    pod: PodSpec;
}

/**
 * The workload a resource is, or undefined for any other type. With `patches`, a `…Patch` resource (server-side
 * apply of some fields) is read too: it can turn on what the full object did not have.
 *
 * The namespace is the object's, else its provider's default (the provider's `namespace` input), else
 * `default`; a kubeconfig context's own namespace is not visible to a policy.
 */
export function workloadOf(args: ResourceArgs, opts: { patches?: boolean } = {}): Workload | undefined {
    const type = opts.patches && args.type.endsWith("Patch") ? args.type.slice(0, -"Patch".length) : args.type;
    const at = POD_SPEC_AT[type];
    if (at === undefined) return undefined;
    return { id: objectId(args), pod: (dig(args.props, at) ?? {}) as PodSpec };
}

/** `namespace/name` of a namespaced object (see workloadOf for the namespace). */
export function objectId(args: ResourceArgs): string {
    const meta = (args.props.metadata ?? {}) as { name?: string; namespace?: string };
    const providerNs = args.provider?.props.namespace;
    const ns = meta.namespace ?? (typeof providerNs === "string" && providerNs !== "" ? providerNs : "default");
    return `${ns}/${meta.name ?? ""}`;
}

/** Every container of a pod with what to call it in a message: `container "web"`, `init container "setup"`. */
export function containersOf(pod: PodSpec, opts: { ephemeral?: boolean } = {}): { c: Container; label: string }[] {
    const label = (kind: string) => (c: Container) => ({ c, label: `${kind} "${c.name ?? ""}"` });
    return [
        ...(pod.containers ?? []).map(label("container")),
        ...(pod.initContainers ?? []).map(label("init container")),
        ...(opts.ephemeral ? (pod.ephemeralContainers ?? []).map(label("ephemeral container")) : []),
    ];
}

function dig(obj: unknown, path: readonly string[]): unknown {
    let v = obj;
    for (const k of path) v = v === undefined || v === null ? undefined : (v as Record<string, unknown>)[k];
    return v;
}
