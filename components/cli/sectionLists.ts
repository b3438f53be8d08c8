/**
 * The listings of what the stack keeps besides services — `rio route ls`, `rio external ls`, `rio domain ls`,
 * `rio secret ls`, `rio config ls` — in Rio's tables (`cli/pkg/tables`: NAME as Rio's ids, `router/NAME`,
 * `configmap/NAME`…, which `rio rm` and `rio cat` take back), or as data with `--format json|yaml`. They are read
 * from the stack's desired state, so they say what the stack deploys; the stack keeps no creation times, so Rio's
 * CREATED column is left out. A secret is listed by its name, kind and keys: never a value or its ciphertext.
 */
import { BuildSecretPlan, buildSecretData } from "../build/credentials";
import { Riofile } from "../riofile/load";
import { RouterSpec } from "../router/spec";
import { SystemConfig } from "../system/config";
import { perHost } from "./endpoints";
import { DataFormat, formatColumns, formatData } from "./table";

/** Rio's id of an object: `[ns:]kind/name`, the namespace written only when it is not the one listed. */
const rioId = (kind: string, name: string, namespace: string | undefined, listed: string | undefined) =>
    `${namespace !== undefined && namespace !== listed ? `${namespace}:` : ""}${kind}/${name}`;

type Route = NonNullable<RouterSpec["routes"]>[number];
type StringMatch = { exact?: string; prefix?: string; regexp?: string; regxp?: string };

/** A string match in `rio route add`'s grammar: `v` exact, `v*` a prefix, `regexp(re)`. */
function matchText(m: StringMatch): string {
    if (m.exact !== undefined) return m.exact;
    if (m.prefix !== undefined) return `${m.prefix}*`;
    return `regexp(${m.regexp ?? m.regxp ?? ""})`;
}

/** A destination in `rio route add`'s grammar: `[ns:]app[@version][,port=N][,weight=N]`. */
function destinationText(d: { app: string; version?: string; port?: number; weight?: number; namespace?: string }) {
    return `${d.namespace !== undefined ? `${d.namespace}:` : ""}${d.app}${d.version !== undefined ? `@${d.version}` : ""}${d.port !== undefined ? `,port=${d.port}` : ""}${d.weight !== undefined ? `,weight=${d.weight}` : ""}`;
}

const pairs = (edits: unknown): { name: string; value: string }[] =>
    Array.isArray(edits)
        ? (edits as { name: string; value: string }[])
        : Object.entries((edits ?? {}) as Record<string, string>).map(([name, value]) => ({ name, value }));

/**
 * A route's options as `rio route add`'s flags name them (`header=X-User=bob`, `method=GET`, `mirror=app@v2`,
 * `timeout-seconds=5`…), in that order: what the row's ACTION and TARGET do not say.
 */
export function routeOpts(route: Route): string[] {
    const m = route.match ?? {};
    const methods = typeof m.methods === "string" ? [m.methods] : (m.methods ?? []);
    return [
        ...(m.headers ?? []).map((h) => `header=${h.name}=${matchText(h.value)}`),
        ...methods.map((x) => `method=${x}`),
        ...(route.mirror ? [`mirror=${destinationText(route.mirror)}`] : []),
        ...(route.redirect?.toHTTPS ? ["https-redirect"] : []),
        ...(route.rewrite?.host !== undefined ? [`rewrite-host=${route.rewrite.host}`] : []),
        ...(route.rewrite?.path !== undefined ? [`rewrite-path=${route.rewrite.path}`] : []),
        ...pairs(route.headers?.add).map((h) => `add-header=${h.name}=${h.value}`),
        ...pairs(route.headers?.set).map((h) => `set-header=${h.name}=${h.value}`),
        ...(route.headers?.remove ?? []).map((h) => `remove-header=${h}`),
        ...(route.timeoutSeconds !== undefined ? [`timeout-seconds=${route.timeoutSeconds}`] : []),
        ...(route.retry ? [`retry-attempts=${route.retry.attempts}`] : []),
        ...(route.retry?.timeoutSeconds !== undefined ? [`retry-timeout-seconds=${route.retry.timeoutSeconds}`] : []),
        ...(route.fault?.percentage !== undefined ? [`fault-percentage=${route.fault.percentage}`] : []),
        ...(route.fault?.delayMillis !== undefined ? [`fault-delay-milli-seconds=${route.fault.delayMillis}`] : []),
        ...(route.fault?.abortHTTPStatus !== undefined ? [`fault-httpcode=${route.fault.abortHTTPStatus}`] : []),
    ];
}

