/**
 * `rio domain register DOMAIN TARGET` and `rio domain unregister DOMAIN` (Rio's PublicDomain, rio.md §1.10). In
 * pulumi-rio a custom domain is two settings that must agree: RioSystem's `domains` (the gateway's listeners
 * and certificate for the name) and the target's `hostnames` in its Riofile (an app's route, or a router's).
 * These edit both, over the stack's plain content; the loader and the planner check the result.
 */
import { RioInputError } from "../errors";
import { assertHostname } from "../service/names";
import { SystemConfig } from "../system/config";
import { RiofileContent } from "./riofileEdit";
import { parseServiceName } from "./serviceName";

/** What a domain is registered to: an app (its route) or a router. */
export interface DomainTarget {
    namespace?: string;
    kind: "app" | "router";
    name: string;
}

/** A domain as RioSystem takes it: one host name, lowercase, no wildcard. */
export function parseDomain(text: string): string {
    const domain = text.replace(/^publicdomain\//, "").toLowerCase();
    try {
        assertHostname(domain, "domain");
    } catch (e) {
        if (e instanceof RioInputError) throw new RioInputError([], `DOMAIN "${text}": ${e.detail}`);
        throw e;
    }
    if (domain.startsWith("*."))
        throw new RioInputError(
            [],
            `DOMAIN "${text}": register the names themselves; a wildcard needs DNS-01 in a managed zone`,
        );
    return domain;
}

/** `[ns:]app` or `[ns:]router/NAME`. A version has no hostnames of its own in pulumi-rio: its app's are its. */
export function parseDomainTarget(text: string): DomainTarget {
    const router = /^(?:([^:/]*):)?router\/(.*)$/.exec(text);
    const name = parseServiceName(
        router ? `${router[1] !== undefined ? `${router[1]}:` : ""}${router[2]}` : text,
        `TARGET "${text}"`,
    );
    if (name.version !== undefined)
        throw new RioInputError(
            [],
            `TARGET "${text}": a domain is served by an app's route, which reaches its versions by their weights; register it to ${name.app}, or to a router that sends it to ${name.app}@${name.version}`,
        );
    return {
        ...(name.namespace !== undefined && { namespace: name.namespace }),
        kind: router ? "router" : "app",
        name: name.app,
    };
}

type Entries = Record<string, Record<string, unknown>>;
const entries = (content: RiofileContent, section: string): Entries => (content[section] ?? {}) as Entries;
const hostnames = (spec: Record<string, unknown>): string[] =>
    Array.isArray(spec.hostnames) ? (spec.hostnames as string[]) : [];
const appOf = (key: string, spec: Record<string, unknown>) => (typeof spec.app === "string" ? spec.app : key);

/** Every hostname a namespace's content lists, and whose it is (`hello-world`, `router/shop`). */
export function hostnamesIn(content: RiofileContent): { owner: string; hostname: string }[] {
    return [
        ...Object.entries(entries(content, "services")).flatMap(([k, s]) =>
            hostnames(s).map((hostname) => ({ owner: appOf(k, s), hostname })),
        ),
        ...Object.entries(entries(content, "routers")).flatMap(([k, r]) =>
            hostnames(r).map((hostname) => ({ owner: `router/${k}`, hostname })),
        ),
    ];
}

/**
 * The content with `domain` among the target's hostnames: a router's own, or an app's — on the service entry
 * that lists the app's hostnames already, else its first (the loader gathers them for the whole app).
 */
export function addHostname(
    content: RiofileContent,
    target: DomainTarget,
    domain: string,
    namespace: string,
): RiofileContent {
    const section = target.kind === "router" ? "routers" : "services";
    const all = entries(content, section);
    const keys =
        target.kind === "router"
            ? Object.keys(all).filter((k) => k === target.name)
            : Object.keys(all).filter((k) => appOf(k, all[k]!) === target.name);
    if (keys.length === 0) {
        const what = target.kind === "router" ? "router" : "app";
        const names =
            target.kind === "router" ? Object.keys(all) : [...new Set(Object.keys(all).map((k) => appOf(k, all[k]!)))];
        throw new RioInputError(
            [],
            `no ${what} "${target.name}" in namespace ${namespace} (${what}s: ${names.join(", ") || "none"})`,
        );
    }
    const key = keys.find((k) => hostnames(all[k]!).length > 0) ?? keys[0]!;
    const spec = all[key]!;
    return { ...content, [section]: { ...all, [key]: { ...spec, hostnames: [...hostnames(spec), domain] } } };
}

/** The content without `domain` in any hostnames (an emptied list left out). */
export function removeHostname(content: RiofileContent, domain: string): RiofileContent {
    let out = content;
    for (const section of ["services", "routers"]) {
        const all = entries(out, section);
        if (!Object.values(all).some((s) => hostnames(s).includes(domain))) continue;
        out = {
            ...out,
            [section]: Object.fromEntries(
                Object.entries(all).map(([k, s]) => {
                    if (!hostnames(s).includes(domain)) return [k, s];
                    const { hostnames: _old, ...rest } = s;
                    const left = hostnames(s).filter((h) => h !== domain);
                    return [k, left.length > 0 ? { ...rest, hostnames: left } : rest];
                }),
            ),
        };
    }
    return out;
}

/** RioSystem's settings with `domain` among its `domains`, or without it. */
export function withSystemDomain(system: SystemConfig, domain: string, registered: boolean): SystemConfig {
    const { domains = [], ...rest } = system;
    const others = domains.filter((d) => d.toLowerCase() !== domain);
    const next = !registered ? others : others.length < domains.length ? domains : [...domains, domain];
    return next.length > 0 ? { ...rest, domains: next } : rest;
}
