import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KeyPath, RioInputError, under } from "../errors";
import { unknownKey } from "../service/keys";
import { assertDnsSubdomain } from "../service/names";
import { BUILDER } from "../system/builder";
import { systemLabels } from "../system/gateway";

/**
 * Rio's secret kinds (`rio secret create --git-basic-auth | --git-sshkey-auth | --docker | --github-webhook`), as
 * Pulumi resources. Every value is a Pulumi secret; each Secret is named as you name it in RioSystem's
 * `buildSecrets`, so a build's `cloneSecretName` / `pushRegistrySecretName` refer to it.
 */
export type BuildSecretInput =
    /** Git over https: a `kubernetes.io/basic-auth` Secret; the build uses `password` (a token) as BuildKit's GIT_AUTH_TOKEN. */
    | { kind: "gitBasicAuth"; username: pulumi.Input<string>; password: pulumi.Input<string> }
    /**
     * Git over SSH: a `kubernetes.io/ssh-auth` Secret with `ssh-privatekey` (unencrypted, OpenSSH or PEM) and
     * `known_hosts` — required: the host keys the build accepts (`ssh-keyscan github.com`, checked against the
     * host's published fingerprints), so a build talks to that host and no other.
     */
    | { kind: "gitSshKeyAuth"; privateKey: pulumi.Input<string>; knownHosts: pulumi.Input<string> }
    /** A registry a build pushes to (`pushRegistrySecretName`): a `kubernetes.io/dockerconfigjson` Secret for `server` (e.g. `ghcr.io`). */
    | { kind: "docker"; server: string; username: pulumi.Input<string>; password: pulumi.Input<string> }
    /**
     * Rio's GitHub token (its webhook secret, key `accessToken`): in pulumi-rio the continuous deployment's git
     * token for a private infrastructure repository — name it in `continuousDeployment.gitAuthSecret`.
     */
    | { kind: "githubWebhook"; token: pulumi.Input<string> };

export type BuildSecretKind = BuildSecretInput["kind"];

/** Per kind: the Secret's type, where it lives, and the inputs it takes (every one required). */
const KINDS: Record<BuildSecretKind, { type: string; where: "builder" | "system"; fields: string[] }> = {
    gitBasicAuth: { type: "kubernetes.io/basic-auth", where: "builder", fields: ["username", "password"] },
    gitSshKeyAuth: { type: "kubernetes.io/ssh-auth", where: "builder", fields: ["privateKey", "knownHosts"] },
    docker: { type: "kubernetes.io/dockerconfigjson", where: "builder", fields: ["server", "username", "password"] },
    githubWebhook: { type: "Opaque", where: "system", fields: ["token"] },
};
export const BUILD_SECRET_KINDS = Object.keys(KINDS) as BuildSecretKind[];

/** A checked `buildSecrets` entry: which Secret to create where. Its values stay in the args, as secrets. */
export interface BuildSecretPlan {
    name: string;
    kind: BuildSecretKind;
    namespace: string;
    type: string;
    /** The registry a `docker` secret logs into, as docker's config keys it. */
    server?: string;
}

export interface BuildSecretContext {
    /** The build feature is on: the builder namespace exists. */
    build: boolean;
    /** RioSystem's namespace (where the continuous deployment's Stack runs). */
    systemNamespace: string;
    /** `continuousDeployment.gitAuthSecret`, when the feature is on. */
    gitAuthSecret?: string;
}

/** Secrets RioSystem itself writes in its namespace: a `githubWebhook` entry may not take their names. */
const SYSTEM_SECRETS = ["rio-registry-htpasswd", "rio-cloudflare-api-token", "rio-wildcard-tls", "rio-ca-tls"];

/** Docker Hub's names, and the key docker's config knows it by. */
const DOCKER_HUB = ["docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"];
const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

function required(entry: Record<string, unknown>, field: string, path: KeyPath): void {
    const v = entry[field];
    if (v === undefined || v === null || v === "") throw new RioInputError([...path, field], "is required");
    if (typeof v !== "string" && typeof v !== "object")
        throw new RioInputError([...path, field], `must be a string (a Pulumi secret), not ${typeof v}`);
}

