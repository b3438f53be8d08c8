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
