import { RioInputError } from "../errors";
import { PlannedObject } from "../kube/object";
import { NormalizedApp } from "./app";
import { planAppService } from "./appService";
import { Allowable, nodeReach, ServiceContext } from "./context";
import { planWorkload } from "./workload";
import { planCanary, rolloutRefusal } from "./rollout";
import { planRbac } from "./permissions";
import { planHttpRoutes, planVersionRoute } from "./httpRoute";
import { planAutoscaler, planDisruptionBudget, planReferenceGrant } from "./autoscaler";
import { appObjectLabels, objectLabels } from "./labels";
import { planVolumeClaim } from "./volumes";
import { imageRefs, imageTag, planBuildJob } from "../build/job";
import { LocalImage, planLocalImage } from "../build/local";
import { KubeObject } from "../kube/object";
import { NormalizedService } from "./spec";

/** Everything one service becomes: the objects to apply and the values its component outputs. */
export interface ServicePlan {
    objects: PlannedObject[];
    /** Name of the app's ClusterIP Service, when the service has ports. */
    serviceName?: string;
    /** Local folders built and pushed before the workloads that run them (`Image<suffix>`). */
    images: { suffix: string; image: LocalImage }[];
    hostnames: string[];
    urls: string[];
}

/**
 * The one mapping from a checked app to Kubernetes objects. `RioService` applies exactly these and `rio
 * render` prints exactly these; nothing else decides what a service becomes.
 *
 * One version: its Deployment, the Service `<app>` and the app's routes. Several versions (Rio's revisions):
 * per version a Deployment, a Service `<app>-<version>` and a route on `<app>-<version>-<namespace>.<domain>`;
 * for the app, the Service `<app>` (in-cluster clients: spread by pods, not by weight) and routes split by weight.
 */
/**
 * A built version: its commit resolved now, the image tag derived from it (and the build inputs), the Job that
 * builds and pushes it, and the version running exactly that image. Errors name `build.*`, or `image` when the
 * build was a git URL given as the image.
 */
function built(
    v: NormalizedService,
    ctx: ServiceContext,
): { version: NormalizedService; job?: KubeObject; local?: LocalImage } {
    if (v.localBuild) {
        const { image, pull } = planLocalImage(
            v.localBuild,
            ctx.baseDir,
            `${ctx.namespace}/${v.name}`,
            ctx.build.registry,
        );
        return { version: { ...v, image: pull }, local: image };
    }
    const b = v.build;
    if (!b) return { version: v };
    try {
        const commit = ctx.resolveCommit(b.repo, b.ref);
        const refs = imageRefs(b, ctx.namespace, v.name, imageTag(commit, b), ctx.build);
        const job = planBuildJob(
            b,
            commit,
            refs,
            { namespace: ctx.namespace, workload: v.name, app: v.app },
            ctx.build,
        );
        return { version: { ...v, image: refs.pull }, job };
    } catch (e) {
        if (!(e instanceof RioInputError)) throw e;
        throw b.declaredAt === "image" ? new RioInputError(["image"], e.detail) : e.withPrefix(["build"]);
    }
}

/**
 * Rio asked for an admission verb (rio-hostport, rio-hostnetwork, rio-hostpath, rio-privileged) before a service
 * could reach into its node; here the stack allows each by name, and the first use it does not allow is refused.
 */
function guard(v: NormalizedService, ctx: ServiceContext): void {
    const uses: { feature: Allowable; at: (string | number)[]; what: string }[] = [];
    const where = (container: string | undefined) =>
        container === undefined ? [] : ["containers", v.sidecars.findIndex((c) => c.name === container)];
    v.ports.forEach((p) => {
        if (!p.hostPort) return;
        const own =
            p.container === undefined
                ? v.ports.filter((q) => q.container === undefined)
                : v.sidecars.find((c) => c.name === p.container)!.ports;
        uses.push({
            feature: "hostPort",
            at: [...where(p.container), "ports", own.indexOf(p)],
            what: `hostport ${nodeReach("hostPort")}`,
        });
    });
    if (v.hostNetwork)
        uses.push({
            feature: "hostNetwork",
            at: ["hostNetwork"],
            what: `hostNetwork ${nodeReach("hostNetwork")}`,
        });
    [{ name: undefined, c: v }, ...v.sidecars.map((c) => ({ name: c.name, c }))].forEach(({ name, c }) => {
        if (c.security.privileged === true)
            uses.push({
                feature: "privileged",
                at: [...where(name), "privileged"],
                what: `a privileged container ${nodeReach("privileged")}`,
            });
        c.volumes.forEach((vol, j) => {
            if (vol.hostPath !== undefined)
                uses.push({
                    feature: "hostPath",
                    at: [...where(name), "volumes", j],
                    what: `a hostPath volume ${nodeReach("hostPath", vol.hostPath)}`,
                });
        });
    });
    const refused = uses.find((u) => !ctx.allow.includes(u.feature));
    if (refused) {
        throw new RioInputError(
            refused.at,
            `${refused.what}; allow it by name (RioService allow: [${refused.feature}], stack config rio:allow, rio render --allow ${refused.feature}) — the namespace then needs Pod Security privileged`,
        );
    }
}

