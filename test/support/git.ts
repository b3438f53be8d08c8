/**
 * Real git for tests, isolated from the machine's git configuration: a user's `commit.gpgsign = true`, hooks
 * path, default branch or `url.*.insteadOf` must not change what a test does (or make it fail in their CI).
 */
import { execFileSync } from "node:child_process";

/** The environment every test's git runs with: no global or system config, a fixed identity. */
export const GIT_ENV: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "rio",
    GIT_AUTHOR_EMAIL: "rio@example.com",
    GIT_COMMITTER_NAME: "rio",
    GIT_COMMITTER_EMAIL: "rio@example.com",
};

/** Runs `git <args>` in `cwd` with {@link GIT_ENV}; returns its output, trimmed. */
export function git(cwd: string, ...args: string[]): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", env: GIT_ENV, stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Makes `dir` a git repository (branch `main`) with everything in it committed once; returns the commit. */
export function commitAll(dir: string, message = "first"): string {
    git(dir, "init", "--quiet", "--initial-branch=main");
    git(dir, "add", "-A");
    git(dir, "commit", "--quiet", "-m", message);
    return git(dir, "rev-parse", "HEAD");
}
