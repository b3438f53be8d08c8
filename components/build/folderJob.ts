import { createHash } from "crypto";
import { KubeObject } from "../kube/object";
import { MANAGED_BY } from "../service/labels";
import { BuildContext, BUILD_RESOURCES, BUILDKIT_IMAGE, BUILDKIT_SECURITY, pushArgs } from "./job";
import { LocalBuild } from "./local";
import { DEFAULT_BUILD_TIMEOUT } from "./spec";

/** How long a finished folder build's Job (and its logs) is kept: it is not in any stack, so the cluster tidies it. */
export const FOLDER_BUILD_TTL_SECONDS = 86400;

/** Where a folder build's context is kept in RioSystem's registry: next to its image, as `<repository>/context`. */
export const contextRepository = (repository: string) => `${repository}/context`;

/** What a folder build needs once its context is in the registry. */
export interface FolderBuild {
    build: LocalBuild;
    /** The context archive's blob digest (`sha256:…`). */
    digest: string;
    /** `<namespace>/<workload>`, or what `imageName` names. */
    repository: string;
    /** The content tag the workload runs, and the tags pushed besides it (`imageTag`, `rio build -t`). */
    tag: string;
    extraTags: readonly string[];
    owner: { namespace: string; workload: string; app: string };
}

/** The image a folder build pushes (cluster DNS) and the one nodes pull (node-local), as for git builds. */
export function folderRefs(b: FolderBuild, ctx: BuildContext): { push: string; pull: string; cache: string } {
    return {
        push: `${ctx.registry.push}/${b.repository}:${b.tag}`,
        pull: `${ctx.registry.pull}/${b.repository}:${b.tag}`,
        cache: `${ctx.registry.push}/${b.repository}:buildcache`,
    };
}

/**
 * The Job's name: the workload, its namespace, the content tag and what it pushes (the repository and the other
 * tags: `rio build` pushes `latest` where `rio up` does not), so one folder state pushed one way is one build.
 */
export function folderJobName(b: FolderBuild): string {
    const base = `${b.owner.workload}-${b.owner.namespace}`.slice(0, 40).replace(/-+$/, "");
    const pushed = createHash("sha256")
        .update(JSON.stringify([b.repository, [...b.extraTags].sort()]))
        .digest("hex")
        .slice(0, 5);
    return `${base}-${b.tag.replace(/^dir-/, "").slice(0, 10)}-${pushed}`;
}

/**
 * A folder build in the cluster, as Rio's `rio build` and `rio up` did it with the cluster's BuildKit: the folder
 * was uploaded to RioSystem's registry as one tar blob, and BuildKit's Dockerfile frontend reads an http(s) context
 * that is an archive as the build context (as `docker build URL` does), so the Job needs no volume, no clone and no
 * credential: it fetches the blob by digest from the registry's in-cluster address and pushes the image there.
 * The same rootless, daemonless BuildKit as git builds, in the builder namespace. It is created by the rio command
 * rather than by a stack, so it is removed a day after it finishes.
 */
export function planFolderBuildJob(b: FolderBuild, ctx: BuildContext): KubeObject {
    const refs = folderRefs(b, ctx);
    const named = b.extraTags.map((t) => `${ctx.registry.push}/${b.repository}:${t}`);
    const contextUrl = `http://${ctx.registry.push}/v2/${contextRepository(b.repository)}/blobs/${b.digest}`;
    const args = [
        "build",
        "--frontend",
        "dockerfile.v0",
        "--opt",
        `context=${contextUrl}`,
        "--opt",
        `filename=${b.build.dockerfile}`,
        ...Object.entries(b.build.args).flatMap(([k, v]) => ["--opt", `build-arg:${k}=${v}`]),
        ...(b.build.noCache ? ["--no-cache"] : []),
        ...pushArgs({ ...refs, ...(named.length > 0 && { named: named.join(",") }) }, ",registry.insecure=true"),
    ];
    const labels = {
        "app.kubernetes.io/name": b.owner.app,
        "app.kubernetes.io/instance": b.owner.workload,
        "app.kubernetes.io/component": "build",
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "rio.pulumi-rio.dev/namespace": b.owner.namespace,
    };
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: {
            name: folderJobName(b),
            namespace: ctx.namespace,
            labels,
            annotations: { "rio.pulumi-rio.dev/context": b.digest },
        },
        spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: DEFAULT_BUILD_TIMEOUT,
            ttlSecondsAfterFinished: FOLDER_BUILD_TTL_SECONDS,
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
                            env: [{ name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox" }],
                            securityContext: BUILDKIT_SECURITY,
                            resources: BUILD_RESOURCES,
                            volumeMounts: [{ name: "buildkitd", mountPath: "/home/user/.local/share/buildkit" }],
                        },
                    ],
                    volumes: [{ name: "buildkitd", emptyDir: {} }],
                },
            },
        },
    };
}
