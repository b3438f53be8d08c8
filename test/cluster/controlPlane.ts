/**
 * A local Kubernetes control plane from the engines `npm run engines` builds: etcd, kube-apiserver (RBAC, the
 * default admission plugins with Pod Security), kube-controller-manager, kube-scheduler and kwok, which plays a
 * fake node's kubelet so pods become Ready and Jobs' pods Succeed. Everything listens on 127.0.0.1 on free ports
 * and lives in one temporary folder; `stop()` ends every process it started and removes the folder.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { engineBins, moduleDir } from "./engines";
import { Kube } from "./kube";

export interface ControlPlane {
    /** The folder holding the kubeconfig, the PKI, etcd's data and every process's log. */
    dir: string;
    kubeconfig: string;
    kube: Kube;
    /** The processes, by name. */
    pids: Record<string, number>;
    /**
     * Starts another engine binary against this control plane (a controller), logging to `<dir>/<name>.log`;
     * `stop()` ends it first, before the API server. Returns a function that stops just it.
     */
    spawn(name: string, bin: string, args: string[], opts?: SpawnOptions): Process;
    /** The last lines of a process's log, for failure messages. */
    logTail(name: string, lines?: number): string;
    stop(): Promise<void>;
}

export interface SpawnOptions {
    /** Added to this process's environment. */
    env?: Record<string, string>;
    /**
     * Files or folders bind-mounted over fixed paths the program hard-codes (a certificate folder, /etc/hosts), in
     * a private mount namespace of its own (`unshare`, root only), so nothing outside the control plane's folder
     * changes. A missing target folder is made (empty) first.
     */
    mounts?: Record<string, string>;
}

export interface Process {
    name: string;
    pid: number;
    /** Whether it is still running. */
    alive(): boolean;
    stop(): Promise<void>;
}

export interface StartOptions {
    /** Leave the processes running after this process exits (`npm run cluster -- up`). Default false. */
    detached?: boolean;
    /**
     * The aggregation layer as kubeadm configures it: a front-proxy CA and client certificate, so aggregated API
     * servers (KEDA's metrics adapter) authenticate the users the API server proxies for, and routing to an
     * APIService's endpoints rather than its ClusterIP, which nothing routes here (no kube-proxy). Default false.
     */
    aggregationLayer?: boolean;
    /**
     * kwok's kubelet server, so the API server's pods/log and pods/exec reach the fake node: kwok listens on
     * 127.0.0.1 and publishes that address and port in the node's status, the API server dials the node's
     * InternalIP, and kwok reads its Logs, ClusterLogs, Exec, ClusterExec, PortForward and ClusterPortForward objects (their CRDs
     * from kwok's module) to serve a log file, run exec'd commands and forward ports on this machine. Default false.
     */
    kwokServer?: boolean;
}

/** The fake node kwok manages: enough room for every test's pods. */
export const NODE_NAME = "kwok-node-0";

