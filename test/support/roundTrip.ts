/**
 * The round trip of `rio export` (Rio's own export test, rio-compat's riofile-export.yaml): what it writes loads
 * back to the same Riofile, plans the same Kubernetes objects, and exports to the same text again. `.ci/run`
 * pipes `rio export` of Rio's own Riofiles into it:
 *
 *   rio export -f Riofile | node dist/test/support/roundTrip.js Riofile
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { PlannedObject } from "../../components/kube/object";
import { planObjects, planRiofile, RiofileTarget } from "../../components/render/plan";
import { canonicalRouter, exportRiofile } from "../../components/riofile/export";
import { loadRiofile, parseRiofile, Riofile } from "../../components/riofile/load";

/** Where the plans are compared: both gateways, since routers plan different objects on each. */
export const ROUND_TRIP_TARGETS: readonly RiofileTarget[] = [
    { namespace: "default", gateway: { domain: "apps.example.com" } },
    {
        namespace: "team-a",
        gateway: { name: "edge", namespace: "infra", domain: "example.org", implementation: "envoy" },
    },
];

/**
 * What a Riofile declares (not where it came from). The loader keeps a router's own spelling (Rio's docs'
 * `regxp`), which the export writes canonically: routers compare in canonical spelling.
 */
export function riofileParts(
    r: Riofile,
): Pick<Riofile, "services" | "configs" | "routers" | "externalServices" | "manifest"> {
    const routers = r.routers.map(({ name, spec }) => ({ name, spec: canonicalRouter(spec) }));
    return {
        services: r.services,
        configs: r.configs,
        routers,
        externalServices: r.externalServices,
        manifest: r.manifest,
    };
}

export function plannedObjects(r: Riofile, target: RiofileTarget): PlannedObject[] {
    return planObjects(planRiofile(r, target));
}

/**
 * Loads `exported` as the file `original` came from and asserts the round trip holds; returns the reloaded
 * Riofile and its planned objects per target (for schema checks).
 */
export function checkRoundTrip(original: Riofile, exported: string): { reloaded: Riofile; planned: PlannedObject[][] } {
    const reloaded = parseRiofile(exported, original.file);
    assert.deepEqual(
        riofileParts(reloaded),
        riofileParts(original),
        `${original.file}: the exported Riofile loads differently`,
    );
    const planned = ROUND_TRIP_TARGETS.map((target) => {
        const again = plannedObjects(reloaded, target);
        assert.deepEqual(
            again,
            plannedObjects(original, target),
            `${original.file}: the exported Riofile plans other objects (${JSON.stringify(target)})`,
        );
        return again;
    });
    assert.equal(exportRiofile(reloaded), exported, `${original.file}: exporting the export changes it`);
    return { reloaded, planned };
}

if (require.main === module) {
    const file = process.argv[2];
    if (file === undefined) {
        process.stderr.write("usage: rio export -f Riofile | node roundTrip.js Riofile\n");
        process.exit(2);
    }
    try {
        const { planned } = checkRoundTrip(loadRiofile(file), fs.readFileSync(0, "utf8"));
        process.stdout.write(`${file}: round trip through rio export holds (${planned[0]!.length} objects)\n`);
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        process.exitCode = 1;
    }
}
