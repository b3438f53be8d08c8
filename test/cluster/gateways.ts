/**
 * The two gateway controllers RioSystem installs, built from their Go modules and run out of cluster against the
 * local control plane: Traefik (its Gateway API and CRD providers) and Envoy Gateway's control plane. Each reads
 * the Gateway API objects pulumi-rio creates and writes their status, which the tests assert. Neither carries
 * traffic here (Envoy Gateway runs no Envoy proxy; Traefik listens on loopback but pods have no network).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { IMPLEMENTATIONS } from "../../components/system/gateway";
import { ControlPlane, Process, waitFor } from "./controlPlane";
import { engineBins } from "./engines";

/** Where RioSystem installs its releases (the settings' default namespace). */
export const SYSTEM_NAMESPACE = "rio-system";

/** The address Traefik writes into each Gateway's status (it has no LoadBalancer Service here). */
export const TRAEFIK_STATUS_ADDRESS = "127.0.0.1";

/**
 * Traefik with the providers the chart enables (RioSystem's values: Gateway API and CRDs, no Ingress), its entry
 * points on the listener ports RioSystem's Gateway uses (Traefik attaches a listener to the entry point of the
 * same port). Those ports are fixed by the Gateway, so one Traefik runs on a machine at a time.
 */
export async function startTraefik(cp: ControlPlane): Promise<Process> {
    await machineLock("traefik");
    const impl = IMPLEMENTATIONS.traefik;
    const ca = path.join(cp.dir, "traefik-ca.crt");
    fs.writeFileSync(ca, cp.kube.ca);
    const kubernetes = { endpoint: cp.kube.server, token: cp.kube.token, certAuthFilePath: ca };
    // A static configuration file rather than flags: it holds the token, so it is written 0600 and never shown.
    const config = path.join(cp.dir, "traefik.json");
    fs.writeFileSync(
        config,
        JSON.stringify({
            global: { checkNewVersion: false, sendAnonymousUsage: false },
            log: { level: "DEBUG", noColor: true },
            entryPoints: {
                web: { address: `127.0.0.1:${impl.http}` },
                websecure: { address: `127.0.0.1:${impl.https}` },
            },
            providers: {
                kubernetesGateway: { ...kubernetes, statusAddress: { ip: TRAEFIK_STATUS_ADDRESS } },
                kubernetesCRD: kubernetes,
            },
        }),
        { mode: 0o600 },
    );
    const proc = cp.spawn("traefik", engineBins().traefik, [`--configFile=${config}`]);
    await ready(cp, proc, "Traefik to accept the GatewayClass", "rio-traefik");
    return proc;
}

/**
 * Envoy Gateway's control plane as its chart runs it in RioSystem's namespace: its certificates made by its own
 * `certgen`, its configuration the chart's default (the Kubernetes provider, the class controller name RioSystem's
 * GatewayClass names). It hard-codes its xDS server's certificate folder (/certs, the chart's Secret volume),
 * which is bind-mounted from the control plane's folder in a mount namespace of its own.
 */
export async function startEnvoyGateway(cp: ControlPlane): Promise<Process> {
    // Its xDS, health, metrics and webhook ports are fixed: one runs on a machine at a time.
    await machineLock("envoy-gateway");
    const bin = engineBins()["envoy-gateway"];
    const env = { KUBECONFIG: cp.kubeconfig, ENVOY_GATEWAY_NAMESPACE: SYSTEM_NAMESPACE };
    // The chart's certgen Job: the control plane's, the proxies' and the OIDC HMAC Secrets in its namespace (the
    // topology injector webhook it would patch is not installed here).
    execFileSync(bin, ["certgen", "--disable-topology-injector"], { env: { ...process.env, ...env }, stdio: "pipe" });
    const secret = await cp.kube.get(`/api/v1/namespaces/${SYSTEM_NAMESPACE}/secrets/envoy-gateway`);
    if (!secret) throw new Error("envoy-gateway certgen made no Secret envoy-gateway");
    const certs = path.join(cp.dir, "envoy-gateway-certs");
    fs.mkdirSync(certs, { mode: 0o700 });
    for (const f of ["tls.crt", "tls.key", "ca.crt"]) {
        fs.writeFileSync(path.join(certs, f), Buffer.from(secret.data[f], "base64"), { mode: 0o600 });
    }
    const config = path.join(cp.dir, "envoy-gateway.yaml");
    fs.writeFileSync(
        config,
        [
            "apiVersion: gateway.envoyproxy.io/v1alpha1",
            "kind: EnvoyGateway",
            "gateway:",
            `  controllerName: ${IMPLEMENTATIONS.envoy.controllerName}`,
            "provider:",
            "  type: Kubernetes",
            "logging:",
            "  level:",
            "    default: info",
            "",
        ].join("\n"),
    );
    const proc = cp.spawn("envoy-gateway", bin, ["server", `--config-path=${config}`], {
        env,
        mounts: { "/certs": certs },
    });
    await ready(cp, proc, "Envoy Gateway to accept the GatewayClass", "rio-envoy");
    return proc;
}

