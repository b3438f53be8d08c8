import { RioInputError, under } from "../errors";
import { KubeObject } from "../kube/object";
import { MANAGED_BY } from "../service/labels";
import { assertDnsSubdomain } from "../service/names";
import { LABEL_KEY, LABEL_VALUE } from "../service/spec";

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** The label every object pulumi-rio plans carries (`rio pods` selects on it): a config may not set it. */
const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

/** A Riofile config: its data, and the ConfigMap's labels when it has any. */
export interface NormalizedConfig {
    data: Record<string, string>;
    /** The ConfigMap's own labels (Rio's `labels` key of a config entry); none by default. */
    labels?: Record<string, string>;
}

/** Checks a config's `labels`: a map of Kubernetes label keys to label values. */
function checkConfigLabels(raw: unknown): Record<string, string> {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw))
        throw new RioInputError(
            ["labels"],
            "is the ConfigMap's labels (a map of keys to values), as Rio read it; a config key cannot be named labels",
        );
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
        under(["labels", k], () => {
            if (!LABEL_KEY.test(k) || k.length > 316) throw new RioInputError([], `"${k}" is not a valid label key`);
            if (k === MANAGED_BY_LABEL) throw new RioInputError([], `"${k}" is set by pulumi-rio`);
            const value = typeof v === "number" || typeof v === "boolean" ? String(v) : v;
            if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value))
                throw new RioInputError(
                    [],
                    `label value ${JSON.stringify(value ?? null)} must be at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
                );
            out[k] = value;
        });
    }
    return out;
}

/**
 * Checks a Riofile `configs.<name>` entry: a map of file names to contents. As Rio's Riofile mapper did, the key
 * `labels` is not a file: it is the ConfigMap's labels (`rio config create -l k=v` writes them there).
 */
export function normalizeConfig(name: string, raw: unknown): NormalizedConfig {
    under([], () => assertDnsSubdomain(name, "config name"));
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new RioInputError([], "a config must be a map of keys to contents");
    }
    const data: Record<string, string> = {};
    let labels: Record<string, string> | undefined;
    for (const [key, value] of Object.entries(raw)) {
        if (key === "labels") {
            labels = checkConfigLabels(value);
            continue;
        }
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
        data[key] = String(value);
    }
    return { data, ...(labels !== undefined && Object.keys(labels).length > 0 && { labels }) };
}

/** The ConfigMap for a Riofile config (Rio: `configs` → ConfigMap of the same name, with its labels). */
export function planConfigMap(
    name: string,
    data: Record<string, string>,
    namespace: string,
    labels: Readonly<Record<string, string>> = {},
): KubeObject {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY, ...labels } },
        data,
    };
}
