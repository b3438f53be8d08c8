import { createHash } from "crypto";
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
    /** Rio's JSON spelling of `hostPath`. */
    hostpath?: string;
    hostPathType?: string;
}

/**
 * A volume, checked: scratch space (emptyDir), a PersistentVolumeClaim `<name>` (`persistent`), a directory
 * of the node (`hostPath`, which the stack must allow by name), or a StatefulSet's per-replica claim
 * (`template`, when a `volumeTemplates` entry has its name).
 */
export interface Volume {
    name: string;
    path: string;
    persistent: boolean;
    hostPath?: string;
    hostPathType?: string;
    template?: boolean;
}

/** Rio's size for a persistent volume (`-v name:/path,persistent=true`). */
export const VOLUME_SIZE = "20Gi";

/** Rio's `hosttype=` values (stringers/volume.go) → Kubernetes HostPathType. */
const HOST_PATH_TYPES: Record<string, string> = {
    directoryorcreate: "DirectoryOrCreate",
    directory: "Directory",
    fileorcreate: "FileOrCreate",
    file: "File",
    socket: "Socket",
    chardevice: "CharDevice",
    blockdevice: "BlockDevice",
};

function hostPathType(input: string): string {
    const t = HOST_PATH_TYPES[input.toLowerCase()];
    if (t === undefined)
        throw new RioInputError(
            [],
            `"${input}" is not a host path type (${Object.values(HOST_PATH_TYPES).join(", ")})`,
        );
    return t;
}

function checkPath(p: string, what: string): string {
    if (!path.posix.isAbsolute(p) || p.split("/").includes(".."))
        throw new RioInputError([], `${what} "${p}" must be an absolute path without '..'`);
    return path.posix.normalize(p);
}

