import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import dockerignore from "@balena/dockerignore";
import { RioInputError, under } from "../errors";
import { BuildSpec, parseImageName } from "./spec";

/**
 * A local-folder build (Rio's `image: ./dir`, or `build` without `repo`): the folder is the build context, built on
 * the machine running `pulumi up` by @pulumi/docker-build and pushed to RioSystem's registry (served at
 * `registry.<domain>`) or to `pushRegistry`.
 */
export interface LocalBuild {
    /** The folder, as written (relative to the Riofile's folder, or to the program's for RioService). */
    context: string;
    /** The Dockerfile, relative to the context. Default `Dockerfile`. */
    dockerfile: string;
    args: Record<string, string>;
    noCache: boolean;
    /** The repository `imageName` names (without its tag). Default `<namespace>/<workload>`. */
    imageName?: string;
    /** The tag `imageName` gives: pushed too, next to the content tag the workload runs. */
    imageTag?: string;
    pushRegistry?: string;
    declaredAt: "image" | "build";
}

/** Rio's `image` forms that name a folder: `./`, `../x`, `/abs`. */
export const LOCAL_PATH = /^(\.{1,2}(\/|$)|\/)/;

/** The git-only keys of `build`, refused on a folder build by name. */
const GIT_ONLY = [
    "branch",
    "revision",
    "tag",
    "onTag",
    "tagInclude",
    "tagExclude",
    "pr",
    "onPR",
    "cloneSecretName",
    "timeout",
    "pushRegistrySecretName",
] as const;

/** Checks a folder build from `image: ./dir` or from `build` without `repo`. */
export function normalizeLocalBuild(input: BuildSpec, declaredAt: LocalBuild["declaredAt"]): LocalBuild {
    for (const key of GIT_ONLY) {
        if (input[key] !== undefined) {
            const why =
                key === "timeout" || key === "pushRegistrySecretName"
                    ? "applies to in-cluster builds"
                    : "applies to git builds";
            throw new RioInputError([key], `${why}; this build is of a local folder (no repo)`, undefined, true);
        }
    }
    const dockerfile = input.dockerfile ?? "Dockerfile";
    const parts = dockerfile.split("/");
    if (path.posix.isAbsolute(dockerfile) || parts.includes("..")) {
        throw new RioInputError(
            ["dockerfile"],
            `"${dockerfile}" is outside the build context; give a path inside the folder`,
        );
    }
    const args = Array.isArray(input.args)
        ? Object.fromEntries(
              input.args.map((a, i) => {
                  const eq = a.indexOf("=");
                  if (eq <= 0) throw new RioInputError(["args", i], `"${a}" must be NAME=value`);
                  return [a.slice(0, eq), a.slice(eq + 1)];
              }),
          )
        : ((input.args as Record<string, string> | undefined) ?? {});
    return {
        context: input.context ?? ".",
        dockerfile: parts.filter((p) => p !== "" && p !== ".").join("/"),
        args,
        noCache: input.noCache ?? false,
        ...(input.imageName !== undefined && under(["imageName"], () => parseImageName(input.imageName!))),
        ...(input.pushRegistry !== undefined && { pushRegistry: input.pushRegistry }),
        declaredAt,
    };
}

/** The folder's files as the build sees them: every file not excluded by its `.dockerignore`, sorted. */
export function contextFiles(dir: string): string[] {
    const ignoreFile = path.join(dir, ".dockerignore");
    const ig = dockerignore();
    if (fs.existsSync(ignoreFile)) ig.add(fs.readFileSync(ignoreFile, "utf8").split(/\r?\n/));
    const out: string[] = [];
    const walk = (rel: string) => {
        for (const entry of fs
            .readdirSync(path.join(dir, rel), { withFileTypes: true })
            .sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
            if (ig.ignores(child)) continue;
            if (entry.isDirectory()) walk(child);
            else out.push(child);
        }
    };
    walk("");
    return out;
}

const digests = new Map<string, string>();

/**
 * The content tag of a folder build: a hash of every file the build sees (names, modes and bytes), the Dockerfile
 * and the build args. An unchanged folder gives the same tag, so `pulumi up` has nothing to roll; any change a
 * build could see gives a new one. Memoized per process (a RioService with Output args plans twice).
 */
