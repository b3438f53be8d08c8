/**
 * `rio ps`: Rio's table of services — NAME, IMAGE, ENDPOINT, SCALE (ready/desired), WEIGHT, CREATED, DETAIL — from
 * the stack's Riofile (what should run), its outputs (the URLs) and the live workloads (what runs).
 */
import { Riofile } from "../riofile/load";
import { normalizeApp } from "../service/app";
import { WorkloadKind } from "../service/spec";
import { DataFormat, formatColumns, formatData } from "./table";

/** One version of one service, as `rio ps` shows it. */
export interface PsRow {
    /** `app`, or `app@version` for a version other than Rio's hidden v0. */
    name: string;
    namespace: string;
    app: string;
    version: string;
    /** The workload's name and kind. */
    workload: string;
    kind: WorkloadKind;
    image: string;
    endpoint?: string;
    ready: number;
    desired: number;
    /** An autoscaled version's bounds. */
    autoscale?: { min: number; max: number };
    /** Share of the app's traffic, in percent. */
    weight: number;
    /** When the workload was created (ISO time); undefined while it does not exist. */
    created?: string;
    detail: string;
}

/** The workloads a Riofile runs: what `rio ps` reads from the API server. */
export function workloadsOf(riofile: Riofile): { name: string; kind: WorkloadKind }[] {
    return riofile.services.flatMap(({ name, spec }) =>
        normalizeApp(name, spec).versions.map((v) => ({ name: v.name, kind: v.workload })),
    );
}

interface Condition {
    type: string;
    status: string;
    reason?: string;
    message?: string;
}

/** What `rio ps` reads of a live Deployment, StatefulSet or DaemonSet. */
export interface LiveWorkload {
    /** The client gives times as Dates, the API server's JSON as text. */
    metadata?: { name?: string; creationTimestamp?: string | Date };
    spec?: { replicas?: number; template?: { spec?: { containers?: { name: string; image?: string }[] } } };
    status?: {
        readyReplicas?: number;
        numberReady?: number;
        desiredNumberScheduled?: number;
        conditions?: Condition[];
    };
}

/** Ready and desired replicas of a live workload, by kind. */
export function counts(kind: WorkloadKind, live: LiveWorkload): { ready: number; desired: number } {
    const status = live.status ?? {};
    if (kind === "DaemonSet") return { ready: status.numberReady ?? 0, desired: status.desiredNumberScheduled ?? 0 };
    return { ready: status.readyReplicas ?? 0, desired: live.spec?.replicas ?? 1 };
}

/** A time as the API server writes it (RFC 3339, seconds). */
export function apiTime(t: string | Date): string {
    return typeof t === "string" ? t : t.toISOString().replace(/\.000Z$/, "Z");
}

/** What is wrong, if anything: a failing condition's message, else how many replicas are not ready. */
function detail(live: LiveWorkload | undefined, ready: number, desired: number): string {
    if (live === undefined) return "not deployed";
    const conditions = live.status?.conditions ?? [];
    const failing =
        conditions.find((c) => c.type === "ReplicaFailure" && c.status === "True") ??
        conditions.find((c) => c.type === "Progressing" && c.status === "False") ??
        conditions.find((c) => c.type === "Available" && c.status === "False");
    if (failing) return `${failing.reason ?? failing.type}: ${failing.message ?? ""}`.trim();
    if (ready < desired) return `${desired - ready} of ${desired} not ready`;
    return "";
}

/** The URL of one version: its own host when the app has several (`<app>-<version>-…`), else the app's. */
function endpointOf(urls: readonly string[] | undefined, app: string, version: string, several: boolean) {
    if (!urls || urls.length === 0) return undefined;
    if (several) {
        const own = urls.find((u) => new URL(u).hostname.startsWith(`${app}-${version}-`));
        if (own) return own;
    }
    return urls[0];
}

/**
 * The rows of a namespace: every version of every service of its Riofile, with the stack's URLs and the live
 * workloads (`live`, by workload name; a missing one is not deployed).
 */
export function psRows(
    namespace: string,
    riofile: Riofile,
    urls: Readonly<Record<string, string[]>> | undefined,
    live: ReadonlyMap<string, LiveWorkload | undefined>,
): PsRow[] {
    return riofile.services.flatMap(({ name, spec }) => {
        const app = normalizeApp(name, spec);
        const total = app.versions.reduce((n, v) => n + v.weight, 0);
        const several = app.versions.length > 1;
        return app.versions.map((v): PsRow => {
            const obj = live.get(v.name);
            const { ready, desired } = obj ? counts(v.workload, obj) : { ready: 0, desired: v.scale };
            const containers = obj?.spec?.template?.spec?.containers ?? [];
            const image = (containers.find((c) => c.name === v.name) ?? containers[0])?.image ?? v.image;
            const endpoint = endpointOf(urls?.[name], app.app, v.version, several);
            return {
                name: v.version === "v0" ? app.app : `${app.app}@${v.version}`,
                namespace,
                app: app.app,
                version: v.version,
                workload: v.name,
                kind: v.workload,
                image,
                ...(endpoint !== undefined && { endpoint }),
                ready,
                desired,
                ...(v.autoscale && { autoscale: { min: v.autoscale.min, max: v.autoscale.max } }),
                // An app's only version receives all of its traffic, whatever its weight.
                weight: !several ? 100 : total > 0 ? Math.round((v.weight / total) * 100) : 0,
                ...(obj?.metadata?.creationTimestamp !== undefined && {
                    created: apiTime(obj.metadata.creationTimestamp),
                }),
                detail: detail(obj, ready, desired),
            };
        });
    });
}

/** go-humanize's `humanize.Time`, which Rio's CREATED column used: `now`, `5 minutes ago`, `2 days ago`. */
export function ago(from: Date, now: Date): string {
    const s = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 1000));
    const units: [number, string][] = [
        [365 * 86400, "year"],
        [30 * 86400, "month"],
        [7 * 86400, "week"],
        [86400, "day"],
        [3600, "hour"],
        [60, "minute"],
        [1, "second"],
    ];
    if (s < 1) return "now";
    for (const [size, unit] of units) {
        if (s < size) continue;
        const n = Math.floor(s / size);
        return `${n} ${unit}${n === 1 ? "" : "s"} ago`;
    }
    return "now";
}

const HEADERS = ["NAME", "IMAGE", "ENDPOINT", "SCALE", "WEIGHT", "CREATED", "DETAIL"];

/** Rio's table, columns padded to their widest cell, three spaces apart. */
export function formatTable(rows: readonly PsRow[], now: Date): string {
    return formatColumns(
        HEADERS,
        rows.map((r) => [
            r.name,
            r.image,
            r.endpoint ?? "",
            `${r.ready}/${r.desired}${r.autoscale ? ` (${r.autoscale.min}-${r.autoscale.max})` : ""}`,
            `${r.weight}%`,
            r.created !== undefined ? ago(new Date(r.created), now) : "",
            r.detail,
        ]),
    );
}

/** `--format json|yaml`: the rows as data (times as ISO text). */
export function formatRows(rows: readonly PsRow[], format: DataFormat): string {
    return formatData(rows, format);
}
