import { normalizeApp } from "../service/app";
import { Feature } from "../system/features";
import { Riofile } from "./load";

/**
 * The RioSystem features a Riofile's services need, so a stack installs nothing they do not use:
 * KEDA's HTTP add-on for concurrency autoscaling, metrics-server for cpu/memory autoscaling.
 */
export function featuresNeeded(riofile: Riofile): Partial<Record<Feature, boolean>> {
    const versions = riofile.services.flatMap(({ name, spec }) => normalizeApp(name, spec).versions);
    return {
        autoscaling: versions.some((v) => v.autoscale?.kind === "concurrency"),
        metrics: versions.some((v) => v.autoscale?.kind === "resource"),
        // Nothing a Riofile declares yet builds images.
        registry: false,
        build: false,
    };
}
