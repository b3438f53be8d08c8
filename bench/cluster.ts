/**
 * The real engine's figures, in one run on one local control plane (`npm run bench` runs this when the engines
 * are built): `pulumi up` of a 50-service Riofile through deployRiofile vs the same objects as raw
 * @pulumi/kubernetes resources, `kubectl apply --server-side` of those objects as the floor, and a no-change
 * `pulumi preview` of 200 services. Prints one JSON line of figures.
 */
import * as k8s from "@pulumi/kubernetes";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { deployRiofile } from "../components/riofile/deploy";
import { parseRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { startControlPlane } from "../test/cluster/controlPlane";
import { installCrds } from "../test/cluster/crds";
import { inlineStack } from "../test/cluster/pulumi";
import { riofileText } from "./workload";

const GATEWAY = { domain: "apps.example.com", implementation: "traefik" as const };

const seconds = async (fn: () => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - start) / 1e9;
};

function namespace(name: string) {
    return new k8s.core.v1.Namespace(name, { metadata: { name } });
}

async function main(): Promise<void> {
    const cp = await startControlPlane();
    try {
        await installCrds(cp.kube, ["gatewayApi"]);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-bench-cluster-"));
        const riofile = (n: number) => parseRiofile(riofileText(n), path.join(dir, `Riofile-${n}`));
        const objectsIn = (n: number, ns: string) =>
            planObjects(planRiofile(riofile(n), { namespace: ns, gateway: GATEWAY })).map((p) => p.object);

        // (a) 50 services: deployRiofile vs raw resources vs kubectl, each into a namespace of its own.
        const rio = await inlineStack(
            "bench-rio",
            async () => {
                const ns = namespace("bench-rio");
                deployRiofile(riofile(50), { namespace: "bench-rio", gateway: GATEWAY }, { dependsOn: [ns] });
            },
            { kubeconfig: cp.kubeconfig },
        );
        const raw = await inlineStack(
            "bench-raw",
            async () => {
                const ns = namespace("bench-raw");
                for (const o of objectsIn(50, "bench-raw")) {
                    const name = `${o.kind}-${o.metadata.name}`;
                    const body = { metadata: o.metadata, spec: o.spec } as any;
                    const opts = { dependsOn: [ns] };
                    if (o.kind === "Deployment") new k8s.apps.v1.Deployment(name, body, opts);
                    else if (o.kind === "Service") new k8s.core.v1.Service(name, body, opts);
                    else
                        new k8s.apiextensions.CustomResource(
                            name,
                            { apiVersion: o.apiVersion, kind: o.kind, ...body },
                            opts,
                        );
                }
            },
            { kubeconfig: cp.kubeconfig },
        );
        // Raw first, then pulumi-rio: the cluster is warmer for the second (the ratio is, if anything, kind to raw).
        const rawUp = await seconds(() => raw.stack.up());
        const rioUp = await seconds(() => rio.stack.up());
        cp.kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "bench-kubectl" } });
        const kubectlText = objectsIn(50, "bench-kubectl")
            .map((o) => JSON.stringify(o))
            .join("\n");
        const kubectl = await seconds(async () => cp.kube.apply(kubectlText));
        await rio.remove();
        await raw.remove();

        // (b) a no-change preview of 200 services.
        const big = await inlineStack(
            "bench-200",
            async () => {
                const ns = namespace("bench-200");
                deployRiofile(riofile(200), { namespace: "bench-200", gateway: GATEWAY }, { dependsOn: [ns] });
            },
            { kubeconfig: cp.kubeconfig },
        );
        const up200 = await seconds(() => big.stack.up());
        const preview200 = await seconds(() => big.stack.preview({ expectNoChanges: true }));
        await big.remove();
        fs.rmSync(dir, { recursive: true, force: true });
        process.stdout.write(JSON.stringify({ rioUp, rawUp, kubectl, up200, preview200 }) + "\n");
    } finally {
        await cp.stop();
    }
}

main().catch((e) => {
    console.error((e as Error).stack);
    process.exit(1);
});