/**
 * What a cloud's load-balancer controller does for the Service Envoy Gateway makes for a Gateway's proxy (there is
 * none here): give it an address, which Envoy Gateway then publishes in the Gateway's status. Returns it.
 */
export async function assignEnvoyAddress(cp: ControlPlane, gateway: string, ip = "127.0.0.1"): Promise<string> {
    const selector = encodeURIComponent(`gateway.envoyproxy.io/owning-gateway-name=${gateway}`);
    const svc = await waitFor(`the Service Envoy Gateway makes for Gateway ${gateway}`, async () => {
        const list = await cp.kube.get(`/api/v1/namespaces/${SYSTEM_NAMESPACE}/services?labelSelector=${selector}`);
        return list?.items?.[0];
    });
    const status = { status: { loadBalancer: { ingress: [{ ip }] } } };
    const r = await cp.kube.request(
        "PATCH",
        `/api/v1/namespaces/${SYSTEM_NAMESPACE}/services/${svc.metadata.name}/status`,
        JSON.stringify(status),
        "application/merge-patch+json",
    );
    if (r.status !== 200) throw new Error(`patching ${svc.metadata.name}'s status: ${r.status} ${r.body}`);
    return ip;
}

/**
 * Takes a machine-wide lock for this test process (a folder in the OS temp folder holding its pid), waiting while
 * another live process holds it; a dead holder's lock is taken over. It is released when this process exits.
 */
async function machineLock(name: string): Promise<void> {
    const dir = path.join(os.tmpdir(), `pulumi-rio-${name}.lock`);
    const pidFile = path.join(dir, "pid");
    await waitFor(
        `the machine-wide ${name} lock (another test file runs ${name})`,
        async () => {
            try {
                fs.mkdirSync(dir);
            } catch {
                const holder = Number(fs.readFileSync(pidFile, { encoding: "utf8", flag: "a+" }));
                if (holder === process.pid) return true;
                if (holder > 0 && alive(holder)) throw new Error(`held by pid ${holder}`);
                // Just made by another process that has not written its pid yet.
                if (!(holder > 0) && Date.now() - fs.statSync(dir).mtimeMs < 10_000) throw new Error("being taken");
                fs.rmSync(dir, { recursive: true, force: true });
                return undefined;
            }
            fs.writeFileSync(pidFile, String(process.pid));
            process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
            return true;
        },
        30 * 60_000,
        1_000,
    );
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/** Waits until the controller has accepted the GatewayClass (the first thing it writes), or has exited. */
async function ready(cp: ControlPlane, proc: Process, what: string, className: string): Promise<void> {
    await waitFor(
        what,
        async () => {
            if (!proc.alive()) throw new Error(`${proc.name} exited:\n${cp.logTail(proc.name)}`);
            const gc = await cp.kube.get(`/apis/gateway.networking.k8s.io/v1/gatewayclasses/${className}`);
            if (!gc) throw new Error(`GatewayClass ${className} does not exist`);
            return condition(gc, "Accepted")?.status === "True" ? true : undefined;
        },
        120_000,
    ).catch((e) => {
        throw new Error(`${(e as Error).message}\n${cp.logTail(proc.name)}`);
    });
}

export interface Condition {
    type: string;
    status: string;
    reason?: string;
    message?: string;
    observedGeneration?: number;
}

/** An object's condition of a type, from `status.conditions` (or the list given). */
export function condition(
    obj: { status?: { conditions?: Condition[] } } | undefined,
    type: string,
    conditions = obj?.status?.conditions,
): Condition | undefined {
    return conditions?.find((c) => c.type === type);
}