export function contentTag(dir: string, b: Pick<LocalBuild, "dockerfile" | "args">): string {
    const key = JSON.stringify([dir, b.dockerfile, b.args]);
    const known = digests.get(key);
    if (known) return known;
    const h = createHash("sha256");
    h.update(JSON.stringify({ dockerfile: b.dockerfile, args: b.args }));
    for (const file of contextFiles(dir)) {
        const full = path.join(dir, file);
        const stat = fs.lstatSync(full);
        h.update(`\0${file}\0${stat.mode & 0o111 ? "x" : "-"}\0`);
        h.update(stat.isSymbolicLink() ? `link:${fs.readlinkSync(full)}` : fs.readFileSync(full));
    }
    const tag = `dir-${h.digest("hex").slice(0, 16)}`;
    digests.set(key, tag);
    return tag;
}

/** What RioService hands to @pulumi/docker-build: a build of the folder, pushed under one tag. */
export interface LocalImage {
    /** The folder, relative to the program's working directory (absolute paths would differ from machine to machine). */
    context: string;
    dockerfile: string;
    /** The reference pushed (the registry's external address, or `pushRegistry`), which the workload runs. */
    push: string;
    /** Every reference pushed: `push`, and the one `imageName` names when it has a tag. */
    tags: string[];
    /** The layer cache, next to the image. */
    cache: string;
    args: Record<string, string>;
    noCache: boolean;
    /** The registry to log in to, when it is RioSystem's (credentials come from RioSystem's `registryCredentials`). */
    registry?: string;
}

/** Where a folder build pushes: RioSystem's registry at `registry.<domain>`, or `pushRegistry`. */
export interface LocalRegistry {
    /** The address nodes pull from (RioSystem's node-local address). */
    pull: string;
    /** RioSystem's registry as served through the gateway, when it is. */
    external?: { host: string };
}

/** The folder a folder build builds, checked: it exists and has its Dockerfile. Errors name `image` or `build.*`. */
export function buildFolder(b: LocalBuild, baseDir: string): string {
    const dir = path.resolve(baseDir, b.context);
    under(b.declaredAt === "image" ? ["image"] : ["build", "context"], () => {
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
            throw new RioInputError([], `the folder ${dir} does not exist`);
    });
    const dockerfile = path.join(dir, b.dockerfile);
    if (!fs.existsSync(dockerfile) || !fs.statSync(dockerfile).isFile()) {
        throw new RioInputError(
            b.declaredAt === "image" ? ["image"] : ["build", "dockerfile"],
            `the folder ${dir} has no ${b.dockerfile} to build`,
        );
    }
    return dir;
}

/**
 * Plans a folder build: checks the folder and its Dockerfile, derives the content tag, and gives the image the
 * workload runs (pulled node-locally from RioSystem's registry, or from `pushRegistry`). `baseDir` is where a
 * relative folder is found (the Riofile's folder, or the program's).
 */
export function planLocalImage(
    b: LocalBuild,
    baseDir: string,
    repository: string,
    registry: LocalRegistry,
): { image: LocalImage; pull: string } {
    const at = b.declaredAt === "image" ? ["image"] : ["build", "context"];
    const dir = buildFolder(b, baseDir);
    const dockerfile = path.join(dir, b.dockerfile);
    const name = b.imageName ?? repository;
    const tag = contentTag(dir, b);
    const pushHost = b.pushRegistry ?? registry.external?.host;
    if (pushHost === undefined) {
        throw new RioInputError(
            at,
            "a local folder is built on this machine and pushed to a registry it can reach: expose RioSystem's registry (registryExposed, served at registry.<domain>) or give build.pushRegistry",
        );
    }
    const relative = (p: string) => path.relative(process.cwd(), p) || ".";
    return {
        image: {
            context: relative(dir),
            dockerfile: relative(dockerfile),
            push: `${pushHost}/${name}:${tag}`,
            tags: [
                `${pushHost}/${name}:${tag}`,
                ...(b.imageTag !== undefined ? [`${pushHost}/${name}:${b.imageTag}`] : []),
            ],
            cache: `${pushHost}/${name}:buildcache`,
            args: b.args,
            noCache: b.noCache,
            ...(b.pushRegistry === undefined && { registry: pushHost }),
        },
        // Nodes pull RioSystem's registry node-locally, exactly as for in-cluster builds.
        pull: `${b.pushRegistry ?? registry.pull}/${name}:${tag}`,
    };
}
