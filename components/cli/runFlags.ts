/**
 * `rio run`'s flags as a Riofile service, in Rio's grammar (`cli/cmd/create`, rio.md §1.1): the flags only name
 * Riofile keys, and the Riofile's own loader checks and normalizes the values, so `-p 80:8080/http` and
 * `ports: 80:8080/http` can never mean different things. Its errors come back naming the flag that set the key.
 */
import { RioInputError } from "../errors";
import { checkRiofile } from "../riofile/load";

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
}

/** What rio reads besides the flags (the environment and files), so the mapping stays a pure function in tests. */
export interface RunInputs {
    /** A variable of rio's environment (`-e NAME` and a bare `NAME` in an env file take its value, as in Rio). */
    lookupEnv(name: string): string | undefined;
    readFile(file: string): string;
}

/** Riofile keys and the flag (or argument) that sets each. */
const FLAG_OF: Record<string, string> = {
    image: "IMAGE",
    args: "ARGS",
    ports: "--ports",
    env: "--env",
    scale: "--scale",
    cpus: "--cpus",
    memory: "--memory",
    app: "--name",
    version: "--name",
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
 * The Riofile service `rio run [flags] IMAGE [ARGS…]` describes (its name and namespace come from `--name`). Trailing
 * arguments replace the image's command arguments (Kubernetes `args`), as in `docker run`; the entrypoint stays.
 */
export function runService(
    image: string,
    args: readonly string[],
    flags: RunFlags,
    inputs: RunInputs,
): Record<string, unknown> {
    const env = envOfFlags(flags, inputs);
    const scale = flags.scale?.trim();
    return {
        image,
        ...(args.length > 0 && { args: [...args] }),
        ...(flags.ports !== undefined && flags.ports.length > 0 && { ports: [...flags.ports] }),
        ...(env.length > 0 && { env }),
        // A count is a number in the Riofile; a range (1-10) stays Rio's string.
        ...(scale !== undefined && { scale: /^\d+$/.test(scale) ? Number(scale) : scale }),
        ...(flags.cpus !== undefined && { cpus: flags.cpus }),
        ...(flags.memory !== undefined && { memory: flags.memory }),
    };
}

/**
 * An error about a service's keys, as the user of a command sees it: the flag that set the key (`--ports: port
 * "abc" is not a number`), else the key where the stack's Riofile holds it.
 */
export function asRunFlagError(e: RioInputError, service: string): RioInputError {
    const [section, name, key] = e.path;
    if (section !== "services" || name !== service) return e;
    const flag = typeof key === "string" ? FLAG_OF[key] : key === undefined ? "--name" : undefined;
    if (flag === undefined) return e;
    return new RioInputError([], `${flag}: ${e.detail}`);
}

/** Checks one service alone as the Riofile loader would, its errors naming the flags; returns it. */
export function checkRunService(key: string, service: Record<string, unknown>): Record<string, unknown> {
    try {
        checkRiofile({ services: { [key]: service } }, "rio run");
    } catch (e) {
        if (e instanceof RioInputError) throw asRunFlagError(e, key);
        throw e;
    }
    return service;
}
