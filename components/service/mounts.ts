import * as path from "path";
import { RioInputError, under } from "../errors";
import { assertDnsSubdomain } from "./names";

/** A ConfigMap or Secret mounted into the container, from Rio's `name[/key]:target`. */
export interface Mount {
    source: "config" | "secret";
    /** The ConfigMap or Secret name. */
    name: string;
    /** A single key mounted as the file `target`; without it the whole object is mounted as a directory. */
    key?: string;
    /** Absolute path in the container. */
    target: string;
}

export function parseMount(source: Mount["source"], spec: string): Mount {
    const colon = spec.indexOf(":");
    const kind = source === "config" ? "ConfigMap" : "Secret";
    if (colon < 0) throw new RioInputError([], `"${spec}" must be <name>[/<key>]:<absolute path>`);
    const ref = spec.slice(0, colon).trim();
    const target = spec.slice(colon + 1).trim();
    const slash = ref.indexOf("/");
    const name = slash < 0 ? ref : ref.slice(0, slash);
    const key = slash < 0 ? undefined : ref.slice(slash + 1);
    if (name === "") throw new RioInputError([], `"${spec}" names no ${kind}`);
    assertDnsSubdomain(name, `${kind} name`);
    if (key !== undefined && !/^[-._a-zA-Z0-9]+$/.test(key)) {
        throw new RioInputError([], `${kind} key "${key}" may only contain letters, digits, '-', '_' and '.'`);
    }
    if (!path.posix.isAbsolute(target) || target.split("/").includes("..")) {
        throw new RioInputError([], `mount target "${target}" must be an absolute path without '..'`);
    }
    // `/data/` and `/data` are one mount point.
    const normalized = path.posix.normalize(target);
    return { source, name, key, target: normalized.length > 1 ? normalized.replace(/\/+$/, "") : normalized };
}

type MountList = string | readonly string[] | undefined;

function entriesOf(source: Mount["source"], key: "configs" | "secrets", list: MountList) {
    if (list === undefined) return [];
    // A single mount written as a scalar has no index in the user's file.
    const items =
        typeof list === "string" ? [{ at: [key], spec: list }] : list.map((spec, i) => ({ at: [key, i], spec }));
    return items.map(({ at, spec }) => ({ at, mount: under(at, () => parseMount(source, spec)) }));
}

/** Resolves `configs` and `secrets` (a string or a list each); two mounts on the same target are an error. */
export function resolveMounts(configs: MountList, secrets: MountList): Mount[] {
    const entries = [...entriesOf("config", "configs", configs), ...entriesOf("secret", "secrets", secrets)];
    const targets = new Set<string>();
    for (const { at, mount } of entries) {
        if (targets.has(mount.target)) throw new RioInputError(at, `another mount already targets "${mount.target}"`);
        targets.add(mount.target);
    }
    return entries.map((e) => e.mount);
}
