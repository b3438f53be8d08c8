/**
 * Real KEDA and its HTTP add-on, out of cluster, against a local control plane: the KEDA operator (ScaledObjects
 * to HPAs, scaling to and from zero), optionally its metrics adapter (the external metrics API the HPAs read),
 * and the add-on's operator, interceptor (the proxy that holds requests while an app scales from zero) and
 * external scaler. What their charts would create in the cluster (the namespace, the Services the processes
 * find each other through) is created here, each Service pointing at this machine, where the process listens.
 *
 * Out of cluster nothing routes a Service's name or ClusterIP, so each hop is made to resolve as it would in a
 * pod: the KEDA operator dials the scaler at the address pulumi-rio's ScaledObjects name
 * (`keda-add-ons-http-external-scaler.<ns>:9090`), which its private /etc/hosts maps to a loopback address of
 * its own where a forwarder (kube-proxy's part) listens on 9090; the scaler finds the interceptor through its
 * admin Service's EndpointSlice, and the API server finds the adapter through its APIService's, both at this
 * machine's IPv4 address (the API server refuses loopback endpoints).
 */
import { randomInt } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { KEDA_HTTP, resolveContext } from "../../components/service/context";
import { ControlPlane, freePort, Process, waitFor } from "./controlPlane";
import { engineBins } from "./engines";
import { FORWARD_JS } from "./forward";

/** The chart's names (keda 2.20.2, keda-add-ons-http 0.15.0) for what is not pulumi-rio's. */
const CHART = {
    interceptorAdmin: "keda-add-ons-http-interceptor-admin",
    interceptorAdminPort: 9090,
    interceptorDeployment: "keda-add-ons-http-interceptor",
    operatorService: "keda-operator",
    metricsApiserver: "keda-operator-metrics-apiserver",
    certSecret: "kedaorg-certs",
    apiService: "v1beta1.external.metrics.k8s.io",
};

export interface KedaOptions {
    /** The namespace the charts are installed in. Default: the one pulumi-rio's ScaledObjects name (RioSystem's). */
    namespace?: string;
    /**
     * Also run KEDA's metrics adapter behind the APIService v1beta1.external.metrics.k8s.io, so the HPAs KEDA makes
     * read their metric. Needs the control plane's aggregation layer (`useCluster({ aggregationLayer: true })`).
     */
    metricsAdapter?: boolean;
}

export interface Keda {
    namespace: string;
    /** The interceptor's proxy on this machine: what the chart's keda-add-ons-http-interceptor-proxy Service serves. */
    proxyPort: number;
    /** The interceptor's admin server: `/queue` holds the requests in flight per InterceptorRoute it routes. */
    adminUrl: string;
}

/** This machine's first non-loopback IPv4 address, where Services' endpoints point. */
export function hostIPv4(): string {
    for (const addresses of Object.values(os.networkInterfaces())) {
        for (const a of addresses ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
    }
    throw new Error("no non-loopback IPv4 address: the API server refuses loopback endpoints for a Service");
}

/** `n` distinct ports free now. */
async function freePorts(n: number): Promise<number[]> {
    const ports = new Set<number>();
    while (ports.size < n) ports.add(await freePort());
    return [...ports];
}

function accepts(port: number, host = "127.0.0.1"): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect(port, host);
        s.once("connect", () => (s.destroy(), resolve(true)));
        s.once("error", () => resolve(false));
    });
}

async function answers(url: string): Promise<boolean> {
    try {
        return (await fetch(url)).status === 200;
    } catch {
        return false;
    }
}

/** Waits until `check` holds, failing at once if the process exits, and with the end of its log either way. */
async function readyOrLog(cp: ControlPlane, p: Process, what: string, check: () => Promise<boolean>, ms = 60_000) {
    let exited = false;
    await waitFor(
        `${p.name}: ${what}`,
        async () => {
            if (!p.alive()) return (exited = true);
            return (await check()) || undefined;
        },
        ms,
    ).catch((e) => {
        throw new Error(`${(e as Error).message}\n${cp.logTail(p.name)}`);
    });
    if (exited) throw new Error(`${p.name} exited before ${what}:\n${cp.logTail(p.name)}`);
}

/** A selector-less Service and the EndpointSlice that puts its one port at `ip:targetPort`. */
function serviceAt(ns: string, name: string, port: { name: string; port: number }, ip: string, targetPort: number) {
    return [
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name, namespace: ns },
            spec: { ports: [{ name: port.name, port: port.port, targetPort, protocol: "TCP" }] },
        },
        {
            apiVersion: "discovery.k8s.io/v1",
            kind: "EndpointSlice",
            metadata: {
                name,
                namespace: ns,
                // Not the EndpointSlice controller's: it leaves a slice another manager owns alone.
                labels: { "kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "rio-test" },
            },
            addressType: "IPv4",
            endpoints: [{ addresses: [ip], conditions: { ready: true } }],
            ports: [{ name: port.name, port: targetPort, protocol: "TCP" }],
        },
    ];
}

