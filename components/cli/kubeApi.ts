/**
 * Reads from a context's API server with what its kubeconfig gives (CA, client certificate, token, basic auth or an
 * exec credential plugin): the few GETs `rio ps` needs, over Node's https, without a Kubernetes client library.
 */
import { spawnSync } from "child_process";
import * as https from "https";
import { RioInputError } from "../errors";
import { Connection } from "./kubeconfig";

/** Runs the exec plugin once and returns what it gave: a token, or a client certificate and key. */
function execCredential(conn: Connection): { token?: string; cert?: string; key?: string } {
    const exec = conn.exec!;
    const r = spawnSync(exec.command, exec.args, {
        encoding: "utf8",
        env: {
            ...process.env,
            ...exec.env,
            KUBERNETES_EXEC_INFO: JSON.stringify({
                apiVersion: exec.apiVersion,
                kind: "ExecCredential",
                spec: { interactive: false },
            }),
        },
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 60_000,
    });
    if (r.error || r.status !== 0)
        throw new RioInputError(
            [],
            `kube context "${conn.context}": its credential plugin ${exec.command} failed: ${(r.error?.message ?? r.stderr).trim().split("\n")[0]}`,
        );
    const status = (JSON.parse(r.stdout) as { status?: Record<string, string> }).status ?? {};
    return { token: status.token, cert: status.clientCertificateData, key: status.clientKeyData };
}

/** A GET client for one context. */
export class KubeApi {
    private readonly agent: https.Agent;
    private readonly auth?: string;

    constructor(private readonly conn: Connection) {
        const cred = conn.exec ? execCredential(conn) : {};
        const cert = cred.cert ?? conn.cert;
        const key = cred.key ?? conn.key;
        this.agent = new https.Agent({
            ...(conn.ca !== undefined && { ca: conn.ca }),
            ...(cert !== undefined && key !== undefined && { cert, key }),
            ...(conn.tlsServerName !== undefined && { servername: conn.tlsServerName }),
            rejectUnauthorized: !conn.insecure,
        });
        const token = cred.token ?? conn.token;
        this.auth =
            token !== undefined
                ? `Bearer ${token}`
                : conn.basic
                  ? `Basic ${Buffer.from(`${conn.basic.username}:${conn.basic.password}`).toString("base64")}`
                  : undefined;
    }

    /** The object at an API path, or undefined when there is none (404); any other answer is an error. */
    get<T>(apiPath: string): Promise<T | undefined> {
        return new Promise((resolve, reject) => {
            const req = https.request(
                `${this.conn.server}${apiPath}`,
                {
                    method: "GET",
                    agent: this.agent,
                    headers: {
                        accept: "application/json",
                        ...(this.auth !== undefined && { authorization: this.auth }),
                    },
                    timeout: 30_000,
                },
                (res) => {
                    let body = "";
                    res.setEncoding("utf8");
                    res.on("data", (d) => (body += d));
                    res.on("end", () => {
                        if (res.statusCode === 404) return resolve(undefined);
                        if (res.statusCode !== 200)
                            return reject(
                                new RioInputError(
                                    [],
                                    `kube context "${this.conn.context}": GET ${apiPath}: ${res.statusCode} ${body.slice(0, 200)}`,
                                ),
                            );
                        resolve(JSON.parse(body) as T);
                    });
                },
            );
            req.on("error", (e) =>
                reject(new RioInputError([], `kube context "${this.conn.context}": ${this.conn.server}: ${e.message}`)),
            );
            req.on("timeout", () => req.destroy(new Error("no answer in 30 s")));
            req.end();
        });
    }
}
