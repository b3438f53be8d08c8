/**
 * `rio run`'s flags as a Riofile service, in Rio's grammar (`cli/cmd/create`, rio.md §1.1): the flags only name
 * Riofile keys, and the Riofile's own loader checks and normalizes the values, so `-p 80:8080/http` and
 * `ports: 80:8080/http` can never mean different things. Its errors (and its warnings) come back naming the flag
 * that set the key.
 */
import { GIT_URL } from "../build/spec";
import { KeyPath, RioInputError } from "../errors";
import { checkRiofile } from "../riofile/load";
import { RioWarning } from "../riofile/warnings";
import { parseDuration } from "./duration";
import { REGISTRY } from "../system/registry";

/** The flags, as commander gives them. */
export interface RunFlags {
    ports?: string[];
    name?: string;
    scale?: string;
    env?: string[];
    envFile?: string[];
    cpus?: string;
    memory?: string;
    /** Rio's `--weight`: the version's share of its app's traffic, in percent (weights.ts, not a Riofile key). */
    weight?: string;
    // Rio's --build-* flags (rio.md §1.3): keys of the service's `build`, when IMAGE is a git repository.
    buildBranch?: string;
    buildDockerfile?: string;
    buildContext?: string;
    buildRevision?: string;
    buildWebhookSecret?: string;
    buildCloneSecret?: string;
    buildDockerPushSecret?: string;
    buildRegistry?: string;
    buildImageName?: string;
    buildPr?: boolean;
    buildTag?: boolean;
    buildTagInclude?: string;
    buildTagExclude?: string;
    /** A Go duration (`10m`, `1h30m`), as Rio's flag took it; the Riofile's `timeout` gets its whole seconds. */
    buildTimeout?: string;
    /**
     * Rio's `--template` and `--stage-only`: the Riofile's `template` (which the loader drops with a warning) and
     * `stageOnly` (which it refuses by name).
     */
    template?: boolean;
    stageOnly?: boolean;
}

/** What rio reads besides the flags (the environment and files), so the mapping stays a pure function in tests. */
export interface RunInputs {
    /** A variable of rio's environment (`-e NAME` and a bare `NAME` in an env file take its value, as in Rio). */
    lookupEnv(name: string): string | undefined;
    readFile(file: string): string;
}

/** Each `--build-*` flag's key in the service's `build` (Rio's `setBuildOrImage`, cli/cmd/create/build.go). */
const BUILD_KEYS = {
    buildBranch: ["branch", "--build-branch"],
    buildDockerfile: ["dockerfile", "--build-dockerfile"],
    buildContext: ["context", "--build-context"],
    buildRevision: ["revision", "--build-revision"],
    buildWebhookSecret: ["webhookSecretName", "--build-webhook-secret"],
    buildCloneSecret: ["cloneSecretName", "--build-clone-secret"],
    buildDockerPushSecret: ["pushRegistrySecretName", "--build-docker-push-secret"],
    buildRegistry: ["pushRegistry", "--build-registry"],
    buildImageName: ["imageName", "--build-image-name"],
    buildPr: ["pr", "--build-pr"],
    buildTag: ["tag", "--build-tag"],
    buildTagInclude: ["tagInclude", "--build-tag-include"],
    buildTagExclude: ["tagExclude", "--build-tag-exclude"],
    buildTimeout: ["timeout", "--build-timeout"],
} as const satisfies Record<keyof RunFlags & `build${string}`, readonly [string, string]>;

/** `build.<key>` and the flag that sets it; the repository is IMAGE. */
const BUILD_FLAG_OF: Record<string, string> = {
    repo: "IMAGE",
    ...Object.fromEntries(Object.values(BUILD_KEYS).map(([key, flag]) => [key, flag])),
};

/** Riofile keys and the flag (or argument) that sets each. */
const FLAG_OF: Record<string, string> = {
    image: "IMAGE",
    build: "IMAGE",
    args: "ARGS",
    ports: "--ports",
    env: "--env",
    scale: "--scale",
    cpus: "--cpus",
    memory: "--memory",
    app: "--name",
    version: "--name",
    template: "--template",
    stageOnly: "--stage-only",
};

/**
 * Docker's (and Rio's) env file: one `NAME=value` a line, the value as written; blank lines and lines starting with
 * `#` skipped; a bare `NAME` takes rio's own variable, or nothing when it is unset.
 */
