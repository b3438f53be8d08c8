/**
 * Warnings: Rio input pulumi-rio takes as Rio did, but that probably does not mean what its author thinks (a
 * variable nothing sets, a key Rio ignored, an API version Kubernetes removed). They come back with the loaded
 * Riofile, located like errors; `rio render` prints them on stderr and `deployRiofile` through
 * `pulumi.log.warn`. With `strict`, the loader refuses them instead.
 */
import { KeyPath, RioInputError, SourceLocation } from "../errors";

/** One warning: where (file:line:col when known), which key, and what. */
export interface RioWarning {
    path: KeyPath;
    detail: string;
    location?: SourceLocation;
}

/** `file:line:col key.path: what`, as errors read. */
export function formatWarning(w: RioWarning): string {
    return new RioInputError(w.path, w.detail, w.location).message;
}
