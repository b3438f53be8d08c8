import { z } from "zod";
import { RioInputError, under } from "../errors";
import { assertDnsSubdomain } from "../service/names";

/** Rio's ImageBuildSpec keys (`pkg/apis/rio.cattle.io/v1/image.go`) that a git build uses. */
export const buildSchema = z
    .object({
        repo: z.string().min(1),
        branch: z.string().min(1),
        revision: z.string().min(1),
        dockerfile: z.string().min(1),
        context: z.string().min(1),
        args: z.union([
            z.array(z.string()),
            z.record(z.union([z.string(), z.number(), z.boolean()]).transform(String)),
        ]),
        noCache: z.boolean(),
        timeout: z.union([z.number().int().min(1), z.string()]),
        imageName: z.string().min(1),
        pushRegistry: z.string().min(1),
        pushRegistrySecretName: z.string(),
        cloneSecretName: z.string(),
        tag: z.boolean(),
        onTag: z.boolean(),
        tagInclude: z.string(),
        tagExclude: z.string(),
        pr: z.boolean(),
        onPR: z.boolean(),
        // Rio's keys for its webhook-driven builds and staged revisions: refused with the reason when normalized.
        webhookSecretName: z.string(),
        stageOnly: z.boolean(),
    })
    .partial()
    .strict();
export type BuildSpec = z.infer<typeof buildSchema>;

/** A git build, checked: what the resolver and the Job planner consume. */
export interface NormalizedBuild {
    repo: string;
    /** Exactly one of these says what to build: a branch head, or a tag or commit. */
    ref:
        | { kind: "branch"; name?: string }
        | { kind: "revision"; name: string }
        /** Rio's tag builds: the newest tag matching `include` and not `exclude`. */
        | { kind: "latestTag"; include?: string; exclude?: string };
    dockerfile: string;
    context: string;
    args: Record<string, string>;
    noCache: boolean;
    timeoutSeconds: number;
    /** The repository `imageName` names (without its tag). Default `<namespace>/<workload>`. */
    imageName?: string;
    /** The tag `imageName` gives (`myname/image:tag`): pushed too, next to the commit's tag the workload runs. */
    imageTag?: string;
    pushRegistry?: string;
    pushRegistrySecretName?: string;
    cloneSecretName?: string;
}

/** A git remote Rio would clone: https/http/ssh/git URLs, `git@host:path`, and `file://` (local bare repositories). */
export const GIT_URL = /^(https?:\/\/|ssh:\/\/|git:\/\/|file:\/\/|git@[^:\s]+:)\S+$/;

/** Rio's `--build-timeout` default: 10 minutes. */
export const DEFAULT_BUILD_TIMEOUT = 600;

