import * as path from "path";
import { RioInputError, under } from "../errors";
import { KubeObject } from "../kube/object";
import { assertDnsLabel } from "./names";

/** Rio's `volumes` entry in structured form. */
export interface VolumeSpec {
    name?: string;
    path: string;
    persistent?: boolean;
    hostPath?: string;
    hostPathType?: string;
}

/** A volume, checked: scratch space (emptyDir) or a PersistentVolumeClaim of the default StorageClass. */
export interface Volume {
    name: string;
    path: string;
    persistent: boolean;
}

/** Rio's size for a persistent volume (`-v name:/path,persistent=true`). */
export const VOLUME_SIZE = "20Gi";

function hostPathRefused(): RioInputError {
    return new RioInputError([], "hostPath volumes reach into the node: pulumi-rio does not allow them (yet: Rio's rio-hostpath permission is planned)");
}

/**
 * Parses Rio's `-v` syntax: `name:/path` (scratch space, emptyDir), `name:/path,persistent=true` (a
 * PersistentVolumeClaim `<name>`, ReadWriteOnce, 20Gi); `/host/dir:/path` and `hosttype=` are hostPath volumes,
 * which are refused.
 */
export function parseVolume(input: string | VolumeSpec): Volume {
    let spec: VolumeSpec;
    if (typeof input === "string") {
        const [head, ...options] = input.split(",").map((p) => p.trim());
        const colon = head!.indexOf(":");
        if (colon <= 0) throw new RioInputError([], `"${input}" must be name:/path[,persistent=true]`);
        const source = head!.slice(0, colon);
        spec = { path: head!.slice(colon + 1) };
        if (source.startsWith("/")) spec.hostPath = source;
        else spec.name = source;
        for (const o of options) {
            const [k, v = "true"] = o.split("=");
            if (k === "persistent") spec.persistent = v !== "false";
            else if (k === "hosttype") spec.hostPathType = v;
            else throw new RioInputError([], `unknown volume option "${k}" (expected persistent)`);
        }
    } else spec = input;
    if (spec.hostPath !== undefined || spec.hostPathType !== undefined) throw hostPathRefused();
    if (spec.name === undefined) throw new RioInputError([], "a volume needs a name");
    const name = under(["name"], () => assertDnsLabel(spec.name!, "volume name"));
    if (!path.posix.isAbsolute(spec.path) || spec.path.split("/").includes("..")) {
        throw new RioInputError([], `volume path "${spec.path}" must be an absolute path without '..'`);
    }
    return { name, path: path.posix.normalize(spec.path), persistent: spec.persistent ?? false };
}

/** Checks `volumes`: names and paths used once. */
export function resolveVolumes(input: string | readonly (string | VolumeSpec)[] | undefined): Volume[] {
    if (input === undefined) return [];
    const list = typeof input === "string" ? [input] : input;
    const volumes = list.map((v, i) => under(typeof input === "string" ? [] : [i], () => parseVolume(v)));
    volumes.forEach((v, i) => {
        if (volumes.findIndex((w) => w.name === v.name) !== i) throw new RioInputError([i], `volume "${v.name}" is listed twice`);
        if (volumes.findIndex((w) => w.path === v.path) !== i) throw new RioInputError([i], `two volumes mount "${v.path}"`);
    });
    return volumes;
}

/** The PersistentVolumeClaim of a persistent volume (the default StorageClass). */
export function planVolumeClaim(v: Volume, namespace: string, labels: Record<string, string>): KubeObject {
    return {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: v.name, namespace, labels },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: VOLUME_SIZE } } },
    };
}
