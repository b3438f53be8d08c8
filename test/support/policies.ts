/**
 * Traefik's Middleware (traefik.io/v1alpha1) and Envoy Gateway's BackendTrafficPolicy
 * (gateway.envoyproxy.io/v1alpha1) publish no model packages. The parts pulumi-rio writes are checked against
 * their Go types (traefik/traefik pkg/provider/kubernetes/crd/traefikio/v1alpha1 Retry; envoyproxy/gateway
 * v1.9.0 api/v1alpha1 BackendTrafficPolicy, Retry, FaultInjection): types, required fields, no unknown fields.
 */
import { z } from "zod";

const duration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/);
const meta = z.object({ name: z.string(), namespace: z.string() }).passthrough();

const middleware = z
    .object({
        apiVersion: z.literal("traefik.io/v1alpha1"),
        kind: z.literal("Middleware"),
        metadata: meta,
        spec: z.object({ retry: z.object({ attempts: z.number().int().min(0), initialInterval: z.string().optional() }).strict() }).strict(),
    })
    .strict();

const percentage = z.number().min(0).max(100).optional();
const backendTrafficPolicy = z
    .object({
        apiVersion: z.literal("gateway.envoyproxy.io/v1alpha1"),
        kind: z.literal("BackendTrafficPolicy"),
        metadata: meta,
        spec: z
            .object({
                targetRefs: z.array(z.object({ group: z.string(), kind: z.string(), name: z.string(), sectionName: z.string().optional() }).strict()).min(1),
                retry: z.object({ numRetries: z.number().int().min(0), perRetry: z.object({ timeout: duration }).strict().optional() }).strict().optional(),
                faultInjection: z
                    .object({
                        delay: z.object({ fixedDelay: duration, percentage }).strict().optional(),
                        abort: z.object({ httpStatus: z.number().int().min(200).max(600), percentage }).strict().optional(),
                    })
                    .strict()
                    .optional(),
            })
            .strict(),
    })
    .strict();

function check(schema: z.ZodTypeAny, data: unknown): void {
    const r = schema.safeParse(data);
    if (!r.success) throw new Error(r.error.issues.map((i) => `${i.path.join("/")}: ${i.message}`).join("; "));
}

export const validateMiddleware = (data: unknown) => check(middleware, data);
export const validateBackendTrafficPolicy = (data: unknown) => check(backendTrafficPolicy, data);
