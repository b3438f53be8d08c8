import { RioInputError, under } from "../errors";
import { KubeObject } from "../kube/object";
import { GIT_URL } from "../build/spec";
import { assertDnsSubdomain } from "../service/names";
import { systemLabels } from "./gateway";
import { SystemSettings } from "./settings";

/** What the operator needs to re-run this stack: where its program lives and how it reaches the backend. */
export interface ContinuousDeploymentInput {
    /** The git repository of this Pulumi project (the infrastructure repository). */
    repo?: string;
    /** Its branch. Default `main`. */
    branch?: string;
    /** The project's folder in the repository. Default: the root. */
    repoDir?: string;
    /** The fully qualified stack, e.g. `acme/rio/civo`. */
    stack?: string;
    /** Seconds between runs. Default 60 (the operator's minimum). */
    resyncSeconds?: number;
    /** The Secret (in rio-system) holding the backend token. Default `pulumi-api-secret`, key `accessToken`. */
    accessTokenSecret?: { name: string; key: string };
    /**
     * For a private infrastructure repository over https: the Secret in rio-system whose `accessToken` the operator
     * clones with — a `githubWebhook` entry of RioSystem's `buildSecrets` (Rio's GitHub token), or one you create.
     * Default none: a public repository.
     */
    gitAuthSecret?: string;
}

export interface ContinuousDeployment {
    repo: string;
    branch: string;
    repoDir?: string;
    stack: string;
    resyncSeconds: number;
    accessTokenSecret: { name: string; key: string };
    gitAuthSecret?: string;
}

export const DEPLOYER = "rio-deployer";

/** Checks `continuousDeployment` (required when the feature is on). */
export function resolveContinuousDeployment(input: ContinuousDeploymentInput | undefined): ContinuousDeployment {
    const c = input ?? {};
    if (c.repo === undefined)
        throw new RioInputError(
            ["continuousDeployment", "repo"],
            "is required: the git repository of this Pulumi project",
        );
    if (!GIT_URL.test(c.repo))
        throw new RioInputError(["continuousDeployment", "repo"], `"${c.repo}" is not a git URL`);
    if (c.stack === undefined || !/^[\w.-]+\/[\w.-]+\/[\w.-]+$/.test(c.stack)) {
        throw new RioInputError(
            ["continuousDeployment", "stack"],
            `${c.stack === undefined ? "is required" : `"${c.stack}" is not`} a fully qualified stack (org/project/stack)`,
        );
    }
    const resync = c.resyncSeconds ?? 60;
    under(["continuousDeployment", "resyncSeconds"], () => {
        if (!Number.isInteger(resync) || resync < 60)
            throw new RioInputError(
                [],
                `must be a whole number of seconds, at least 60 (the operator's minimum), not ${resync}`,
            );
    });
    if (c.gitAuthSecret !== undefined) {
        under(["continuousDeployment", "gitAuthSecret"], () => assertDnsSubdomain(c.gitAuthSecret!, "Secret name"));
        if (!/^https?:\/\//.test(c.repo)) {
            throw new RioInputError(
                ["continuousDeployment", "gitAuthSecret"],
                `is a token, which the operator sends over https; ${c.repo} is not an https URL`,
            );
        }
    }
    return {
        repo: c.repo,
        branch: c.branch ?? "main",
        ...(c.repoDir !== undefined && { repoDir: c.repoDir }),
        stack: c.stack,
        resyncSeconds: resync,
        accessTokenSecret: c.accessTokenSecret ?? { name: "pulumi-api-secret", key: "accessToken" },
        ...(c.gitAuthSecret !== undefined && { gitAuthSecret: c.gitAuthSecret }),
    };
}

/**
 * Continuous deployment without a home-made controller: a Pulumi Kubernetes Operator `Stack` for this very stack,
 * re-running `pulumi up` every period even when the project has not moved (`continueResyncOnCommitMatch`), so
 * new commits of the apps' branches are resolved and built. Every deployment is a `pulumi up`: no drift. The
 * workspace runs as `rio-deployer`, bound to cluster-admin — it applies this whole stack, CRDs included, so it
 * needs what you need to run `pulumi up` yourself.
 */
export function planDeployer(s: SystemSettings, cd: ContinuousDeployment): KubeObject[] {
    const labels = systemLabels("continuous-deployment");
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: DEPLOYER, namespace: s.namespace, labels } },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: DEPLOYER, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
            subjects: [{ kind: "ServiceAccount", name: DEPLOYER, namespace: s.namespace }],
        },
        {
            apiVersion: "pulumi.com/v1",
            kind: "Stack",
            // The Stack re-runs the very `pulumi up` that creates it: waiting for it to be Ready would wait forever.
            metadata: { name: "rio", namespace: s.namespace, labels, annotations: { "pulumi.com/skipAwait": "true" } },
            spec: {
                stack: cd.stack,
                projectRepo: cd.repo,
                branch: cd.branch,
                ...(cd.repoDir !== undefined && { repoDir: cd.repoDir }),
                resyncFrequencySeconds: cd.resyncSeconds,
                continueResyncOnCommitMatch: true,
                refresh: true,
                destroyOnFinalize: false,
                serviceAccountName: DEPLOYER,
                envRefs: {
                    PULUMI_ACCESS_TOKEN: {
                        type: "Secret",
                        secret: { name: cd.accessTokenSecret.name, key: cd.accessTokenSecret.key },
                    },
                },
                // The Stack's own namespace: the operator resolves the token for the workspace it runs there.
                ...(cd.gitAuthSecret !== undefined && {
                    gitAuth: {
                        accessToken: { type: "Secret", secret: { name: cd.gitAuthSecret, key: "accessToken" } },
                    },
                }),
            },
        },
    ];
}
