import { RioInputError, under } from "../errors";
import { assertDnsSubdomain } from "./names";

/** A container environment variable as Kubernetes takes it. */
export interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: {
        secretKeyRef?: { name: string; key: string };
        configMapKeyRef?: { name: string; key: string };
        fieldRef?: { fieldPath: string };
    };
}

/**
 * Rio's `env`: `["K=V", ...]`, `{K: V}`, or one `"K=V"` (Rio's parser took a string as a one-entry list); values
 * may be `secret://name/key` or `config://name/key`.
 */
export type EnvInput = string | readonly string[] | Readonly<Record<string, string | number | boolean>>;

const REFERENCE = /^(secret|config):\/\/(.*)$/;

/** Rio's `$(self/…)`: facts about the pod itself, through the downward API. */
const SELF = /^\$\(self\/([A-Za-z]+)\)$/;
const SELF_FIELDS: Record<string, string> = {
    name: "metadata.name",
    namespace: "metadata.namespace",
    node: "spec.nodeName",
    serviceAccount: "spec.serviceAccountName",
    hostIp: "status.hostIP",
    nodeIp: "status.hostIP",
    ip: "status.podIP",
};

function envVar(name: string, value: string): EnvVar {
    if (name === "") throw new RioInputError([], "an environment variable needs a name");
    if (name.includes("=") || /[\x00-\x1f\x7f]/.test(name)) {
        throw new RioInputError([], `environment variable name "${name}" may not contain '=' or control characters`);
    }
    const self = SELF.exec(value);
    if (self) {
        const field = SELF_FIELDS[self[1]!];
        if (!field) {
            throw new RioInputError(
                [],
                `"${value}": $(self/…) takes ${Object.keys(SELF_FIELDS).join(", ")} (labels and annotations only reach a pod through a volume)`,
            );
        }
        return { name, valueFrom: { fieldRef: { fieldPath: field } } };
    }
    const ref = REFERENCE.exec(value);
    if (!ref) return { name, value };
    const [, scheme, rest] = ref as unknown as [string, "secret" | "config", string];
    const slash = rest.indexOf("/");
    const object = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? "" : rest.slice(slash + 1);
    const kind = scheme === "secret" ? "Secret" : "ConfigMap";
    if (object === "" || key === "") {
        throw new RioInputError([], `"${value}" must name a ${kind} and a key: ${scheme}://<name>/<key>`);
    }
    assertDnsSubdomain(object, `${kind} name`);
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
        throw new RioInputError([], `${kind} key "${key}" may only contain letters, digits, '-', '_' and '.'`);
    }
    return scheme === "secret"
        ? { name, valueFrom: { secretKeyRef: { name: object, key } } }
        : { name, valueFrom: { configMapKeyRef: { name: object, key } } };
}

/** Resolves Rio's env list or map into container env vars, in the order given. Later duplicates are errors. */
export function resolveEnv(input: EnvInput | undefined): EnvVar[] {
    if (input === undefined) return [];
    const entry = (text: string, at: (string | number)[]): [(string | number)[], string, string] => {
        const eq = text.indexOf("=");
        // `K` alone sets an empty value, as Rio's kv.Split does.
        return [at, eq < 0 ? text : text.slice(0, eq), eq < 0 ? "" : text.slice(eq + 1)];
    };
    // A single string keeps its own path: the file has no index there.
    const pairs: [(string | number)[], string, string][] =
        typeof input === "string"
            ? [entry(input, [])]
            : Array.isArray(input)
              ? (input as readonly string[]).map((e, i) => entry(e, [i]))
              : Object.entries(input as Record<string, string | number | boolean>).map(([k, v]) => [[k], k, String(v)]);
    const seen = new Set<string>();
    return pairs.map(([at, name, value]) =>
        under(at, () => {
            if (seen.has(name)) throw new RioInputError([], `environment variable "${name}" is set twice`);
            seen.add(name);
            return envVar(name, value);
        }),
    );
}
