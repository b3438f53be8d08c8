/**
 * Loads stacks/index.ts the way `pulumi up` does for this project (Pulumi.yaml: runtime nodejs, typescript):
 * the TypeScript and ts-node that @pulumi/pulumi's run command picks, registered with the options it uses,
 * then the program required from source — here under the mock engine instead of a real one.
 * Run as a child process from the project root (ts-node's hook is process-wide).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

async function main(): Promise<void> {
    const root = process.cwd();
    // Mirrors node_modules/@pulumi/pulumi/cmd/run/run.js (CommonJS branch: the package is not "type": "module").
    const tsutils = require("@pulumi/pulumi/tsutils");
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
    require(tsnodeRequire).register({
        compiler: typescriptRequire,
        transpileOnly: compilerOptions.noCheck,
        project: "tsconfig.json",
        skipProject: false,
        compilerOptions: {
            target: "ES2020",
            module: "nodenext",
            moduleResolution: "nodenext",
            sourceMap: "true",
            ...compilerOptions,
        },
    });
    const types: string[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                types.push(`${args.type}::${args.name}`);
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => {
                throw new Error(`unmocked ${args.token}`);
            },
        },
        "rio",
        "local",
    );
    pulumi.runtime.setAllConfig({
        "rio:riofile": path.join(root, "examples/hello-world/Riofile"),
        "rio:namespace": "rio-local",
        "rio:system": JSON.stringify({ domain: "127.0.0.1.sslip.io" }),
    });
    const program = require(path.join(root, "stacks/index.ts"));
    const urls = await new Promise((resolve) => program.urls.apply(resolve));
    const rio = await new Promise((resolve) => program.rio.apply(resolve));
    process.stdout.write(
        JSON.stringify({
            typescript: require(typescriptRequire).version,
            tsnode: tsnodeRequire,
            urls,
            rio,
            types: types.sort(),
        }),
    );
}

main().catch((e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exitCode = 1;
});