export function parseEnvFile(text: string, file: string, lookupEnv: RunInputs["lookupEnv"]): string[] {
    const out: string[] = [];
    text.replace(/^\uFEFF/, "")
        .split(/\r?\n/)
        .forEach((raw, i) => {
            const line = raw.replace(/^\s+/, "");
            if (line === "" || line.startsWith("#")) return;
            const eq = line.indexOf("=");
            const name = eq < 0 ? line : line.slice(0, eq);
            if (name === "" || /\s/.test(name))
                throw new RioInputError([], `--env-file ${file}:${i + 1}: "${name}" is not a variable name`);
            if (eq >= 0) out.push(line);
            else {
                const value = lookupEnv(name);
                if (value !== undefined) out.push(`${name}=${value}`);
            }
        });
    return out;
}

/** `-e` values: `NAME=value` as given; a bare `NAME` takes rio's own variable, or is left out when it is unset. */
function envFlags(list: readonly string[], lookupEnv: RunInputs["lookupEnv"]): string[] {
    return list.flatMap((e) => {
        if (e.includes("=")) return [e];
        const value = lookupEnv(e);
        return value === undefined ? [] : [`${e}=${value}`];
    });
}

/** One entry per name, the last given winning at its first place (env files first, then each `-e`). */
function lastWins(entries: readonly string[]): string[] {
    const byName = new Map<string, string>();
    for (const e of entries) {
        const name = e.split("=", 1)[0]!;
        byName.delete(name);
        byName.set(name, e);
    }
    return [...byName.values()];
}

