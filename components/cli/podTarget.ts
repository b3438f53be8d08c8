/**
 * What `rio logs` and `rio exec` act on: `app`, `app@version` (Rio's names, `ns:` allowed) or `pod/NAME`. An app is
 * looked up in the namespace's Riofile and its pods found by the labels the planner puts on them
 * (service/labels.ts); then the pods and containers a command reads are picked from what runs.
 */
import type { V1Container, V1Pod } from "@kubernetes/client-node";
import { RioInputError } from "../errors";
import { Riofile } from "../riofile/load";
import { normalizeApp } from "../service/app";
import { MANAGED_BY } from "../service/labels";
import { assertDnsSubdomain } from "../service/names";
import { parseServiceName, ServiceName } from "./serviceName";

/** A pod named outright, or an app (one version of it, with `@version`). */
export type Target = { pod: string; namespace?: undefined } | (ServiceName & { pod?: undefined });

/** Parses `pod/NAME` or `[ns:]app[@version]`; `what` (the command) starts its errors. */
export function parseTarget(text: string, what: string): Target {
    if (text.startsWith("pod/")) {
        const pod = text.slice("pod/".length);
        try {
            return { pod: assertDnsSubdomain(pod, "pod name") };
        } catch (e) {
            if (e instanceof RioInputError) throw new RioInputError([], `${what}: ${e.detail}`);
            throw e;
        }
    }
    return parseServiceName(text, what);
}

/** The pods of an app, or of one version: the labels every pod of a pulumi-rio service carries. */
export function appSelector(app: string, version?: string): string {
    return [
        `app.kubernetes.io/name=${app}`,
        `app.kubernetes.io/managed-by=${MANAGED_BY}`,
        ...(version !== undefined ? [`app.kubernetes.io/version=${version}`] : []),
    ].join(",");
}

/**
 * The label selector of an app target, checked against the namespace's Riofile (undefined when the namespace has
 * none): a user error names the apps (or versions) there are.
 */
export function targetSelector(
    target: ServiceName,
    namespace: string,
    riofile: Riofile | undefined,
    what: string,
): string {
    const apps = new Map<string, string[]>();
    for (const { name, spec } of riofile?.services ?? []) {
        const app = normalizeApp(name, spec);
        apps.set(app.app, [...(apps.get(app.app) ?? []), ...app.versions.map((v) => v.version)]);
    }
    const versions = apps.get(target.app);
    if (versions === undefined) {
        const known = [...apps.keys()].sort();
        throw new RioInputError(
            [],
            `${what}: no app "${target.app}" in namespace ${namespace} (${known.length > 0 ? `apps: ${known.join(", ")}` : "it has none"})`,
        );
    }
    if (target.version !== undefined && !versions.includes(target.version))
        throw new RioInputError(
            [],
            `${what}: app "${target.app}" has no version "${target.version}" in namespace ${namespace} (versions: ${[...versions].sort().join(", ")})`,
        );
    return appSelector(target.app, target.version);
}

/** How a target reads in messages. */
export function targetLabel(target: Target): string {
    return target.pod !== undefined
        ? `pod/${target.pod}`
        : `${target.app}${target.version ? `@${target.version}` : ""}`;
}

const byName = (a: V1Pod, b: V1Pod) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");

/** A pod is ready: running, its Ready condition true, not on its way out. */
export function podReady(pod: V1Pod): boolean {
    return (
        pod.status?.phase === "Running" &&
        pod.metadata?.deletionTimestamp === undefined &&
        (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
    );
}

/** `name Phase` for each pod, for messages. */
const podStates = (pods: readonly V1Pod[]) =>
    pods.length === 0
        ? "there is none"
        : `${pods.length === 1 ? "pod" : "pods"}: ${[...pods]
              .sort(byName)
              .map((p) => `${p.metadata?.name} ${p.status?.phase ?? "Pending"}`)
              .join(", ")}`;

/**
 * The container a command means in a pod: the one named, else kubectl's default-container annotation, else the
 * one named after the service version (what the planner names it), else the first.
 */
export function podContainer(pod: V1Pod, container: string | undefined, what: string): V1Container {
    const containers = pod.spec?.containers ?? [];
    const name =
        container ??
        pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"] ??
        pod.metadata?.labels?.["app.kubernetes.io/instance"];
    const found = containers.find((c) => c.name === name) ?? (container === undefined ? containers[0] : undefined);
    if (!found)
        throw new RioInputError(
            [],
            `${what}: no container "${container}" in pod ${pod.metadata?.name} (containers: ${containers.map((c) => c.name).join(", ")})`,
        );
    return found;
}

/** The pod and container `rio exec` runs in: the first ready pod (by name), as Rio took the first. */
export function execTarget(
    pods: readonly V1Pod[],
    container: string | undefined,
    label: string,
    namespace: string,
): { pod: string; container: string } {
    const pod = [...pods].sort(byName).find(podReady);
    if (!pod)
        throw new RioInputError([], `exec: no pod of ${label} is ready in namespace ${namespace} (${podStates(pods)})`);
    return { pod: pod.metadata!.name!, container: podContainer(pod, container, "exec").name };
}

/** A container has logs once it has started (it runs, or ran and stopped). */
function started(pod: V1Pod, container: string): boolean {
    const status = (pod.status?.containerStatuses ?? []).find((s) => s.name === container);
    return status?.state?.running !== undefined || status?.state?.terminated !== undefined;
}

/**
 * The pods and containers `rio logs` reads, by pod name: every container that has started (`container` alone
 * when given, which some pod must have), as Rio tailed them all.
 */
export function logTargets(
    pods: readonly V1Pod[],
    container: string | undefined,
    label: string,
    namespace: string,
): { pod: string; container: string }[] {
    const sorted = [...pods].sort(byName);
    if (container !== undefined && !sorted.some((p) => (p.spec?.containers ?? []).some((c) => c.name === container)))
        throw new RioInputError(
            [],
            `logs: no container "${container}" in the pods of ${label} (containers: ${[
                ...new Set(sorted.flatMap((p) => (p.spec?.containers ?? []).map((c) => c.name))),
            ].join(", ")})`,
        );
    const targets = sorted.flatMap((p) =>
        (p.spec?.containers ?? [])
            .filter((c) => (container === undefined || c.name === container) && started(p, c.name))
            .map((c) => ({ pod: p.metadata!.name!, container: c.name })),
    );
    if (targets.length === 0)
        throw new RioInputError(
            [],
            `logs: no container of ${label} has started in namespace ${namespace} (${podStates(pods)})`,
        );
    return targets;
}
