/**
 * `npm run footprint`: what RioSystem's pods request and may use, per feature, read from the plan RioSystem
 * applies (the same budgets its Helm values and objects carry). Exits non-zero when a target is missed.
 */
import { mebibytes, milliCpu, PodBudget, total, Totals } from "../components/system/budget";
import { planSystem } from "../components/system/plan";
import { resolveSettings } from "../components/system/settings";

const fmt = (t: Totals) =>
    `requests ${t.requests.cpu}m CPU / ${t.requests.memory}Mi, limits ${t.limits.cpu}m CPU / ${t.limits.memory}Mi`;

function report(title: string, features: Record<string, boolean>, target?: { cpu: number; memory: number }): boolean {
    const settings = resolveSettings({
        domain: "apps.example.com",
        email: "ops@example.com",
        cloudflare: { hasZone: true, hasToken: true },
        features,
    });
    const pods: PodBudget[] = planSystem(settings).pods;
    console.log(
        `\n${title} (features: ${Object.entries(settings.features)
            .filter(([, on]) => on)
            .map(([f]) => f)
            .join(", ")})`,
    );
    const byFeature = new Map<string, PodBudget[]>();
    for (const p of pods) byFeature.set(p.feature, [...(byFeature.get(p.feature) ?? []), p]);
    for (const [feature, list] of byFeature) {
        console.log(`  ${feature.padEnd(12)} ${fmt(total(list))}`);
        for (const p of list) console.log(`    ${p.component.padEnd(30)} ×${p.replicas}  ${fmt(total([p]))}`);
    }
    const t = total(pods);
    console.log(`  ${"total".padEnd(12)} ${fmt(t)}`);
    if (!target) return true;
    const ok = t.requests.cpu <= target.cpu && t.requests.memory <= target.memory;
    console.log(
        `${ok ? "ok  " : "MISS"} ${title}: ${t.requests.cpu}m / ${t.requests.memory}Mi requested (target ≤ ${target.cpu}m / ${target.memory}Mi)`,
    );
    return ok;
}

/** `--preview`: what one idle preview of an example requests, per service (issue: ≤ 50m / 64Mi each, 0 pods at zero). */
function previewReport(): boolean {
    const { loadRiofile } = require("../components/riofile/load") as typeof import("../components/riofile/load");
    const { previewRiofile } =
        require("../components/preview/riofile") as typeof import("../components/preview/riofile");
    const { planRiofile, planObjects } =
        require("../components/render/plan") as typeof import("../components/render/plan");
    const path = require("path") as typeof import("path");
    let ok = true;
    for (const [example, scaleToZero] of [
        ["hello-world", false],
        ["traffic", false],
        ["traffic", true],
    ] as const) {
        const riofile = previewRiofile(loadRiofile(path.resolve(__dirname, `../../examples/${example}/Riofile`)), {
            scaleToZero,
        });
        const objects = planObjects(
            planRiofile(riofile, {
                namespace: "preview-pr-1",
                hostLabel: "pr-1",
                gateway: { domain: "apps.example.com" },
            }),
        ).map((p) => p.object as any);
        console.log(`\npreview of examples/${example}${scaleToZero ? " (scale to zero)" : ""}`);
        for (const d of objects.filter((o) => o.kind === "Deployment")) {
            const so = objects.find((o) => o.kind === "ScaledObject" && o.metadata.name === d.metadata.name);
            const replicas = d.spec.replicas ?? so?.spec.minReplicaCount ?? 1;
            const req = d.spec.template.spec.containers.reduce(
                (t: { cpu: number; mem: number }, c: any) => ({
                    cpu: t.cpu + milliCpu(c.resources.requests.cpu),
                    mem: t.mem + mebibytes(c.resources.requests.memory),
                }),
                { cpu: 0, mem: 0 },
            );
            const cpu = req.cpu * replicas;
            const mem = req.mem * replicas;
            const within = cpu <= 50 && mem <= 64;
            ok &&= within;
            console.log(
                `  ${within ? "ok  " : "MISS"} ${d.metadata.name.padEnd(14)} ${replicas} pod(s), requests ${cpu}m CPU / ${mem}Mi (target ≤ 50m / 64Mi per service)`,
            );
        }
    }
    return ok;
}

if (process.argv.includes("--preview")) {
    process.exitCode = previewReport() ? 0 : 1;
    process.exit();
}

const results = [
    report("default feature set", {}, { cpu: 300, memory: 384 }),
    report("with autoscaling (KEDA + HTTP add-on)", { autoscaling: true }, { cpu: 550, memory: 640 }),
    report("everything (build, autoscaling, dashboard; no target)", {
        autoscaling: true,
        build: true,
        dashboard: true,
    }),
];
console.log(
    "\nAnchors: Knative + Kourier request 1000m / 760Mi; KEDA + HTTP add-on defaults 2050m / 440Mi; Rio asked for 3 GB free.",
);
process.exitCode = results.every(Boolean) ? 0 : 1;
