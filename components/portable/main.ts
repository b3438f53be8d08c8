#!/usr/bin/env node
/**
 * `pulumi-resource-pulumi-rio`: the plugin as an executable, which the Pulumi CLI runs like any provider binary
 * (`pulumi package get-schema <path to it>`) — no nodejs language host needed. Also the plugin folder's `main`,
 * which the nodejs language host runs for `pulumi package add <the provider folder>`.
 */
import { main } from "@pulumi/pulumi/provider";
import { PLUGIN_DIR, RioProvider, SCHEMA_SOURCES } from "./provider";
import { cachedSchema } from "./schemaCache";

void main(new RioProvider(PLUGIN_DIR, () => cachedSchema(PLUGIN_DIR, SCHEMA_SOURCES)), process.argv.slice(2));
