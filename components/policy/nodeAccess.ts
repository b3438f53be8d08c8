/**
 * Rio's admission verbs as policies: a Service using hostPort, hostNetwork, hostPath or privileged needed the
 * verb rio-hostport, rio-hostnetwork, rio-hostpath or rio-privileged (rio.md §1.12); RioService refuses each
 * unless the stack allows it by name. Here any pod of any stack is held to the same, and each policy is named
 * after Rio's verb.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ALLOWABLE, Allowable, nodeReach } from "../service/context";
import { allowAdvice, allowSchema, isAllowed } from "./allowList";
import { containersOf, PodSpec, workloadOf } from "./workloads";

/** One use of a feature in a pod: what uses it, and the node path for hostPath. */
interface Use {
    subject: string;
    hostPath?: string;
}

function uses(feature: Allowable, pod: PodSpec): Use[] {
    switch (feature) {
        case "hostPort":
            // Ephemeral containers cannot declare ports.
            return containersOf(pod).flatMap(({ c, label }) =>
                (c.ports ?? [])
                    .filter((p) => p.hostPort !== undefined && p.hostPort !== 0)
                    .map((p) => ({ subject: `${label} hostPort ${p.hostPort}` })),
            );
        case "hostNetwork":
            return pod.hostNetwork === true ? [{ subject: "hostNetwork: true" }] : [];
        case "hostPath":
            return (pod.volumes ?? [])
                .filter((v) => v.hostPath !== undefined)
                .map((v) => ({ subject: `volume "${v.name ?? ""}"`, hostPath: v.hostPath!.path ?? "" }));
        case "privileged":
            return containersOf(pod, { ephemeral: true })
                .filter(({ c }) => c.securityContext?.privileged === true)
                .map(({ label }) => ({ subject: `${label} (privileged: true)` }));
    }
}

const WHAT: Record<Allowable, string> = {
    hostPort: "binds host ports",
    hostNetwork: "uses the node's network",
    hostPath: "mounts the node's files",
    privileged: "runs a privileged container",
};

/** The policy for one of Rio's admission verbs. */
function nodeAccessPolicy(feature: Allowable): ResourceValidationPolicy {
    const name = `rio-${feature.toLowerCase()}`;
    return {
        name,
        description: `No pod ${WHAT[feature]} unless its workload is allowed by name (Rio's admission verb ${name}).`,
        remediationSteps: `Drop ${feature}, or list the workload in the policy config's allow.`,
        configSchema: allowSchema("workload"),
        validateResource: (args, reportViolation) => {
            const w = workloadOf(args, { patches: true });
            if (w === undefined) return;
            const found = uses(feature, w.pod);
            if (found.length === 0 || isAllowed(args.getConfig(), "workload", w.id)) return;
            for (const u of found) {
                reportViolation(
                    `${u.subject} ${nodeReach(feature, u.hostPath)}: ${allowAdvice(name, w.id)} — its namespace then needs Pod Security privileged`,
                );
            }
        },
    };
}

/** rio-hostport, rio-hostnetwork, rio-hostpath and rio-privileged, in Rio's order. */
export const NODE_ACCESS_POLICIES: ResourceValidationPolicy[] = ALLOWABLE.map(nodeAccessPolicy);
