/**
 * `rio config create|update [-k KEY] [-l k=v]… [ns:]NAME FILE|-` as the Riofile's `configs.<NAME>` (Rio's
 * `cli/cmd/config`, rio.md §1.11): the file's text under KEY (default `content`), and with `-l` the ConfigMap's
 * labels (Rio's `labels` key of a config entry). `rio cat [-k KEY]… configmap/NAME` prints a ConfigMap's data as Rio
 * did. The loader checks the keys and labels; errors name the argument.
 */
import { RioInputError } from "../errors";
import { stringify } from "yaml";
import { RiofileContent } from "./riofileEdit";
import { parseObjectName, ServiceName } from "./serviceName";

/** Rio's default key: `rio config create NAME FILE` keeps the file under `content`. */
export const DEFAULT_KEY = "content";

/** `[ns:]NAME` of a config. */
export function configName(text: string): ServiceName {
    return parseObjectName(text, `NAME "${text}"`);
}

/**
 * `-l k=v` labels, each flag one label or several comma-separated (a label value has no comma); undefined when
 * none was given (update then keeps the config's labels, as Rio's did).
 */
export function parseLabels(values: readonly string[] | undefined): Record<string, string> | undefined {
    const items = (values ?? []).flatMap((v) => v.split(",")).filter((v) => v.trim() !== "");
    if (items.length === 0) return undefined;
    const out: Record<string, string> = {};
    for (const item of items) {
        const eq = item.indexOf("=");
        if (eq <= 0) throw new RioInputError([], `--label "${item}": expected KEY=VALUE`);
        out[item.slice(0, eq)] = item.slice(eq + 1);
    }
    return out;
}

/**
 * A file's bytes as a config's text. Rio base64-encoded a file that was not UTF-8 into the same key, silently; a
 * Riofile config holds text, so such a file is refused by name instead.
 */
export function configText(bytes: Uint8Array, file: string): string {
    try {
        return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
        throw new RioInputError(
            [],
            `FILE "${file}": is not UTF-8 text; a config holds text (encode it first, e.g. base64, or keep it in a Secret)`,
        );
    }
}

type Configs = Record<string, Record<string, unknown>>;
const configsOf = (content: RiofileContent): Configs => (content.configs ?? {}) as Configs;

/** The names of a namespace's configs, for errors. */
const names = (content: RiofileContent) => Object.keys(configsOf(content)).join(", ") || "none";

/** What `rio config create|update` puts: `text` under `key`, and the labels when given. */
export interface ConfigChange {
    name: string;
    key: string;
    text: string;
    labels?: Record<string, string>;
}

/** `rio config create`: a new config; one of that name is an error (update changes it). */
export function createConfig(content: RiofileContent, change: ConfigChange, namespace: string): RiofileContent {
    const configs = configsOf(content);
    if (Object.hasOwn(configs, change.name))
        throw new RioInputError(
            [],
            `config "${change.name}" exists in namespace ${namespace} already; rio config update changes it`,
        );
    const entry = { ...(change.labels && { labels: change.labels }), [change.key]: change.text };
    return { ...content, configs: { ...configs, [change.name]: entry } };
}

/**
 * `rio config update`: the key's text replaced (or added), the config's other keys kept; `-l` replaces its
 * labels, as Rio's did, and without `-l` they stay.
 */
export function updateConfig(content: RiofileContent, change: ConfigChange, namespace: string): RiofileContent {
    const configs = configsOf(content);
    const old = configs[change.name];
    if (old === undefined)
        throw new RioInputError(
            [],
            `no config "${change.name}" in namespace ${namespace} (configs: ${names(content)}); rio config create makes one`,
        );
    const { labels: oldLabels, ...data } = old;
    const labels = change.labels ?? oldLabels;
    const entry = { ...(labels !== undefined && { labels }), ...data, [change.key]: change.text };
    return { ...content, configs: { ...configs, [change.name]: entry } };
}

/** The config a service's mount names: Rio's `name[/key]:/path`, or the `{ name, key, target }` form. */
function mountedConfig(mount: unknown): string | undefined {
    if (typeof mount === "string") {
        const colon = mount.indexOf(":");
        const ref = colon < 0 ? mount : mount.slice(0, colon);
        return ref.split("/", 1)[0]!.trim();
    }
    if (mount !== null && typeof mount === "object" && typeof (mount as { name?: unknown }).name === "string")
        return (mount as { name: string }).name;
    return undefined;
}

