/**
 * The kubeconfig as kubectl reads it: the files of `KUBECONFIG` (merged, the first file setting a name or the
 * current context wins), else `~/.kube/config`. rio needs its current context (each context has its own stack) and,
 * for `rio ps`, how to reach that context's API server. Paths inside a file are relative to that file.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { RioInputError } from "../errors";

/** An exec credential plugin (`users[].user.exec`), as client-go runs it. */
export interface ExecConfig {
    command: string;
    args: string[];
    env: Record<string, string>;
    apiVersion: string;
}

/** How to reach one context's API server. */
export interface Connection {
    context: string;
    server: string;
    namespace?: string;
    /** PEM text. */
    ca?: string;
    cert?: string;
    key?: string;
    token?: string;
    basic?: { username: string; password: string };
    exec?: ExecConfig;
    insecure: boolean;
    tlsServerName?: string;
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

/** A `*-data` field (base64) or its file twin (a path relative to the kubeconfig). */
function pem(value: Record<string, unknown>, field: string, dir: string): string | undefined {
    const data = str(value[`${field}-data`]);
    if (data !== undefined) return Buffer.from(data, "base64").toString("utf8");
    const file = str(value[field]);
    return file === undefined ? undefined : fs.readFileSync(path.resolve(dir, file), "utf8");
}

/** How to reach `context`'s API server (its cluster and user), read from the kubeconfig. */
export function connectionFor(kube: Kubeconfig, context: string): Connection {
    const ctx = kube.contexts.find((c) => c.name === context);
    if (!ctx) throw new RioInputError([], `kube context "${context}" is not in ${kube.files.join(", ")}`);
    const clusterName = str(ctx.value.cluster);
    const cluster = kube.clusters.find((c) => c.name === clusterName);
    const server = cluster && str(cluster.value.server);
    if (!cluster || server === undefined)
        throw new RioInputError([], `kube context "${context}": its cluster "${clusterName ?? ""}" has no server`);
    const userName = str(ctx.value.user);
    const user = kube.users.find((u) => u.name === userName);
    const u = user?.value ?? {};
    const dir = user?.dir ?? cluster.dir;
    const tokenFile = str(u.tokenFile);
    const token =
        str(u.token) ?? (tokenFile ? fs.readFileSync(path.resolve(dir, tokenFile), "utf8").trim() : undefined);
    const username = str(u.username);
    const exec = asMap(u.exec);
    const namespace = str(ctx.value.namespace);
    const ca = pem(cluster.value, "certificate-authority", cluster.dir);
    const cert = pem(u, "client-certificate", dir);
    const key = pem(u, "client-key", dir);
    const tlsServerName = str(cluster.value["tls-server-name"]);
    return {
        context,
        server: server.replace(/\/+$/, ""),
        ...(namespace !== undefined && { namespace }),
        ...(ca !== undefined && { ca }),
        ...(cert !== undefined && { cert }),
        ...(key !== undefined && { key }),
        ...(token !== undefined && { token }),
        ...(username !== undefined && { basic: { username, password: str(u.password) ?? "" } }),
        ...(str(exec.command) !== undefined && {
            exec: {
                // As client-go: a bare name is looked up on PATH, a relative path is relative to the kubeconfig.
                command: str(exec.command)!.includes("/") ? path.resolve(dir, str(exec.command)!) : str(exec.command)!,
                args: Array.isArray(exec.args) ? exec.args.map(String) : [],
                env: Object.fromEntries(
                    (Array.isArray(exec.env) ? exec.env : [])
                        .map(asMap)
                        .filter((e) => typeof e.name === "string")
                        .map((e) => [e.name as string, String(e.value ?? "")]),
                ),
                apiVersion: str(exec.apiVersion) ?? "client.authentication.k8s.io/v1",
            },
        }),
        insecure: cluster.value["insecure-skip-tls-verify"] === true,
        ...(tlsServerName !== undefined && { tlsServerName }),
    };
}
