/**
 * What the cluster tier asks the API server: raw GETs over HTTPS for waits and assertions (fast, exact), and
 * kubectl, built with the control plane, for what needs discovery (apply, dry runs, get by kind).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import { engineBins } from "./engines";

export interface KubeResponse {
    status: number;
    body: string;
}

export class Kube {
    private readonly agent: https.Agent;
    constructor(
        readonly server: string,
        readonly ca: string,
        readonly token: string,
        readonly kubeconfigPath: string,
    ) {
        this.agent = new https.Agent({ ca, keepAlive: true });
    }

    /** A Kube for a kubeconfig this module wrote (a token user, the server's own certificate as CA). */
    static fromKubeconfig(file: string): Kube {
        const text = fs.readFileSync(file, "utf8");
        const field = (name: string) => {
            const m = new RegExp(`${name}: (\\S+)`).exec(text);
            if (!m) throw new Error(`${file}: no ${name}`);
            return m[1];
        };
        const ca = Buffer.from(field("certificate-authority-data"), "base64").toString("utf8");
        return new Kube(field("server"), ca, field("token"), file);
    }

    static kubeconfigText(server: string, ca: string, token: string): string {
        return [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: rio-local",
            "  cluster:",
            `    server: ${server}`,
            `    certificate-authority-data: ${Buffer.from(ca).toString("base64")}`,
            "users:",
            "- name: rio-admin",
            "  user:",
            `    token: ${token}`,
            "contexts:",
            "- name: rio-local",
            "  context:",
            "    cluster: rio-local",
            "    user: rio-admin",
            "current-context: rio-local",
            "",
        ].join("\n");
    }

    request(method: string, path: string, body?: string, contentType = "application/json"): Promise<KubeResponse> {
        return new Promise((resolve, reject) => {
            const req = https.request(
                `${this.server}${path}`,
                {
                    method,
                    agent: this.agent,
                    headers: {
                        authorization: `Bearer ${this.token}`,
                        accept: "application/json",
                        ...(body !== undefined ? { "content-type": contentType } : {}),
                    },
                    timeout: 30_000,
                },
                (res) => {
                    let data = "";
                    res.setEncoding("utf8");
                    res.on("data", (d) => (data += d));
                    res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
                },
            );
            req.on("error", reject);
            req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
            if (body !== undefined) req.write(body);
            req.end();
        });
    }

    async readyz(): Promise<boolean> {
        const r = await this.request("GET", "/readyz");
        return r.status === 200;
    }

    /** The object at an API path, or undefined when the server answers 404; any other failure throws. */
    async get(path: string): Promise<any | undefined> {
        const r = await this.request("GET", path);
        if (r.status === 404) return undefined;
        if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body.slice(0, 500)}`);
        return JSON.parse(r.body);
    }

    private readonly discovery = new Map<string, Map<string, { name: string; namespaced: boolean }>>();

    /** The REST path of an object (its collection when `name` is left out), from the server's discovery. */
    async resourcePath(
        apiVersion: string,
        kind: string,
        namespace: string | undefined,
        name?: string,
    ): Promise<string> {
        let kinds = this.discovery.get(apiVersion);
        if (!kinds) {
            const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
            const list = await this.get(base);
            if (!list) throw new Error(`the server does not serve ${apiVersion}`);
            kinds = new Map();
            for (const r of list.resources as { name: string; kind: string; namespaced: boolean }[]) {
                if (!r.name.includes("/")) kinds.set(r.kind, { name: r.name, namespaced: r.namespaced });
            }
            this.discovery.set(apiVersion, kinds);
        }
        const r = kinds.get(kind);
        if (!r) throw new Error(`the server does not serve ${kind} in ${apiVersion}`);
        const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        const ns = r.namespaced ? `/namespaces/${namespace ?? "default"}` : "";
        return `${base}${ns}/${r.name}${name !== undefined ? `/${name}` : ""}`;
    }

    /**
     * Asks the API server to admit an object without storing it (server-side apply, `dryRun=All`): the schema,
     * the CRD's CEL rules, admission plugins and policies all run. Returns the server's refusal, or undefined.
     */
    async dryRunApply(object: {
        apiVersion: string;
        kind: string;
        metadata: { name?: string; generateName?: string; namespace?: string };
    }): Promise<string | undefined> {
        const { apiVersion, kind, metadata } = object;
        const query = "dryRun=All&fieldManager=rio-render&force=true";
        const r =
            metadata.name !== undefined
                ? await this.request(
                      "PATCH",
                      `${await this.resourcePath(apiVersion, kind, metadata.namespace, metadata.name)}?${query}`,
                      JSON.stringify(object),
                      "application/apply-patch+yaml",
                  )
                : await this.request(
                      "POST",
                      `${await this.resourcePath(apiVersion, kind, metadata.namespace)}?dryRun=All&fieldManager=rio-render`,
                      JSON.stringify(object),
                  );
        if (r.status >= 200 && r.status < 300) return undefined;
        try {
            return JSON.parse(r.body).message as string;
        } catch {
            return `${r.status} ${r.body.slice(0, 500)}`;
        }
    }

    /** Runs kubectl against this cluster; returns its status, stdout and stderr (never throws on exit code). */
    kubectl(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
        const r = spawnSync(engineBins().kubectl, [`--kubeconfig=${this.kubeconfigPath}`, ...args], {
            input,
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
        });
        return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    }

    /** Server-side apply of objects (JSON or YAML text, or objects); throws with kubectl's message on failure. */
    apply(objects: object | object[] | string, extra: string[] = []): string {
        const input =
            typeof objects === "string"
                ? objects
                : (Array.isArray(objects) ? objects : [objects]).map((o) => JSON.stringify(o)).join("\n");
        const r = this.kubectl(
            ["apply", "--server-side", "--force-conflicts", "--field-manager=rio-test", ...extra, "-f", "-"],
            input,
        );
        if (r.status !== 0) throw new Error(`kubectl apply failed: ${r.stderr.trim()}`);
        return r.stdout;
    }

    /** Every object of a kind (`deployments.apps`, `httproutes.gateway.networking.k8s.io`) in a namespace, or all. */
    list(resource: string, namespace?: string, selector?: string): any[] {
        const r = this.kubectl([
            "get",
            resource,
            ...(namespace ? ["-n", namespace] : ["--all-namespaces"]),
            ...(selector ? ["-l", selector] : []),
            "-o",
            "json",
        ]);
        if (r.status !== 0) throw new Error(`kubectl get ${resource}: ${r.stderr.trim()}`);
        return JSON.parse(r.stdout).items;
    }

    /** One object by kind and name, or undefined when it does not exist. */
    getObject(resource: string, name: string, namespace?: string): any | undefined {
        const r = this.kubectl(["get", resource, name, ...(namespace ? ["-n", namespace] : []), "-o", "json"]);
        if (r.status !== 0) {
            if (/NotFound|not found/.test(r.stderr)) return undefined;
            throw new Error(`kubectl get ${resource} ${name}: ${r.stderr.trim()}`);
        }
        return JSON.parse(r.stdout);
    }
}
