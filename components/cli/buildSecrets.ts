/**
 * The build secrets a rio stack keeps (`rio:buildSecrets`, from `rio secret create`), in the shape the project's
 * own program reads them: per Secret name its `kind` and a registry's `server` in the clear, every other field a
 * credential, which the stack file holds only encrypted and the program hands on only as a Pulumi secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { BuildSecretInput } from "../build/credentials";

/** Fields said in the clear: what the secret is, and which registry it logs into. */
export const PLAIN_FIELDS: readonly string[] = ["kind", "server"];

/** RioSystem's `buildSecrets` from the stack's: each credential a Pulumi secret, so no input holds it in the clear. */
export function buildSecretInputs(
    stored: Readonly<Record<string, Record<string, unknown>>>,
): Record<string, BuildSecretInput> {
    return Object.fromEntries(
        Object.entries(stored).map(([name, fields]) => [
            name,
            Object.fromEntries(
                Object.entries(fields).map(([k, v]) => [
                    k,
                    PLAIN_FIELDS.includes(k) || typeof v !== "string" ? v : pulumi.secret(v),
                ]),
            ) as unknown as BuildSecretInput,
        ]),
    );
}

/**
 * Whether a stored secret is mounted into builds (every kind but Rio's GitHub token, which the continuous
 * deployment reads): those need the build feature, which a stack then turns on as it does for a Riofile's build.
 */
export function needsBuild(stored: Readonly<Record<string, Record<string, unknown>>> | undefined): boolean {
    return Object.values(stored ?? {}).some((s) => s.kind !== "githubWebhook");
}
