/** Rio's way of naming a service on the command line: `[namespace:]app[@version]` (rio.md §0). */
import { RioInputError } from "../errors";
import { assertDnsLabel, assertDnsSubdomain } from "../service/names";

export interface ServiceName {
    /** Given with `ns:`; otherwise the command's namespace. */
    namespace?: string;
    app: string;
    /** Given with `@version`; otherwise the app's unversioned service (version v0, as in Rio). */
    version?: string;
}

/** Parses `[ns:]app[@version]`; `what` names where it came from (`--name`, `scale`) in errors. */
export function parseServiceName(text: string, what: string): ServiceName {
    const m = /^(?:([^:@]*):)?([^:@]*)(?:@([^:@]*))?$/.exec(text);
    if (!m) throw new RioInputError([], `${what}: "${text}" is not [namespace:]name[@version]`);
    const [, namespace, app, version] = m;
    const label = (value: string, kind: string) => {
        try {
            return assertDnsLabel(value, kind);
        } catch (e) {
            if (e instanceof RioInputError) throw new RioInputError([], `${what}: ${e.detail}`);
            throw e;
        }
    };
    return {
        ...(namespace !== undefined && { namespace: label(namespace, "namespace") }),
        app: label(app!, "name"),
        ...(version !== undefined && { version: label(version, "version") }),
    };
}

/**
 * `[ns:]NAME` of an object whose name is a DNS subdomain (a config: `nginx.conf`), as the `app` of a ServiceName
 * so the commands that remove entries take it alike.
 */
export function parseObjectName(text: string, what: string): ServiceName {
    const colon = text.indexOf(":");
    const namespace = colon < 0 ? undefined : text.slice(0, colon);
    const name = colon < 0 ? text : text.slice(colon + 1);
    try {
        return {
            ...(namespace !== undefined && { namespace: assertDnsLabel(namespace, "namespace") }),
            app: assertDnsSubdomain(name, "name"),
        };
    } catch (e) {
        if (e instanceof RioInputError) throw new RioInputError([], `${what}: ${e.detail}`);
        throw e;
    }
}

/** `app`, `app@version` or `ns:app@version`, as Rio wrote names back. */
export function formatServiceName(name: ServiceName): string {
    return `${name.namespace !== undefined ? `${name.namespace}:` : ""}${name.app}${name.version !== undefined ? `@${name.version}` : ""}`;
}

const ADJECTIVES = [
    "brave",
    "calm",
    "eager",
    "fancy",
    "gentle",
    "happy",
    "jolly",
    "kind",
    "lively",
    "merry",
    "nice",
    "proud",
    "quick",
    "silly",
    "tidy",
    "witty",
];
const NOUNS = [
    "badger",
    "cobra",
    "dingo",
    "eagle",
    "ferret",
    "gecko",
    "heron",
    "ibis",
    "jackal",
    "koala",
    "lemur",
    "marten",
    "newt",
    "otter",
    "panda",
    "quail",
];

/** A name for a service run without `--name`, as Rio gave one: `adjective-animal` and digits, not among `taken`. */
export function randomName(taken: ReadonlySet<string>, random: () => number = Math.random): string {
    const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)]!;
    for (;;) {
        const name = `${pick(ADJECTIVES)}-${pick(NOUNS)}${Math.floor(random() * 10000)}`;
        if (!taken.has(name)) return name;
    }
}