/** One route of one router, as `rio route ls` shows it. */
export interface RouteRow {
    /** The router. */
    name: string;
    namespace: string;
    /** The router's URLs (one per host, https first) with the route's path; none before an update served it. */
    urls: string[];
    action: "to" | "redirect";
    /** `to`: its destinations; `redirect`: HOST[/PATH]. */
    target: string;
    opts: string[];
    /** The route as the Riofile keeps it. */
    route: Route;
}

/** The URL of a route: the router's with the route's path (a prefix as `path*`; a regular expression has none). */
function routeUrl(url: string, route: Route): string {
    const path = route.match?.path;
    if (path === undefined || (path.exact === undefined && path.prefix === undefined)) return url;
    return `${url.replace(/\/$/, "")}${matchText(path)}`;
}

/** `rio route ls`: every route of the namespace's routers, in the order they match, with the stack's URLs. */
export function routeRows(
    riofile: Riofile,
    namespace: string,
    urls: Readonly<Record<string, string[]>> | undefined,
): RouteRow[] {
    return riofile.routers.flatMap(({ name, spec }) =>
        (spec.routes ?? []).map((route): RouteRow => {
            const redirect = route.redirect;
            return {
                name,
                namespace,
                urls: perHost(urls?.[name] ?? []).map((u) => routeUrl(u, route)),
                action: redirect ? "redirect" : "to",
                target: redirect
                    ? `${redirect.host ?? ""}${redirect.path ?? ""}`
                    : (route.to ?? []).map(destinationText).join(" "),
                opts: routeOpts(route),
                route,
            };
        }),
    );
}

/** Rio's table: NAME, URL, OPTS, ACTION, TARGET. */
export function formatRoutes(rows: readonly RouteRow[]): string {
    return formatColumns(
        ["NAME", "URL", "OPTS", "ACTION", "TARGET"],
        rows.map((r) => [`router/${r.name}`, r.urls.join(","), r.opts.join(" "), r.action, r.target]),
    );
}

/** One external service, as `rio external ls` shows it. */
export interface ExternalRow {
    name: string;
    namespace: string;
    /** Rio's TARGET: the DNS name, the addresses, `ns:app[@version]` or `ns:router/NAME`. */
    target: string;
}

/** The target an external service uses (the first of fqdn, ipAddresses, targetApp or service, targetRouter). */
function externalTarget(spec: Riofile["externalServices"][number]["spec"], namespace: string): string {
    if (spec.fqdn !== undefined) return spec.fqdn;
    if (spec.ipAddresses !== undefined) return spec.ipAddresses.join(",");
    const ns = spec.targetServiceNamespace ?? namespace;
    if (spec.targetApp !== undefined)
        return `${ns}:${spec.targetApp}${spec.targetVersion !== undefined ? `@${spec.targetVersion}` : ""}`;
    if (spec.service !== undefined) {
        const slash = spec.service.indexOf("/");
        return slash < 0 ? `${ns}:${spec.service}` : `${spec.service.slice(0, slash)}:${spec.service.slice(slash + 1)}`;
    }
    return `${ns}:router/${spec.targetRouter ?? ""}`;
}

/** `rio external ls`: the namespace's external services, by name. */
export function externalRows(riofile: Riofile, namespace: string): ExternalRow[] {
    return riofile.externalServices
        .map(({ name, spec }) => ({ name, namespace, target: externalTarget(spec, namespace) }))
        .sort((a, b) => a.name.localeCompare(b.name));
}

/** Rio's table: NAME, TARGET. */
export function formatExternals(rows: readonly ExternalRow[]): string {
    return formatColumns(
        ["NAME", "TARGET"],
        rows.map((r) => [`externalservice/${r.name}`, r.target]),
    );
}

/** One custom domain, as `rio domain ls` shows it. */
export interface DomainRow {
    name: string;
    /** What serves it (`ns:app`, `ns:router/NAME`); none when only RioSystem's `domains` has it. */
    target?: string;
    /** RioSystem serves it: the gateway's listener and certificate (its `domains`). */
    gateway: boolean;
}

