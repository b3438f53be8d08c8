/**
 * pulumi-rio's portable layer: the components every Pulumi language uses, through the schema Pulumi's analyzer
 * infers from these types (`pulumi-rio:index:<Component>`). Each maps its args onto the TypeScript component of
 * the same name and deploys through it.
 *
 * The order matters to the analyzer, which reads the files exported here one after the other and stops once it
 * has found every component: the type files come first, so that it has read their descriptions when it meets
 * their types. What these files import (the TypeScript components of the same names among it) it reads after.
 */
export * from "./enums";
export * from "./target";
export * from "./routes";
export * from "./probe";
export * from "./serviceKeys";
export { BuildSecret, BuildSecretValues } from "./buildSecrets";
export { RiofileSource } from "./source";
export { RioService } from "./rioService";
export { RioRouter, RioRouterArgs } from "./rioRouter";
export { Riofile, RiofileArgs } from "./riofile";
export { PreviewEnv, PreviewEnvArgs } from "./previewEnv";
export { RioSystem, RioSystemArgs } from "./rioSystem";
