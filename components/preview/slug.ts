import { createHash } from "crypto";
import { RioInputError } from "../errors";

/**
 * A preview's slug, in hostnames (`<service>-<slug>.<domain>`) and its namespace (`preview-<slug>`): `pr-<n>` for
 * a pull request (short and stable), else the branch made DNS-safe plus a hash of its exact name, so two branches
 * that sanitise alike (`feature/x`, `feature-x`) never share a namespace.
 */
export function previewSlug(input: { pullRequest?: number; branch?: string }): string {
    if (input.pullRequest !== undefined) {
        if (!Number.isInteger(input.pullRequest) || input.pullRequest < 1) {
            throw new RioInputError(["pullRequest"], `must be a pull request number, not ${input.pullRequest}`);
        }
        return `pr-${input.pullRequest}`;
    }
    const branch = input.branch;
    if (branch === undefined || branch.trim() === "")
        throw new RioInputError(["branch"], "a preview needs a pull request number or a branch");
    const safe = branch
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 40)
        .replace(/-+$/, "");
    const hash = createHash("sha256").update(branch).digest("hex").slice(0, 6);
    return `${safe === "" ? "branch" : safe}-${hash}`;
}

/** The preview's namespace: `preview-<slug>`, a DNS label (at most 63 characters). */
export function previewNamespace(slug: string): string {
    return `preview-${slug}`;
}
