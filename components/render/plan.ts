import * as path from "path";
import { formatKeyPath, RioInputError } from "../errors";
import { PlannedObject } from "../kube/object";
import { planConfigMap } from "../riofile/configMap";
import { Riofile } from "../riofile/load";
import { GatewayRef, resolveContext, ServiceContext } from "../service/context";
import type { CommitResolver } from "../build/resolve";
import { normalizeApp } from "../service/app";
import { planApp, ServicePlan } from "../service/plan";
import { planRouter, routedHosts, RouterPlan } from "../router/plan";
import { normalizeRouter, NormalizedRouter } from "../router/spec";
import { normalizeExternalService, planExternalService } from "../external/externalService";
import { planManifest } from "../riofile/manifest";
import { KubeObject } from "../kube/object";

/** Where a Riofile is deployed: the namespace and the gateway its services attach to. */
export interface RiofileTarget {
    namespace?: string;
    gateway?: GatewayRef;
    /** What follows `<app>-` in hostnames (a preview's slug). Default: the namespace. */
    hostLabel?: string;
    /** Features reaching into the node allowed by name (`hostPort`, `hostNetwork`, `hostPath`, `privileged`). Default none. */
    allow?: readonly string[];
    /** RioSystem's registry. Default: RioSystem's in rio-system (not served outside the cluster). */
    registry?: { push: string; pull: string; external?: { host: string } };
    /** How a git build's branch or tag becomes a commit. Default: `git ls-remote` against the repository. */
    resolveCommit?: CommitResolver;
}

/** A Riofile's objects, grouped as the components create them. */
export interface RiofilePlan {
    context: ServiceContext;
    configs: { name: string; object: PlannedObject }[];
    services: { name: string; plan: ServicePlan }[];
    routers: { name: string; normalized: NormalizedRouter; plan: RouterPlan }[];
    externalServices: { name: string; objects: PlannedObject[] }[];
    /** `kubernetes.manifest`, applied as is (in the namespace unless it names one). */
    manifest: PlannedObject[];
}

/** A one-version app's version and the service key it has in the file (see groupVersions), if it is one. */
function onlyVersion({ spec }: Riofile["services"][number]): { version: string; key: string } | undefined {
    const entries = Object.entries(spec.versions ?? {});
    const [version, own] = entries[0] ?? [];
    return entries.length === 1 && own?.name !== undefined ? { version: version!, key: own.name } : undefined;
}

/** Plans every object of a Riofile with the same functions `RioService` and `RioRouter` use. */
export function planRiofile(riofile: Riofile, target: RiofileTarget): RiofilePlan {
    const context = resolveContext(target.namespace, target.gateway, {
        ...(target.hostLabel !== undefined && { hostLabel: target.hostLabel }),
        ...(target.allow && { allow: target.allow }),
        ...(target.registry && { registry: target.registry }),
        ...(target.resolveCommit && { resolveCommit: target.resolveCommit }),
        // A Riofile's local folders are relative to the Riofile.
        baseDir: path.dirname(path.resolve(riofile.file)),
    });
    // Errors found only now (they depend on the namespace or domain) still point into the file.
    const located = <T>(prefix: (string | number)[], fn: () => T): T => {
        try {
            return fn();
        } catch (e) {
            if (!(e instanceof RioInputError)) throw e;
            const at = e.withPrefix(prefix);
            throw riofile.locate ? at.withLocation(riofile.locate(at.path, at.atKey)) : at;
        }
    };
    // A one-version app the loader named after its app (groupVersions) is its one service in the file: errors
    // point at that service's keys (`versions.<version>.` is not written there).
    const inService = <T>(service: Riofile["services"][number], fn: () => T): T => {
        const only = onlyVersion(service);
        if (only === undefined) return located(["services", service.name], fn);
        return located(["services", only.key], () => {
            try {
                return fn();
            } catch (e) {
                if (!(e instanceof RioInputError) || e.path[0] !== "versions" || e.path[1] !== only.version) throw e;
                throw new RioInputError(e.path.slice(2), e.detail, e.location, e.atKey);
            }
        });
    };
    const apps = riofile.services.map((s) => inService(s, () => normalizeApp(s.name, s.spec)));
    const routers = riofile.routers.map(({ name, spec }) => {
        const normalized = located(["routers", name], () => normalizeRouter(name, spec));
        return { name, normalized, plan: located(["routers", name], () => planRouter(normalized, context, apps)) };
    });
    // A scale-to-zero app's InterceptorRoute also lists the hosts routers reach it on.
    const services = riofile.services.map(({ name }, i) => ({
        name,
        plan: inService(riofile.services[i]!, () =>
            planApp(apps[i]!, context, routedHosts(apps[i]!, routers, context)),
        ),
    }));
    const externalServices = riofile.externalServices.map(({ name, spec }) => ({
        name,
        objects: located(["externalservices", name], () =>
            planExternalService(normalizeExternalService(name, spec, context), context.namespace),
        ).map((object): PlannedObject => ({
            suffix: object.kind === "EndpointSlice" ? `-${object.metadata.name.split("-").pop()}` : "",
            object,
        })),
    }));
    const manifest = planManifest(riofile.manifest, context.namespace).map((object: KubeObject): PlannedObject => ({
        suffix: "",
        object,
    }));
    // One object, one owner: a manifest object or external service that names an object the Riofile already
    // plans would have two resources fighting over it.
    const owners = new Map<string, (string | number)[]>();
    const claim = (o: KubeObject, at: (string | number)[]) => {
        // generateName: a name the API server makes up, so nothing else can claim it.
        const key = `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name ?? `\0generated ${owners.size}`}`;
        const first = owners.get(key);
        located([], () => {
            if (first)
                throw new RioInputError(
                    at,
                    `${o.kind} "${o.metadata.name}" is also declared by ${formatKeyPath(first)}`,
                );
        });
        owners.set(key, at);
    };
    services.forEach((s, i) =>
        s.plan.objects.forEach((p) => claim(p.object, ["services", onlyVersion(riofile.services[i]!)?.key ?? s.name])),
    );
    routers.forEach((r) => r.plan.objects.forEach((p) => claim(p.object, ["routers", r.name])));
    externalServices.forEach((e) => e.objects.forEach((p) => claim(p.object, ["externalservices", e.name])));
    manifest.forEach((p, i) => claim(p.object, ["kubernetes", "manifest", i]));
    return {
        context,
        externalServices,
        manifest,
        configs: riofile.configs.map(({ name, data, labels }) => ({
            name,
            object: { suffix: "", object: planConfigMap(name, data, context.namespace, labels) },
        })),
        services,
        routers,
    };
}

/** Every object of the plan in apply order: configs, then each service's objects. */
export function planObjects(plan: RiofilePlan): PlannedObject[] {
    return [
        ...plan.configs.map((c) => c.object),
        ...plan.services.flatMap((s) => s.plan.objects),
        ...plan.routers.flatMap((r) => r.plan.objects),
        ...plan.externalServices.flatMap((e) => e.objects),
        ...plan.manifest,
    ];
}
