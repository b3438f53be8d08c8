/**
 * k3s helm-controller's HelmChart (`helm.cattle.io/v1`) has no published model package, so its spec is checked
 * here against the fields of its Go type (k3s-io/helm-controller pkg/apis/helm.cattle.io/v1/types.go):
 * unknown fields and wrong types are errors.
 */
import { z } from "zod";
import { objectMeta } from "./objectMeta";

const spec = z
    .object({
        targetNamespace: z.string(),
        chart: z.string().min(1),
        version: z.string(),
        repo: z.string().url(),
        set: z.record(z.union([z.string(), z.number().int()])),
        valuesContent: z.string(),
        helmVersion: z.string(),
        bootstrap: z.boolean(),
        chartContent: z.string(),
        jobImage: z.string(),
        timeout: z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/),
        failurePolicy: z.enum(["abort", "reinstall"]),
    })
    .partial()
    .strict()
    .refine(
        (s) => s.chart !== undefined || s.chartContent !== undefined,
        "spec.chart or spec.chartContent is required",
    );

const helmChart = z
    .object({
        apiVersion: z.literal("helm.cattle.io/v1"),
        kind: z.literal("HelmChart"),
        // helm-controller names the release's objects after the chart: a DNS label, stricter than ObjectMeta.
        metadata: objectMeta.extend({ name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/) }),
        spec,
    })
    .strict();

export function validateHelmChart(data: unknown): void {
    const r = helmChart.safeParse(data);
    if (!r.success) throw new Error(r.error.issues.map((i) => `${i.path.join("/")}: ${i.message}`).join("; "));
}
