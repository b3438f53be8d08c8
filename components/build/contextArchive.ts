import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { pack } from "tar-stream";
import { contextFiles } from "./local";

/** A folder build's context as the cluster's BuildKit receives it: one tar archive, and its digest. */
export interface ContextArchive {
    tar: Buffer;
    /** `sha256:<hex>` of the archive: the registry blob's name. */
    digest: string;
    /** The files in it, in order. */
    files: string[];
}

/**
 * The folder's files as a reproducible tar: the files the build sees (its `.dockerignore` applied, the same list as
 * the content tag hashes), sorted, owned by 0:0, dated at the epoch, mode 0644 or 0755 as the file is executable,
 * symbolic links kept as links. The same folder gives the same bytes on any machine, so an unchanged folder is one
 * blob in the registry, uploaded once. Directories are not entries: extracting creates them.
 */
export async function packContext(dir: string): Promise<ContextArchive> {
    const files = contextFiles(dir);
    const archive = pack();
    const chunks: Buffer[] = [];
    archive.on("data", (chunk) => chunks.push(chunk as Buffer));
    const ended = new Promise<void>((resolve, reject) => {
        archive.on("end", () => resolve());
        archive.on("error", reject);
    });
    const common = { uid: 0, gid: 0, uname: "", gname: "", mtime: new Date(0) };
    for (const name of files) {
        const full = path.join(dir, name);
        const stat = fs.lstatSync(full);
        await new Promise<void>((resolve, reject) => {
            const done = (err?: Error | null) => (err ? reject(err) : resolve());
            if (stat.isSymbolicLink())
                archive.entry({ ...common, name, type: "symlink", linkname: fs.readlinkSync(full), mode: 0o777 }, done);
            else
                archive.entry(
                    { ...common, name, type: "file", mode: stat.mode & 0o111 ? 0o755 : 0o644 },
                    fs.readFileSync(full),
                    done,
                );
        });
    }
    archive.finalize();
    await ended;
    const tar = Buffer.concat(chunks);
    return { tar, digest: `sha256:${createHash("sha256").update(tar).digest("hex")}`, files };
}