/**
 * `routedHosts`: the hosts routers send this app's requests on (`interceptedHosts`), which a concurrency-scaled
 * app's InterceptorRoute lists too, since KEDA's interceptor routes by host.
 */
export function planApp(input: NormalizedApp, ctx: ServiceContext, routedHosts: string[] = []): ServicePlan {
    input.versions.forEach((v) => guard(v, ctx));
    const multi = input.versions.length > 1;
    const builds = input.versions.map((v) => built(v, ctx));
    const app: NormalizedApp = { ...input, versions: builds.map((b) => b.version) };
    const first = app.versions[0]!;
    const service = planAppService(first, ctx.namespace);
    const exposed = planHttpRoutes(app, ctx);
    const versionRoutes = multi ? app.versions.map((v) => planVersionRoute(v, ctx)).filter((r) => r !== undefined) : [];
    // A gradual rollout hands the app's Service and route to Flagger (rollout.ts): its Canary replaces them.
    const gradual = app.versions.find((v) => v.gradual)?.gradual;
    if (gradual) {
        const refused = rolloutRefusal(app.versions, exposed);
        if (refused) throw new RioInputError(refused.at, refused.message);
    }
    const hostnames = [...exposed, ...versionRoutes].flatMap((e) => e.hostnames);
    const dup = hostnames.find((h, i) => hostnames.indexOf(h) !== i);
    if (dup) throw new RioInputError(["hostnames"], `hostname "${dup}" is listed twice`);
    // A version's own objects (workload, ServiceAccount and roles, budget, autoscaler, build) keep their Kubernetes
    // names whatever other versions the app has, so their Pulumi names must not depend on that either: a new
    // Pulumi name for the same Kubernetes object is created (or adopted) first and the old one deleted after,
    // taking the live object with it. So the suffix is the version's alone: none for the workload named after the
    // component (a plain service, or an app's first version `<app>`), `-<version>` for any other — the same with
    // one version (`rio rm` of the others), two (`rio stage`) or more.
    const suffix = (v: NormalizedService) => (v.name === input.name ? "" : `-${v.version}`);
    // Stacks deployed by earlier releases gave every version `-<version>` once the app had two, and the only one
    // "": those names are aliases, so such a stack's objects are updated in place too. Never "" beside other versions: one
    // of them may be what "" names now.
    const former = (v: NormalizedService) => (v.name === input.name ? `-${v.version}` : multi ? undefined : "");
    const formerly = (v: NormalizedService, rest = "") => {
        const f = former(v);
        return f === undefined ? {} : { formerly: [`${f}${rest}`] };
    };
    // Concurrency scaling: the hosts each version is reached by, for KEDA's interceptor to route and count.
    const appHosts = exposed[0]?.hostnames ?? [];
    const autoscalers = app.versions.flatMap((v, i) => {
        const port = v.ports.find((p) => p.expose);
        const target = port && {
            hosts: [...new Set([...appHosts, ...(multi ? (versionRoutes[i]?.hostnames ?? []) : []), ...routedHosts])],
            service: multi ? `${v.app}-${v.version}` : v.app,
            port: port.port,
            ...(multi && { header: v.version }),
        };
        return planAutoscaler(v, ctx, target).map((object) => ({ suffix: suffix(v), object, ...formerly(v) }));
    });
    const intercepted = app.versions.some((v) => v.autoscale?.kind === "concurrency");
    const objects: PlannedObject[] = [
        ...app.versions.flatMap((v, i) =>
            builds[i]!.job ? [{ suffix: `${suffix(v)}-build`, object: builds[i]!.job!, ...formerly(v, "-build") }] : [],
        ),
        // Rio's permissions: the version's ServiceAccount, roles and bindings, before the pods that use them.
        ...app.versions.flatMap((v) =>
            planRbac(
                { name: v.name, namespace: ctx.namespace, labels: objectLabels(v) },
                v.permissions,
                v.globalPermissions,
            ).map((object) => {
                const rest = object.kind === "ServiceAccount" ? "" : `-${object.metadata.name}`;
                return { suffix: `${suffix(v)}${rest}`, object, ...formerly(v, rest) };
            }),
        ),
        // A workload rolls to a built image only once its build has succeeded.
        ...app.versions.map((v, i) => {
            const after = [
                ...(builds[i]!.job ? [`Job${suffix(v)}-build`] : []),
                ...(builds[i]!.local ? [`Image${suffix(v)}`] : []),
                ...(v.permissions.length + v.globalPermissions.length > 0 ? [`ServiceAccount${suffix(v)}`] : []),
            ];
            return {
                suffix: suffix(v),
                object: planWorkload(v, ctx.namespace),
                ...formerly(v),
                ...(after.length > 0 && { after }),
                // Flagger scales the rolled-out Deployment (to 0 between rollouts): its replicas are Flagger's.
                ...(v.gradual && { ownedElsewhere: ["spec.replicas"] }),
            };
        }),
        ...(service && !gradual ? [{ suffix: "", object: service }] : []),
        ...(multi
            ? app.versions
                  .flatMap((v) => planAppService(v, ctx.namespace, true) ?? [])
                  .map((object, i) => ({ suffix: `-${app.versions[i]!.version}`, object }))
            : []),
        ...(gradual
            ? [{ suffix: "", object: planCanary(first, gradual, exposed[0]!, ctx.namespace) }]
            : exposed.map((e) => ({ suffix: e.suffix, object: e.route }))),
        ...versionRoutes.map((e) => ({ suffix: e.suffix, object: e.route })),
        ...autoscalers,
        // Flagger's primary pods carry their own selector label: a budget on ours would cover none of them.
        ...app.versions.flatMap((v) => {
            if (v.gradual) return [];
            const pdb = planDisruptionBudget(v, ctx.namespace);
            return pdb ? [{ suffix: suffix(v), object: pdb, ...formerly(v) }] : [];
        }),
        ...(intercepted ? [{ suffix: "", object: planReferenceGrant(app.app, ctx, appObjectLabels(first)) }] : []),
        // One claim per persistent volume name, whichever containers and versions mount it: the app's, labelled as
        // the app, so that staging, promoting or removing a version neither adds a second claim of the name nor
        // moves the one that holds the data to another Pulumi resource (which would delete it).
        ...(() => {
            const persistent = app.versions
                .flatMap((v) => [...v.volumes, ...v.sidecars.flatMap((c) => c.volumes)])
                .filter((vol) => vol.persistent);
            return persistent
                .filter((vol, i) => persistent.findIndex((w) => w.name === vol.name) === i)
                .map((vol) => ({
                    suffix: `-vol-${vol.name}`,
                    object: planVolumeClaim(vol, ctx.namespace, appObjectLabels(first)),
                }));
        })(),
    ];
    // Two objects of one kind and name would overwrite each other (a version named like a port, say).
    const seen = new Set<string>();
    for (const { object, suffix } of objects) {
        for (const key of [`${object.kind}/${object.metadata.name}`, `${object.kind}#${suffix}`]) {
            if (seen.has(key))
                throw new RioInputError(
                    ["versions"],
                    `two objects would share the ${object.kind} name "${object.metadata.name}"; rename a version`,
                );
            seen.add(key);
        }
    }
    const images = app.versions.flatMap((v, i) =>
        builds[i]!.local ? [{ suffix: suffix(v), image: builds[i]!.local! }] : [],
    );
    return {
        objects,
        images,
        serviceName: service?.metadata.name,
        hostnames,
        urls: hostnames.map((h) => `${ctx.gateway.scheme}://${h}`),
    };
}

/** A single-version service's plan (what most services are). */
export function planService(svc: NormalizedService, ctx: ServiceContext): ServicePlan {
    return planApp({ name: svc.name, app: svc.app, hostnames: svc.hostnames, versions: [svc] }, ctx);
}