/**
 * `rio domain ls`: every domain of the stack (Rio's PublicDomains are cluster-wide): RioSystem's `domains` and
 * the `hostnames` of each namespace's apps and routers, by name.
 */
export function domainRows(
    system: SystemConfig | undefined,
    hostnames: readonly { namespace: string; owner: string; hostname: string }[],
): DomainRow[] {
    const gateway = new Set((system?.domains ?? []).map((d) => d.toLowerCase()));
    const rows: DomainRow[] = hostnames.map((h) => ({
        name: h.hostname,
        target: `${h.namespace}:${h.owner}`,
        gateway: gateway.has(h.hostname.toLowerCase()),
    }));
    const targeted = new Set(rows.map((r) => r.name.toLowerCase()));
    for (const d of system?.domains ?? []) if (!targeted.has(d.toLowerCase())) rows.push({ name: d, gateway: true });
    return rows.sort((a, b) => a.name.localeCompare(b.name) || (a.target ?? "").localeCompare(b.target ?? ""));
}

/** Rio's table: NAME, TARGET. */
export function formatDomains(rows: readonly DomainRow[]): string {
    return formatColumns(
        ["NAME", "TARGET"],
        rows.map((r) => [`publicdomain/${r.name}`, r.target ?? ""]),
    );
}

/** One build secret, as `rio secret ls` shows it: what it is, never what it holds. */
export interface SecretRow {
    name: string;
    namespace: string;
    /** `rio:buildSecrets`' kind (docker, gitBasicAuth, …). */
    kind: string;
    /** The Secret's type. */
    type: string;
    /** The Secret's keys. */
    keys: string[];
}

/** `rio secret ls`: the stack's build secrets (checked plans: no value is read), by name. */
export function secretRows(plans: readonly BuildSecretPlan[]): SecretRow[] {
    return plans
        .map((p) => ({
            name: p.name,
            namespace: p.namespace,
            kind: p.kind,
            type: p.type,
            // The keys depend on the kind only: placeholders stand for the values, which are never looked at.
            keys: Object.keys(buildSecretData(p, new Proxy({}, { get: () => "" }))),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
}

/** Rio's table: NAME (`ns:secret/NAME` outside the namespace listed), TYPE, DATA (how many keys). */
export function formatSecrets(rows: readonly SecretRow[], namespace: string): string {
    return formatColumns(
        ["NAME", "TYPE", "DATA"],
        rows.map((r) => [rioId("secret", r.name, r.namespace, namespace), r.type, `${r.keys.length}`]),
    );
}

/** One config, as `rio config ls` shows it. */
export interface ConfigRow {
    name: string;
    namespace: string;
    keys: string[];
    /** Bytes of its contents (UTF-8). */
    size: number;
    labels: Record<string, string>;
}

/** `rio config ls`: the namespace's configs, by name. */
export function configRows(riofile: Riofile, namespace: string): ConfigRow[] {
    return riofile.configs
        .map(({ name, data, labels }) => ({
            name,
            namespace,
            keys: Object.keys(data).sort(),
            size: Object.values(data).reduce((n, v) => n + Buffer.byteLength(v, "utf8"), 0),
            labels: labels ?? {},
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
}

/** docker/go-units' `HumanSize`, which Rio's SIZE column used: decimal units, 4 significant digits (`1.234kB`). */
export function humanSize(bytes: number): string {
    const units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let size = bytes;
    let i = 0;
    while (size >= 1000 && i < units.length - 1) {
        size /= 1000;
        i++;
    }
    return `${Number(size.toPrecision(4))}${units[i]}`;
}

/** Rio's table: NAME, SIZE; with the config's KEYS (what `rio cat -k` takes). */
export function formatConfigs(rows: readonly ConfigRow[]): string {
    return formatColumns(
        ["NAME", "KEYS", "SIZE"],
        rows.map((r) => [`configmap/${r.name}`, r.keys.join(","), humanSize(r.size)]),
    );
}

/** `--format json|yaml`: the rows as data. */
export function formatListRows(rows: readonly object[], format: DataFormat): string {
    return formatData(rows, format);
}