type Spawn = (name: string, args: string[], env: Record<string, string>, mounts?: Record<string, string>) => Process;

/**
 * Starts the HTTP add-on and KEDA against `cp`, each waited for until it serves (its health endpoint, its port,
 * or the APIService's Available condition); a failure carries the end of the process's log. `cp.stop()` ends them.
 */
export async function startKeda(cp: ControlPlane, opts: KedaOptions = {}): Promise<Keda> {
    const bins = engineBins();
    const ns = opts.namespace ?? resolveContext(undefined, undefined).autoscaling.namespace;
    const spawn: Spawn = (name, args, env, mounts) =>
        cp.spawn(name, bins[name], args, { env: { KUBECONFIG: cp.kubeconfig, ...env }, mounts });
    cp.kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const addOn = await startHttpAddOn(cp, ns, spawn);
    await startKedaOperator(cp, ns, addOn.hosts, opts.metricsAdapter ?? false, spawn);
    return { namespace: ns, proxyPort: addOn.proxyPort, adminUrl: addOn.adminUrl };
}

/**
 * The add-on: its operator (InterceptorRoutes' status), the interceptor (on every address: its admin Service's
 * EndpointSlice points at this machine's) and the scaler, which reads the interceptor's queue counts through
 * that Service. Returns where the interceptor listens and the hosts file that resolves the scaler's Service.
 */
async function startHttpAddOn(cp: ControlPlane, ns: string, spawn: Spawn) {
    const ip = hostIPv4();
    const [adminPort, proxyPort, scalerPort, probePort] = await freePorts(4);
    const admin = { name: "admin", port: CHART.interceptorAdminPort };
    cp.kube.apply(serviceAt(ns, CHART.interceptorAdmin, admin, ip, adminPort));

    const operator = spawn(
        "keda-http-add-on-operator",
        [`--metrics-bind-address=127.0.0.1:${await freePort()}`, `--health-probe-bind-address=127.0.0.1:${probePort}`],
        {
            KEDA_HTTP_OPERATOR_NAMESPACE: ns,
            KEDA_HTTP_OPERATOR_EXTERNAL_SCALER_SERVICE: KEDA_HTTP.scaler,
            KEDA_HTTP_OPERATOR_EXTERNAL_SCALER_PORT: String(KEDA_HTTP.scalerPort),
        },
    );
    const interceptor = spawn("keda-http-add-on-interceptor", [], {
        KEDA_HTTP_PROXY_PORT: String(proxyPort),
        KEDA_HTTP_ADMIN_PORT: String(adminPort),
        OTEL_PROM_EXPORTER_PORT: String(await freePort()),
        // A pod's grace for load balancers to drop it: nothing balances here, so it stops at once.
        KEDA_HTTP_SHUTDOWN_DELAY: "0s",
    });
    const scaler = spawn("keda-http-add-on-scaler", [], {
        KEDA_HTTP_SCALER_PORT: String(scalerPort),
        KEDA_HTTP_SCALER_TARGET_ADMIN_NAMESPACE: ns,
        KEDA_HTTP_SCALER_TARGET_ADMIN_SERVICE: CHART.interceptorAdmin,
        KEDA_HTTP_SCALER_TARGET_ADMIN_DEPLOYMENT: CHART.interceptorDeployment,
        KEDA_HTTP_SCALER_TARGET_ADMIN_PORT: String(adminPort),
        OTEL_PROM_EXPORTER_PORT: String(await freePort()),
    });
    // The scaler Service's ClusterIP: a loopback address of this control plane's own, with port 9090 as the
    // ScaledObjects name it, forwarded to the scaler's free port (another test file's scaler may hold 9090).
    const clusterIp = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const forward = [FORWARD_JS, clusterIp, String(KEDA_HTTP.scalerPort), "127.0.0.1", String(scalerPort)];
    const scalerService = cp.spawn("keda-scaler-service", process.execPath, forward);
    const hosts = path.join(cp.dir, "keda-operator-hosts");
    const name = `${KEDA_HTTP.scaler}.${ns}`;
    const etcHosts = fs.readFileSync("/etc/hosts", "utf8").trimEnd();
    fs.writeFileSync(hosts, `${etcHosts}\n${clusterIp} ${name} ${name}.svc ${name}.svc.cluster.local\n`);

    await readyOrLog(cp, operator, "ready (/readyz)", () => answers(`http://127.0.0.1:${probePort}/readyz`));
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    await readyOrLog(cp, interceptor, "its routing table synced (/readyz)", () => answers(`${adminUrl}/readyz`));
    await readyOrLog(cp, scaler, "serving gRPC", () => accepts(scalerPort));
    await readyOrLog(cp, scalerService, `listening on ${clusterIp}:${KEDA_HTTP.scalerPort}`, () =>
        accepts(KEDA_HTTP.scalerPort, clusterIp),
    );
    return { proxyPort, adminUrl, hosts };
}

