/**
 * The part of Kubernetes' ObjectMeta (apimachinery meta/v1) pulumi-rio writes on the kinds that have no model
 * package, checked as the API server would, with no unknown field.
 */
import { z } from "zod";

export const objectMeta = z
    .object({
        name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/),
        namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
        labels: z.record(z.string()).optional(),
        annotations: z.record(z.string()).optional(),
    })
    .strict();
