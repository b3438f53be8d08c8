/**
 * pulumi-rio as another language's program gets it: the plugin executable linked into a bin folder (as npm links
 * a bin), its schema as the real CLI's `pulumi package get-schema` prints it, and an SDK generated from that
 * schema by pulumi-rio-sdkgen (Pulumi's own generators; see engines/sdkgen/main.go).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { engineBins } from "./engines";

const ROOT = path.resolve(__dirname, "../../..");
export const PLUGIN = "pulumi-resource-pulumi-rio";

/** A folder holding the plugin executable, as node_modules/.bin holds it after `npm install`. */
export function pluginBin(dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-plugin-bin-"))): string {
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(path.join(ROOT, "dist/components/portable/main.js"), path.join(dir, PLUGIN));
    return dir;
}

/** Runs a program to its end; its stdout, or an error holding its stderr. */
export function run(file: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
    return new Promise((resolve, reject) =>
        execFile(file, args, { ...opts, maxBuffer: 16 * 1024 * 1024 }, (err, out, stderr) =>
            err
                ? reject(new Error(`${path.basename(file)} ${args.join(" ")}: ${err.message}\n${stderr}`))
                : resolve(out),
        ),
    );
}

/**
 * `pulumi package get-schema` on the plugin executable in `bin`, run in `dir` with a home and a temporary folder
 * of its own there (an empty schema cache: the plugin analyzes the sources itself). Returns the schema's text.
 */
export function getSchema(bin: string, dir: string): Promise<string> {
    fs.mkdirSync(path.join(dir, "tmp"), { recursive: true });
    return run(engineBins().pulumi, ["package", "get-schema", path.join(bin, PLUGIN)], {
        cwd: dir,
        env: {
            PATH: process.env.PATH ?? "",
            HOME: dir,
            PULUMI_HOME: path.join(dir, "pulumi-home"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            TMPDIR: path.join(dir, "tmp"),
        },
    });
}

/** The SDK for `language` generated from the schema file into `out`; resolves to the generator's report. */
export function generateSdk(language: "python" | "go", schemaFile: string, out: string): Promise<string> {
    return run(engineBins()["pulumi-rio-sdkgen"]!, ["-schema", schemaFile, "-language", language, "-out", out], {
        cwd: path.dirname(schemaFile),
        env: { PATH: process.env.PATH ?? "" },
    });
}

/**
 * What the plugin constructs for a program's `RioService` "web" and `Riofile` "app" (one service, "hello"), as
 * URNs without their stack and project: the portable components with the TypeScript ones under them, their
 * objects, and the Riofile's namespace.
 */
export const CONSTRUCTED = [
    "pulumi-rio:index:RioService$pulumi-rio:index:RioService$kubernetes:apps/v1:Deployment::web",
    "pulumi-rio:index:RioService$pulumi-rio:index:RioService$kubernetes:core/v1:Service::web",
    "pulumi-rio:index:RioService$pulumi-rio:index:RioService$kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::web",
    "pulumi-rio:index:RioService$pulumi-rio:index:RioService::web",
    "pulumi-rio:index:RioService::web",
    "pulumi-rio:index:Riofile$kubernetes:core/v1:Namespace::app-namespace",
    "pulumi-rio:index:Riofile$pulumi-rio:index:RioService$kubernetes:apps/v1:Deployment::hello",
    "pulumi-rio:index:Riofile$pulumi-rio:index:RioService$kubernetes:core/v1:Service::hello",
    "pulumi-rio:index:Riofile$pulumi-rio:index:RioService$kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::hello",
    "pulumi-rio:index:Riofile$pulumi-rio:index:RioService::hello",
    "pulumi-rio:index:Riofile::app",
];
