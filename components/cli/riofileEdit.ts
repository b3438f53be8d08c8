/**
 * Edits of a namespace's Riofile in the stack (`rio run`, `rio up`, `rio rm`), over its plain content: the normalized
 * map `rio export` writes (canonical keys, each version of an app its own service). Every result is checked by the
 * Riofile loader before it is kept, so the stack only ever holds a Riofile that loads.
 */
import { RioInputError } from "../errors";
import { KubeObject } from "../kube/object";
import { checkRiofile, parseRiofile, Riofile } from "../riofile/load";
import { exportedContent } from "../riofile/export";
import { yamlDocument } from "../render/yaml";
import { normalizeApp } from "../service/app";
import { refuseUsedConfig } from "./configEdit";
import { ServiceName } from "./serviceName";

/** A Riofile's content: `services`, `configs`, `routers`, `externalservices`, `kubernetes`. */
export type RiofileContent = Record<string, unknown>;
type Section = Record<string, Record<string, unknown>>;

/** The label a namespace's Riofile is reported under (it has no file: it is the stack's config). */
export const riofileLabel = (namespace: string) => `rio:riofiles.${namespace}`;

/** The content of a Riofile kept in the stack. */
export function contentOf(text: string, namespace: string): RiofileContent {
    return exportedContent(parseRiofile(text, riofileLabel(namespace), { namespace }));
}

/** Checks content as the loader checks a Riofile (every key, grammar and cross-reference). */
export function checkContent(content: RiofileContent, namespace: string): Riofile {
    return checkRiofile(content, riofileLabel(namespace));
}

/** The normalized text kept in the stack (literal blocks, no folding: it reads as a Riofile). */
export function textOf(riofile: Riofile): string {
    return yamlDocument(exportedContent(riofile)).toString({ lineWidth: 0, blockQuote: "literal" });
}

function section(content: RiofileContent, name: string): Section {
    const s = content[name];
    return s !== null && typeof s === "object" && !Array.isArray(s) ? (s as Section) : {};
}

/** A content with one section replaced, an empty one left out. */
function withSection(content: RiofileContent, name: string, entries: Section): RiofileContent {
    const { [name]: _old, ...rest } = content;
    return Object.keys(entries).length > 0 ? { ...rest, [name]: entries } : rest;
}

/** The app and version a service entry is (Rio: an entry without them is app <its name>, version v0). */
export function identity(key: string, spec: Record<string, unknown>): { app: string; version: string } {
    return {
        app: typeof spec.app === "string" ? spec.app : key,
        version: typeof spec.version === "string" ? spec.version : "v0",
    };
}

/** The key of the service `name` designates: the entry of that name, else the app's entry of that version. */
export function serviceKey(content: RiofileContent, name: ServiceName): string | undefined {
    const services = section(content, "services");
    if (name.version === undefined && Object.hasOwn(services, name.app)) return name.app;
    const version = name.version ?? "v0";
    return Object.keys(services).find((k) => {
        const id = identity(k, services[k]!);
        return id.app === name.app && id.version === version;
    });
}

/**
 * Puts a service from `rio run` in place: the entry of that app and version is replaced (its traffic weight kept:
 * weights are changed by their own commands); otherwise a new entry, named after the app, or `<app>-<version>`
 * when the app already has a version (as Rio named staged versions).
 */
export function putService(
    content: RiofileContent,
    name: ServiceName,
    service: Record<string, unknown>,
): { content: RiofileContent; key: string; updated: boolean } {
    const services = section(content, "services");
    const existing = serviceKey(content, name);
    const appTaken = Object.keys(services).some((k) => identity(k, services[k]!).app === name.app);
    const key = existing ?? (appTaken ? `${name.app}-${name.version ?? "v0"}` : name.app);
    if (existing === undefined && Object.hasOwn(services, key))
        throw new RioInputError(
            [],
            `--name: service "${key}" already exists and is not ${name.app}@${name.version ?? "v0"}; choose another name`,
        );
    const weight = existing !== undefined ? services[existing]!.weight : undefined;
    const entry = {
        ...service,
        ...(key !== name.app && { app: name.app }),
        ...(name.version !== undefined && { version: name.version }),
        ...(weight !== undefined && { weight }),
    };
    return {
        content: withSection(content, "services", { ...services, [key]: entry }),
        key,
        updated: existing !== undefined,
    };
}

/**
 * Rio's `rio rm` kinds: a service by default, `router/NAME`, `externalservice/NAME`, `configmap/NAME` (a config's
 * name is a DNS subdomain, `subdomain`; the others are DNS labels).
 */
