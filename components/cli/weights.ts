/**
 * The traffic shares of an app's versions, as Rio's `rio weight`, `rio promote` and `rio run --weight` set them
 * (Rio's `cli/cmd/weight` and `pkg/services/weight.go`): one version is given its percentage and the other
 * versions keep theirs relative to one another, sharing what is left; 100 is a promotion (every other version at
 * 0, kept, not removed); when no other version has any traffic, the version keeps all of it whatever the
 * percentage (Rio's docs: "you must assign weight to other services in order to route traffic to them").
 *
 * Rio stored unbounded weights (10000 for a promoted version) and computed the shares from them; here the changed
 * weights are written as percentages that add up to 100, so the Riofile and the HTTPRoute's backendRefs read as
 * the shares themselves (60/40, not 10000/6666).
 */
import { RioInputError } from "../errors";
import { identity, RiofileContent, serviceKey } from "./riofileEdit";
import { formatServiceName, parseServiceName, ServiceName } from "./serviceName";

type Services = Record<string, Record<string, unknown>>;

/** One version of an app in a namespace's Riofile. */
export interface VersionWeight {
    /** Its entry under `services`. */
    key: string;
    version: string;
    /** Its weight, Rio's default (100) when the entry has none. */
    weight: number;
}

/** Each version of an app's share of its traffic, in percent. */
export interface Share {
    version: string;
    percent: number;
}

/** What a weight change did. */
export interface WeightChange {
    content: RiofileContent;
    /** The app's versions' shares after the change, in the Riofile's order. */
    shares: Share[];
    /** Said when the percentage could not be given (no other version had traffic to give or take). */
    warning?: string;
}

const servicesOf = (content: RiofileContent): Services => (content.services ?? {}) as Services;

/** The versions of `app`, in the Riofile's order. */
export function appVersions(content: RiofileContent, app: string): VersionWeight[] {
    return Object.entries(servicesOf(content)).flatMap(([key, spec]) => {
        const id = identity(key, spec);
        if (id.app !== app) return [];
        return [{ key, version: id.version, weight: typeof spec.weight === "number" ? spec.weight : 100 }];
    });
}

/** A percentage as Rio's commands took one: a whole number from 0 to 100, with or without `%`. */
export function parsePercent(value: string, what: string): number {
    const text = value.trim().replace(/%$/, "");
    if (!/^\d+$/.test(text) || Number(text) > 100)
        throw new RioInputError([], `${what}: "${value}" is not a percentage (a whole number from 0 to 100)`);
    return Number(text);
}

/** Parses `rio weight`'s `[ns:]app[@version]=PERCENT` (Rio's `SERVICE=WEIGHT`, `myservice=10%`). */
export function parseWeightArg(text: string): { name: ServiceName; percent: number } {
    const eq = text.lastIndexOf("=");
    if (eq < 0) throw new RioInputError([], `weight "${text}": expected APP@VERSION=PERCENT (hello-world@v2=40)`);
    const what = `weight "${text}"`;
    return { name: parseServiceName(text.slice(0, eq), what), percent: parsePercent(text.slice(eq + 1), what) };
}

/**
 * `total` split in proportion to `weights` as whole numbers adding up to `total`: each gets the whole part of its
 * exact share, and what rounding left goes one by one to the largest remainders (the first on a tie).
 */
export function apportion(total: number, weights: readonly number[]): number[] {
    const sum = weights.reduce((n, w) => n + w, 0);
    const exact = weights.map((w) => (w * total) / sum);
    const out = exact.map(Math.floor);
    let left = total - out.reduce((n, w) => n + w, 0);
    const order = exact.map((e, i) => ({ rest: e - out[i]!, i })).sort((a, b) => b.rest - a.rest || a.i - b.i);
    for (const { i } of order) {
        if (left <= 0) break;
        out[i]!++;
        left--;
    }
    return out;
}

/** Each version's share of the weights, in percent (Rio rounded the same way). */
export function sharesOf(versions: readonly VersionWeight[]): Share[] {
    const total = versions.reduce((n, v) => n + v.weight, 0);
    return versions.map((v) => ({ version: v.version, percent: total > 0 ? Math.round((v.weight * 100) / total) : 0 }));
}

/** The version `name` designates, or an error naming what there is. */
function findVersion(content: RiofileContent, name: ServiceName, namespace: string, what: string): string {
    const key = serviceKey(content, name);
    if (key !== undefined) return key;
    const versions = appVersions(content, name.app);
    if (name.version !== undefined && versions.length > 0)
        throw new RioInputError(
            [],
            `${what}: app "${name.app}" has no version "${name.version}" (versions: ${versions.map((v) => v.version).join(", ")})`,
        );
    throw new RioInputError(
        [],
        `${what}: no service "${formatServiceName({ app: name.app, ...(name.version !== undefined && { version: name.version }) })}" in namespace ${namespace} (services: ${Object.keys(servicesOf(content)).join(", ") || "none"})`,
    );
}

