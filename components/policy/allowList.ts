/**
 * "Allowed by name": a policy's config lists the objects it lets through, as Rio's admission verbs let a user
 * through by their role. Each policy has its own list, so allowing a workload hostNetwork allows it nothing else.
 */
import { PolicyConfigSchema } from "@pulumi/policy";

/** What a policy's `allow` names: workloads (`namespace/name`, `namespace/*`) or namespaces. */
export type AllowKind = "workload" | "namespace";

const DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const OBJECT_NAME = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?";
/** The entries' forms, as JSON Schema patterns (the CLI checks a stack's config with them) and as RegExps. */
const PATTERN: Record<AllowKind, string> = {
    workload: `^${DNS_LABEL}/(\\*|${OBJECT_NAME})$`,
    namespace: `^${DNS_LABEL}$`,
};

/** The config schema of a policy with an allow list; the CLI checks a stack's policy config against it. */
export function allowSchema(kind: AllowKind): PolicyConfigSchema {
    return {
        properties: {
            allow: {
                type: "array",
                items: { type: "string", pattern: PATTERN[kind] },
                default: [],
                description:
                    kind === "workload"
                        ? 'Workloads let through, as "namespace/name", or "namespace/*" for all of a namespace.'
                        : "Namespaces let through, by name.",
            },
        },
    };
}

/**
 * Whether `id` (`namespace/name`, or a namespace's name) is on the list. The CLI checks entries against the
 * schema; a pack run without it (tests, another engine) still refuses a malformed one rather than ignore it.
 * @throws Error naming the entry and the form it should have.
 */
export function isAllowed(config: { allow?: unknown }, kind: AllowKind, id: string): boolean {
    const list = config.allow ?? [];
    if (!Array.isArray(list)) throw new Error(`allow must be a list, not ${JSON.stringify(list)}`);
    const form = new RegExp(PATTERN[kind]);
    return list.some((entry: unknown) => {
        if (typeof entry !== "string" || !form.test(entry)) {
            throw new Error(
                `allow entry ${JSON.stringify(entry)} is not ${kind === "workload" ? '"namespace/name" or "namespace/*"' : "a namespace name"}`,
            );
        }
        return entry === id || (kind === "workload" && entry.endsWith("/*") && id.startsWith(entry.slice(0, -1)));
    });
}

/** The advice a refusal ends with: the config that lets this object through. */
export function allowAdvice(policy: string, id: string): string {
    return `allow ${id} by name in the policy config (${JSON.stringify({ [policy]: { allow: [id] } })})`;
}
