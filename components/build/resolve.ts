import { execFileSync, ExecFileSyncOptionsWithStringEncoding } from "child_process";
import { RioInputError } from "../errors";
import { NormalizedBuild } from "./spec";

/** Answers "which commit is this ref of this remote now?" — real git by default, injectable for callers. */
export type CommitResolver = (repo: string, ref: NormalizedBuild["ref"]) => string;

const SHA = /^[0-9a-f]{40}$/;

/** Where `git ls-remote` over SSH gets its credentials: this machine's, never the cluster's clone secret. */
const SSH_HINT =
    "(over SSH, the program uses this machine's ssh: its agent or ~/.ssh keys, ~/.ssh/config and known_hosts)";

/**
 * Runs `git ls-remote` with the credentials of the machine running the program: git's credential helpers for
 * https, and for SSH the user's agent, keys, config and known_hosts — no key is ever written to disk here.
 */
function lsRemote(repo: string, args: string[]): string {
    try {
        const options: ExecFileSyncOptionsWithStringEncoding & { detached: boolean } = {
            encoding: "utf8",
            timeout: 30_000,
            // Never prompt for credentials: a private repository without them is an error, not a hang.
            env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "echo" },
            stdio: ["ignore", "pipe", "pipe"],
            // A session of its own has no terminal, so ssh cannot ask to trust an unknown host key or for a
            // passphrase either (Node's spawnSync honours `detached`; its typings only list it for spawn).
            detached: true,
        };
        return execFileSync("git", ["ls-remote", ...args, repo], options);
    } catch (e) {
        const err = e as { code?: string; stderr?: Buffer | string };
        if (err.code === "ENOENT")
            throw new RioInputError(["repo"], "resolving a branch needs git on this machine (not found on PATH)");
        // git's first "fatal:" line says what went wrong; the advice after it does not. Over SSH, ssh's own
        // complaint (host key, permission, connection) comes before git's generic "Could not read from remote".
        const lines = String(err.stderr ?? "")
            .split("\n")
            .map((l) => l.trim());
        const fatal = lines.findIndex((l) => l.startsWith("fatal:"));
        const ssh = isSsh(repo)
            ? lines.slice(0, Math.max(fatal, 0)).filter((l) => l !== "" && !l.startsWith("warning:"))
            : [];
        const reason =
            ssh.length > 0
                ? `${ssh.join(" ")} ${SSH_HINT}`
                : (lines[fatal] ?? lines.find((l) => l !== "") ?? "unreachable").replace(/^fatal:\s*/, "");
        throw new RioInputError(["repo"], `cannot read ${repo}: ${reason}`);
    }
}

const isSsh = (repo: string) => /^(ssh:\/\/|git@)/.test(repo);

/**
 * Resolves what to build to a commit with `git ls-remote`: the branch head (the remote's default branch when no
 * branch is named), or a tag (peeled to its commit), or a commit given in full (no network). Run when the
 * program runs, so `pulumi preview` shows a new build exactly when the branch has moved.
 */
export const gitResolver: CommitResolver = (repo, ref) => {
    if (ref.kind === "revision" && SHA.test(ref.name)) return ref.name;
    if (ref.kind === "branch") {
        const out = lsRemote(repo, ref.name === undefined ? ["--symref"] : ["--heads"]);
        const lines = out.split("\n").filter((l) => l.trim() !== "");
        if (ref.name === undefined) {
            const head = lines.find((l) => /\tHEAD$/.test(l) && SHA.test(l.split("\t")[0]!));
            if (!head) throw new RioInputError(["repo"], `${repo} has no default branch (HEAD); name a branch`);
            return head.split("\t")[0]!;
        }
        const line = lines.find((l) => l.endsWith(`\trefs/heads/${ref.name}`));
        if (!line) throw new RioInputError(["branch"], `branch "${ref.name}" does not exist on ${repo}`);
        return line.split("\t")[0]!;
    }
    const out = lsRemote(repo, ["--tags"]);
    const lines = out.split("\n");
    if (ref.kind === "latestTag") {
        const tags = tagCommits(lines).filter(
            ([tag]) =>
                (!ref.include || new RegExp(ref.include).test(tag)) &&
                (!ref.exclude || !new RegExp(ref.exclude).test(tag)),
        );
        if (tags.length === 0)
            throw new RioInputError(
                ref.include ? ["tagInclude"] : ["repo"],
                `${repo} has no tag matching${ref.include ? ` ${ref.include}` : ""}${ref.exclude ? ` (excluding ${ref.exclude})` : ""}`,
            );
        tags.sort(([a], [b]) => compareVersions(b, a));
        return tags[0]![1];
    }
    const peeled = lines.find((l) => l.endsWith(`\trefs/tags/${ref.name}^{}`));
    const plain = lines.find((l) => l.endsWith(`\trefs/tags/${ref.name}`));
    const line = peeled ?? plain;
    if (!line) {
        throw new RioInputError(
            ["revision"],
            `"${ref.name}" is neither a tag of ${repo} nor a full 40-character commit`,
        );
    }
    return line.split("\t")[0]!;
};

/** Tags and their commits from `ls-remote --tags` output (annotated tags peeled). */
function tagCommits(lines: string[]): [string, string][] {
    const commits = new Map<string, string>();
    for (const line of lines) {
        const [sha, ref] = line.split("\t");
        if (!sha || !ref?.startsWith("refs/tags/")) continue;
        const peeled = ref.endsWith("^{}");
        const tag = ref.slice("refs/tags/".length, peeled ? -3 : undefined);
        if (peeled || !commits.has(tag)) commits.set(tag, sha);
    }
    return [...commits.entries()];
}

/**
 * Orders tags as versions: numbers compare as numbers (`v1.10.0` after `v1.9.0`), and a pre-release suffix
 * (`v2.0.0-rc.1`) comes before its release. Git records no date for a tag that ls-remote shows, so "newest" is
 * the highest version, as Rio's tag builds meant.
 */
export function compareVersions(a: string, b: string): number {
    const split = (t: string) => {
        const [core, ...pre] = t.replace(/^v/, "").split("-");
        return { core: core!.split(/[._]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x)), pre: pre.join("-") };
    };
    const x = split(a);
    const y = split(b);
    for (let i = 0; i < Math.max(x.core.length, y.core.length); i++) {
        const p = x.core[i] ?? 0;
        const q = y.core[i] ?? 0;
        if (p === q) continue;
        if (typeof p === "number" && typeof q === "number") return p - q;
        return String(p) < String(q) ? -1 : 1;
    }
    if (x.pre === y.pre) return 0;
    if (x.pre === "") return 1;
    if (y.pre === "") return -1;
    return x.pre < y.pre ? -1 : 1;
}

/** Memoizes a resolver for one program run: every service building one branch builds one commit. */
export function cached(resolver: CommitResolver): CommitResolver {
    const seen = new Map<string, string>();
    return (repo, ref) => {
        const key = `${repo}\n${JSON.stringify(ref)}`;
        let sha = seen.get(key);
        if (sha === undefined) {
            sha = resolver(repo, ref);
            seen.set(key, sha);
        }
        return sha;
    };
}
