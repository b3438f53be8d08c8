/**
 * `rio pods`: the pods of the namespace's services in Rio's table — NAME, CREATED, READY (ready/containers), NODE,
 * IP, STATE (the pod's phase), DETAIL (why a container waits or failed) — or as data with `--format`.
 */
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { ago, apiTime } from "./ps";
import { DataFormat, formatColumns, formatData } from "./table";

/** One pod, as `rio pods` shows it. */
export interface PodRow {
    name: string;
    namespace: string;
    /** The service's app and version (its labels). */
    app?: string;
    version?: string;
    /** ISO time. */
    created?: string;
    ready: number;
    containers: number;
    node: string;
    ip: string;
    state: string;
    detail: string;
}

/** What is wrong with a pod's containers: `name(Reason/message)` for each waiting one, and each that failed. */
export function podDetail(pod: V1Pod): string {
    const statuses: V1ContainerStatus[] = [
        ...(pod.status?.initContainerStatuses ?? []),
        ...(pod.status?.containerStatuses ?? []),
    ];
    const why = (reason: string | undefined, message: string | undefined) =>
        [reason, message].filter((p) => p !== undefined && p !== "").join("/");
    const parts = statuses.flatMap((c) => {
        const { waiting, terminated } = c.state ?? {};
        if (waiting?.reason) return [`${c.name}(${why(waiting.reason, waiting.message)})`];
        if (terminated && terminated.exitCode !== 0)
            return [
                `${c.name}(${why(terminated.reason, terminated.message) || "exited"}), exit code: ${terminated.exitCode}`,
            ];
        return [];
    });
    if (parts.length > 0) return parts.join("; ");
    // Not started yet: why it is not scheduled.
    const unscheduled = (pod.status?.conditions ?? []).find((c) => c.type === "PodScheduled" && c.status === "False");
    return unscheduled ? why(unscheduled.reason, unscheduled.message) : "";
}

/** The rows of the pods, by name. */
export function podRows(pods: readonly V1Pod[]): PodRow[] {
    return [...pods]
        .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))
        .map((p): PodRow => {
            const labels = p.metadata?.labels ?? {};
            const statuses = p.status?.containerStatuses ?? [];
            return {
                name: p.metadata?.name ?? "",
                namespace: p.metadata?.namespace ?? "",
                ...(labels["app.kubernetes.io/name"] !== undefined && { app: labels["app.kubernetes.io/name"] }),
                ...(labels["app.kubernetes.io/version"] !== undefined && {
                    version: labels["app.kubernetes.io/version"],
                }),
                ...(p.metadata?.creationTimestamp !== undefined && { created: apiTime(p.metadata.creationTimestamp) }),
                ready: statuses.filter((s) => s.ready).length,
                containers: p.spec?.containers.length ?? statuses.length,
                node: p.spec?.nodeName ?? "",
                ip: p.status?.podIP ?? "",
                state: p.metadata?.deletionTimestamp !== undefined ? "Terminating" : (p.status?.phase ?? "Pending"),
                detail: podDetail(p),
            };
        });
}

const HEADERS = ["NAME", "CREATED", "READY", "NODE", "IP", "STATE", "DETAIL"];

/** Rio's table of pods. */
export function formatPods(rows: readonly PodRow[], now: Date): string {
    return formatColumns(
        HEADERS,
        rows.map((r) => [
            r.name,
            r.created !== undefined ? ago(new Date(r.created), now) : "",
            `${r.ready}/${r.containers}`,
            r.node,
            r.ip,
            r.state,
            r.detail,
        ]),
    );
}

/** `--format json|yaml`. */
export function formatPodRows(rows: readonly PodRow[], format: DataFormat): string {
    return formatData(rows, format);
}
