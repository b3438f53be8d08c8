/**
 * Pod Security labels on namespaces: Pod Security admission checks a namespace's pods only at the levels its
 * `pod-security.kubernetes.io/<mode>` labels name, so a namespace without an enforce label admits any pod.
 * pulumi-rio's namespaces enforce baseline and warn restricted; its builder's enforces privileged, as BuildKit
 * needs, and such a namespace must be allowed by name.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { allowAdvice, allowSchema, isAllowed } from "./allowList";

const NAME = "rio-pod-security";
const PREFIX = "pod-security.kubernetes.io/";
/** Kubernetes' Pod Security Standards, least restrictive first. */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
const MODES = ["enforce", "warn", "audit"] as const;

/** Why a Namespace's labels leave its pods unchecked, or refuse a level; none when they are fine. */
function labelProblems(ns: string, labels: Record<string, unknown>, allowed: () => boolean): string[] {
    const out: string[] = [];
    for (const mode of MODES) {
        const v = labels[PREFIX + mode];
        if (v !== undefined && !(POD_SECURITY_LEVELS as readonly unknown[]).includes(v)) {
            out.push(`label ${PREFIX}${mode} is ${JSON.stringify(v)}, not one of ${POD_SECURITY_LEVELS.join(", ")}`);
        }
    }
    const enforce = labels[PREFIX + "enforce"];
    if (enforce === undefined) {
        out.push(
            `namespace "${ns}" has no ${PREFIX}enforce label, so Pod Security admission admits any pod into it: ` +
                `label it enforce: baseline (pulumi-rio's namespaces enforce baseline and warn restricted)`,
        );
    } else if (enforce === "privileged" && !allowed()) {
        out.push(
            `namespace "${ns}" enforces privileged, which admits any pod, even one that is root on the node: ` +
                `enforce baseline, or ${allowAdvice(NAME, ns)}`,
        );
    }
    return out;
}

/** The Pod Security labels policy. */
export const POD_SECURITY_POLICY: ResourceValidationPolicy = {
    name: NAME,
    description: "No namespace without a Pod Security enforce label; privileged only where allowed by name.",
    remediationSteps: `Label the namespace ${PREFIX}enforce: baseline (and ${PREFIX}warn: restricted).`,
    configSchema: allowSchema("namespace"),
    validateResource: (args, reportViolation) => {
        if (args.type !== "kubernetes:core/v1:Namespace") return;
        const meta = (args.props.metadata ?? {}) as { name?: string; labels?: Record<string, unknown> };
        const ns = meta.name ?? "";
        for (const p of labelProblems(ns, meta.labels ?? {}, () => isAllowed(args.getConfig(), "namespace", ns))) {
            reportViolation(p);
        }
    },
};