/**
 * KEDA's operator, with the /etc/hosts that resolves the scaler's Service, and (with `adapter`) its metrics
 * adapter behind the APIService. The operator makes its certificates as the chart has it (cert rotation): its
 * first run fills the Secret and exits for the kubelet to restart it with the Secret mounted at its cert-dir;
 * here the Secret is written there and the operator started again. The adapter serves with the same ones.
 */
async function startKedaOperator(cp: ControlPlane, ns: string, hosts: string, adapter: boolean, spawn: Spawn) {
    const certDir = path.join(cp.dir, "keda-certs");
    fs.mkdirSync(certDir);
    const [probePort, grpcPort, securePort] = await freePorts(3);
    if (adapter) {
        const https = { name: "https", port: 443 };
        cp.kube.apply([
            ...serviceAt(ns, CHART.metricsApiserver, https, hostIPv4(), securePort),
            {
                apiVersion: "apiregistration.k8s.io/v1",
                kind: "APIService",
                metadata: { name: CHART.apiService },
                // No caBundle: the operator's cert rotation puts its CA there.
                spec: {
                    service: { name: CHART.metricsApiserver, namespace: ns, port: https.port },
                    group: "external.metrics.k8s.io",
                    version: "v1beta1",
                    groupPriorityMinimum: 100,
                    versionPriority: 100,
                },
            },
        ]);
    }
    const args = [
        `--health-probe-bind-address=127.0.0.1:${probePort}`,
        `--metrics-bind-address=127.0.0.1:${await freePort()}`,
        `--metrics-service-bind-address=127.0.0.1:${grpcPort}`,
        `--cert-dir=${certDir}`,
        "--enable-cert-rotation=true",
        `--metrics-server-service-name=${CHART.metricsApiserver}`,
        // KEDA's admission webhooks do not run (not built): there is no webhook configuration to patch.
        "--enable-webhook-patching=false",
        `--enable-apiservice-patching=${adapter}`,
    ];
    const env = { WATCH_NAMESPACE: "", POD_NAMESPACE: ns, KEDA_CLUSTER_OBJECT_NAMESPACE: ns };
    const mounts = { "/etc/hosts": hosts };

    const first = spawn("keda-operator", args, env, mounts);
    const secretPath = `/api/v1/namespaces/${ns}/secrets/${CHART.certSecret}`;
    const secret = await waitFor(
        "keda-operator to write its certificates to its Secret and exit",
        async () => {
            if (first.alive()) return undefined;
            const s = await cp.kube.get(secretPath);
            return s?.data?.["tls.crt"] ? (s.data as Record<string, string>) : "exited without them";
        },
        60_000,
    ).catch((e) => {
        throw new Error(`${(e as Error).message}\n${cp.logTail("keda-operator")}`);
    });
    if (typeof secret === "string") throw new Error(`keda-operator ${secret}:\n${cp.logTail("keda-operator")}`);
    for (const [file, b64] of Object.entries(secret)) {
        fs.writeFileSync(path.join(certDir, file), Buffer.from(b64, "base64"), { mode: 0o600 });
    }
    const operator = spawn("keda-operator", args, env, mounts);
    // Its gRPC metrics service listens once the CA is injected where it should be.
    await readyOrLog(
        cp,
        operator,
        "ready (/readyz) and serving its metrics gRPC service",
        async () => (await answers(`http://127.0.0.1:${probePort}/readyz`)) && (await accepts(grpcPort)),
    );
    if (!adapter) return;

    const kubeconfigs = ["lister", "authentication", "authorization"].map((k) => `--${k}-kubeconfig=${cp.kubeconfig}`);
    const metricsAdapter = spawn(
        "keda-adapter",
        [
            `--secure-port=${securePort}`,
            `--cert-dir=${certDir}`,
            `--tls-cert-file=${path.join(certDir, "tls.crt")}`,
            `--tls-private-key-file=${path.join(certDir, "tls.key")}`,
            // Its own /metrics, on every address.
            `--port=${await freePort()}`,
            `--metrics-service-address=127.0.0.1:${grpcPort}`,
            // The name the operator's certificate holds, as the chart's default address has it.
            `--metrics-service-grpc-authority=${CHART.operatorService}.${ns}.svc.cluster.local`,
            ...kubeconfigs,
        ],
        { WATCH_NAMESPACE: "", POD_NAMESPACE: ns },
    );
    await readyOrLog(
        cp,
        metricsAdapter,
        `${CHART.apiService} Available`,
        async () => {
            const a = await cp.kube.get(`/apis/apiregistration.k8s.io/v1/apiservices/${CHART.apiService}`);
            const available = a?.status?.conditions?.find((c: { type: string }) => c.type === "Available");
            return available?.status === "True";
        },
        90_000,
    );
}