/** Whether a container's `configs` (or Rio's `config`: one mount or a list) mounts the config `name`. */
function mounts(container: Record<string, unknown>, name: string): string | undefined {
    for (const key of ["configs", "config"]) {
        const list = container[key];
        if (list === undefined) continue;
        if ((Array.isArray(list) ? list : [list]).some((m) => mountedConfig(m) === name)) return key;
    }
    return undefined;
}

/**
 * Where the namespace's services mount the config `name`, as `services.web (configs)`, a sidecar's as
 * `services.web.containers.0 (configs)`; none is an empty list.
 */
export function configUsers(content: RiofileContent, name: string): string[] {
    const services = (content.services ?? {}) as Record<string, unknown>;
    const users: string[] = [];
    for (const [service, raw] of Object.entries(services)) {
        if (raw === null || typeof raw !== "object" || Array.isArray(raw)) continue;
        const spec = raw as Record<string, unknown>;
        const key = mounts(spec, name);
        if (key !== undefined) users.push(`services.${service} (${key})`);
        (Array.isArray(spec.containers) ? spec.containers : []).forEach((c: unknown, i) => {
            if (c === null || typeof c !== "object" || Array.isArray(c)) return;
            const sidecarKey = mounts(c as Record<string, unknown>, name);
            if (sidecarKey !== undefined) users.push(`services.${service}.containers.${i} (${sidecarKey})`);
        });
    }
    return users;
}

/**
 * `rio config rm` (and `rio rm configmap/NAME`): a config a service still mounts is not removed. The loader takes a
 * mount of a ConfigMap the Riofile does not hold (one made with kubectl), so without this the removal would go
 * through and the service's new pods would wait for the ConfigMap forever. `content` is the namespace's Riofile
 * after the command's other removals, so `rio rm web configmap/site` removes both.
 */
export function refuseUsedConfig(content: RiofileContent, name: string): void {
    const users = configUsers(content, name);
    if (users.length > 0)
        throw new RioInputError([], `config "${name}" is used by ${users.join(", ")}: remove it from them first`);
}

/** An error of the loader about the changed entry, naming the argument or flag instead of the key. */
export function asConfigError(e: RioInputError, change: ConfigChange): RioInputError {
    const [section, entry, key, label] = e.path;
    if (section !== "configs" || entry !== change.name) return e;
    if (key === undefined) return new RioInputError([], `NAME "${change.name}": ${e.detail}`);
    if (key === "labels") return new RioInputError([], `--label${label !== undefined ? ` ${label}` : ""}: ${e.detail}`);
    return new RioInputError([], `--key "${change.key}": ${e.detail}`);
}

/** A ConfigMap's data as `rio cat` reads it. */
export interface ConfigData {
    data?: Record<string, string>;
    binaryData?: Record<string, string>;
}

/**
 * What `rio cat` prints of one ConfigMap, as Rio's did: without `-k` every key as YAML (binary data base64, as the
 * API gives it), with one `-k` that key's text alone (exactly: `rio cat -k content configmap/x > file` gives the
 * file back), with several those keys as YAML. A key the ConfigMap does not have is an error naming its keys.
 */
export function catText(config: ConfigData, keys: readonly string[], name: string): string {
    const all: Record<string, string> = { ...config.data, ...config.binaryData };
    const missing = keys.find((k) => !Object.hasOwn(all, k));
    if (missing !== undefined)
        throw new RioInputError(
            [],
            `configmap/${name} has no key "${missing}" (keys: ${Object.keys(all).sort().join(", ") || "none"})`,
        );
    if (keys.length === 1) return all[keys[0]!]!;
    const shown = Object.keys(all)
        .filter((k) => keys.length === 0 || keys.includes(k))
        .sort();
    if (shown.length === 0) return "";
    return stringify(Object.fromEntries(shown.map((k) => [k, all[k]])), { lineWidth: 0, blockQuote: "literal" });
}

/** `rio cat`'s argument: `[ns:]configmap/NAME` (Rio's), or a config's `[ns:]NAME` alone. */
export function catTarget(text: string): ServiceName {
    const m = /^(?:([^:/]*):)?configmaps?\/(.*)$/.exec(text);
    if (m) return parseObjectName(`${m[1] !== undefined ? `${m[1]}:` : ""}${m[2]}`, `"${text}"`);
    if (text.includes("/"))
        throw new RioInputError([], `"${text}": rio cat prints a config: configmap/NAME (or NAME alone)`);
    return parseObjectName(text, `"${text}"`);
}
