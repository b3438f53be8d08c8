/**
 * `rio stage [--image IMAGE] [-e NAME=value] [--env-file F] SERVICE [NEW_VERSION]` (Rio's `cli/cmd/stage`): a copy of
 * a service's spec as a new version of its app, at weight 0, next to the versions there are; `--image` replaces the
 * image and `-e`/`--env-file` replace or add variables (the copy's others kept, the staged ones last). In the
 * Riofile it is one more service, `<app>-<version>`, with `app:` and `version:`.
 */
import { RioInputError } from "../errors";
import { assertDnsLabel } from "../service/names";
import { identity, putService, RiofileContent, serviceKey } from "./riofileEdit";
import { formatServiceName, ServiceName } from "./serviceName";
import { appVersions } from "./weights";

type Services = Record<string, Record<string, unknown>>;

/** What the staged version changes of the copied spec. */
export interface StageChanges {
    image?: string;
    /** `NAME=value` entries (rio run's `-e` and `--env-file`, read by envOfFlags). */
    env: readonly string[];
}

/** A version name as Rio made one when none was given: `v` and five digits. */
export function randomVersion(random: () => number = Math.random): string {
    return `v${String(Math.floor(random() * 100000)).padStart(5, "0")}`;
}

const nameOf = (entry: string) => entry.split("=", 1)[0]!;

/** The copy's variables as `NAME=value` entries: its own first, less those staged again, then the staged ones. */
export function mergeEnv(original: unknown, staged: readonly string[]): unknown {
    if (staged.length === 0) return original;
    const own: string[] = Array.isArray(original)
        ? (original as string[])
        : original !== null && typeof original === "object"
          ? Object.entries(original).map(([k, v]) => `${k}=${String(v)}`)
          : [];
    const restaged = new Set(staged.map(nameOf));
    return [...own.filter((e) => !restaged.has(nameOf(e))), ...staged];
}

/** A new version's name, checked as a DNS label (its Service is `<app>-<version>`). */
export function checkVersion(version: string): string {
    try {
        return assertDnsLabel(version, "version");
    } catch (e) {
        if (e instanceof RioInputError) throw new RioInputError([], `stage: ${e.detail}`);
        throw e;
    }
}

/**
 * The content with `source`'s spec staged as `version` of its app, at weight 0. Keys that belong to the app, not
 * to a version (its extra hostnames), and the copy's own weight are not copied. As in Rio, when no other version
 * of the app receives traffic (each weighs 0), they are all given the full weight, so the app is still served.
 */
export function stageVersion(
    content: RiofileContent,
    source: ServiceName,
    version: string,
    changes: StageChanges,
    namespace: string,
): { content: RiofileContent; key: string; name: ServiceName } {
    checkVersion(version);
    const services = (content.services ?? {}) as Services;
    const from = serviceKey(content, source);
    if (from === undefined)
        throw new RioInputError(
            [],
            `stage: no service "${formatServiceName({ ...source, namespace: undefined })}" in namespace ${namespace} (services: ${Object.keys(services).join(", ") || "none"})`,
        );
    const { app } = identity(from, services[from]!);
    const name = { app, version };
    if (serviceKey(content, name) !== undefined)
        throw new RioInputError(
            [],
            `stage: ${formatServiceName(name)} exists already; rio weight or rio promote give it traffic, rio rm ${formatServiceName(name)} removes it`,
        );
    const { app: _app, version: _version, weight: _weight, hostnames: _hostnames, ...spec } = services[from]!;
    const env = mergeEnv(spec.env, changes.env);
    const staged = {
        ...spec,
        ...(changes.image !== undefined && { image: changes.image }),
        ...(env !== undefined && { env }),
        weight: 0,
    };
    // putService names it <app>-<version> (the app has a version already): another service may hold that name.
    const key = `${app}-${version}`;
    if (Object.hasOwn(services, key))
        throw new RioInputError(
            [],
            `stage: service "${key}", which ${formatServiceName(name)} would be, is another service; choose another version`,
        );
    const put = putService(content, name, staged);
    const others = appVersions(put.content, app).filter((v) => v.key !== put.key);
    if (others.every((v) => v.weight === 0)) {
        const next = { ...(put.content.services as Services) };
        for (const v of others) next[v.key] = { ...next[v.key]!, weight: 100 };
        return { content: { ...put.content, services: next }, key: put.key, name };
    }
    return { content: put.content, key: put.key, name };
}
