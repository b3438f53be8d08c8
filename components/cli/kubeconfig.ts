/**
 * The kubeconfig as kubectl reads it: the files of `KUBECONFIG` (merged, the first file setting a name or the
 * current context wins), else `~/.kube/config`. rio needs its current context (each context has its own stack) and,
 * for the commands that read the cluster (ps, pods, logs, exec, …), that context alone for the Kubernetes client.
 * Paths inside a file are relative to that file.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { RioInputError } from "../errors";

/**
 * One context of the kubeconfig as a kubeconfig document of its own — that context, its cluster and its user —
 * for `@kubernetes/client-node` to load. Merging stays kubectl's (above): the client's own loader lets the last
 * file's current context win and refuses a name two files share. Paths are made absolute against the file each
 * entry came from, and kubectl's `tokenFile` is read (trimmed, as client-go does) into `token`.
 */
export interface ContextConfig {
    apiVersion: "v1";
    kind: "Config";
    "current-context": string;
    clusters: { name: string; cluster: Record<string, unknown> }[];
    users: { name: string; user: Record<string, unknown> }[];
    contexts: { name: string; context: Record<string, unknown> }[];
}

interface Named<T> {
    name: string;
    value: T;
    /** The folder of the file it came from. */
    dir: string;
}

/** The merged kubeconfig. */
export interface Kubeconfig {
    files: string[];
    currentContext?: string;
    contexts: Named<Record<string, unknown>>[];
    clusters: Named<Record<string, unknown>>[];
    users: Named<Record<string, unknown>>[];
}

/** The kubeconfig files in effect: `KUBECONFIG`'s list, else `~/.kube/config`. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
    const list = (env.KUBECONFIG ?? "").split(path.delimiter).filter((f) => f !== "");
    return list.length > 0 ? list : [path.join(os.homedir(), ".kube", "config")];
}

const asMap = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Merges kubeconfig documents (with the folder each came from) as kubectl does: the first of each name wins. */
export function mergeKubeconfigs(docs: { file: string; content: unknown }[]): Kubeconfig {
    const out: Kubeconfig = { files: docs.map((d) => d.file), contexts: [], clusters: [], users: [] };
    for (const { file, content } of docs) {
        const doc = asMap(content);
        const dir = path.dirname(path.resolve(file));
        if (out.currentContext === undefined && typeof doc["current-context"] === "string" && doc["current-context"])
            out.currentContext = doc["current-context"];
        for (const [list, field] of [
            [out.contexts, "context"],
            [out.clusters, "cluster"],
            [out.users, "user"],
        ] as const) {
            const entries = Array.isArray(doc[`${field}s`]) ? (doc[`${field}s`] as unknown[]) : [];
            for (const entry of entries.map(asMap)) {
                const name = entry.name;
                if (typeof name !== "string" || list.some((n) => n.name === name)) continue;
                list.push({ name, value: asMap(entry[field]), dir });
            }
        }
    }
    return out;
}

/** Reads the kubeconfig in effect; files that do not exist are skipped, as kubectl skips them. */
export function loadKubeconfig(env: NodeJS.ProcessEnv = process.env): Kubeconfig {
    const docs: { file: string; content: unknown }[] = [];
    const files = kubeconfigFiles(env);
    for (const file of files) {
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
            throw new RioInputError([], `kubeconfig ${file}: ${(e as Error).message}`);
        }
        try {
            docs.push({ file, content: parse(text) });
        } catch (e) {
            throw new RioInputError([], `kubeconfig ${file}: invalid YAML: ${(e as Error).message.split("\n")[0]}`);
        }
    }
    return { ...mergeKubeconfigs(docs), files };
}

/** The current context, or a user error saying how to choose one. */
export function currentContext(kube: Kubeconfig): string {
    if (kube.currentContext !== undefined) return kube.currentContext;
    throw new RioInputError(
        [],
        `no current kube context in ${kube.files.join(", ")}: choose one (kubectl config use-context NAME), or give --kubeconfig`,
    );
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** `value` with its file fields (`fields`) resolved against `dir`, as kubectl reads them. */
function absolute(value: Record<string, unknown>, fields: readonly string[], dir: string): Record<string, unknown> {
    const out = { ...value };
    for (const f of fields) {
        const file = str(value[f]);
        if (file !== undefined) out[f] = path.resolve(dir, file);
    }
    return out;
}

/** A `tokenFile`'s token. */
function readToken(context: string, file: string): string {
    try {
        return fs.readFileSync(file, "utf8").trim();
    } catch (e) {
        throw new RioInputError([], `kube context "${context}": its tokenFile ${file}: ${(e as Error).message}`);
    }
}

/** The kubeconfig of `context` alone (its cluster and user), for the Kubernetes client. */
export function contextConfig(kube: Kubeconfig, context: string): ContextConfig {
    const ctx = kube.contexts.find((c) => c.name === context);
    if (!ctx) throw new RioInputError([], `kube context "${context}" is not in ${kube.files.join(", ")}`);
    const clusterName = str(ctx.value.cluster);
    const cluster = kube.clusters.find((c) => c.name === clusterName);
    if (!cluster || str(cluster.value.server) === undefined)
        throw new RioInputError([], `kube context "${context}": its cluster "${clusterName ?? ""}" has no server`);
    const userName = str(ctx.value.user);
    const found = kube.users.find((u) => u.name === userName);
    const { tokenFile, ...user } = absolute(
        found?.value ?? {},
        ["client-certificate", "client-key", "tokenFile"],
        found?.dir ?? cluster.dir,
    );
    const exec = asMap(user.exec);
    const command = str(exec.command);
    return {
        apiVersion: "v1",
        kind: "Config",
        "current-context": context,
        clusters: [{ name: "cluster", cluster: absolute(cluster.value, ["certificate-authority"], cluster.dir) }],
        users: [
            {
                name: "user",
                user: {
                    ...user,
                    ...(tokenFile !== undefined && { token: readToken(context, tokenFile as string) }),
                    // As client-go: a bare name is looked up on PATH, a relative path is relative to the kubeconfig.
                    ...(command?.includes("/") && {
                        exec: { ...exec, command: path.resolve(found!.dir, command) },
                    }),
                },
            },
        ],
        contexts: [{ name: context, context: { ...ctx.value, cluster: "cluster", user: "user" } }],
    };
}
