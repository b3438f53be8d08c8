/**
 * Folder builds by the rio commands (`rio up` of a Riofile with `image: ./`, `rio build`), as Rio's CLI did them:
 * in the cluster, by RioSystem's BuildKit, pushed to RioSystem's registry, with the folder's image then written into
 * the stack's Riofile in place of the folder (so the stack never depends on a folder of this machine). The folder
 * is uploaded to the registry as one tar blob through a port-forward, and a BuildKit Job builds that blob — no Docker
 * on this machine, nothing exposed. The image tag is the folder's content tag, so an unchanged folder builds once.
 */
import * as path from "path";
import * as k8s from "@kubernetes/client-node";
import { RioInputError } from "../errors";
import { packContext } from "../build/contextArchive";
import { contextRepository, FolderBuild, folderRefs, planFolderBuildJob } from "../build/folderJob";
import { BuildContext } from "../build/job";
import { buildFolder, contentTag, LocalBuild } from "../build/local";
import { parseImageName } from "../build/spec";
import { exportedContent } from "../riofile/export";
import { checkRiofile, Riofile } from "../riofile/load";
import { normalizeApp } from "../service/app";
import { REGISTRY, REGISTRY_SELECTOR } from "../system/registry";
import { KubeClient } from "./kubeClient";
import { forwardPort } from "./portForward";
import { RegistryClient } from "./registryClient";

/** One folder to build: what it is for, the folder, and where its image goes. */
export interface FolderTarget {
    /** The Riofile entry it is for (`services.dev`), for messages. */
    what: string;
    /** The service entry's key in the Riofile. */
    key: string;
    /** The checked folder (absolute). */
    dir: string;
    request: FolderBuild;
}

/**
 * The folder builds of a Riofile's services, each checked (the folder exists and has its Dockerfile) and tagged
 * with its content tag; `extraTags` are pushed too (`rio build`'s `latest`). Pure but for reading the folders.
 */
export function folderTargets(
    riofile: Riofile,
    namespace: string,
    extraTags: (key: string) => readonly string[] = () => [],
): FolderTarget[] {
    const baseDir = path.dirname(path.resolve(riofile.file));
    const services = (exportedContent(riofile).services ?? {}) as Record<string, Record<string, unknown>>;
    return Object.entries(services).flatMap(([key, spec]) =>
        normalizeApp(key, spec).versions.flatMap((v) => {
            if (v.localBuild === undefined) return [];
            const at = riofile.locate?.(["services", key]);
            const where = `${at ? `${at.file}:${at.line}:${at.column}: ` : `${riofile.file}: `}services.${key}`;
            const fail = (e: unknown): never => {
                if (e instanceof RioInputError)
                    throw new RioInputError([], `${where}.${e.path.join(".")}: ${e.detail}`);
                throw e;
            };
            let dir = "";
            try {
                refusePushRegistry(v.localBuild);
                dir = buildFolder(v.localBuild, baseDir);
            } catch (e) {
                fail(e);
            }
            const repository = v.localBuild.imageName ?? `${namespace}/${v.name}`;
            const tags = [...(v.localBuild.imageTag !== undefined ? [v.localBuild.imageTag] : []), ...extraTags(key)];
            return [
                {
                    what: `services.${key}`,
                    key,
                    dir,
                    request: {
                        build: v.localBuild,
                        digest: "",
                        repository,
                        tag: contentTag(dir, v.localBuild),
                        extraTags: [...new Set(tags)],
                        owner: { namespace, workload: v.name, app: v.app },
                    },
                },
            ];
        }),
    );
}

/** The rio commands build folders into RioSystem's registry; another registry is pulumi up's (docker-build) to push to. */
function refusePushRegistry(b: LocalBuild): void {
    if (b.pushRegistry !== undefined)
        throw new RioInputError(
            ["build", "pushRegistry"],
            "the rio commands build a folder in the cluster into RioSystem's registry; pushing it elsewhere is pulumi up's (rio:riofile, built by @pulumi/docker-build)",
        );
}

/**
 * The Riofile with each built folder replaced by its image, as Rio's CLI substituted it (`localhost:5442/…` there,
 * RioSystem's node-local address here): the entry keeps every other key, and loses `build`.
 */
