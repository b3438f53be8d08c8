/**
 * `rio install [--domain D] [--email E] [--disable-features a,b] [--settings FILE]` as RioSystem's settings (the
 * stack's `rio:system`). The flags are Rio's; `--settings` takes any other RioSystem setting from a YAML or JSON
 * file (`charts` and `crdBundles` for a mirror behind an air gap, `helmValues`, `gatewayImplementation`, …), the
 * flags winning. Running it again replaces the settings: what it is not given returns to its default.
 */
import { parse } from "yaml";
import { formatKeyPath, RioInputError } from "../errors";
import { FEATURES } from "../system/features";
import { checkSystemConfig, SystemConfig } from "../system/config";

export interface InstallFlags {
    domain?: string;
    email?: string;
    disableFeatures?: string[];
    settings?: string;
}

/**
 * Rio's feature names (rio.md §1.16) and what each is here: a feature of RioSystem's, or the reason there is
 * nothing to disable.
 */
const RIO_FEATURES: Record<string, { feature: string } | { none: string }> = {
    gloo: { feature: "gateway" },
    letsencrypt: { feature: "tls" },
    rdns: { none: "the domain defaults to <gateway address>.sslip.io without any service; give --domain for yours" },
    linkerd: { none: "pulumi-rio installs no service mesh" },
    smi: { none: "pulumi-rio installs no service mesh" },
    istio: { none: "pulumi-rio installs no service mesh" },
    ingress: { none: "routes are Gateway API HTTPRoutes on the gateway feature" },
};

/** The features `--disable-features` turns off, each once; Rio's names mapped, with a warning for each of those. */
export function disabledFeatures(list: readonly string[] | undefined): { features: string[]; warnings: string[] } {
    const features: string[] = [];
    const warnings: string[] = [];
    const names = (list ?? [])
        .flatMap((l) => l.split(","))
        .map((f) => f.trim())
        .filter((f) => f !== "");
    for (const name of names) {
        const rio = (FEATURES as readonly string[]).includes(name) ? undefined : RIO_FEATURES[name];
        if (rio && "none" in rio) warnings.push(`--disable-features ${name}: nothing to disable: ${rio.none}`);
        else if (rio) {
            warnings.push(`--disable-features ${name}: Rio's ${name} is the ${rio.feature} feature here`);
            features.push(rio.feature);
        } else features.push(name);
    }
    return { features: [...new Set(features)], warnings };
}

/** The `--settings` file's RioSystem settings, its errors naming the file and key. */
function readSettings(file: string, readFile: (f: string) => string): SystemConfig {
    let text: string;
    try {
        text = readFile(file);
    } catch (e) {
        throw new RioInputError(
            [],
            `--settings ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
        );
    }
    let value: unknown;
    try {
        value = parse(text);
    } catch (e) {
        throw new RioInputError([], `--settings ${file}: invalid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    if (value === null || value === undefined) return {};
    try {
        return checkSystemConfig(value);
    } catch (e) {
        if (!(e instanceof RioInputError)) throw e;
        throw settingsError(e, file);
    }
}

/** An error about `rio:system`'s keys, as about the settings file. */
function settingsError(e: RioInputError, file: string): RioInputError {
    const path = e.path[0] === "rio:system" ? e.path.slice(1) : e.path;
    return new RioInputError([], `--settings ${file}: ${path.length > 0 ? `${formatKeyPath(path)}: ` : ""}${e.detail}`);
}

/** RioSystem's settings from the flags and the settings file; `warnings` are Rio feature names that mean nothing here. */
export function installSettings(
    flags: InstallFlags,
    readFile: (f: string) => string,
): { system: SystemConfig; warnings: string[] } {
    const file = flags.settings !== undefined ? readSettings(flags.settings, readFile) : {};
    const { features, warnings } = disabledFeatures(flags.disableFeatures);
    const system: SystemConfig = {
        ...file,
        ...(flags.domain !== undefined && { domain: flags.domain }),
        ...(flags.email !== undefined && { email: flags.email }),
        ...((features.length > 0 || file.features !== undefined) && {
            features: { ...file.features, ...Object.fromEntries(features.map((f) => [f, false])) },
        }),
    };
    return { system, warnings };
}

/**
 * An error RioSystem's planner raised about the settings, as the user typed them: the flag (`--domain`,
 * `--disable-features`) or the settings file's key.
 */
export function asInstallError(e: RioInputError, flags: InstallFlags): RioInputError {
    if (e.location !== undefined) return e;
    const [head, ...rest] = e.path;
    const at = rest.length > 0 ? ` ${formatKeyPath(rest)}` : "";
    if (head === "domain" && flags.domain !== undefined) return new RioInputError([], `--domain: ${e.detail}`);
    if (head === "email" && flags.email !== undefined) return new RioInputError([], `--email: ${e.detail}`);
    if (head === "features" && flags.disableFeatures !== undefined)
        return new RioInputError([], `--disable-features${at}: ${e.detail.replace(/^unknown key/, "unknown feature")}`);
    if (flags.settings !== undefined && head !== undefined) return settingsError(e, flags.settings);
    return e;
}
