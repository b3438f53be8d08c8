import { RioInputError, under } from "../errors";
import { KubeObject } from "../kube/object";
import { MANAGED_BY } from "../service/labels";
import { assertDnsSubdomain } from "../service/names";

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** Checks a Riofile `configs.<name>` entry: a map of file names to contents. */
export function normalizeConfig(name: string, data: unknown): Record<string, string> {
    under([], () => assertDnsSubdomain(name, "config name"));
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
        throw new RioInputError([], "a config must be a map of keys to contents");
    }
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(data)) {
        if (!CONFIG_KEY.test(key) || key.length > 253) {
            throw new RioInputError(
                [key],
                "a config key may only contain letters, digits, '-', '_' and '.'",
                undefined,
                true,
            );
        }
        if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
            throw new RioInputError(
                [key],
                `must be text, not ${value === null ? "null" : Array.isArray(value) ? "a list" : typeof value}`,
            );
        }
        out[key] = String(value);
    }
    return out;
}

/** The ConfigMap for a Riofile config (Rio: `configs` → ConfigMap of the same name). */
export function planConfigMap(name: string, data: Record<string, string>, namespace: string): KubeObject {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": MANAGED_BY } },
        data,
    };
}
