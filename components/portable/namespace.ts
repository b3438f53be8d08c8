/**
 * Pod Security for a namespace a Riofile is deployed into, as the project's program labels it: Rio apps run as the
 * image says, so baseline is enforced and restricted only warned about — unless the stack allows a feature that
 * reaches into the node by name, which baseline would refuse.
 */
export function podSecurityLabels(allow: readonly string[]): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": allow.length > 0 ? "privileged" : "baseline",
        "pod-security.kubernetes.io/warn": allow.length > 0 ? "baseline" : "restricted",
    };
}