export function withBuiltImages(riofile: Riofile, targets: readonly FolderTarget[], ctx: BuildContext): Riofile {
    if (targets.length === 0) return riofile;
    const content = exportedContent(riofile);
    const services = { ...(content.services as Record<string, Record<string, unknown>>) };
    for (const t of targets) {
        const { build: _build, ...rest } = services[t.key]!;
        services[t.key] = { ...rest, image: folderRefs(t.request, ctx).pull };
    }
    return {
        ...checkRiofile({ ...content, services }, riofile.file),
        ...(riofile.locate && { locate: riofile.locate }),
    };
}

/** How a finished build Job ended: Complete, or Failed with the reason the Job gives. */
function jobOutcome(job: k8s.V1Job): { done: boolean; failed?: string } {
    for (const c of job.status?.conditions ?? []) {
        if (c.status !== "True") continue;
        if (c.type === "Complete") return { done: true };
        if (c.type === "Failed") return { done: true, failed: c.message ?? c.reason ?? "failed" };
    }
    return { done: false };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The end of a failed build's log (its pod's), for the error. */
async function logTail(kube: KubeClient, namespace: string, job: string): Promise<string> {
    const pods = await kube.core
        .listNamespacedPod({ namespace, labelSelector: `job-name=${job}` })
        .catch(() => undefined);
    const pod = pods?.items[0]?.metadata?.name;
    if (pod === undefined) return "";
    const log = await kube.core
        .readNamespacedPodLog({ name: pod, namespace, container: "buildkit", tailLines: 20 })
        .catch(() => "");
    return typeof log === "string" && log.trim() !== "" ? `\n${log.trimEnd()}` : "";
}