/** The `NAME=value` entries of `--env-file` and `-e` (rio run's, and rio stage's), the last given winning. */
export function envOfFlags(flags: Pick<RunFlags, "env" | "envFile">, inputs: RunInputs): string[] {
    return lastWins([
        ...(flags.envFile ?? []).flatMap((f) => {
            let text: string;
            try {
                text = inputs.readFile(f);
            } catch (e) {
                throw new RioInputError(
                    [],
                    `--env-file ${f}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
                );
            }
            return parseEnvFile(text, f, inputs.lookupEnv);
        }),
        ...envFlags(flags.env ?? [], inputs.lookupEnv),
    ]);
}

/**
 * Whether `rio run` builds IMAGE instead of running it: Rio's test (`services.IsRepo`: a name ending in `.git`, or
 * starting with `http:`, `https:` or `git@`), and the other git URLs the Riofile takes (`ssh://`, `git://`,
 * `file://`). A name Rio took for a repository that is none (`git@github.com/org/repo`, without the colon) is a
 * repository still, so the loader refuses it as a git URL instead of pulling an image of that name.
 */
export function isGitRepository(image: string): boolean {
    return /\.git$|^https?:|^git@/.test(image) || GIT_URL.test(image);
}

/** The `build` of a git IMAGE: the repository, and the Riofile key of each `--build-*` flag given. */
function buildOf(repo: string, flags: RunFlags): Record<string, unknown> {
    const build: Record<string, unknown> = { repo };
    for (const [flag, [key, name]] of Object.entries(BUILD_KEYS) as [keyof typeof BUILD_KEYS, [string, string]][]) {
        const value = flags[flag];
        if (value === undefined || value === false) continue;
        // Rio's flag is a Go duration, truncated to whole seconds (`int(timeout / time.Second)`); the key's
        // own range check (at least a second) stays the loader's.
        build[key] = flag === "buildTimeout" ? Math.floor(parseDuration(value as string, name)) : value;
    }
    return build;
}

/** A `--build-*` flag given with an image to run: Rio ignored it; here it is refused, naming the flag. */
function refuseBuildFlags(image: string, flags: RunFlags): void {
    const given = (Object.keys(BUILD_KEYS) as (keyof typeof BUILD_KEYS)[]).find(
        (f) => flags[f] !== undefined && flags[f] !== false,
    );
    if (given !== undefined)
        throw new RioInputError(
            [],
            `${BUILD_KEYS[given][1]}: IMAGE "${image}" is an image to run, not a git repository to build (https://…, http://…, git@host:path, ssh://…, or a name ending in .git)`,
        );
}

/** Where Rio's nodes pulled its registry; RioSystem's nodes pull it at `localhost:<nodePort>`. */
const RIO_REGISTRY = "localhost:5442/";

/**
 * IMAGE as RioSystem runs it: Rio's `localhost:5442/…` (what Rio's `rio build` printed, and the walkthrough runs)
 * names RioSystem's registry, at its own node-local address; the note says so. Any other image is as given.
 */
export function clusterRegistryImage(image: string): { image: string; note?: string } {
    if (!image.startsWith(RIO_REGISTRY)) return { image };
    const ours = `localhost:${REGISTRY.nodePort}/${image.slice(RIO_REGISTRY.length)}`;
    return { image: ours, note: `${image}: localhost:5442 is Rio's registry; RioSystem's is ${ours}` };
}

/**
 * The Riofile service `rio run [flags] IMAGE [ARGS…]` describes (its name and namespace come from `--name`). Trailing
 * arguments replace the image's command arguments (Kubernetes `args`), as in `docker run`; the entrypoint stays.
 * A git repository as IMAGE is the service's `build.repo` (built at its default branch's head unless
 * `--build-branch` or `--build-revision` says), with the `--build-*` flags as the build's other keys.
 */
export function runService(
    image: string,
    args: readonly string[],
    flags: RunFlags,
    inputs: RunInputs,
): Record<string, unknown> {
    const repository = isGitRepository(image);
    if (!repository) refuseBuildFlags(image, flags);
    const env = envOfFlags(flags, inputs);
    const scale = flags.scale?.trim();
    return {
        ...(repository ? { build: buildOf(image, flags) } : { image }),
        ...(args.length > 0 && { args: [...args] }),
        ...(flags.ports !== undefined && flags.ports.length > 0 && { ports: [...flags.ports] }),
        ...(env.length > 0 && { env }),
        // A count is a number in the Riofile; a range (1-10) stays Rio's string.
        ...(scale !== undefined && { scale: /^\d+$/.test(scale) ? Number(scale) : scale }),
        ...(flags.cpus !== undefined && { cpus: flags.cpus }),
        ...(flags.memory !== undefined && { memory: flags.memory }),
        // Rio's revision per commit: the loader drops template with a warning and refuses stageOnly by name, each
        // with the reason, so the flags and the Riofile keys cannot disagree.
        ...(flags.template === true && { template: true }),
        ...(flags.stageOnly === true && { stageOnly: true }),
    };
}

/**
 * An error about a service's keys, as the user of a command sees it: the flag that set the key (`--ports: port
 * "abc" is not a number`), else the key where the stack's Riofile holds it.
 */
export function asRunFlagError(e: RioInputError, service: string): RioInputError {
    const flag = flagOfPath(e.path, service);
    if (flag === undefined) return e;
    return new RioInputError([], `${flag}: ${e.detail}`);
}

/** The flag (or argument) that set the key at `path` of the service `service`, if one did. */
function flagOfPath(path: KeyPath, service: string): string | undefined {
    const [section, name, key, sub] = path;
    if (section !== "services" || name !== service) return undefined;
    if (key === undefined) return "--name";
    if (key === "build" && typeof sub === "string") return BUILD_FLAG_OF[sub];
    return typeof key === "string" ? FLAG_OF[key] : undefined;
}

/**
 * A warning of the loader about a key a flag set, as the user of `rio run` reads it: about the flag
 * (`--build-pr: is ignored: …`); a warning about another key reads as the loader wrote it.
 */
export function runFlagWarning(w: RioWarning, service: string): string {
    const flag = flagOfPath(w.path, service);
    return flag === undefined ? new RioInputError(w.path, w.detail).message : `${flag}: ${w.detail}`;
}

/**
 * Checks one service alone as the Riofile loader would, its errors naming the flags; returns it, and the
 * loader's warnings about it (a flag whose key pulumi-rio ignores, as it ignores that key in a Riofile).
 */
export function checkRunService(
    key: string,
    service: Record<string, unknown>,
): { service: Record<string, unknown>; warnings: string[] } {
    const warnings: RioWarning[] = [];
    try {
        checkRiofile({ services: { [key]: service } }, "rio run", warnings);
    } catch (e) {
        if (e instanceof RioInputError) throw asRunFlagError(e, key);
        throw e;
    }
    return { service, warnings: warnings.map((w) => runFlagWarning(w, key)) };
}
