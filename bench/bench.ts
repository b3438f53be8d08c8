/**
 * `npm run bench`: the cost of pulumi-rio's parsing, validation and planning next to what Pulumi itself
 * costs, and the speed of `rio render`. Each run is a fresh process. Registration time is the fastest of the
 * runs (the one least disturbed by the rest of the machine; the mock engine's own cost varies ±15% run to
 * run here); render time is the median, cold start included.
 * Exits non-zero when a figure misses its target.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { engineBins } from "../test/cluster/engines";
import { riofileText } from "./workload";

const ROOT = path.resolve(__dirname, "../..");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function min(xs: number[]): number {
    return Math.min(...xs);
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
}

function registration(mode: "rio" | "raw", n: number): { ms: number; resources: number } {
    const r = spawnSync(process.execPath, [path.join(__dirname, "registration.js"), mode, String(n)], {
        cwd: ROOT,
        encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`registration ${mode} failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
}

function renderMs(file: string): number {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist/components/cli/main.js"), "render", "-f", file], {
        encoding: "utf8",
        maxBuffer: 1 << 30,
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`rio render failed: ${r.stderr}`);
    return ms;
}

const results: { name: string; value: string; target: string; ok: boolean }[] = [];
function report(name: string, value: string, target: string, ok: boolean): void {
    results.push({ name, value, target, ok });
    console.log(`${ok ? "ok  " : "MISS"} ${name}: ${value} (target ${target})`);
}

// (a) 200 services under the mock engine: RioService vs the same objects as raw resources.
const N = 200;
const rio: number[] = [];
const raw: number[] = [];
let perService = 0;
for (let i = 0; i < RUNS; i++) {
    // Interleaved, so drift in machine load hits both alike.
    const a = registration("rio", N);
    const b = registration("raw", N);
    rio.push(a.ms);
    raw.push(b.ms);
    perService = a.resources / N;
}
const ratio = min(rio) / min(raw);
console.log(
    `registration of ${N} services, fastest of ${RUNS} (median): RioService ${min(rio).toFixed(0)} ms (${median(rio).toFixed(0)}), raw resources ${min(raw).toFixed(0)} ms (${median(raw).toFixed(0)})`,
);
report("RioService / raw registration time", ratio.toFixed(3), "≤ 1.25", ratio <= 1.25);
report(
    "resources registered per plain service",
    `${perService} (the component + ${perService - 1})`,
    "component + at most 3",
    perService <= 4,
);

// (b) rio render, cold process start included.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-bench-"));
const files = Object.fromEntries(
    [50, 100, 1000].map((n) => {
        const file = path.join(dir, `Riofile-${n}`);
        fs.writeFileSync(file, riofileText(n));
        return [n, file];
    }),
);
const render = Object.fromEntries(
    [50, 100, 1000].map((n) => [n, median(Array.from({ length: RUNS }, () => renderMs(files[n]!)))]),
) as Record<number, number>;
console.log(
    `rio render, median of ${RUNS} cold runs: 50 services ${render[50]!.toFixed(0)} ms, 100 ${render[100]!.toFixed(0)} ms, 1000 ${render[1000]!.toFixed(0)} ms`,
);
report(
    "rio render of 50 services (cold start included)",
    `${render[50]!.toFixed(0)} ms`,
    "< 2000 ms",
    render[50]! < 2000,
);
const scaling = render[1000]! / render[100]!;
report("rio render 1000 vs 100 services", `${scaling.toFixed(2)}×`, "≤ 12×", scaling <= 12);
fs.rmSync(dir, { recursive: true, force: true });

// (c) The real engine on the local control plane, when `npm run engines` has built it.
let engines = true;
try {
    const bins = engineBins();
    for (const b of ["kube-apiserver", "etcd", "kwok", "pulumi", "pulumi-resource-kubernetes"]) void bins[b];
} catch (e) {
    engines = false;
    console.log(`cluster benchmarks not run: ${(e as Error).message}`);
}
if (engines) {
    const r = spawnSync(process.execPath, [path.join(__dirname, "cluster.js")], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`the cluster benchmark failed: ${r.stderr}`);
    const c = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, number>;
    console.log(
        `pulumi up of 50 services: deployRiofile ${c.rioUp!.toFixed(1)} s, raw @pulumi/kubernetes ${c.rawUp!.toFixed(1)} s, ` +
            `kubectl apply --server-side ${c.kubectl!.toFixed(1)} s; 200 services: up ${c.up200!.toFixed(1)} s, no-change preview ${c.preview200!.toFixed(1)} s`,
    );
    const upRatio = c.rioUp! / c.rawUp!;
    report("pulumi up of 50 services, deployRiofile / raw resources", upRatio.toFixed(3), "≤ 1.15", upRatio <= 1.15);
    report("no-change pulumi preview of 200 services", `${c.preview200!.toFixed(1)} s`, "< 15 s", c.preview200! < 15);
}

process.exitCode = results.every((r) => r.ok) ? 0 : 1;
