/**
 * The analyzer takes seconds (a TypeScript program over every component and its dependencies' types), and the
 * plugin is started for every `pulumi package get-schema`, and by YAML programs on every preview and update. The
 * schema is therefore kept in the temporary directory under a hash of everything it is inferred from: the source
 * files and the SDK's version. A changed file is a new hash, so a stale schema is never served.
 */
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import { version as sdkVersion } from "@pulumi/pulumi/version";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { analyzeSchema } from "./schema";

const SOURCES = /\.(ts|json|ya?ml)$/;

/** Every source file under `roots` (not node_modules or dist), sorted, so the hash does not depend on listing order. */
function sourceFiles(roots: readonly string[]): string[] {
    const walk = (p: string): string[] => {
        const stat = fs.statSync(p);
        if (!stat.isDirectory()) return [p];
        return fs
            .readdirSync(p)
            .filter((e) => e !== "node_modules" && e !== "dist")
            .flatMap((e) => walk(path.join(p, e)))
            .filter((f) => SOURCES.test(f));
    };
    return roots.flatMap(walk).sort();
}

/** A hash of the files' paths and contents, and of the analyzer's SDK version. */
export function sourceHash(roots: readonly string[]): string {
    const hash = createHash("sha256");
    hash.update(`@pulumi/pulumi ${sdkVersion}\n`);
    for (const file of sourceFiles(roots)) hash.update(`${file}\n`).update(fs.readFileSync(file)).update("\n");
    return hash.digest("hex").slice(0, 16);
}

/**
 * The schema of the plugin folder `dir`, inferred from the files under `roots`: read from `cacheDir` when their
 * hash is there, else analyzed (by `analyze`) and written there (a cache that cannot be written is only slower).
 */
export function cachedSchema(
    dir: string,
    roots: readonly string[],
    cacheDir: string = os.tmpdir(),
    analyze: (dir: string) => PackageSpec = analyzeSchema,
): PackageSpec {
    const file = path.join(cacheDir, `pulumi-rio-schema-${sourceHash(roots)}.json`);
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        const schema = analyze(dir);
        try {
            // Written under another name first, then renamed: a concurrent reader never sees half a file.
            const partial = `${file}.${process.pid}`;
            fs.writeFileSync(partial, JSON.stringify(schema));
            fs.renameSync(partial, file);
        } catch {
            // Read-only or full: serve the schema anyway.
        }
        return schema;
    }
}
