import { ToStringOptions } from "yaml";
import { yamlDocument } from "../render/yaml";
import { KubeObject } from "../kube/object";
import { RouterSpec } from "../router/spec";
import { SERVICE_KEYS } from "../service/keys";
import { VersionSpec } from "../service/spec";
import { Riofile } from "./load";

/**
 * No folding (a long command, URL or regular expression stays on one line, as written), and multi-line text
 * (config files, the manifest) as literal blocks, which read like the file they hold.
 */
const TEXT: ToStringOptions = { lineWidth: 0, blockQuote: "literal" };

/** Keys in Rio's documented order (keys.ts), so every exported service reads the same; others keep theirs, after. */
function ordered(spec: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const rank = (k: string) => {
        const i = (SERVICE_KEYS as readonly string[]).indexOf(k);
        return i < 0 ? SERVICE_KEYS.length : i;
    };
    const keys = Object.keys(spec).filter((k) => spec[k] !== undefined);
    // A stable sort: keys this file does not know yet keep the order the loader gave them.
    return Object.fromEntries(keys.sort((a, b) => rank(a) - rank(b)).map((k) => [k, spec[k]]));
}

/**
 * The services as a Riofile writes them. The loader groups the services sharing an app into one spec with
 * `versions` (a Riofile service cannot have `versions`); here each version is its own service again, named
 * as in the file, with its `app` and `version`, as Rio's `rio export` wrote them. An app's hostnames
 * (gathered from its services when loading) go on its first service, which gives back the same app.
 */
export function exportedServices(services: Riofile["services"]): [string, Record<string, unknown>][] {
    return services.flatMap(({ name, spec }): [string, Record<string, unknown>][] => {
        const { versions, ...app } = spec;
        if (versions === undefined) return [[name, ordered(spec as Record<string, unknown>)]];
        const { app: appName = name, hostnames, ...shared } = app;
        return Object.entries(versions).map(([version, own], i): [string, Record<string, unknown>] => {
            const { name: workload, ...keys }: VersionSpec = own;
            return [
                workload ?? `${appName}-${version}`,
                ordered({
                    ...shared,
                    ...keys,
                    app: appName,
                    version,
                    ...(i === 0 && hostnames !== undefined && { hostnames }),
                }),
            ];
        });
    });
}

type StringMatch = { exact?: string; prefix?: string; regexp?: string; regxp?: string };

/** Rio's docs spell the regular-expression match `regxp`; its code (and this export) `regexp`. */
function canonicalMatch(m: StringMatch): StringMatch {
    if (m.regxp === undefined) return m;
    const { regxp, ...rest } = m;
    return { ...rest, regexp: regxp };
}

/** A router with canonical key spellings (the only router alias is a match's `regxp`). */
export function canonicalRouter(spec: RouterSpec): RouterSpec {
    return {
        ...spec,
        ...(spec.routes && {
            routes: spec.routes.map((r) => {
                const match = r.match;
                if (match === undefined) return r;
                return {
                    ...r,
                    match: {
                        ...match,
                        ...(match.path && { path: canonicalMatch(match.path) }),
                        ...(match.headers && {
                            headers: match.headers.map((h) => ({ ...h, value: canonicalMatch(h.value) })),
                        }),
                    },
                };
            }),
        }),
    };
}

/**
 * `kubernetes.manifest` as multi-document YAML text (its comments are not kept: only its objects are loaded).
 * The final newline stays: the last value may be a block that keeps its trailing newlines (`|+`).
 */
export function manifestText(objects: readonly KubeObject[]): string {
    return objects.map((o) => yamlDocument(o).toString(TEXT)).join("---\n");
}

/** The normalized Riofile as plain data: Rio's top-level keys in their order, empty sections left out. */
export function exportedContent(riofile: Riofile): Record<string, unknown> {
    const map = <T>(entries: [string, T][]) => Object.fromEntries(entries);
    return {
        ...(riofile.services.length > 0 && { services: map(exportedServices(riofile.services)) }),
        ...(riofile.configs.length > 0 && {
            // Labels first, then the files, as Rio's Riofile wrote a config.
            configs: map(
                riofile.configs.map(({ name, data, labels }) => [name, { ...(labels && { labels }), ...data }]),
            ),
        }),
        ...(riofile.routers.length > 0 && {
            routers: map(riofile.routers.map(({ name, spec }) => [name, canonicalRouter(spec)])),
        }),
        ...(riofile.externalServices.length > 0 && {
            externalservices: map(riofile.externalServices.map(({ name, spec }) => [name, spec])),
        }),
        ...(riofile.manifest.length > 0 && { kubernetes: { manifest: manifestText(riofile.manifest) } }),
    };
}

/**
 * Writes a loaded Riofile back as a normalized Riofile (`rio export`): canonical keys instead of Rio's aliases,
 * an app's versions as separate services, and the values the loader checked. Loading the text gives the same
 * Riofile, and exporting that gives the same text. Works over the specs generically: a key the loader keeps
 * is written, whatever it is.
 */
export function exportRiofile(riofile: Riofile): string {
    const doc = yamlDocument(exportedContent(riofile));
    // A file name is one line of the comment whatever it holds.
    const from = /[\x00-\x1f\x7f]/.test(riofile.file) ? JSON.stringify(riofile.file) : riofile.file;
    doc.commentBefore = ` Written by rio export from ${from}: a normalized Riofile (canonical keys, each version of an app its own service).`;
    return doc.toString(TEXT);
}
