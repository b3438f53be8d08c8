/**
 * pulumi-rio: Rancher Rio's MicroPaaS experience as Pulumi components.
 *
 * The public API only; everything else is an implementation detail.
 */
export { RioService, RioServiceArgs } from "./service/rioService";
export { RioRouter, RioRouterArgs } from "./router/rioRouter";
export { PreviewEnv, PreviewEnvArgs } from "./preview/previewEnv";
export { RouterSpec } from "./router/spec";
export { ServiceSpec, DataMountSpec, PullPolicy, SidecarSpec } from "./service/spec";
export { Allowable, ALLOWABLE } from "./service/context";
export { VolumeSpec, VolumeTemplateSpec } from "./service/volumes";
export { PortSpec, PortProtocol } from "./service/ports";
export { Probe } from "./service/probes";
export { EnvInput } from "./service/env";
export { GatewayRef } from "./service/context";
export { Riofile, loadRiofile, parseRiofile } from "./riofile/load";
export { exportRiofile } from "./riofile/export";
export { BuildSecretInput } from "./build/credentials";
export { deployRiofile, DeployedRiofile, DeployOptions, DeployTarget } from "./riofile/deploy";
export { planRiofile, planObjects, RiofileTarget, RiofilePlan } from "./render/plan";
export { toYaml } from "./render/yaml";
export { KubeObject } from "./kube/object";
export { RioInputError, KeyPath, SourceLocation } from "./errors";
export { RioSystem, RioSystemArgs, CloudflareArgs, SystemRef, RegistryCredentials } from "./system/rioSystem";
export { CivoSettingsInput } from "./system/settings";
export { Feature, FEATURES } from "./system/features";
export { ChartKey } from "./system/charts";
