/** The components the plugin serves, by the name in their type token `pulumi-rio:index:<name>`. */
import * as pulumi from "@pulumi/pulumi";
import { PreviewEnv } from "./previewEnv";
import { Riofile } from "./riofile";
import { RioRouter } from "./rioRouter";
import { RioService } from "./rioService";
import { RioSystem } from "./rioSystem";

/** The package name: the first part of every type token. */
export const PACKAGE = "pulumi-rio";

type ComponentClass = new (
    name: string,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- inputs arrive untyped from the engine
    args: any,
    opts?: pulumi.ComponentResourceOptions,
) => pulumi.ComponentResource;

/** Keyed by class name, which the analyzer names each component by. */
export const COMPONENTS: Record<string, ComponentClass> = { RioService, RioRouter, Riofile, PreviewEnv, RioSystem };
