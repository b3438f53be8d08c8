/**
 * The pulumi-rio plugin: a Pulumi resource provider that constructs the portable components for programs in any
 * language — what `componentProviderHost` does, serving the enriched schema of schema.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConstructResult, Provider } from "@pulumi/pulumi/provider";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import * as fs from "fs";
import * as path from "path";
import { RioInputError } from "../errors";
import { checked } from "../kube/userError";
import { COMPONENTS, PACKAGE } from "./components";
import { mustBeKnown, SECRETS } from "./schema";

export class RioProvider implements Provider {
    readonly version: string;
    private analyzed?: PackageSpec;

    /**
     * @param dir the plugin folder (its package.json gives the version).
     * @param load the schema (schemaCache.ts's `cachedSchema` in the plugin), asked for once, when first needed.
     */
    constructor(
        dir: string,
        private readonly load: () => PackageSpec,
    ) {
        this.version = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
    }

    private spec(): PackageSpec {
        this.analyzed ??= this.load();
        return this.analyzed;
    }

    async getSchema(): Promise<string> {
        return JSON.stringify(this.spec());
    }

    /** Constructs the component, and returns its outputs (the schema's properties) as the state. */
    async construct(
        name: string,
        type: string,
        inputs: pulumi.Inputs,
        options: pulumi.ComponentResourceOptions,
    ): Promise<ConstructResult> {
        ComponentProvider.validateResourceType(PACKAGE, type);
        const component = COMPONENTS[type.split(":")[2]!];
        const resource = this.spec().resources[type];
        if (!component || !resource) throw new Error(`pulumi-rio has no component ${type}`);
        const kind = type.split(":")[2]!;
        checked(kind, name, () => refuseOutputs(inputs, mustBeKnown(resource), SECRETS[kind] ?? []));
        const instance = new component(name, inputs, options);
        const outputs = instance as unknown as Record<string, pulumi.Input<unknown>>;
        return {
            urn: instance.urn,
            state: Object.fromEntries(Object.keys(resource.properties ?? {}).map((k) => [k, outputs[k]])),
        };
    }
}

/**
 * Refuses another resource's output (or an unknown) where the component needs a value it knows when the program
 * runs: such a key decides which objects exist, so it must be the same in preview and update. A program sends a
 * value given as is in the clear; the engine hands the provider an output only for dependencies, secrets and
 * unknowns, and secret keys are the component's to unwrap.
 */
export function refuseOutputs(inputs: pulumi.Inputs, keys: readonly string[], secrets: readonly string[]): void {
    for (const key of keys)
        if (!secrets.includes(key) && pulumi.Output.isInstance(inputs[key]))
            throw new RioInputError(
                [key],
                "must be a value the program knows when it runs, not another resource's output: it decides which objects exist",
            );
}

/** The plugin folder of this checkout (the analyzer reads TypeScript sources, so the plugin runs from a checkout). */
export const PLUGIN_DIR = path.resolve(__dirname, "../../../components/portable/plugin");

/** What the schema is inferred from: the components' sources (the plugin folder among them) and the compiler settings. */
export const SCHEMA_SOURCES = [
    path.resolve(__dirname, "../../../components"),
    path.resolve(__dirname, "../../../tsconfig.json"),
];