function timeoutSeconds(t: number | string | undefined): number {
    if (t === undefined) return DEFAULT_BUILD_TIMEOUT;
    if (typeof t === "number") return t;
    const m = /^(\d+)(s|m|h)?$/.exec(t.trim());
    if (!m) throw new RioInputError([], `"${t}" is not a timeout (seconds, or e.g. 10m, 1h)`);
    return Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * Rio's `imageName`: a repository path (`myname/image`, without the registry), with an optional `:tag`. Rio used a
 * name with a tag as it is; one without got the revision as its tag (`generateImageNamePath`).
 */
export function parseImageName(name: string): { imageName: string; imageTag?: string } {
    const colon = name.lastIndexOf(":");
    const [repository, tag] = colon > name.lastIndexOf("/") ? [name.slice(0, colon), name.slice(colon + 1)] : [name];
    if (!REPOSITORY.test(repository!) || (tag !== undefined && !TAG.test(tag)))
        throw new RioInputError(
            [],
            `"${name}" is not an image name: lowercase path parts (a-z, 0-9, and . _ - between them) separated by /, then an optional :tag`,
        );
    return { imageName: repository!, ...(tag !== undefined && { imageTag: tag }) };
}

function relativePath(p: string, what: string): string {
    const parts = p.split("/");
    if (p.startsWith("/") || parts.includes(".."))
        throw new RioInputError([], `${what} "${p}" must be a path inside the repository (relative, without '..')`);
    return parts.filter((x) => x !== "" && x !== ".").join("/") || ".";
}

/**
 * Checks a service's `build` (or a git URL given as `image`, as `rio run` took it): a git repository, what to
 * build of it (the remote's default branch unless `branch` or `revision` says), and how.
 */
export function normalizeBuild(input: BuildSpec): NormalizedBuild {
    const b = input;
    if (b.repo === undefined) {
        throw new RioInputError(
            ["repo"],
            "a local folder build (no repo) is not supported yet by pulumi-rio; give the git repository",
            undefined,
            true,
        );
    }
    if (!GIT_URL.test(b.repo)) {
        // Rio's walkthroughs write `git@github.com/org/repo`, which git reads as a local folder: say the fix.
        const scp = /^(git@[^:/\s]+)\/(\S+)$/.exec(b.repo);
        throw new RioInputError(
            ["repo"],
            `"${b.repo}" is not a git URL (https://…, ssh://…, git@host:path or file://…)${scp ? `; over SSH a colon follows the host: ${scp[1]}:${scp[2]}` : ""}`,
        );
    }
    if (b.webhookSecretName !== undefined) {
        throw new RioInputError(
            ["webhookSecretName"],
            "pulumi-rio takes no webhooks: every deployment is a pulumi up (the operator's resync or CI); for a private infrastructure repository give the token as RioSystem buildSecrets (githubWebhook) and continuousDeployment.gitAuthSecret",
            undefined,
            true,
        );
    }
    if (b.stageOnly)
        throw new RioInputError(
            ["stageOnly"],
            "is not supported: pulumi-rio makes no staged service per commit; pull requests get a PreviewEnv",
            undefined,
            true,
        );
    if (b.pr || b.onPR) {
        throw new RioInputError(
            [b.pr ? "pr" : "onPR"],
            "is not supported: a pull request gets a preview stack of its own (PreviewEnv; rio cd preview-workflow writes its GitHub workflow), so remove the key",
            undefined,
            true,
        );
    }
    if (b.tag !== undefined && b.onTag !== undefined)
        throw new RioInputError(["onTag"], 'sets the same thing as "tag"; keep one', undefined, true);
    const onTag = b.tag ?? b.onTag ?? false;
    if (!onTag && (b.tagInclude !== undefined || b.tagExclude !== undefined)) {
        throw new RioInputError(
            [b.tagInclude !== undefined ? "tagInclude" : "tagExclude"],
            "filters tags, so it needs tag: true",
            undefined,
            true,
        );
    }
    if (onTag && (b.branch !== undefined || b.revision !== undefined)) {
        throw new RioInputError(
            [b.branch !== undefined ? "branch" : "revision"],
            "a tag build follows tags, not a branch or revision",
            undefined,
            true,
        );
    }
    for (const key of ["tagInclude", "tagExclude"] as const) {
        const re = b[key];
        if (re !== undefined) {
            try {
                new RegExp(re);
            } catch (e) {
                throw new RioInputError([key], `"${re}" is not a valid regular expression: ${(e as Error).message}`);
            }
        }
    }
    const bad = (name: string) => /[\s~^:?*[\\]|\.\.|^-/.test(name);
    if (b.branch !== undefined && bad(b.branch))
        throw new RioInputError(["branch"], `"${b.branch}" is not a branch name`);
    if (b.revision !== undefined && bad(b.revision))
        throw new RioInputError(["revision"], `"${b.revision}" is not a tag or commit`);
    const context = under(["context"], () => relativePath(b.context ?? ".", "context"));
    const dockerfile = under(["dockerfile"], () => relativePath(b.dockerfile ?? "Dockerfile", "dockerfile"));
    const args = Array.isArray(b.args)
        ? Object.fromEntries(
              b.args.map((a, i) => {
                  const eq = a.indexOf("=");
                  if (eq <= 0) throw new RioInputError(["args", i], `"${a}" must be NAME=value`);
                  return [a.slice(0, eq), a.slice(eq + 1)];
              }),
          )
        : (b.args ?? {});
    for (const key of ["pushRegistrySecretName", "cloneSecretName"] as const) {
        if (b[key] !== undefined) under([key], () => assertDnsSubdomain(b[key]!, "Secret name"));
    }
    return {
        repo: b.repo,
        ref: onTag
            ? {
                  kind: "latestTag",
                  ...(b.tagInclude !== undefined && { include: b.tagInclude }),
                  ...(b.tagExclude !== undefined && { exclude: b.tagExclude }),
              }
            : b.revision !== undefined
              ? { kind: "revision", name: b.revision }
              : { kind: "branch", ...(b.branch !== undefined && { name: b.branch }) },
        dockerfile,
        context,
        args,
        noCache: b.noCache ?? false,
        timeoutSeconds: under(["timeout"], () => timeoutSeconds(b.timeout)),
        ...(b.imageName !== undefined && under(["imageName"], () => parseImageName(b.imageName!))),
        ...(b.pushRegistry !== undefined && { pushRegistry: b.pushRegistry }),
        ...(b.pushRegistrySecretName !== undefined && { pushRegistrySecretName: b.pushRegistrySecretName }),
        ...(b.cloneSecretName !== undefined && { cloneSecretName: b.cloneSecretName }),
    };
}