/**
 * Parses Rio's `-v` syntax: `name:/path` (scratch space, emptyDir), `name:/path,persistent=true` (a
 * PersistentVolumeClaim `<name>`, ReadWriteOnce, 20Gi), `/host/dir:/path[,hosttype=directory]` or, as Rio read
 * it, `dir:/path,hosttype=…` (a hostPath volume; the planner refuses it unless the stack allows hostPath).
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
            const [k = "", v = "true"] = o.split("=");
            // Rio's parser read `hosttype`; its own printer wrote `hostPathType`: both are accepted.
            if (k === "persistent") spec.persistent = v !== "false";
            else if (k.toLowerCase() === "hosttype" || k.toLowerCase() === "hostpathtype") {
                spec.hostPathType = v;
                // Rio: a host path type makes the name a path on the host.
                if (spec.hostPath === undefined) [spec.hostPath, spec.name] = [spec.name, undefined];
            } else throw new RioInputError([], `unknown volume option "${k}" (expected persistent or hosttype)`);
        }
    } else {
        if (input.hostPath !== undefined && input.hostpath !== undefined)
            throw new RioInputError(["hostpath"], "sets the same thing as hostPath; keep one", undefined, true);
        const { hostpath, ...rest } = input;
        spec = { ...rest, ...(hostpath !== undefined && { hostPath: hostpath }) };
    }
    const mountPath = checkPath(spec.path, "volume path");
    if (spec.hostPath !== undefined) {
        if (spec.persistent) throw new RioInputError([], "a host path cannot also be persistent");
        const hostPath = checkPath(spec.hostPath, "host path");
        // A stable name from the host path, as the volume's own name is optional here.
        const name =
            spec.name !== undefined
                ? under(["name"], () => assertDnsLabel(spec.name!, "volume name"))
                : `host-${createHash("sha256").update(hostPath).digest("hex").slice(0, 8)}`;
        return {
            name,
            path: mountPath,
            persistent: false,
            hostPath,
            ...(spec.hostPathType !== undefined && {
                hostPathType: under(["hostPathType"], () => hostPathType(spec.hostPathType!)),
            }),
        };
    }
    if (spec.hostPathType !== undefined) throw new RioInputError(["hostPathType"], "needs a hostPath");
    if (spec.name === undefined) throw new RioInputError([], "a volume needs a name");
    const name = under(["name"], () => assertDnsLabel(spec.name!, "volume name"));
    return { name, path: mountPath, persistent: spec.persistent ?? false };
}

/** Checks `volumes`: names and paths used once. */
export function resolveVolumes(input: string | readonly (string | VolumeSpec)[] | undefined): Volume[] {
    if (input === undefined) return [];
    const list = typeof input === "string" ? [input] : input;
    const volumes = list.map((v, i) => under(typeof input === "string" ? [] : [i], () => parseVolume(v)));
    volumes.forEach((v, i) => {
        if (volumes.findIndex((w) => w.name === v.name) !== i)
            throw new RioInputError([i], `volume "${v.name}" is listed twice`);
        if (volumes.findIndex((w) => w.path === v.path) !== i)
            throw new RioInputError([i], `two volumes mount "${v.path}"`);
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

/** Rio's `volumeTemplates` entry: a claim made per replica of a StatefulSet. */
export interface VolumeTemplateSpec {
    name: string;
    /** Size, a Kubernetes quantity. Default 20Gi, like a persistent volume. */
    storage?: string | number;
    /** Default `[ReadWriteOnce]`. */
    accessModes?: string[];
    /** Default: the cluster's default StorageClass. */
    storageClassName?: string;
    /** `Filesystem` (default) or `Block`. */
    volumeMode?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

const ACCESS_MODES = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"];
const QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** A checked volume template, as the StatefulSet's volumeClaimTemplates entry it becomes. */
export type VolumeTemplate = Required<Pick<VolumeTemplateSpec, "name" | "accessModes">> & { storage: string } & Omit<
        VolumeTemplateSpec,
        "name" | "accessModes" | "storage"
    >;

/**
 * Checks `volumeTemplates`: each must be mounted by a `volumes` entry of the same name (Rio: "a volume entry will
 * use this name to refer to the created volume"), or it would be a claim nobody uses.
 */
export function resolveVolumeTemplates(input: readonly VolumeTemplateSpec[] | undefined): VolumeTemplate[] {
    const list = (input ?? []).map((t, i) =>
        under([i], () => {
            const name = under(["name"], () => assertDnsLabel(t.name, "volume template name"));
            const storage = String(t.storage ?? VOLUME_SIZE);
            if (!QUANTITY.test(storage)) throw new RioInputError(["storage"], `"${storage}" is not a size like 10Gi`);
            (t.accessModes ?? []).forEach((m, j) => {
                if (!ACCESS_MODES.includes(m))
                    throw new RioInputError(
                        ["accessModes", j],
                        `"${m}" is not an access mode (${ACCESS_MODES.join(", ")})`,
                    );
            });
            if (t.volumeMode !== undefined && !["Filesystem", "Block"].includes(t.volumeMode))
                throw new RioInputError(["volumeMode"], `"${t.volumeMode}" must be Filesystem or Block`);
            return { ...t, name, storage, accessModes: t.accessModes?.length ? t.accessModes : ["ReadWriteOnce"] };
        }),
    );
    list.forEach((t, i) => {
        if (list.findIndex((u) => u.name === t.name) !== i)
            throw new RioInputError([i, "name"], `volume template "${t.name}" is listed twice`);
    });
    return list;
}

/** A StatefulSet volumeClaimTemplates entry, named `vol-<name>` like the pod volume it backs. */
export function claimTemplate(t: VolumeTemplate, labels: Record<string, string>): Record<string, unknown> {
    return {
        metadata: {
            name: `vol-${t.name}`,
            labels: { ...labels, ...t.labels },
            ...(t.annotations && { annotations: t.annotations }),
        },
        spec: {
            accessModes: t.accessModes,
            resources: { requests: { storage: t.storage } },
            ...(t.storageClassName !== undefined && { storageClassName: t.storageClassName }),
            ...(t.volumeMode !== undefined && { volumeMode: t.volumeMode }),
        },
    };
}
