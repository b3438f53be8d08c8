/**
 * `rio render`'s flags become the planners' arguments (`--domain` is `gateway.domain`, `--allow` is `allow`): an
 * error the planners raise about one of them is shown naming the flag the user typed, not the argument's path.
 */
import { formatKeyPath, KeyPath, RioInputError } from "../errors";

/** Argument paths (as {@link formatKeyPath} writes them) and the flag that sets each. */
const FLAG_OF: Record<string, string> = {
    namespace: "--namespace",
    allow: "--allow",
    "gateway.name": "--gateway",
    "gateway.namespace": "--gateway-namespace",
    "gateway.domain": "--domain",
    "gateway.scheme": "--scheme",
    "gateway.implementation": "--gateway-implementation",
    // --system: RioSystem's settings.
    domain: "--domain",
    email: "--email",
    gatewayImplementation: "--gateway-implementation",
};

/**
 * The flag an argument path comes from, and what is left of the path under it (a feature's name): the longest
 * prefix of `path` that a flag sets. `features.<name>` is `--enable` or `--disable`, whichever named it.
 */
export function flagOf(path: KeyPath, enabled: readonly string[] = []): { flag: string; rest: KeyPath } | undefined {
    if (path[0] === "features" && typeof path[1] === "string")
        return { flag: enabled.includes(path[1]) ? "--enable" : "--disable", rest: path.slice(1) };
    for (let n = Math.min(path.length, 2); n > 0; n--) {
        const flag = FLAG_OF[formatKeyPath(path.slice(0, n))];
        // An index under a list flag (allow[0]) is the flag's n-th value: the detail quotes it.
        if (flag) return { flag, rest: path.slice(n).filter((seg) => typeof seg !== "number") };
    }
    return undefined;
}

/**
 * `e` as the user should read it: about the flag that set the argument it names (`--domain: …`, `--enable buid:
 * unknown feature; …`). Errors with a location are about a file, not a flag, and stay as they are.
 */
export function asFlagError(e: RioInputError, enabled: readonly string[] = []): RioInputError {
    if (e.location !== undefined) return e;
    const found = flagOf(e.path, enabled);
    if (!found) return e;
    const value = found.rest.length > 0 ? ` ${found.rest.join(".")}` : "";
    const detail =
        found.flag === "--enable" || found.flag === "--disable"
            ? e.detail.replace(/^unknown key/, "unknown feature")
            : e.detail;
    return new RioInputError([], `${found.flag}${value}: ${detail}`);
}
