/**
 * Where the portable components deploy to — the gateway, the registry and the login to it — as the named
 * interfaces Pulumi's schema analyzer accepts. RioSystem's `ref` output has these shapes, so another language
 * passes `system.ref.gateway` straight on.
 */
import { GatewayImplementation, Scheme } from "./enums";

/** The Gateway routes attach to, and the cluster domain (RioSystem's `ref.gateway`). */
export interface Gateway {
    /** Gateway name. Default `rio-gateway`. */
    name?: string;
    /** Gateway namespace. Default `rio-system`. */
    namespace?: string;
    /** Cluster domain: apps are served at `<app>-<namespace>.<domain>`. Required to expose ports. */
    domain?: string;
    /** Scheme of the URLs handed out. Default `https`. */
    scheme?: Scheme;
    /** Listener (`sectionName`) routes attach to. Default: every listener. */
    listener?: string;
    /** The gateway's implementation. Default `traefik`. */
    implementation?: GatewayImplementation;
    /** Custom domains the gateway has listeners for (RioSystem's `domains`). Default: unknown (no check). */
    customDomains?: string[];
}

/** The registry served outside the cluster at `registry.<domain>` (never its password). */
export interface ExternalRegistry {
    /** `registry.<domain>`. */
    host: string;
    /** The user `docker login` takes. */
    username?: string;
}

/** RioSystem's registry (`ref.registry`): where builds push and nodes pull. */
export interface Registry {
    /** In-cluster push address. */
    push: string;
    /** Address nodes pull from. */
    pull: string;
    /** Where it is served outside the cluster, when it is. */
    external?: ExternalRegistry;
}

/** The login to RioSystem's registry at `registry.<domain>` (RioSystem's `registryCredentials` output). */
export interface RegistryCredentials {
    /** `registry.<domain>`. */
    address: string;
    /** The registry's user. */
    username: string;
    /** Its password. */
    password: string;
}

/** What RioService, RioRouter, Riofile and PreviewEnv need from RioSystem, in one value. */
export interface SystemRef {
    /** The Gateway and domain. */
    gateway: Gateway;
    /** The registry, with the build feature or local builds. */
    registry?: Registry;
    /** The cert-manager ClusterIssuer of the wildcard certificate. */
    issuer?: string;
}
