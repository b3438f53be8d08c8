import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * The project's own repository, as a preview needs it (only its builds follow the pull request's branch): the
 * `origin` remote of the git repository a Riofile file is in (in CI, what actions/checkout cloned). Undefined for
 * text that is not a file, outside a repository, without an origin, or without git.
 */
export function originRepository(riofileFile: string): string | undefined {
    if (!fs.existsSync(riofileFile)) return undefined;
    try {
        const url = execFileSync("git", ["remote", "get-url", "origin"], {
            cwd: path.dirname(path.resolve(riofileFile)),
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
            timeout: 10_000,
        }).trim();
        return url === "" ? undefined : url;
    } catch {
        return undefined;
    }
}
