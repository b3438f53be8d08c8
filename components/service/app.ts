import { isDeepStrictEqual } from "util";
import { RioInputError, under } from "../errors";
import { assertDnsLabel } from "./names";
import { NormalizedService, normalizeService } from "./spec";

/** An app and its versions, checked: what the planner turns into objects. */
export interface NormalizedApp {
    /** The component's name. */
    name: string;
    app: string;
    /** Extra hostnames of the app's route. */
    hostnames: string[];
    /** One entry for a plain service; several for an app with versions, each with its weight. */
    versions: NormalizedService[];
}

/** Keys that belong to the app, not to one version. */
const APP_KEYS = ["app", "hostnames"];

function isMap(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Checks a service and, when it has `versions`, each version: the base keys are a template every version
 * inherits and overrides (`versions.<version>.<key>`). Weights are relative, as in Rio: `90`/`10`, `9`/`1` and
 * `100`/`100` (an even split) all mean what they say, and at least one version must receive traffic.
 */
export function normalizeApp(name: string, input: unknown): NormalizedApp {
    if (!isMap(input) || input.versions === undefined) {
        const single = normalizeService(name, input);
        return { name, app: single.app, hostnames: single.hostnames, versions: [single] };
    }
    under([], () => assertDnsLabel(name, "service name"));
    const { versions, ...base } = input;
    if (!isMap(versions) || Object.keys(versions).length === 0) {
        throw new RioInputError(["versions"], "must map each version name to its settings (at least one)");
    }
    if (base.version !== undefined)
        throw new RioInputError(["version"], "is the key of each entry of versions here; remove it", undefined, true);
    if (base.weight !== undefined)
        throw new RioInputError(["weight"], "is set per version (versions.<version>.weight)", undefined, true);
    const normalized = Object.entries(versions).map(([version, override]) => {
        if (!isMap(override)) throw new RioInputError(["versions", version], "must be a map of service keys");
        for (const key of [...APP_KEYS, "version"]) {
            if (override[key] !== undefined) {
                throw new RioInputError(
                    ["versions", version, key],
                    `is set for the whole app, not per version`,
                    undefined,
                    true,
                );
            }
        }
        const { name: workload, ...keys } = override;
        if (workload !== undefined && typeof workload !== "string")
            throw new RioInputError(["versions", version, "name"], "must be a string");
        try {
            // The app is the component's (or the template's `app`), not each workload's name.
            return normalizeService(workload ?? `${name}-${version}`, {
                ...base,
                app: base.app ?? name,
                ...keys,
                version,
            });
        } catch (e) {
            // Report the key where it is written: in this version's entry, or in the template.
            if (!(e instanceof RioInputError)) throw e;
            const own = typeof e.path[0] === "string" ? e.path[0] in keys : e.path.length === 0;
            if (e.path.length === 0 && e.detail.startsWith("service name"))
                throw e.withPrefix(["versions", version, "name"]);
            throw own ? e.withPrefix(["versions", version]) : e;
        }
    });
    const app = normalized[0]!.app;
    const first = normalized[0]!;
    const workloads = new Set<string>();
    normalized.forEach((v, i) => {
        const version = Object.keys(versions)[i]!;
        if (!isDeepStrictEqual(v.ports, first.ports)) {
            throw new RioInputError(
                ["versions", version, "ports"],
                `every version of an app serves the same ports (${Object.keys(versions)[0]} differs)`,
            );
        }
        if (workloads.has(v.name))
            throw new RioInputError(["versions", version, "name"], `workload "${v.name}" is already another version's`);
        workloads.add(v.name);
    });
    // An app's only version receives all of its traffic whatever its weight (no route splits it), as a plain
    // service does: what `rio rm` of the version with the traffic leaves, before a weight is given.
    if (normalized.length > 1 && normalized.every((v) => v.weight === 0)) {
        throw new RioInputError(["versions"], "no version receives traffic: give at least one a weight above 0");
    }
    return { name, app, hostnames: first.hostnames, versions: normalized };
}
