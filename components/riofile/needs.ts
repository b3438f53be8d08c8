import { normalizeApp } from "../service/app";
import { Feature } from "../system/features";
import { Riofile } from "./load";

/**
 * The RioSystem features a Riofile's services need, so a stack installs nothing they do not use:
 * KEDA's HTTP add-on for concurrency autoscaling, metrics-server for cpu/memory autoscaling, the builder and
 * the registry for builds.
 */
export function featuresNeeded(riofile: Riofile): Partial<Record<Feature, boolean>> {
    const versions = riofile.services.flatMap(({ name, spec }) => normalizeApp(name, spec).versions);
    return {
        autoscaling: versions.some((v) => v.autoscale?.kind === "concurrency"),
        metrics: versions.some((v) => v.autoscale?.kind === "resource"),
        // Builds need the builder; they push to the in-cluster registry unless they all name their own.
        build: versions.some((v) => v.build !== undefined),
        registry: versions.some((v) => v.build !== undefined && v.build.pushRegistry === undefined),
    };
}
