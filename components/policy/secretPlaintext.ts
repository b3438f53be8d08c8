/**
 * No plain-text credential in a Secret's inputs. The Kubernetes provider makes a Secret's `data` and
 * `stringData` Pulumi secrets itself (its Check marks them, before any policy runs), so they are encrypted in the
 * state whatever the program wrote; its labels and annotations are not. A credential repeated there is stored
 * and shown in plain text: the classic case is kubectl's last-applied-configuration annotation, which a
 * manifest exported with `kubectl get -o yaml` carries, holding the whole Secret.
 */
import { ResourceValidationPolicy, UnknownValueError } from "@pulumi/policy";

const NAME = "rio-secret-plaintext";
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const TYPES = ["kubernetes:core/v1:Secret", "kubernetes:core/v1:SecretPatch"];

/**
 * The Secret's values, each with its key, as the inputs hold it and, for `data`, decoded from base64 (the
 * provider's Check moves `stringData` into `data`, encoded). A value not known yet (preview) is left out: the policy runs again on
 * `pulumi up` with it known.
 */
function secretValues(props: Record<string, unknown>): Map<string, string> {
    const out = new Map<string, string>();
    for (const field of ["data", "stringData"] as const) {
        const map = known(() => props[field]) as Record<string, unknown> | undefined;
        for (const key of Object.keys(map ?? {})) {
            const v = known(() => map![key]);
            if (typeof v !== "string" || v === "") continue;
            out.set(v, key);
            if (field === "data") {
                const decoded = Buffer.from(v, "base64").toString("utf8");
                if (decoded !== "") out.set(decoded, key);
            }
        }
    }
    return out;
}

function known(read: () => unknown): unknown {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) return undefined;
        throw e;
    }
}

/** The Secret plaintext policy. */
export const SECRET_PLAINTEXT_POLICY: ResourceValidationPolicy = {
    name: NAME,
    description: "No Secret value in plain text in the Secret's labels or annotations.",
    remediationSteps: `Remove the label or annotation; drop ${LAST_APPLIED} from exported manifests.`,
    validateResource: (args, reportViolation) => {
        if (!TYPES.includes(args.type)) return;
        const meta = (args.props.metadata ?? {}) as {
            labels?: Record<string, unknown>;
            annotations?: Record<string, unknown>;
        };
        const annotations = meta.annotations ?? {};
        const labels = meta.labels ?? {};
        if (Object.keys(annotations).length + Object.keys(labels).length === 0) return;
        const lastApplied = known(() => annotations[LAST_APPLIED]);
        if (typeof lastApplied === "string" && /"(data|stringData)"\s*:/.test(lastApplied)) {
            reportViolation(
                `annotation ${LAST_APPLIED} holds the Secret's data in plain text (annotations are not secret in Pulumi's state): remove it`,
            );
        }
        const values = secretValues(args.props);
        for (const [where, map] of [
            ["annotation", annotations],
            ["label", labels],
        ] as const) {
            for (const key of Object.keys(map)) {
                if (where === "annotation" && key === LAST_APPLIED) continue;
                const v = known(() => map[key]);
                const from = typeof v === "string" ? values.get(v) : undefined;
                if (from !== undefined) {
                    reportViolation(
                        `${where} ${key} holds the Secret's ${from} in plain text (${where}s are not secret in Pulumi's state): remove it`,
                    );
                }
            }
        }
    },
};
