/**
 * RioSystem's `buildSecrets` across the language boundary. An SDK sends a secret nested in a map as the whole
 * top-level input made secret, so kinds (which decide which Secrets exist) and values (secrets) are two keys: the
 * plain `buildSecrets` names and kinds, the secret `buildSecretValues` holds the credentials. Each credential
 * reaches the rich RioSystem as its own secret Output.
 */
import * as pulumi from "@pulumi/pulumi";
import { BuildSecretInput } from "../build/credentials";
import { BuildSecretKind } from "./enums";

/** A Secret builds and the continuous deployment use (Rio's `rio secret create`), named as RioSystem's key. */
export interface BuildSecret {
    /** Which of Rio's secret kinds. */
    kind: BuildSecretKind;
    /** The registry a `docker` secret logs into, e.g. `ghcr.io` (not a secret). */
    server?: string;
}

/** The credentials of one `buildSecrets` entry: the fields its kind takes. */
export interface BuildSecretValues {
    /** `gitBasicAuth`, `docker`. */
    username?: string;
    /** `gitBasicAuth` (a token), `docker`. */
    password?: string;
    /** `gitSshKeyAuth`: an unencrypted private key. */
    privateKey?: string;
    /** `gitSshKeyAuth`: the host keys the build accepts. */
    knownHosts?: string;
    /** `githubWebhook`. */
    token?: string;
}

/** The credentials each kind takes. */
export const SECRET_FIELDS: Record<BuildSecretKind, (keyof BuildSecretValues)[]> = {
    gitBasicAuth: ["username", "password"],
    gitSshKeyAuth: ["privateKey", "knownHosts"],
    docker: ["username", "password"],
    githubWebhook: ["token"],
};

/**
 * The rich `buildSecrets`: each entry's kind and server, and each credential an Output of `values` (secret when
 * `values` is). A credential missing from `values` fails the deployment naming its key.
 */
export function toBuildSecrets(
    component: string,
    kinds: Record<string, BuildSecret>,
    values: pulumi.Input<Record<string, BuildSecretValues>> | undefined,
): Record<string, BuildSecretInput> {
    const all = pulumi.output(values ?? {});
    const field = (name: string, key: keyof BuildSecretValues) =>
        all.apply((v) => {
            const value = v[name]?.[key];
            if (value === undefined || value === "")
                throw new pulumi.ResourceError(
                    `${component}: buildSecretValues.${name}.${key} is required (a ${kinds[name]!.kind} secret)`,
                    undefined,
                    true,
                );
            return value;
        });
    return Object.fromEntries(
        Object.entries(kinds).map(([name, { kind, server }]) => [
            name,
            {
                kind,
                ...(server !== undefined && { server }),
                ...Object.fromEntries((SECRET_FIELDS[kind] ?? []).map((key) => [key, field(name, key)])),
            } as BuildSecretInput,
        ]),
    );
}
