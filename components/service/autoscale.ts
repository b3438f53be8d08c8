import { z } from "zod";
import { RioInputError } from "../errors";

/**
 * How a version scales. `concurrency` is Rio's (in-flight requests per pod, through KEDA's HTTP add-on,
 * down to zero); `resource` is what Rio lacked (rancher/rio#367): a HorizontalPodAutoscaler on CPU and/or
 * memory utilization.
 */
export type Autoscale =
    | { kind: "concurrency"; concurrency: number; min: number; max: number }
    | { kind: "resource"; cpu?: number; memory?: number; min: number; max: number };

/** Rio's default target of in-flight requests per pod (`rio run --concurrency`). */
export const DEFAULT_CONCURRENCY = 10;

/** Rio's `autoscale` keys with their aliases (`mapper:"alias=minScale|min"`), plus `cpu`/`memory` targets in percent. */
export const autoscaleSchema = z
    .object({
        concurrency: z.number().int("concurrency must be a whole number").min(1, "concurrency must be at least 1"),
        minReplicas: z.number().int().min(0, "minReplicas may not be negative"),
        minScale: z.number().int().min(0, "minScale may not be negative"),
        min: z.number().int().min(0, "min may not be negative"),
        maxReplicas: z.number().int().min(1, "maxReplicas must be at least 1"),
        maxScale: z.number().int().min(1, "maxScale must be at least 1"),
        max: z.number().int().min(1, "max must be at least 1"),
        cpu: z
            .number()
            .int()
            .min(1, "cpu is a target utilization in percent (1-100)")
            .max(100, "cpu is a target utilization in percent (1-100)"),
        memory: z
            .number()
            .int()
            .min(1, "memory is a target utilization in percent (1-100)")
            .max(100, "memory is a target utilization in percent (1-100)"),
    })
    .partial()
    .strict();
export type AutoscaleInput = z.infer<typeof autoscaleSchema>;

function pick(
    input: AutoscaleInput,
    keys: ("minReplicas" | "minScale" | "min" | "maxReplicas" | "maxScale" | "max")[],
): number | undefined {
    const given = keys.filter((k) => input[k] !== undefined);
    if (given.length > 1)
        throw new RioInputError(
            ["autoscale", given[1]!],
            `sets the same thing as ${given[0]}; keep one`,
            undefined,
            true,
        );
    return given.length === 1 ? input[given[0]!] : undefined;
}

/** `scale: "MIN-MAX"` (Rio's `--scale 1-10`). */
export function parseScaleRange(text: string): { min: number; max: number } | undefined {
    const m = /^(\d+)\s*-\s*(\d+)$/.exec(text.trim());
    return m ? { min: Number(m[1]), max: Number(m[2]) } : undefined;
}

/** Checks `autoscale` (and `scale: "MIN-MAX"`): bounds in order, one kind of signal. Paths are relative to the service. */
export function resolveAutoscale(
    input: AutoscaleInput | undefined,
    range: { min: number; max: number } | undefined,
): Autoscale | undefined {
    if (input === undefined && range === undefined) return undefined;
    if (input !== undefined && range !== undefined) {
        throw new RioInputError(["scale"], "a scale range and autoscale both set the bounds; keep one");
    }
    const a = input ?? {};
    const min = range?.min ?? pick(a, ["minReplicas", "minScale", "min"]) ?? 1;
    const max = range?.max ?? pick(a, ["maxReplicas", "maxScale", "max"]) ?? 10;
    const at = range ? ["scale"] : ["autoscale"];
    if (min > max) throw new RioInputError(at, `the minimum (${min}) is above the maximum (${max})`);
    if (max < 1) throw new RioInputError(at, "the maximum must be at least 1");
    if (a.cpu !== undefined || a.memory !== undefined) {
        if (a.concurrency !== undefined) {
            throw new RioInputError(
                ["autoscale", "concurrency"],
                "scale on concurrency or on cpu/memory, not both",
                undefined,
                true,
            );
        }
        // A HorizontalPodAutoscaler cannot scale to zero (without an alpha feature gate).
        if (min < 1)
            throw new RioInputError(
                at,
                "scaling on cpu/memory needs at least 1 replica; scale to zero works with concurrency",
            );
        return {
            kind: "resource",
            ...(a.cpu !== undefined && { cpu: a.cpu }),
            ...(a.memory !== undefined && { memory: a.memory }),
            min,
            max,
        };
    }
    return { kind: "concurrency", concurrency: a.concurrency ?? DEFAULT_CONCURRENCY, min, max };
}