export const KINDS: Record<string, { section: string; what: string; subdomain?: true }> = {
    router: { section: "routers", what: "router" },
    routers: { section: "routers", what: "router" },
    externalservice: { section: "externalservices", what: "external service" },
    externalservices: { section: "externalservices", what: "external service" },
    configmap: { section: "configs", what: "config", subdomain: true },
    config: { section: "configs", what: "config", subdomain: true },
};

/**
 * Removes what `rio rm` names (`svc`, `svc@version`, `router/NAME`, `externalservice/NAME`, `configmap/NAME`). A name that is not
 * there is an error naming what there is, so a typo removes nothing; a config a remaining service mounts is refused
 * (see {@link refuseUsedConfig}).
 */
export function removeNames(
    content: RiofileContent,
    names: readonly { kind?: string; name: ServiceName }[],
    namespace: string,
): RiofileContent {
    let out = content;
    for (const { kind, name } of names) {
        if (kind !== undefined) {
            const k = KINDS[kind]!;
            const entries = section(out, k.section);
            if (!Object.hasOwn(entries, name.app))
                throw new RioInputError(
                    [],
                    `no ${k.what} "${name.app}" in namespace ${namespace} (${k.what}s: ${Object.keys(section(content, k.section)).join(", ") || "none"})`,
                );
            const { [name.app]: _gone, ...rest } = entries;
            out = withSection(out, k.section, rest);
            continue;
        }
        const key = serviceKey(out, name);
        const services = section(out, "services");
        if (key === undefined)
            throw new RioInputError(
                [],
                `no service "${name.app}${name.version !== undefined ? `@${name.version}` : ""}" in namespace ${namespace} (services: ${Object.keys(section(content, "services")).join(", ") || "none"})`,
            );
        const { [key]: _gone, ...rest } = services;
        out = withSection(out, "services", rest);
    }
    // Checked once everything named is gone, so a service removed by the same command no longer holds a config.
    for (const { kind, name } of names)
        if (kind !== undefined && KINDS[kind]!.section === "configs") refuseUsedConfig(out, name.app);
    return out;
}

/** Parses `rio rm`'s `kind/name` prefix. */
export function splitKind(text: string): { kind?: string; rest: string } {
    const slash = text.indexOf("/");
    if (slash < 0) return { rest: text };
    const kind = text.slice(0, slash);
    if (!Object.hasOwn(KINDS, kind))
        throw new RioInputError(
            [],
            `"${text}": unknown kind "${kind}" (rio rm takes a service, router/NAME, externalservice/NAME or configmap/NAME)`,
        );
    return { kind, rest: text.slice(slash + 1) };
}

/** A manifest object's identity: two with the same are one object. */
const objectId = (o: KubeObject) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;

/**
 * `rio up`: the file's services, configs, routers and external services replace the stack's of the same name and
 * join the others; its manifest's objects replace the stack's same objects and join the others.
 */
export function mergeContent(base: RiofileContent, incoming: Riofile): RiofileContent {
    const add = exportedContent(incoming);
    let out = base;
    for (const name of ["services", "configs", "routers", "externalservices"])
        out = withSection(out, name, { ...section(out, name), ...section(add, name) });
    if (incoming.manifest.length > 0) {
        const text = (section(base, "kubernetes") as { manifest?: unknown }).manifest;
        const old: KubeObject[] =
            typeof text === "string" ? checkRiofile({ kubernetes: { manifest: text } }, "stack").manifest : [];
        const ids = new Set(incoming.manifest.map(objectId));
        const objects = [...old.filter((o) => !ids.has(objectId(o))), ...incoming.manifest];
        const manifest = exportedContent({
            ...incoming,
            services: [],
            configs: [],
            routers: [],
            externalServices: [],
            manifest: objects,
        }).kubernetes;
        out = { ...out, kubernetes: manifest };
    }
    return out;
}

/**
 * A local folder build (`image: ./`, `build` without `repo`) where only an image can be: `rio run`, and the stack's
 * config (which keeps the image `rio up` built, never the folder). Refused by name instead of deploying something else.
 */
export function refuseLocalBuilds(riofile: Riofile, where: (service: string) => string): void {
    for (const { name, spec } of riofile.services) {
        const local = normalizeApp(name, spec).versions.find((v) => v.localBuild !== undefined);
        if (local)
            throw new RioInputError(
                [],
                `${where(local.name)}: a local folder is built by rio up (its Riofile, or its Dockerfile) or by rio build, which print the image it gives; the stack keeps images, not folders`,
            );
    }
}
