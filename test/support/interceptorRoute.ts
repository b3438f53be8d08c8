/**
 * KEDA HTTP add-on's InterceptorRoute (`http.keda.sh/v1beta1`, v0.15.0) has no published model package, so it is
 * checked against its Go type (kedacore/http-add-on operator/apis/http/v1beta1/interceptorroute_types.go at the
 * v0.15.0 release commit): required fields, types, and no unknown fields.
 */
import { z } from "zod";
import { objectMeta } from "./objectMeta";

const duration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
const rule = z
    .object({
        hosts: z.array(z.string()),
        paths: z.array(z.object({ value: z.string() }).strict()),
        headers: z.array(z.object({ name: z.string(), value: z.string().optional() }).strict()),
    })
    .partial()
    .strict();
const serviceRef = z
    .object({ name: z.string(), port: z.number().int().optional(), portName: z.string().optional() })
    .strict();
const response = z
    .object({
        statusCode: z.number().int(),
        body: z.string(),
        bodyFromConfigMap: z.object({ name: z.string(), key: z.string().optional() }).strict(),
        headers: z.record(z.string()),
    })
    .partial()
    .strict();
const spec = z
    .object({
        target: z
            .object({
                service: z.string().min(1),
                port: z.number().int().min(1).max(65535).optional(),
                portName: z.string().optional(),
            })
            .strict(),
        coldStart: z
            .object({
                fallback: z.object({ service: serviceRef }).partial().strict(),
                placeholder: z.object({ response }).partial().strict(),
            })
            .partial()
            .strict()
            .optional(),
        timeouts: z
            .object({ readiness: duration, request: duration, responseHeader: duration })
            .partial()
            .strict()
            .optional(),
        rules: z.array(rule).optional(),
        scalingMetric: z
            .object({
                concurrency: z.object({ targetValue: z.number().int() }).strict(),
                requestRate: z
                    .object({
                        targetValue: z.number().int(),
                        granularity: duration.optional(),
                        window: duration.optional(),
                    })
                    .strict(),
            })
            .partial()
            .strict(),
    })
    .strict();

const interceptorRoute = z
    .object({
        apiVersion: z.literal("http.keda.sh/v1beta1"),
        kind: z.literal("InterceptorRoute"),
        metadata: objectMeta,
        spec,
    })
    .strict();

export function validateInterceptorRoute(data: unknown): void {
    const r = interceptorRoute.safeParse(data);
    if (!r.success) throw new Error(r.error.issues.map((i) => `${i.path.join("/")}: ${i.message}`).join("; "));
}