/** The ready registry pod to forward to. */
async function registryPod(kube: KubeClient, systemNamespace: string): Promise<string> {
    const selector = Object.entries(REGISTRY_SELECTOR)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
    const pods = await kube.call(`pods of RioSystem's registry in ${systemNamespace}`, () =>
        kube.core.listNamespacedPod({ namespace: systemNamespace, labelSelector: selector }),
    );
    const ready = pods.items.find(
        (p) =>
            p.metadata?.deletionTimestamp === undefined &&
            (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    );
    if (ready?.metadata?.name === undefined)
        throw new RioInputError(
            [],
            `kube context "${kube.context}": RioSystem's registry has no ready pod in ${systemNamespace}: a folder is built into it (check it with rio -n ${systemNamespace} pods)`,
        );
    return ready.metadata.name;
}

/** Creates the build Job, or finds the one already there for this folder state; waits until it has finished. */
async function runJob(
    kube: KubeClient,
    t: FolderTarget,
    ctx: BuildContext,
    log: (line: string) => void,
): Promise<void> {
    const job = planFolderBuildJob(t.request, ctx) as k8s.V1Job;
    const name = job.metadata!.name!;
    const where = `job ${ctx.namespace}/${name}`;
    let live = await kube.read(`the ${where}`, () => kube.batch.readNamespacedJob({ name, namespace: ctx.namespace }));
    const rebuild = live !== undefined && (jobOutcome(live).failed !== undefined || t.request.build.noCache);
    if (live !== undefined && rebuild) {
        // The same folder failed before (or noCache asks for a fresh build): its Job is replaced, so it runs again.
        log(
            `rio: ${t.what}: ${t.request.build.noCache ? "noCache: building it again" : "the last build of this folder failed; building it again"}`,
        );
        await kube.call(`deleting the ${where}`, () =>
            kube.batch.deleteNamespacedJob({ name, namespace: ctx.namespace, propagationPolicy: "Foreground" }),
        );
        while (await kube.read(`the ${where}`, () => kube.batch.readNamespacedJob({ name, namespace: ctx.namespace })))
            await pause(500);
        live = undefined;
    }
    if (live === undefined) {
        live = await kube.call(`creating the ${where}`, () =>
            kube.batch.createNamespacedJob({ namespace: ctx.namespace, body: job }),
        );
        log(`rio: ${t.what}: building in the cluster (${where})`);
    } else log(`rio: ${t.what}: this folder's build is the ${where}`);
    for (;;) {
        const outcome = jobOutcome(live!);
        if (outcome.failed !== undefined)
            throw new RioInputError(
                [],
                `${t.what}: the build failed (${where}: ${outcome.failed}); fix the folder and run the command again${await logTail(kube, ctx.namespace, name)}`,
            );
        if (outcome.done) return;
        await pause(1000);
        live = await kube.call(`the ${where}`, () => kube.batch.readNamespacedJob({ name, namespace: ctx.namespace }));
    }
}

/**
 * Builds each folder in the cluster unless its image is in the registry already: the folder's tar goes to the
 * registry (once per content), then a BuildKit Job builds and pushes it. Returns each target with its context digest.
 */
export async function buildFolders(
    kube: KubeClient,
    targets: readonly FolderTarget[],
    ctx: BuildContext,
    systemNamespace: string,
    log: (line: string) => void,
): Promise<FolderTarget[]> {
    if (targets.length === 0) return [];
    const forward = await forwardPort(
        kube.config,
        systemNamespace,
        await registryPod(kube, systemNamespace),
        REGISTRY.port,
    );
    try {
        const registry = new RegistryClient(forward.port);
        const out: FolderTarget[] = [];
        for (const t of targets) {
            const { request } = t;
            const archive = await packContext(t.dir);
            const built = { ...t, request: { ...request, digest: archive.digest } };
            out.push(built);
            const wanted = [request.tag, ...request.extraTags];
            const present = await Promise.all(wanted.map((tag) => registry.hasManifest(request.repository, tag)));
            if (!request.build.noCache && present.every(Boolean)) {
                log(`rio: ${t.what}: ${folderRefs(request, ctx).pull} is built already`);
                continue;
            }
            const contexts = contextRepository(request.repository);
            if (!(await registry.hasManifest(contexts, request.tag))) {
                log(
                    `rio: ${t.what}: uploading ${path.relative(process.cwd(), t.dir) || "."} (${archive.files.length} files, ${archive.tar.length} bytes) to RioSystem's registry`,
                );
                await registry.pushArtifact(contexts, request.tag, archive.tar);
            }
            await runJob(kube, built, ctx, log);
            log(`rio: ${t.what}: built ${folderRefs(request, ctx).pull}`);
        }
        return out;
    } catch (e) {
        if (e instanceof RioInputError) throw e;
        throw new RioInputError([], `kube context "${kube.context}": building a folder: ${(e as Error).message}`);
    } finally {
        await forward.close();
    }
}

/** `rio build`'s flags. */
export interface BuildFlags {
    /** `-t name[:tag]`: the repository (and tag, default `latest`) to push; one folder only. */
    tag?: string;
    /** `--build-arg K=V`, each. */
    buildArg?: string[];
    noCache?: boolean;
}

/**
 * `rio build`'s folders: each of the Riofile's, pushed under its content tag and `latest` (Rio's `rio build` gave
 * `localhost:5442/<namespace>/<service>:latest`), or under `-t name:tag` when it is one; `--build-arg` and
 * `--no-cache` apply to every one.
 */
export function buildTargets(riofile: Riofile, namespace: string, flags: BuildFlags): FolderTarget[] {
    const args = Object.fromEntries(
        (flags.buildArg ?? []).map((a) => {
            const eq = a.indexOf("=");
            if (eq <= 0) throw new RioInputError([], `--build-arg ${a}: must be NAME=value`);
            return [a.slice(0, eq), a.slice(eq + 1)];
        }),
    );
    const named = flags.tag !== undefined ? parseTag(flags.tag) : undefined;
    const targets = folderTargets(riofile, namespace, () => [named?.imageTag ?? "latest"]);
    if (targets.length === 0)
        throw new RioInputError(
            [],
            `${riofile.file}: nothing to build (no service is a folder: image: ./, or build without repo)`,
        );
    if (named !== undefined && targets.length > 1)
        throw new RioInputError(
            [],
            `-t ${flags.tag}: ${riofile.file} builds ${targets.length} folders (${targets.map((t) => t.what).join(", ")}); -t names one image`,
        );
    return targets.map((t) => {
        const build = {
            ...t.request.build,
            args: { ...t.request.build.args, ...args },
            noCache: t.request.build.noCache || flags.noCache === true,
        };
        // The flags change what is built, so they are in the content tag too.
        const tag = contentTag(t.dir, build);
        return {
            ...t,
            request: { ...t.request, build, tag, ...(named !== undefined && { repository: named.imageName }) },
        };
    });
}

function parseTag(tag: string): { imageName: string; imageTag?: string } {
    try {
        return parseImageName(tag);
    } catch (e) {
        if (e instanceof RioInputError) throw new RioInputError([], `-t ${tag}: ${e.detail}`);
        throw e;
    }
}