/** A TCP port free on 127.0.0.1 now (the kernel's pick), for a process to listen on. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

/** Waits until `check` returns a value, polling; fails with what was last seen once `timeoutMs` has passed. */
export async function waitFor<T>(
    what: string,
    check: () => Promise<T | undefined>,
    timeoutMs = 60_000,
    intervalMs = 200,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = "nothing yet";
    for (;;) {
        try {
            const v = await check();
            if (v !== undefined) return v;
        } catch (e) {
            last = (e as Error).message;
        }
        if (Date.now() > deadline)
            throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last: ${last}`);
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

function logTail(file: string, lines = 25): string {
    try {
        return fs.readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}

/**
 * The command that runs `bin` with `mounts` (target → source) bind-mounted in a private mount namespace: the
 * mounts vanish with the process and no other process sees them.
 */
function inMountNamespace(mounts: Record<string, string>, bin: string, args: string[]): [string, string[]] {
    if (process.getuid?.() !== 0) {
        throw new Error(`${path.basename(bin)} hard-codes ${Object.keys(mounts).join(", ")}: running it needs root`);
    }
    const binds: string[] = [];
    for (const [target, source] of Object.entries(mounts)) {
        if (!fs.existsSync(target)) fs.mkdirSync(target, { recursive: true });
        binds.push(source, target);
    }
    // sh receives the pairs as positional parameters: nothing is interpolated into the script.
    const script =
        `n=${binds.length / 2}; while [ "$n" -gt 0 ]; do mount --bind "$1" "$2" || exit 1; shift 2; n=$((n-1)); done; ` +
        'exec "$@"';
    return ["unshare", ["--mount", "--propagation", "private", "--", "sh", "-c", script, "sh", ...binds, bin, ...args]];
}

/**
 * The front proxy's CA and the client certificate the API server presents to aggregated API servers (kubeadm's
 * front-proxy-ca and front-proxy-client), made with openssl: Node can make keys but not certificates.
 */
function frontProxyCerts(pki: string): string[] {
    const [ca, client] = [path.join(pki, "front-proxy-ca"), path.join(pki, "front-proxy-client")];
    const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
    const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    const files = (base: string, ext: string) => ["-keyout", `${base}.key`, "-out", `${base}.${ext}`];
    const caExt = ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"];
    openssl("req", "-x509", "-days", "7", "-subj", "/CN=front-proxy-ca", ...caExt, ...key, ...files(ca, "crt"));
    openssl("req", "-subj", "/CN=front-proxy-client", ...key, ...files(client, "csr"));
    fs.writeFileSync(`${client}.ext`, "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n");
    const signed = ["-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-days", "7"];
    openssl("x509", "-req", "-in", `${client}.csr`, ...signed, "-out", `${client}.crt`, "-extfile", `${client}.ext`);
    return [
        `--requestheader-client-ca-file=${ca}.crt`,
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-username-headers=X-Remote-User",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        `--proxy-client-cert-file=${client}.crt`,
        `--proxy-client-key-file=${client}.key`,
        "--enable-aggregator-routing=true",
    ];
}

/** The kinds kwok's server reads (`--enable-crds`), by their CRDs' plural. */
const KWOK_SERVER_KINDS = {
    Logs: "logs",
    ClusterLogs: "clusterlogs",
    Exec: "execs",
    ClusterExec: "clusterexecs",
    PortForward: "portforwards",
    ClusterPortForward: "clusterportforwards",
};

/** Those CRDs, from kwok's module. */
function kwokServerCrds(): string {
    const bases = path.join(moduleDir("kwok", "sigs.k8s.io/kwok"), "kustomize", "crd", "bases");
    return Object.values(KWOK_SERVER_KINDS)
        .map((plural) => fs.readFileSync(path.join(bases, `kwok.x-k8s.io_${plural}.yaml`), "utf8"))
        .join("\n---\n");
}

/** kwok's own "fast" stages (pods Ready at once, Job pods Succeeded) and its node heartbeat, from its module. */
function kwokStages(): string {
    const kwok = moduleDir("kwok", "sigs.k8s.io/kwok");
    const stage = (...p: string[]) => fs.readFileSync(path.join(kwok, "kustomize", "stage", ...p), "utf8");
    return [
        stage("node", "fast", "node-initialize.yaml"),
        stage("node", "heartbeat-with-lease", "node-heartbeat-with-lease.yaml"),
        stage("pod", "fast", "pod-ready.yaml"),
        stage("pod", "fast", "pod-complete.yaml"),
        stage("pod", "fast", "pod-delete.yaml"),
    ].join("\n---\n");
}

export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
    const bins = engineBins();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-cluster-"));
    const pki = path.join(dir, "pki");
    fs.mkdirSync(pki);
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];

    const sa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    fs.writeFileSync(path.join(pki, "sa.key"), sa.privateKey.export({ type: "pkcs1", format: "pem" }));
    fs.writeFileSync(path.join(pki, "sa.pub"), sa.publicKey.export({ type: "spki", format: "pem" }));
    const token = randomBytes(24).toString("hex");
    fs.writeFileSync(path.join(pki, "tokens.csv"), `${token},rio-admin,rio-admin,system:masters\n`, { mode: 0o600 });

    const procs: { name: string; child: ChildProcess }[] = [];
    const launch = (name: string, bin: string, args: string[], so: SpawnOptions = {}) => {
        const log = fs.openSync(path.join(dir, `${name}.log`), "a");
        const [cmd, argv] = so.mounts ? inMountNamespace(so.mounts, bin, args) : [bin, args];
        const child = spawn(cmd, argv, {
            stdio: ["ignore", log, log],
            detached: opts.detached ?? false,
            env: { ...process.env, ...so.env },
        });
        fs.closeSync(log);
        if (opts.detached) child.unref();
        procs.push({ name, child });
        return child;
    };
    const start = (name: string, args: string[]) => launch(name, bins[name], args);
    const end = async (child: ChildProcess) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
    };
    const stop = async () => {
        for (const { child } of [...procs].reverse()) await end(child);
        fs.rmSync(dir, { recursive: true, force: true });
    };
    const spawnProcess = (name: string, bin: string, args: string[], so?: SpawnOptions): Process => {
        const child = launch(name, bin, args, so);
        return {
            name,
            pid: child.pid ?? 0,
            alive: () => child.exitCode === null && child.signalCode === null,
            stop: () => end(child),
        };
    };
    // An interrupted or failed run must not leave processes behind.
    const killAll = () => procs.forEach(({ child }) => child.exitCode === null && child.kill("SIGKILL"));
    if (!opts.detached) process.once("exit", killAll);

    try {
        const etcdUrl = `http://127.0.0.1:${etcdClient}`;
        start("etcd", [
            "--name=rio",
            `--data-dir=${path.join(dir, "etcd")}`,
            `--listen-client-urls=${etcdUrl}`,
            `--advertise-client-urls=${etcdUrl}`,
            `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
            `--initial-cluster=rio=http://127.0.0.1:${etcdPeer}`,
            "--listen-metrics-urls=",
            // A test cluster's data is thrown away: fsync only slows every write.
            "--unsafe-no-fsync",
            "--log-level=warn",
        ]);
        await waitFor(
            "etcd",
            async () => {
                const r = await fetch(`${etcdUrl}/health`);
                return r.ok ? true : undefined;
            },
            30_000,
        ).catch((e) => {
            throw new Error(`${(e as Error).message}\n${logTail(path.join(dir, "etcd.log"))}`);
        });

        start("kube-apiserver", [
            `--etcd-servers=${etcdUrl}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            `--secure-port=${apiPort}`,
            `--cert-dir=${pki}`,
            `--token-auth-file=${path.join(pki, "tokens.csv")}`,
            "--authorization-mode=Node,RBAC",
            "--service-cluster-ip-range=10.96.0.0/16",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            `--service-account-key-file=${path.join(pki, "sa.pub")}`,
            `--service-account-signing-key-file=${path.join(pki, "sa.key")}`,
            // Privileged containers are admitted where the workload's own guards and Pod Security allow them.
            "--allow-privileged=true",
            "--profiling=false",
            ...(opts.aggregationLayer ? frontProxyCerts(pki) : []),
            // kwok publishes the node's reachable address as its InternalIP; its Hostname resolves nowhere.
            ...(opts.kwokServer ? ["--kubelet-preferred-address-types=InternalIP"] : []),
        ]);
        const cert = path.join(pki, "apiserver.crt");
        const server = `https://127.0.0.1:${apiPort}`;
        // The API server writes its self-signed serving certificate before it listens; it is its own CA.
        await waitFor("the API server's certificate", async () => (fs.existsSync(cert) ? true : undefined), 60_000);
        const ca = fs.readFileSync(cert, "utf8");
        const kubeconfig = path.join(dir, "kubeconfig");
        fs.writeFileSync(kubeconfig, Kube.kubeconfigText(server, ca, token), { mode: 0o600 });
        const kube = new Kube(server, ca, token, kubeconfig);
        await waitFor(
            "the API server to be ready",
            async () => ((await kube.readyz()) ? true : undefined),
            90_000,
        ).catch((e) => {
            throw new Error(`${(e as Error).message}\n${logTail(path.join(dir, "kube-apiserver.log"))}`);
        });

        start("kube-controller-manager", [
            `--kubeconfig=${kubeconfig}`,
            `--service-account-private-key-file=${path.join(pki, "sa.key")}`,
            `--root-ca-file=${cert}`,
            // Each controller acts with its own service account and RBAC role, as on a real cluster.
            "--use-service-account-credentials=true",
            "--leader-elect=false",
            "--secure-port=0",
        ]);
        start("kube-scheduler", [`--kubeconfig=${kubeconfig}`, "--leader-elect=false", "--secure-port=0"]);

        const kwokConfig = path.join(dir, "kwok.yaml");
        fs.writeFileSync(kwokConfig, kwokStages());
        let kwokServer: string[] = ["--node-ip=10.0.0.1"];
        if (opts.kwokServer) {
            // Its CRDs first: kwok watches them from the start.
            kube.apply(kwokServerCrds());
            const r = kube.kubectl(["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);
            if (r.status !== 0) throw new Error(`kwok's CRDs not established: ${r.stderr.trim()}`);
            const port = await freePort();
            kwokServer = [
                "--node-ip=127.0.0.1",
                `--node-port=${port}`,
                `--server-address=127.0.0.1:${port}`,
                `--enable-crds=${Object.keys(KWOK_SERVER_KINDS).join(",")}`,
            ];
        }
        start("kwok", [
            `--kubeconfig=${kubeconfig}`,
            `--config=${kwokConfig}`,
            "--manage-all-nodes=false",
            "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
            "--node-lease-duration-seconds=40",
            ...kwokServer,
        ]);

        await kube.apply({
            apiVersion: "v1",
            kind: "Node",
            metadata: {
                name: NODE_NAME,
                annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
                labels: { "kubernetes.io/hostname": NODE_NAME, "kubernetes.io/os": "linux", type: "kwok" },
            },
            status: {
                allocatable: { cpu: "32", memory: "256Gi", pods: "500" },
                capacity: { cpu: "32", memory: "256Gi", pods: "500" },
            },
        });
        await waitFor(
            "the kwok node to be Ready",
            async () => {
                const node = await kube.get(`/api/v1/nodes/${NODE_NAME}`);
                const ready = node?.status?.conditions?.find((c: { type: string }) => c.type === "Ready");
                return ready?.status === "True" ? true : undefined;
            },
            60_000,
        ).catch((e) => {
            throw new Error(`${(e as Error).message}\n${logTail(path.join(dir, "kwok.log"))}`);
        });
        // Pods are refused until the controller manager has made the namespace's default ServiceAccount.
        await waitFor(
            "the default ServiceAccount",
            async () => ((await kube.get("/api/v1/namespaces/default/serviceaccounts/default")) ? true : undefined),
            60_000,
        ).catch((e) => {
            throw new Error(`${(e as Error).message}\n${logTail(path.join(dir, "kube-controller-manager.log"))}`);
        });

        const pids = Object.fromEntries(procs.map(({ name, child }) => [name, child.pid ?? 0]));
        fs.writeFileSync(path.join(dir, "pids.json"), JSON.stringify(pids));
        return {
            dir,
            kubeconfig,
            kube,
            pids,
            spawn: spawnProcess,
            logTail: (name, lines) => logTail(path.join(dir, `${name}.log`), lines),
            stop,
        };
    } catch (e) {
        await stop();
        throw e;
    }
}