/**
 * Gives the version `name` designates `percent` of its app's traffic; the other versions share the rest as they
 * shared theirs. With `refuseUnchanged` (rio weight, rio promote), asking for the share the version already has
 * is an error, as in Rio ("already at target percentage").
 */
export function applyWeight(
    content: RiofileContent,
    name: ServiceName,
    percent: number,
    opts: { namespace: string; what: string; refuseUnchanged: boolean },
): WeightChange {
    const key = findVersion(content, name, opts.namespace, opts.what);
    const services = servicesOf(content);
    const { app, version } = identity(key, services[key]!);
    const label = formatServiceName({ app, version });
    const versions = appVersions(content, app);
    const target = versions.find((v) => v.key === key)!;
    const others = versions.filter((v) => v.key !== key);
    const current = sharesOf(versions).find((s) => s.version === version)!.percent;
    if (opts.refuseUnchanged && current === percent)
        throw new RioInputError(
            [],
            `${opts.what}: ${label} already receives ${percent === 100 ? "all" : `${percent}%`} of ${app}'s traffic; nothing to change`,
        );
    const othersTotal = others.reduce((n, v) => n + v.weight, 0);
    let weights: Map<string, number>;
    let warning: string | undefined;
    if (percent === 100) {
        weights = new Map([[key, 100], ...others.map((v) => [v.key, 0] as const)]);
    } else if (othersTotal === 0) {
        if (percent === 0)
            throw new RioInputError(
                [],
                `${opts.what}: no other version of ${app} receives traffic, so ${label} cannot give up its share; give another version weight first (rio weight ${app}@VERSION=PERCENT)`,
            );
        warning = `no other version of ${app} receives traffic, so ${label} still receives all of it (as in Rio: give another version weight to share it)`;
        weights = new Map(target.weight > 0 ? [] : [[key, 100]]);
    } else {
        const rest = apportion(
            100 - percent,
            others.map((v) => v.weight),
        );
        weights = new Map([[key, percent], ...others.map((v, i) => [v.key, rest[i]!] as const)]);
    }
    const next: Services = Object.fromEntries(
        Object.entries(services).map(([k, spec]) => [k, weights.has(k) ? { ...spec, weight: weights.get(k)! } : spec]),
    );
    const out = { ...content, services: next };
    return { content: out, shares: sharesOf(appVersions(out, app)), ...(warning !== undefined && { warning }) };
}

/** `app@version   NN%` lines, one per version (Rio's own names: `@v0` spelled out, since several are listed). */
export function shareLines(app: string, shares: readonly Share[]): string {
    const rows = shares.map((s) => [formatServiceName({ app, version: s.version }), `${s.percent}%`] as const);
    const width = Math.max(0, ...rows.map(([n]) => n.length));
    return rows.map(([n, p]) => `${n.padEnd(width)}   ${p}\n`).join("");
}

/** Go's durations, as Rio's `--duration` took them (`time.ParseDuration`): `10m`, `1h30m`, `90s`, `1.5h`, `0`. */
export function goDurationSeconds(text: string, what: string): number {
    const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
    const t = text.trim();
    if (t === "0") return 0;
    const parts = [...t.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)];
    if (t === "" || parts.map((p) => p[0]).join("") !== t)
        throw new RioInputError([], `${what}: "${text}" is not a duration (10m, 90s, 1h30m)`);
    return parts.reduce((n, p) => n + Number(p[1]) * units[p[2]!]!, 0);
}

/** Rio's `--duration` and `--pause` of rio weight and rio promote. */
export interface GradualFlags {
    duration?: string;
    pause?: boolean;
}

/**
 * Rio could move a version's weight step by step (`--duration`, held with `--pause`). pulumi-rio's gradual
 * rollouts (the Riofile's `rollout` and `rolloutDuration`, on Flagger) roll one workload's new spec out instead,
 * and refuse versions: a shift between versions is only made at once, and a duration is refused rather than
 * ignored. `--duration 0s` (Rio's default) is at once.
 */
export function refuseGradual(flags: GradualFlags): void {
    if (flags.duration !== undefined && goDurationSeconds(flags.duration, "--duration") > 0)
        throw new RioInputError(
            [],
            "--duration: rio cannot shift traffic between versions gradually: its gradual rollouts (the Riofile's rollout and rolloutDuration, on Flagger) roll one service's new image or spec out, and versions are separate workloads; leave --duration out to set the weights at once",
        );
    if (flags.pause)
        throw new RioInputError(
            [],
            "--pause: there is no gradual shift between versions to pause (rio sets the weights at once); leave --pause out",
        );
}
