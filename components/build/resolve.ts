import { execFileSync } from "child_process";
import { RioInputError } from "../errors";
import { NormalizedBuild } from "./spec";

/** Answers "which commit is this ref of this remote now?" — real git by default, injectable for callers. */
export type CommitResolver = (repo: string, ref: NormalizedBuild["ref"]) => string;

const SHA = /^[0-9a-f]{40}$/;

function lsRemote(repo: string, args: string[]): string {
    try {
        return execFileSync("git", ["ls-remote", ...args, repo], {
            encoding: "utf8",
            timeout: 30_000,
            // Never prompt for credentials: a private repository without them is an error, not a hang.
            env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "echo" },
            stdio: ["ignore", "pipe", "pipe"],
        });
    } catch (e) {
        const err = e as { code?: string; stderr?: Buffer | string };
        if (err.code === "ENOENT") throw new RioInputError(["repo"], "resolving a branch needs git on this machine (not found on PATH)");
        // git's first "fatal:" line says what went wrong; the advice after it does not.
        const lines = String(err.stderr ?? "").split("\n").map((l) => l.trim());
        const reason = (lines.find((l) => l.startsWith("fatal:")) ?? lines.find((l) => l !== "") ?? "unreachable").replace(/^fatal:\s*/, "");
        throw new RioInputError(["repo"], `cannot read ${repo}: ${reason}`);
    }
}

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
    const peeled = lines.find((l) => l.endsWith(`\trefs/tags/${ref.name}^{}`));
    const plain = lines.find((l) => l.endsWith(`\trefs/tags/${ref.name}`));
    const line = peeled ?? plain;
    if (!line) {
        throw new RioInputError(["revision"], `"${ref.name}" is neither a tag of ${repo} nor a full 40-character commit`);
    }
    return line.split("\t")[0]!;
};

/** Memoizes a resolver for one program run: every service building one branch builds one commit. */
export function cached(resolver: CommitResolver): CommitResolver {
    const seen = new Map<string, string>();
    return (repo, ref) => {
        const key = `${repo}\n${ref.kind}\n${ref.kind === "branch" ? (ref.name ?? "") : ref.name}`;
        let sha = seen.get(key);
        if (sha === undefined) {
            sha = resolver(repo, ref);
            seen.set(key, sha);
        }
        return sha;
    };
}
