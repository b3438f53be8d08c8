import { createHash } from "crypto";
import * as path from "path";
import { RioInputError } from "../errors";
import { KubeObject } from "../kube/object";
import { MANAGED_BY } from "../service/labels";
import { NormalizedBuild } from "./spec";

/** Rootless BuildKit, pinned (moby/buildkit examples/kubernetes/job.rootless.yaml). */
export const BUILDKIT_IMAGE = "moby/buildkit:v0.32.2-rootless";
/** A build's own budget: it runs next to the apps on a small node, and only while building. */
export const BUILD_RESOURCES = { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "2Gi" } };

/** Where builds run and where their images go (RioSystem's `build` and `registry` features). */
export interface BuildContext {
    namespace: string;
    serviceAccount: string;
    /** The registry builds push to (cluster DNS) and nodes pull from (node-local). */
    registry: { push: string; pull: string };
}

export const DEFAULT_BUILD_CONTEXT: BuildContext = {
    namespace: "rio-build",
    serviceAccount: "rio-builder",
    registry: { push: "rio-registry.rio-system.svc.cluster.local:5000", pull: "localhost:30500" },
};

function hash(value: unknown, length: number): string {
    return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, length);
}

/** The image tag: the commit, and a hash of everything else that changes the image (Dockerfile, context, args). */
export function imageTag(commit: string, b: NormalizedBuild): string {
    return `${commit.slice(0, 12)}-${hash({ repo: b.repo, dockerfile: b.dockerfile, context: b.context, args: b.args }, 8)}`;
}

/**
 * Where the image is pushed and pulled: the in-cluster registry (pushed by cluster DNS, pulled node-locally as
 * Rio's `localhost:5442` was), or `pushRegistry` for both. The repository is `<namespace>/<workload>` unless
 * `imageName` names it.
 */
export function imageRefs(b: NormalizedBuild, namespace: string, workload: string, tag: string, ctx: BuildContext): { push: string; pull: string; cache: string } {
    const repository = b.imageName ?? `${namespace}/${workload}`;
    const push = b.pushRegistry ?? ctx.registry.push;
    const pull = b.pushRegistry ?? ctx.registry.pull;
    return { push: `${push}/${repository}:${tag}`, pull: `${pull}/${repository}:${tag}`, cache: `${push}/${repository}:buildcache` };
}

/** The Dockerfile relative to the context (BuildKit reads it from there); one outside the context is refused. */
export function dockerfileInContext(b: NormalizedBuild): string {
    const rel = b.context === "." ? b.dockerfile : path.posix.relative(b.context, b.dockerfile);
    if (rel.startsWith("..")) {
        throw new RioInputError(["dockerfile"], `"${b.dockerfile}" is outside the build context "${b.context}"; move it in, or widen the context`);
    }
    return rel;
}

/**
 * The build: a Kubernetes Job running rootless BuildKit daemonless (`buildctl-daemonless.sh`, no process
 * sandbox) with the git repository at the resolved commit as its context, pushing to the registry with a
 * registry layer cache. `args` and `noCache` are honoured (Rio ignored them in-cluster). It runs once per image
 * tag (the name carries it), gives up after the timeout, does not retry (`pulumi up` does), and is cleaned up a
 * day after it finishes. The workload waits for it, so a failed build leaves the running version serving.
 */
export function planBuildJob(
    b: NormalizedBuild,
    commit: string,
    refs: { push: string; cache: string },
    owner: { namespace: string; workload: string; app: string },
    ctx: BuildContext,
): KubeObject {
    const filename = dockerfileInContext(b);
    const context = `${b.repo}#${commit}${b.context === "." ? "" : `:${b.context}`}`;
    const insecure = b.pushRegistry === undefined ? ",registry.insecure=true" : "";
    const args = [
        "build",
        "--frontend",
        "dockerfile.v0",
        "--opt",
        `context=${context}`,
        "--opt",
        `filename=${filename}`,
        ...Object.entries(b.args).flatMap(([k, v]) => ["--opt", `build-arg:${k}=${v}`]),
        ...(b.noCache ? ["--no-cache"] : []),
        ...(b.cloneSecretName !== undefined ? ["--secret", "id=GIT_AUTH_TOKEN,env=GIT_AUTH_TOKEN"] : []),
        "--output",
        `type=image,name=${refs.push},push=true${insecure}`,
        "--export-cache",
        `type=registry,ref=${refs.cache},mode=max${insecure}`,
        "--import-cache",
        `type=registry,ref=${refs.cache}${insecure}`,
    ];
    const name = `${`${owner.workload}-${owner.namespace}`.slice(0, 40).replace(/-+$/, "")}-${commit.slice(0, 7)}-${hash({ refs, args }, 6)}`;
    const labels = {
        "app.kubernetes.io/name": owner.app,
        "app.kubernetes.io/instance": owner.workload,
        "app.kubernetes.io/component": "build",
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "rio.pulumi-rio.dev/namespace": owner.namespace,
    };
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name, namespace: ctx.namespace, labels, annotations: { "rio.pulumi-rio.dev/commit": commit, "rio.pulumi-rio.dev/repo": b.repo } },
        spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: b.timeoutSeconds,
            ttlSecondsAfterFinished: 86400,
            template: {
                metadata: { labels },
                spec: {
                    restartPolicy: "Never",
                    serviceAccountName: ctx.serviceAccount,
                    automountServiceAccountToken: false,
                    containers: [
                        {
                            name: "buildkit",
                            image: BUILDKIT_IMAGE,
                            command: ["buildctl-daemonless.sh"],
                            args,
                            env: [
                                { name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox" },
                                ...(b.cloneSecretName !== undefined
                                    ? [{ name: "GIT_AUTH_TOKEN", valueFrom: { secretKeyRef: { name: b.cloneSecretName, key: "password" } } }]
                                    : []),
                                ...(b.pushRegistrySecretName !== undefined ? [{ name: "DOCKER_CONFIG", value: "/home/user/.docker" }] : []),
                            ],
                            // Exactly what rootless BuildKit needs: user namespaces under unconfined seccomp/AppArmor, as uid 1000.
                            securityContext: {
                                runAsUser: 1000,
                                runAsGroup: 1000,
                                seccompProfile: { type: "Unconfined" },
                                appArmorProfile: { type: "Unconfined" },
                            },
                            resources: BUILD_RESOURCES,
                            volumeMounts: [
                                { name: "buildkitd", mountPath: "/home/user/.local/share/buildkit" },
                                ...(b.pushRegistrySecretName !== undefined ? [{ name: "docker-config", mountPath: "/home/user/.docker", readOnly: true }] : []),
                            ],
                        },
                    ],
                    volumes: [
                        { name: "buildkitd", emptyDir: {} },
                        ...(b.pushRegistrySecretName !== undefined
                            ? [{ name: "docker-config", secret: { secretName: b.pushRegistrySecretName, items: [{ key: ".dockerconfigjson", path: "config.json" }] } }]
                            : []),
                    ],
                },
            },
        },
    };
}
