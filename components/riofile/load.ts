import * as fs from "fs";
import { LineCounter, parseDocument } from "yaml";
import { KeyPath, RioInputError, SourceLocation, under } from "../errors";
import { unknownKey } from "../service/keys";
import { normalizeService, parseServiceSpec, ServiceSpec } from "../service/spec";
import { normalizeConfig } from "./configMap";
import { locate } from "./locate";

/** A Riofile's top-level keys this release implements. */
export const RIOFILE_KEYS = ["services", "configs"] as const;
/** Rio's other top-level keys: accepted by Rio, refused here by name until pulumi-rio implements them. */
export const PLANNED_RIOFILE_KEYS = ["routers", "externalservices", "kubernetes", "template"];

/** A loaded, fully checked Riofile. */
export interface Riofile {
    /** The file name errors are reported against. */
    file: string;
    /** Services in file order, each with its spec in canonical keys (what `RioService` takes). */
    services: { name: string; spec: ServiceSpec }[];
    /** ConfigMaps in file order. */
    configs: { name: string; data: Record<string, string> }[];
    /** Where a key path sits in the file, for errors found after loading (planning against a namespace). */
    locate?: (path: KeyPath, atKey?: boolean) => SourceLocation;
}

function mapEntries(value: unknown, what: string): [string, unknown][] {
    if (value === null || value === undefined) return [];
    if (typeof value !== "object" || Array.isArray(value)) throw new RioInputError([], `${what} must be a map of names to definitions`);
    return Object.entries(value);
}

/** Checks a Riofile's parsed content; errors carry key paths from the top of the file. */
export function checkRiofile(content: unknown, file: string): Riofile {
    if (content === null || content === undefined) return { file, services: [], configs: [] };
    if (typeof content !== "object" || Array.isArray(content)) {
        throw new RioInputError([], "a Riofile must be a map with services and configs");
    }
    const top = content as Record<string, unknown>;
    for (const key of Object.keys(top)) {
        if ((RIOFILE_KEYS as readonly string[]).includes(key)) continue;
        if (key === "kind" || key === "apiVersion") {
            throw new RioInputError([key], "plain Kubernetes YAML files are not supported yet by pulumi-rio; use a Riofile", undefined, true);
        }
        if (PLANNED_RIOFILE_KEYS.includes(key)) {
            throw new RioInputError([key], "is a Rio key that pulumi-rio does not support yet", undefined, true);
        }
        throw unknownKey(key, [...RIOFILE_KEYS, ...PLANNED_RIOFILE_KEYS]);
    }
    const services = under(["services"], () =>
        mapEntries(top.services, "services").map(([name, raw]) =>
            under([name], () => {
                normalizeService(name, raw); // every grammar checked now, so errors point into this file
                return { name, spec: parseServiceSpec(raw) };
            }),
        ),
    );
    const apps = new Map<string, string>();
    for (const { name, spec } of services) {
        const app = spec.app ?? name;
        const other = apps.get(app);
        if (other !== undefined) {
            throw new RioInputError(
                ["services", name, ...(spec.app !== undefined ? ["app"] : [])],
                `app "${app}" is already deployed by service "${other}"; several versions of one app are not supported yet`,
            );
        }
        apps.set(app, name);
    }
    const configs = under(["configs"], () =>
        mapEntries(top.configs, "configs").map(([name, data]) => under([name], () => ({ name, data: normalizeConfig(name, data) }))),
    );
    return { file, services, configs };
}

/** Parses and checks Riofile text. Every error is a {@link RioInputError} with file, line, column and key path. */
export function parseRiofile(text: string, file: string): Riofile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const bad = doc.errors[0];
    if (bad) {
        const pos = bad.linePos?.[0] ?? lines.linePos(bad.pos[0]);
        throw new RioInputError([], `invalid YAML: ${bad.message.split("\n")[0]}`, { file, line: pos.line, column: pos.col });
    }
    let content: unknown;
    try {
        content = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
        // An alias bomb or another structural problem the parser lets through.
        throw new RioInputError([], `invalid YAML: ${(e as Error).message}`, { file, line: 1, column: 1 });
    }
    try {
        return { ...checkRiofile(content, file), locate: (path, atKey) => locate(doc, lines, file, path, atKey) };
    } catch (e) {
        if (e instanceof RioInputError && !e.location) throw e.withLocation(locate(doc, lines, file, e.path, e.atKey));
        throw e;
    }
}

/** Reads and checks a Riofile from disk. */
export function loadRiofile(path: string): Riofile {
    let text: string;
    try {
        text = fs.readFileSync(path, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new RioInputError([], code === "ENOENT" ? `${path}: no such file` : code === "EISDIR" ? `${path} is a directory` : `${path}: ${(e as Error).message}`);
    }
    return parseRiofile(text, path);
}

