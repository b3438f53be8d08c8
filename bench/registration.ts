/**
 * One measurement, in its own process (the mock engine keeps global state): registers N services under
 * Pulumi's mock engine, either as RioServices or as the same Kubernetes objects declared directly with
 * @pulumi/kubernetes under a minimal ComponentResource, and prints the time taken and the resource count.
 *
 *   node dist/bench/registration.js rio|raw N
 */
import * as pulumi from "@pulumi/pulumi";
import { serviceArgs } from "./workload";

async function main(): Promise<void> {
    const [mode, nText] = process.argv.slice(2);
    const n = Number(nText);
    let count = 0;
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                count++;
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => {
                throw new Error(`unmocked ${args.token}`);
            },
        },
        "rio",
        "bench",
    );
    // Load every module before the clock starts: both modes pay the same ~1 s for @pulumi/kubernetes.
    const rio = await import("../components");
    const k8s = await import("@pulumi/kubernetes");
    const { planService } = await import("../components/service/plan");
    const { normalizeService } = await import("../components/service/spec");
    const { resolveContext } = await import("../components/service/context");
    const gateway = { domain: "apps.example.com" };
    // The raw mode's objects are computed before timing, so it pays for registration only.
    const rawObjects =
        mode === "raw"
            ? Array.from(
                  { length: n },
                  (_, i) =>
                      planService(normalizeService(`svc-${i}`, serviceArgs(i)), resolveContext("bench", gateway))
                          .objects,
              )
            : [];

    class RawService extends pulumi.ComponentResource {
        constructor(name: string, objects: (typeof rawObjects)[number]) {
            super("bench:index:RawService", name, {}, {});
            const [d, s, r, ...rest] = objects.map((o) => o.object);
            if (rest.length > 0)
                throw new Error("the bench's plain service plans more than a Deployment, a Service and a route");
            new k8s.apps.v1.Deployment(name, { metadata: d!.metadata, spec: d!.spec as any }, { parent: this });
            new k8s.core.v1.Service(name, { metadata: s!.metadata, spec: s!.spec as any }, { parent: this });
            new k8s.apiextensions.CustomResource(
                name,
                { apiVersion: r!.apiVersion, kind: r!.kind, metadata: r!.metadata, spec: r!.spec },
                { parent: this },
            );
            this.registerOutputs({});
        }
    }

    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const roots: pulumi.Resource[] = [];
    for (let i = 0; i < n; i++) {
        roots.push(
            mode === "rio"
                ? new rio.RioService(`svc-${i}`, { ...serviceArgs(i), namespace: "bench", gateway })
                : new RawService(`svc-${i}`, rawObjects[i]!),
        );
    }
    // Done when every registration has reached the engine.
    const expected = n * 4;
    while (count < expected) await new Promise((r) => setImmediate(r));
    await Promise.all(roots.map((r) => new Promise((res) => r.urn.apply(res))));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const cpu = process.cpuUsage(cpuStart);
    // CPU time is what the program costs; wall time also counts whatever else the machine was doing.
    process.stdout.write(JSON.stringify({ mode, n, ms, cpuMs: (cpu.user + cpu.system) / 1000, resources: count }));
}

main().catch((e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exitCode = 1;
});
