/**
 * `npm run cluster -- up [--gateway-channel standard|experimental]` starts the local control plane with every CRD
 * the components use, prints its kubeconfig's path and leaves it running; `npm run cluster -- down` stops it.
 * Point kubectl, pulumi or `rio render | kubectl apply --dry-run=server -f -` at it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startControlPlane } from "./controlPlane";
import { CrdSet, GatewayChannel, installCrds } from "./crds";
import { CACHE, EngineError } from "./engines";

const STATE = path.join(CACHE, "cluster.json");
const ALL_CRDS: CrdSet[] = ["gatewayApi", "certManager", "keda", "kedaHttp", "traefik", "envoyGateway"];

interface State {
    dir: string;
    kubeconfig: string;
    pids: Record<string, number>;
}

const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
};

async function down(): Promise<void> {
    if (!fs.existsSync(STATE)) {
        console.log("no local cluster is running");
        return;
    }
    const state = JSON.parse(fs.readFileSync(STATE, "utf8")) as State;
    // Stop in the reverse order of start: kwok and the controllers before the API server, etcd last.
    for (const [name, pid] of Object.entries(state.pids).reverse()) {
        if (!alive(pid)) continue;
        process.kill(pid, "SIGTERM");
        const deadline = Date.now() + 10_000;
        while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        if (alive(pid)) process.kill(pid, "SIGKILL");
        console.log(`stopped ${name} (${pid})`);
    }
    fs.rmSync(state.dir, { recursive: true, force: true });
    fs.rmSync(STATE);
}

async function up(channel: GatewayChannel): Promise<void> {
    if (fs.existsSync(STATE)) {
        const state = JSON.parse(fs.readFileSync(STATE, "utf8")) as State;
        if (Object.values(state.pids).every(alive)) {
            console.log(state.kubeconfig);
            return;
        }
        await down();
    }
    const cp = await startControlPlane({ detached: true });
    await installCrds(cp.kube, ALL_CRDS, channel);
    fs.mkdirSync(path.dirname(STATE), { recursive: true });
    fs.writeFileSync(STATE, JSON.stringify({ dir: cp.dir, kubeconfig: cp.kubeconfig, pids: cp.pids }));
    console.error(`local control plane up (${Object.keys(cp.pids).join(", ")}); logs in ${cp.dir}`);
    console.log(cp.kubeconfig);
}

async function main(argv: string[]): Promise<void> {
    const [command, ...rest] = argv;
    const i = rest.indexOf("--gateway-channel");
    const channel = (i >= 0 ? rest[i + 1] : "standard") as GatewayChannel;
    if (channel !== "standard" && channel !== "experimental") {
        throw new EngineError(`--gateway-channel: expected standard or experimental, got ${channel}`);
    }
    if (command === "up") return up(channel);
    if (command === "down") return down();
    throw new EngineError("usage: npm run cluster -- up [--gateway-channel standard|experimental] | down");
}

main(process.argv.slice(2))
    .then(() => process.exit(0))
    .catch((e) => {
        console.error(`cluster: ${e instanceof EngineError ? e.message : (e as Error).stack}`);
        process.exit(1);
    });
