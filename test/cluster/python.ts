/**
 * The cluster tier's Python: a virtual environment in the cache with test/cluster/python/requirements.txt (the
 * `pulumi` package from PyPI, every dependency pinned), made by `npm run engines` beside the Go engines. Its folder
 * is keyed by the requirements and the interpreter's version, so a change to either makes a new one.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CACHE, EngineError } from "./engines";

export const REQUIREMENTS = path.resolve(__dirname, "../../..", "test/cluster/python/requirements.txt");
const STAMP = ".complete";

function interpreter(): { bin: string; version: string } {
    for (const bin of ["python3", "python"]) {
        try {
            const version = execFileSync(bin, ["--version"], { encoding: "utf8" }).trim();
            return { bin, version };
        } catch {
            // try the next name
        }
    }
    throw new EngineError("python3 is not on PATH: the cluster tier's Python program needs Python ≥ 3.9 with venv");
}

/** The environment's folder for this interpreter and these requirements. */
function venvDir(version: string): string {
    const h = createHash("sha256").update(version).update(fs.readFileSync(REQUIREMENTS));
    return path.join(CACHE, "python", `venv-${h.digest("hex").slice(0, 12)}`);
}

/** The environment's python, or an error naming the command that makes it. */
export function pythonBin(): string {
    const dir = venvDir(interpreter().version);
    if (!fs.existsSync(path.join(dir, STAMP)))
        throw new EngineError(`the Python environment is not made (${dir}): run npm run engines`);
    return path.join(dir, "bin", "python");
}

/** Makes the environment if it is not complete; returns its python and what it did. */
export function makePython(): { python: string; version: string; seconds?: number } {
    const { bin, version } = interpreter();
    const dir = venvDir(version);
    const python = path.join(dir, "bin", "python");
    if (fs.existsSync(path.join(dir, STAMP))) return { python, version };
    const started = Date.now();
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    const run = (cmd: string, args: string[]) => {
        try {
            execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        } catch (e) {
            const err = e as { stderr?: string; stdout?: string; message: string };
            const tail = `${err.stdout ?? ""}${err.stderr ?? ""}`.trim().split("\n").slice(-10).join("\n");
            throw new EngineError(
                `${path.basename(cmd)} ${args.slice(0, 3).join(" ")} failed:\n${tail || err.message}`,
            );
        }
    };
    run(bin, ["-m", "venv", tmp]);
    // A venv's scripts hold its absolute path, so it is made in place of the final folder's name after the move:
    // pip runs as `python -m pip`, and the program too, which need no script.
    run(path.join(tmp, "bin", "python"), [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "-r",
        REQUIREMENTS,
    ]);
    fs.writeFileSync(path.join(tmp, STAMP), new Date().toISOString() + "\n");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    return { python, version, seconds: (Date.now() - started) / 1000 };
}
