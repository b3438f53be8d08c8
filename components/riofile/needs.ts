import { normalizeApp } from "../service/app";
import { Feature } from "../system/features";
import { Riofile } from "./load";
import { REGISTRY } from "../system/registry";

/** Where nodes pull RioSystem's registry (node-local). */
const REGISTRY_PULL = `localhost:${REGISTRY.nodePort}`;

/**
 * The RioSystem features a Riofile's services need, so a stack installs nothing they do not use:
 * KEDA's HTTP add-on for concurrency autoscaling, metrics-server for cpu/memory autoscaling, Flagger for gradual
 * rollouts, the builder and
 * the registry for builds. A local folder build also needs the registry served at `registry.<domain>`
 * (`registryExposureNeeded`), which the stack asks RioSystem for unless its config says otherwise.
 */
export function featuresNeeded(riofile: Riofile): Partial<Record<Feature, boolean>> {
    const versions = riofile.services.flatMap(({ name, spec }) => normalizeApp(name, spec).versions);
    return {
        autoscaling: versions.some((v) => v.autoscale?.kind === "concurrency"),
        metrics: versions.some((v) => v.autoscale?.kind === "resource"),
        // Gradual rollouts are Flagger's Canaries.
        rollout: versions.some((v) => v.gradual !== undefined),
        // Builds need the builder; they push to the in-cluster registry unless they all name their own.
        build: versions.some((v) => v.build !== undefined),
        // Local folders are built where Pulumi runs, and pushed to the registry too unless they name their own.
        // An image already in it (what `rio build` and `rio up` of a folder give) is pulled from it too.
        registry: versions.some(
            (v) =>
                (v.build !== undefined && v.build.pushRegistry === undefined) ||
                (v.localBuild !== undefined && v.localBuild.pushRegistry === undefined) ||
                [v.image, ...v.sidecars.map((c) => c.image)].some((i) => i.startsWith(`${REGISTRY_PULL}/`)),
        ),
    };
}

/** True when a local folder build pushes to RioSystem's registry, which must then be served outside the cluster. */
export function registryExposureNeeded(riofile: Riofile): boolean {
    return riofile.services.some(({ name, spec }) =>
        normalizeApp(name, spec).versions.some(
            (v) => v.localBuild !== undefined && v.localBuild.pushRegistry === undefined,
        ),
    );
}
