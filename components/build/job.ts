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
export function imageRefs(
    b: NormalizedBuild,
    namespace: string,
    workload: string,
    tag: string,
    ctx: BuildContext,
): { push: string; pull: string; cache: string; named?: string } {
    const repository = b.imageName ?? `${namespace}/${workload}`;
    const push = b.pushRegistry ?? ctx.registry.push;
    const pull = b.pushRegistry ?? ctx.registry.pull;
    return {
        push: `${push}/${repository}:${tag}`,
        pull: `${pull}/${repository}:${tag}`,
        cache: `${push}/${repository}:buildcache`,
        // Rio pushed and ran `imageName` as named when it had a tag; it is pushed as named here too, but the
        // workload runs the commit's tag, so that a new commit still changes the workload and rolls out.
        ...(b.imageTag !== undefined && { named: `${push}/${repository}:${b.imageTag}` }),
    };
}

/** The Dockerfile relative to the context (BuildKit reads it from there); one outside the context is refused. */
export function dockerfileInContext(b: NormalizedBuild): string {
    const rel = b.context === "." ? b.dockerfile : path.posix.relative(b.context, b.dockerfile);
    if (rel.startsWith("..")) {
        throw new RioInputError(
            ["dockerfile"],
            `"${b.dockerfile}" is outside the build context "${b.context}"; move it in, or widen the context`,
        );
    }
    return rel;
}

/** Exactly what rootless BuildKit needs: user namespaces under unconfined seccomp/AppArmor, as uid 1000. */
export const BUILDKIT_SECURITY = {
    runAsUser: 1000,
    runAsGroup: 1000,
    seccompProfile: { type: "Unconfined" },
    appArmorProfile: { type: "Unconfined" },
};

/** The image pushed (under each of its names) and the registry layer cache, exported and imported. */
export function pushArgs(refs: { push: string; cache: string; named?: string }, insecure: string): string[] {
    return [
        "--output",
        // BuildKit takes several names as one quoted, comma-separated name= field.
        refs.named !== undefined
            ? `type=image,"name=${refs.push},${refs.named}",push=true${insecure}`
            : `type=image,name=${refs.push},push=true${insecure}`,
        "--export-cache",
        `type=registry,ref=${refs.cache},mode=max${insecure}`,
        "--import-cache",
        `type=registry,ref=${refs.cache}${insecure}`,
    ];
}

/** A build's clone step (SSH repositories only): git and ssh are in the BuildKit image already. */
export const CLONE_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "512Mi" } };
/** Where the clone step finds the SSH key and the pinned host keys (a `kubernetes.io/ssh-auth` Secret). */
export const SSH_MOUNT = "/etc/rio/git-ssh";
/** The shared folder the clone step checks the commit out into, and the build reads its context from. */
const WORKSPACE = "/workspace";

/** `git@host:org/repo` and `ssh://…`: cloned by the clone step, with the clone secret's key and pinned host keys. */
export function isSshRepo(repo: string): boolean {
    return /^(ssh:\/\/|git@)/.test(repo);
}

/**
 * The repository as BuildKit's Dockerfile frontend takes it for a git context: it reads an http(s) URL as a git
 * repository only when its path ends in `.git` (otherwise it downloads the URL as a tarball or Dockerfile), so
 * `https://github.com/rancher/rio-demo` becomes `https://github.com/rancher/rio-demo.git`, which GitHub, GitLab,
 * Bitbucket and Gitea all serve.
 */