/** A plain `known_hosts` text must pin at least one key, and every line must be `hosts keytype key [comment]`. */
export function checkKnownHosts(text: string): void {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "" && !l.startsWith("#"));
    if (lines.length === 0)
        throw new RioInputError(
            [],
            "pins no host key: give the lines of `ssh-keyscan <host>`, checked against the host's published fingerprints",
        );
    lines.forEach((line, i) => {
        const fields = line.split(/\s+/);
        const [, type, key] = fields[0]!.startsWith("@") ? fields.slice(1) : fields;
        if (!type || !key || !/^(ssh-|ecdsa-|sk-)/.test(type) || !/^[A-Za-z0-9+/]+=*$/.test(key)) {
            throw new RioInputError(
                [],
                `line ${i + 1} is not a known_hosts entry (host keytype base64-key): "${line.slice(0, 60)}"`,
            );
        }
    });
}

/**
 * Checks RioSystem's `buildSecrets` before anything is registered: names that are DNS subdomains, a known kind,
 * every field given, host keys that pin something, a registry server docker can key. Git and registry secrets
 * live in the builder namespace (they need the build feature); the GitHub token lives next to the continuous
 * deployment's Stack and must be the one `continuousDeployment.gitAuthSecret` names.
 */
export function checkBuildSecrets(
    input: Readonly<Record<string, unknown>> | undefined,
    ctx: BuildSecretContext,
): BuildSecretPlan[] {
    const plans = Object.entries(input ?? {}).map(([name, raw]): BuildSecretPlan => {
        const path: KeyPath = ["buildSecrets", name];
        under(path, () => assertDnsSubdomain(name, "Secret name"));
        if (raw === null || typeof raw !== "object" || Array.isArray(raw))
            throw new RioInputError(path, `must be a map with a kind (${BUILD_SECRET_KINDS.join(", ")})`);
        const entry = raw as Record<string, unknown>;
        const kind = entry.kind;
        if (typeof kind !== "string" || !(BUILD_SECRET_KINDS as string[]).includes(kind)) {
            throw new RioInputError(
                [...path, "kind"],
                `must be one of ${BUILD_SECRET_KINDS.join(", ")}, not ${JSON.stringify(kind)}`,
            );
        }
        const spec = KINDS[kind as BuildSecretKind];
        for (const key of Object.keys(entry))
            if (key !== "kind" && !spec.fields.includes(key)) throw unknownKey(key, spec.fields).withPrefix(path);
        for (const field of spec.fields) required(entry, field, path);
        if (kind === "gitSshKeyAuth") {
            if (typeof entry.privateKey === "string" && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(entry.privateKey)) {
                throw new RioInputError(
                    [...path, "privateKey"],
                    "is not a private key (-----BEGIN … PRIVATE KEY-----); an encrypted key cannot be used by a build",
                );
            }
            if (typeof entry.knownHosts === "string")
                under([...path, "knownHosts"], () => checkKnownHosts(entry.knownHosts as string));
        }
        let server: string | undefined;
        if (kind === "docker") {
            if (typeof entry.server !== "string")
                throw new RioInputError(
                    [...path, "server"],
                    "must be a plain string: the registry's host (it is not a secret)",
                );
            server = DOCKER_HUB.includes(entry.server) ? DOCKER_HUB_KEY : entry.server;
            if (server !== DOCKER_HUB_KEY && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i.test(server)) {
                throw new RioInputError(
                    [...path, "server"],
                    `"${entry.server}" is not a registry host (e.g. ghcr.io, registry.example.com:5000)`,
                );
            }
        }
        if (spec.where === "builder" && !ctx.build) {
            throw new RioInputError(
                path,
                "is mounted into builds: it needs the build feature (the rio-build namespace builds run in)",
            );
        }
        if (kind === "githubWebhook") {
            if (ctx.gitAuthSecret !== name) {
                throw new RioInputError(
                    path,
                    `is the continuous deployment's git token: name it in continuousDeployment.gitAuthSecret (with the continuousDeployment feature on)`,
                );
            }
            if (SYSTEM_SECRETS.includes(name))
                throw new RioInputError(path, `"${name}" is a Secret RioSystem writes itself; choose another name`);
        }
        return {
            name,
            kind: kind as BuildSecretKind,
            namespace: spec.where === "builder" ? BUILDER.namespace : ctx.systemNamespace,
            type: spec.type,
            ...(server !== undefined && { server }),
        };
    });
    const named = plans.find((p) => p.name === ctx.gitAuthSecret);
    if (named !== undefined && named.kind !== "githubWebhook") {
        throw new RioInputError(
            ["continuousDeployment", "gitAuthSecret"],
            `"${named.name}" is a ${named.kind} secret in ${named.namespace}; the operator takes a githubWebhook token`,
        );
    }
    return plans;
}

