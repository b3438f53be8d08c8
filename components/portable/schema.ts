/**
 * The plugin's schema: what Pulumi's own analyzer (`@pulumi/pulumi/provider/experimental`, the one
 * `componentProviderHost` runs) infers from the portable components' TypeScript types, plus what it leaves out —
 * the descriptions of object and enum types, and which properties are secrets, so that every language's SDK sends
 * them as secrets even when given in the clear, and the objects the plugin makes from them keep them encrypted.
 */
import { Analyzer, TypeDefinition } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema, PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import * as fs from "fs";
import * as path from "path";
import { COMPONENTS, PACKAGE } from "./components";

/** Secret properties by component, inputs and outputs alike (an SDK sends a nested secret as its whole input). */
export const SECRETS: Record<string, string[]> = {
    RioService: ["registryCredentials"],
    Riofile: ["registryCredentials"],
    PreviewEnv: ["registryCredentials"],
    RioSystem: ["kubeconfig", "cloudflareApiToken", "registryPassword", "buildSecretValues", "registryCredentials"],
};

/**
 * The Python SDK's package: `pulumi_rio`, as Pulumi's own packages are named (`pulumi_kubernetes`). Without it
 * Python's generator prefixes the package name with `pulumi_` once more (`pulumi_pulumi_rio`).
 */
export const PYTHON_PACKAGE = "pulumi_rio";

/**
 * The Go SDK's import path: its package `pulumirio` in a module `example.com/pulumi-rio/sdk/go` (a placeholder
 * until the package is published; `pulumi package add` links the generated module by a replace directive).
 */
export const GO_IMPORT_BASE = "example.com/pulumi-rio/sdk/go/pulumirio";

type Property = { type?: string; plain?: boolean; additionalProperties?: { $ref?: string; plain?: boolean } };

/** A map whose values are one of the package's object types (`apps: Record<string, ServiceSpec>`). */
export function isMapOfObjects(p: Property): boolean {
    return p.type === "object" && p.additionalProperties?.$ref?.startsWith("#/types/") === true;
}

/**
 * The input properties a program must give as values known when it runs (they decide which objects exist): the
 * analyzer's plain ones, and the maps of objects the schema gives as inputs for Go's sake (see enrichSchema).
 */
export function mustBeKnown(resource: { inputProperties?: Record<string, Property> }): string[] {
    return Object.entries(resource.inputProperties ?? {})
        .filter(([, p]) => p.plain === true || isMapOfObjects(p))
        .map(([k]) => k);
}

/**
 * The enrichment: type descriptions from the analyzer's type definitions, the secret flags, the Python and Go
 * names, and maps of objects as inputs: Pulumi's Go generator refers to the element's `…Args` type of a plain map
 * of objects without generating it when the type is used nowhere else (pulumi/pulumi#14662), so the Go SDK would
 * not compile. On the wire a plain value and a known input are the same; the provider still refuses an unknown one
 * there (provider.ts).
 */
export function enrichSchema(schema: PackageSpec, types: Record<string, TypeDefinition>): PackageSpec {
    // A JSON copy: the schema is sent as JSON, so keys the SDK sets to undefined (namespace) are not part of it.
    const out: PackageSpec = JSON.parse(JSON.stringify(schema));
    out.language = {
        ...out.language,
        python: { ...out.language?.python, packageName: PYTHON_PACKAGE },
        go: { ...out.language?.go, importBasePath: GO_IMPORT_BASE },
    };
    for (const resource of Object.values(out.resources))
        for (const p of Object.values(resource.inputProperties ?? {}) as Property[])
            if (isMapOfObjects(p)) {
                delete p.plain;
                delete p.additionalProperties!.plain;
            }
    for (const [name, def] of Object.entries(types)) {
        const type = out.types[`${PACKAGE}:index:${name}`];
        if (type && def.description) type.description = def.description;
    }
    for (const [component, keys] of Object.entries(SECRETS)) {
        const resource = out.resources[`${PACKAGE}:index:${component}`];
        if (!resource) throw new Error(`pulumi-rio: SECRETS names ${component}, which the schema lacks`);
        for (const key of keys) {
            const props = [resource.inputProperties?.[key], resource.properties?.[key]].filter((p) => p !== undefined);
            if (props.length === 0) throw new Error(`pulumi-rio: SECRETS names ${component}.${key}, which it lacks`);
            for (const p of props) (p as { secret?: boolean }).secret = true;
        }
    }
    return out;
}

/**
 * Runs the analyzer over the plugin folder `dir` (its package.json, tsconfig.json and index.ts) and returns the
 * schema. Slow (a TypeScript program over every component): see {@link cachedSchema}.
 */
export function analyzeSchema(dir: string): PackageSpec {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const analyzer = new Analyzer(dir, PACKAGE, manifest, new Set(Object.keys(COMPONENTS)));
    const { components, typeDefinitions, dependencies } = analyzer.analyze();
    const schema = generateSchema(
        PACKAGE,
        manifest.version,
        manifest.description,
        components,
        typeDefinitions,
        dependencies,
    );
    return enrichSchema(schema, typeDefinitions);
}