export function gitContextUrl(repo: string): string {
    if (!/^https?:\/\//.test(repo)) return repo;
    const bare = repo.replace(/\/+$/, "");
    return bare.endsWith(".git") ? bare : `${bare}.git`;
}

/**
 * The clone step: fetch exactly the commit (a full fetch if the server refuses a fetch by commit), check it out,
 * drop `.git` (as BuildKit's git context does). `$REPO` and `$COMMIT` come from the environment, so no user input
 * is ever parsed by the shell.
 */
export const CLONE_SCRIPT = [
    "set -eu",
    `git -c init.defaultBranch=main init -q ${WORKSPACE}/src`,
    `cd ${WORKSPACE}/src`,
    'git remote add origin "$REPO"',
    // Quietly: a server that refuses a fetch by commit gets the full fetch, whose errors are the ones to read.
    'git fetch -q --depth 1 origin "$COMMIT" 2>/dev/null || git fetch -q --tags origin',
    'git -c advice.detachedHead=false checkout -q "$COMMIT"',
    "rm -rf .git",
].join("\n");

/**
 * The build: a Kubernetes Job running rootless BuildKit daemonless (`buildctl-daemonless.sh`, no process
 * sandbox) with the git repository at the resolved commit as its context, pushing to the registry with a
 * registry layer cache. `args` and `noCache` are honoured (Rio ignored them in-cluster). It runs once per image
 * tag (the name carries it), gives up after the timeout and does not retry (`pulumi up` does). It is kept once
 * finished, with its logs, until the next image's Job replaces it: a Job the cluster deleted on a TTL would be
 * dropped from the state by the deployers' `up` with refresh, then created again — the same image rebuilt every
 * day. The workload waits for it, so a failed build leaves the running version serving.
 *
 * Credentials reach only this Job. Over https the clone secret's `password` (a token) is BuildKit's
 * `GIT_AUTH_TOKEN`. Over SSH, BuildKit's git context would trust whatever host key an `ssh-keyscan` at build
 * time returns, so an init container clones instead — with the clone secret's `ssh-privatekey` and its
 * `known_hosts` as the only accepted host keys — and BuildKit builds that checkout as a local context; the key
 * is mounted into the clone step alone, never into BuildKit.
 */
export function planBuildJob(
    b: NormalizedBuild,
    commit: string,
    refs: { push: string; cache: string; named?: string },
    owner: { namespace: string; workload: string; app: string },
    ctx: BuildContext,
): KubeObject {
    const filename = dockerfileInContext(b);
    const ssh = isSshRepo(b.repo);
    if (ssh && b.cloneSecretName === undefined) {
        throw new RioInputError(
            ["cloneSecretName"],
            `cloning ${b.repo} over SSH needs a clone secret of kind gitSshKeyAuth (its ssh-privatekey, and known_hosts pinning the host's keys)`,
        );
    }
    const checkout = `${WORKSPACE}/src${b.context === "." ? "" : `/${b.context}`}`;
    const context = ssh
        ? ["--local", `context=${checkout}`, "--local", `dockerfile=${checkout}`]
        : ["--opt", `context=${gitContextUrl(b.repo)}#${commit}${b.context === "." ? "" : `:${b.context}`}`];
    const token = b.cloneSecretName !== undefined && !ssh;
    const insecure = b.pushRegistry === undefined ? ",registry.insecure=true" : "";
    const args = [
        "build",
        "--frontend",
        "dockerfile.v0",
        ...context,
        "--opt",
        `filename=${filename}`,
        ...Object.entries(b.args).flatMap(([k, v]) => ["--opt", `build-arg:${k}=${v}`]),
        ...(b.noCache ? ["--no-cache"] : []),
        ...(token ? ["--secret", "id=GIT_AUTH_TOKEN,env=GIT_AUTH_TOKEN"] : []),
        ...pushArgs(refs, insecure),
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
        metadata: {
            name,
            namespace: ctx.namespace,
            labels,
            annotations: { "rio.pulumi-rio.dev/commit": commit, "rio.pulumi-rio.dev/repo": b.repo },
        },
        spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: b.timeoutSeconds,
            template: {
                metadata: { labels },
                spec: {
                    restartPolicy: "Never",
                    serviceAccountName: ctx.serviceAccount,
                    automountServiceAccountToken: false,
                    // The key is mounted 0440 for the group: owned by root, readable by the build's uid 1000 through fsGroup.
                    ...(ssh && { securityContext: { fsGroup: 1000 } }),
                    ...(ssh && { initContainers: [cloneContainer(b.repo, commit)] }),
                    containers: [
                        {
                            name: "buildkit",
                            image: BUILDKIT_IMAGE,
                            command: ["buildctl-daemonless.sh"],
                            args,
                            env: [
                                { name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox" },
                                ...(token
                                    ? [
                                          {
                                              name: "GIT_AUTH_TOKEN",
                                              valueFrom: {
                                                  secretKeyRef: { name: b.cloneSecretName!, key: "password" },
                                              },
                                          },
                                      ]
                                    : []),
                                ...(b.pushRegistrySecretName !== undefined
                                    ? [{ name: "DOCKER_CONFIG", value: "/home/user/.docker" }]
                                    : []),
                            ],
                            securityContext: BUILDKIT_SECURITY,
                            resources: BUILD_RESOURCES,
                            volumeMounts: [
                                { name: "buildkitd", mountPath: "/home/user/.local/share/buildkit" },
                                ...(ssh ? [{ name: "source", mountPath: WORKSPACE, readOnly: true }] : []),
                                ...(b.pushRegistrySecretName !== undefined
                                    ? [{ name: "docker-config", mountPath: "/home/user/.docker", readOnly: true }]
                                    : []),
                            ],
                        },
                    ],
                    volumes: [
                        { name: "buildkitd", emptyDir: {} },
                        ...(ssh
                            ? [
                                  { name: "source", emptyDir: {} },
                                  {
                                      name: "git-ssh",
                                      secret: {
                                          secretName: b.cloneSecretName!,
                                          defaultMode: 0o440,
                                          items: [
                                              { key: "ssh-privatekey", path: "ssh-privatekey" },
                                              { key: "known_hosts", path: "known_hosts" },
                                          ],
                                      },
                                  },
                              ]
                            : []),
                        ...(b.pushRegistrySecretName !== undefined
                            ? [
                                  {
                                      name: "docker-config",
                                      secret: {
                                          secretName: b.pushRegistrySecretName,
                                          items: [{ key: ".dockerconfigjson", path: "config.json" }],
                                      },
                                  },
                              ]
                            : []),
                    ],
                },
            },
        },
    };
}

/** The SSH clone step: as unprivileged as a container gets, since it needs nothing but the network. */
function cloneContainer(repo: string, commit: string): Record<string, unknown> {
    // Only the pinned host keys count (no global known_hosts, no prompt), and only the secret's key is offered.
    const sshCommand = [
        "ssh -F /dev/null",
        `-i ${SSH_MOUNT}/ssh-privatekey -o IdentitiesOnly=yes`,
        `-o UserKnownHostsFile=${SSH_MOUNT}/known_hosts -o GlobalKnownHostsFile=/dev/null`,
        "-o StrictHostKeyChecking=yes -o BatchMode=yes",
    ].join(" ");
    return {
        name: "clone",
        image: BUILDKIT_IMAGE,
        command: ["sh", "-c", CLONE_SCRIPT],
        env: [
            { name: "REPO", value: repo },
            { name: "COMMIT", value: commit },
            { name: "HOME", value: WORKSPACE },
            { name: "GIT_SSH_COMMAND", value: sshCommand },
        ],
        securityContext: {
            runAsUser: 1000,
            runAsGroup: 1000,
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
        resources: CLONE_RESOURCES,
        volumeMounts: [
            { name: "source", mountPath: WORKSPACE },
            { name: "git-ssh", mountPath: SSH_MOUNT, readOnly: true },
        ],
    };
}
