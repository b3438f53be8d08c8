/**
 * No pod without requests: a container that requests nothing is placed by the scheduler as if it used nothing,
 * and is the first evicted. Rio gave every container it ran 50m CPU and 64Mi memory; RioService does too.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULT_CPU, DEFAULT_MEMORY, isZeroQuantity } from "../service/resources";
import { allowAdvice, allowSchema, isAllowed } from "./allowList";
import { containersOf, Resources, workloadOf } from "./workloads";

const NAME = "rio-pod-requests";
const KINDS = ["cpu", "memory"] as const;

/**
 * What `resources` leaves unrequested: a request absent or zero. Kubernetes takes an unset request from the
 * limit, so a limit counts.
 */
function unrequested(r: Resources | undefined): string[] {
    return KINDS.flatMap((kind) => {
        const q = r?.requests?.[kind] ?? r?.limits?.[kind];
        if (q === undefined) return [`no ${kind}`];
        return isZeroQuantity(q) ? [`${JSON.stringify(q)} ${kind}`] : [];
    });
}

/** The pod requests policy. */
export const REQUESTS_POLICY: ResourceValidationPolicy = {
    name: NAME,
    description: "No pod without cpu and memory requests.",
    remediationSteps: `Set resources.requests on every container (pulumi-rio's default: cpu ${DEFAULT_CPU}, memory ${DEFAULT_MEMORY}).`,
    configSchema: allowSchema("workload"),
    validateResource: (args, reportViolation) => {
        const w = workloadOf(args);
        // Pod-level requests (Kubernetes 1.32+) cover every container.
        if (w === undefined || (w.pod.resources !== undefined && unrequested(w.pod.resources).length === 0)) return;
        const short = containersOf(w.pod)
            .map(({ c, label }) => ({ label, missing: unrequested(c.resources) }))
            .filter((s) => s.missing.length > 0);
        if (short.length === 0 || isAllowed(args.getConfig(), "workload", w.id)) return;
        for (const s of short) {
            reportViolation(
                `${s.label} requests ${s.missing.join(" and ")}, so the scheduler places it as if it used nothing: ` +
                    `request cpu and memory (pulumi-rio's default: ${DEFAULT_CPU} and ${DEFAULT_MEMORY}), or ${allowAdvice(NAME, w.id)}`,
            );
        }
    },
};