/** A docker config file logging into one registry, as `docker login` writes it. */
export function dockerConfigJson(server: string, username: string, password: string): string {
    const auth = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
    return JSON.stringify({ auths: { [server]: { username, password, auth } } });
}

/** OpenSSH refuses a key or known_hosts file whose last line has no newline. */
const line = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);

/** The Secret's keys for a kind, from its (resolved) values: the keys builds and the operator read. */
export function buildSecretData(plan: BuildSecretPlan, v: Record<string, string>): Record<string, string> {
    switch (plan.kind) {
        case "gitBasicAuth":
            return { username: v.username!, password: v.password! };
        case "gitSshKeyAuth":
            return { "ssh-privatekey": line(v.privateKey!), known_hosts: line(v.knownHosts!) };
        case "docker":
            return { ".dockerconfigjson": dockerConfigJson(plan.server!, v.username!, v.password!) };
        case "githubWebhook":
            return { accessToken: v.token! };
    }
}

/** The Secret as a planned object, for given data (the component passes the real values as one Pulumi secret). */
export function buildSecretObject(plan: BuildSecretPlan): {
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    type: string;
} {
    return {
        metadata: {
            name: plan.name,
            namespace: plan.namespace,
            labels: systemLabels(plan.kind === "githubWebhook" ? "continuous-deployment" : "builder"),
        },
        type: plan.type,
    };
}

/**
 * Declares the checked secrets. Each Secret's data is one Pulumi secret computed from the inputs, so no value
 * ever reaches state or the console in the clear; `dependsOn` says which namespace each needs to exist.
 */
export function declareBuildSecrets(
    component: string,
    plans: BuildSecretPlan[],
    input: Readonly<Record<string, BuildSecretInput>>,
    opts: (plan: BuildSecretPlan) => pulumi.CustomResourceOptions,
): k8s.core.v1.Secret[] {
    return plans.map((plan) => {
        const entry = input[plan.name] as unknown as Record<string, pulumi.Input<string>>;
        const values = pulumi.all(Object.fromEntries(KINDS[plan.kind].fields.map((f) => [f, entry[f]!])));
        return new k8s.core.v1.Secret(
            `${component}-secret-${plan.name}`,
            {
                ...buildSecretObject(plan),
                stringData: pulumi.secret(values.apply((v) => buildSecretData(plan, v as Record<string, string>))),
            },
            opts(plan),
        );
    });
}

/**
 * The clone secret a build names must be of the kind its repository's scheme needs: an SSH key for
 * `git@…`/`ssh://…`, basic auth (a token) for https. For callers that know the declared kinds.
 */
export function checkCloneSecretKind(
    repo: string,
    secretName: string,
    declared: Readonly<Record<string, BuildSecretKind>>,
): void {
    const kind = declared[secretName];
    if (kind === undefined) return;
    const wanted: BuildSecretKind = /^(ssh:\/\/|git@)/.test(repo) ? "gitSshKeyAuth" : "gitBasicAuth";
    if (kind !== wanted)
        throw new RioInputError(
            ["cloneSecretName"],
            `"${secretName}" is a ${kind} secret; cloning ${repo} needs a ${wanted} secret`,
        );
}
