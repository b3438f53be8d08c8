/**
 * Traefik's Middleware (traefik.io/v1alpha1) and Envoy Gateway's BackendTrafficPolicy
 * (gateway.envoyproxy.io/v1alpha1) publish no model packages. The parts pulumi-rio writes are checked against
 * their Go types (traefik/traefik pkg/provider/kubernetes/crd/traefikio/v1alpha1 Retry; envoyproxy/gateway
 * v1.9.0 api/v1alpha1 BackendTrafficPolicy, Retry, FaultInjection): types, required fields, no unknown fields.
 */
import { z } from "zod";
import { objectMeta } from "./objectMeta";

const duration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/);
const meta = objectMeta;

const middleware = z
    .object({
        apiVersion: z.literal("traefik.io/v1alpha1"),
        kind: z.literal("Middleware"),
        metadata: meta,
        // One middleware per object (Traefik refuses a Middleware declaring several).
        spec: z
            .object({
                retry: z
                    .object({ attempts: z.number().int().min(0), initialInterval: z.string().optional() })
                    .strict()
                    .optional(),
                // traefikio/v1alpha1 BasicAuth (crds/traefik.io_middlewares.yaml of the pinned chart).
                basicAuth: z
                    .object({
                        secret: z.string().min(1),
                        realm: z.string().optional(),
                        removeHeader: z.boolean().optional(),
                        headerField: z.string().optional(),
                    })
                    .strict()
                    .optional(),
            })
            .strict()
            .refine((spec) => Object.keys(spec).length === 1, "exactly one middleware (retry or basicAuth)"),
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
                targetRefs: z
                    .array(
                        z
                            .object({
                                group: z.string(),
                                kind: z.string(),
                                name: z.string(),
                                sectionName: z.string().optional(),
                            })
                            .strict(),
                    )
                    .min(1),
                retry: z
                    .object({
                        numRetries: z.number().int().min(0),
                        perRetry: z.object({ timeout: duration }).strict().optional(),
                    })
                    .strict()
                    .optional(),
                faultInjection: z
                    .object({
                        delay: z.object({ fixedDelay: duration, percentage }).strict().optional(),
                        abort: z
                            .object({ httpStatus: z.number().int().min(200).max(600), percentage })
                            .strict()
                            .optional(),
                    })
                    .strict()
                    .optional(),
            })
            .strict(),
    })
    .strict();

/**
 * Envoy Gateway v1.9.0 SecurityPolicy (api/v1alpha1/securitypolicy_types.go, basic_auth_types.go): the targets
 * (LocalPolicyTargetReferenceWithSectionName) and basicAuth's `users` Secret reference, the part pulumi-rio writes.
 */
const securityPolicy = z
    .object({
        apiVersion: z.literal("gateway.envoyproxy.io/v1alpha1"),
        kind: z.literal("SecurityPolicy"),
        metadata: meta,
        spec: z
            .object({
                targetRefs: z
                    .array(
                        z
                            .object({
                                group: z.string(),
                                kind: z.string(),
                                name: z.string().min(1),
                                sectionName: z.string().optional(),
                            })
                            .strict(),
                    )
                    .min(1),
                basicAuth: z
                    .object({
                        users: z
                            .object({
                                group: z.string().optional(),
                                kind: z.string().optional(),
                                name: z.string().min(1),
                                namespace: z.string().optional(),
                            })
                            .strict(),
                        forwardUsernameHeader: z.string().optional(),
                    })
                    .strict(),
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
export const validateSecurityPolicy = (data: unknown) => check(securityPolicy, data);
