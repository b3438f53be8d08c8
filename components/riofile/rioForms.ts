/**
 * What Rio's parser took in a Riofile that pulumi-rio's own keys would refuse or read differently: rewritten to
 * what Rio made of it before the keys are checked, each with a located warning saying what was done. Only the
 * Riofile loader applies these (RioService and RioRouter callers get the strict keys).
 */
import { RioWarning } from "./warnings";
import { MIN_INTERVAL_SECONDS } from "../service/rollout";
import { kubeProtocol, resolvePort } from "../service/ports";
import { parseScaleRange } from "../service/autoscale";

type At = (string | number)[];

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

const AFFINITY_KEYS = ["nodeAffinity", "podAffinity", "podAntiAffinity"];

/**
 * A service: empty affinity keys (Rio's Reference writes `nodeAffinity:`) are no affinity; an `image` beside a
 * `build` is dropped (Rio ran it only until the build first succeeded, then the built image for good); a later port
 * on an earlier one's Service port is dropped (see {@link portForms}); a relative host path is taken from the node's
 * root (see {@link volumeForms}); the build's keys for what pulumi-rio does otherwise are dropped (see
 * {@link buildForms}); `template: true` is dropped (a new commit rolls the same workload in place); a gradual
 * rollout of a service that autoscales on concurrency is dropped; a rollout interval under Flagger's shortest is
 * raised to it (see {@link rolloutForms}).
 */
export function rioServiceForms(raw: unknown, at: At, warnings: RioWarning[]): unknown {
    if (!isMap(raw)) return raw;
    const spec: Record<string, unknown> = Object.fromEntries(
        Object.entries(raw).filter(([k, v]) => !(AFFINITY_KEYS.includes(k) && v === null)),
    );
    if (spec.image !== undefined && spec.build !== undefined) {
        warnings.push({
            path: [...at, "image"],
            detail: "is ignored: the service runs the image its build makes (Rio ran this one only until the build first succeeded)",
        });
        delete spec.image;
    }
    for (const key of ["ports", "port"]) {
        if (Array.isArray(spec[key])) spec[key] = portForms(spec[key], [...at, key], warnings);
    }
    for (const key of ["volumes", "volume"]) {
        const v = spec[key];
        if (typeof v === "string" || Array.isArray(v)) spec[key] = volumeForms(v, [...at, key], warnings);
    }
    if (isMap(spec.build)) spec.build = buildForms(spec.build, [...at, "build"], warnings);
    if (spec.template === true) {
        // Rio's template made a revision of the service per commit and moved all the traffic to it; here the
        // commit is built and rolled into the same workload, which the user sees the same way. A staged one
        // (stageOnly) stays refused: ignoring it would move traffic Rio kept off the new commit.
        warnings.push({ path: [...at, "template"], detail: TEMPLATE_IGNORED });
        delete spec.template;
    }
    if ((spec.rollout !== undefined || spec.rolloutDuration !== undefined) && scalesOnConcurrency(spec)) {
        // Rio rolled a service updated in place (template: false) as its Deployment rolls; rollout only paced the
        // weights between versions. Here it would be a Flagger canary, which cannot share the route with KEDA.
        for (const key of ["rollout", "rolloutDuration"]) {
            if (spec[key] === undefined) continue;
            warnings.push({
                path: [...at, key],
                detail: "is ignored: the service autoscales on concurrency, and KEDA's interceptor and a gradual rollout (Flagger) would both own its route; a new image rolls out as the Deployment rolls, as Rio rolled a service updated in place",
            });
            delete spec[key];
        }
    }
    if (isMap(spec.rollout)) spec.rollout = rolloutForms(spec.rollout, [...at, "rollout"], warnings);
    return spec;
}

/** Why a service's `template: true` is dropped: what Rio's template did, seen from the user, is what happens here. */
const TEMPLATE_IGNORED =
    "is ignored: a new commit rolls the same workload in place at the next build, which is what Rio's template did from the user's side (the new commit gets all the traffic); pulumi-rio keeps no version per commit, and pull requests get a PreviewEnv";

/** Whether the service autoscales on concurrency: `autoscale` without cpu/memory targets, or `scale: MIN-MAX`. */
function scalesOnConcurrency(spec: Record<string, unknown>): boolean {
    const a = spec.autoscale;
    if (isMap(a)) return a.cpu === undefined && a.memory === undefined;
    const scale = spec.scale ?? spec.replicas;
    return typeof scale === "string" && parseScaleRange(scale) !== undefined;
}

/** Kubernetes object names: lowercase DNS-1123 subdomains. A Secret can have no other. */
const SECRET_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A build's keys for what pulumi-rio does otherwise or not at all, each dropped with why: GitHub webhooks (a new
 * commit is built at the next `pulumi up`), revisions per pull request (previews instead), `stageOnly` (no build key
 * in Rio's code; the Reference puts it here), tag filters with `tag` off (Rio used them only for tag builds),
 * secret names no Secret can have (the Reference's `secretDocker`), and `branch` on a build without `repo`.
 */
function buildForms(build: Record<string, unknown>, at: At, warnings: RioWarning[]): Record<string, unknown> {
    const out = { ...build };
    const drop = (key: string, detail: string) => {
        delete out[key];
        warnings.push({ path: [...at, key], detail });
    };
    if (build.repo === undefined) {
        if (build.branch !== undefined)
            drop(
                "branch",
                "is ignored: a build without repo builds the Riofile's folder as it is on disk (Rio built the stack's repository at this branch)",
            );
        return out;
    }
    if (build.webhookSecretName !== undefined)
        drop(
            "webhookSecretName",
            "is ignored: pulumi-rio registers no GitHub webhook; a new commit is built at the next pulumi up (the operator's resync, or the poll of rio cd github-workflow)",
        );
    if (build.stageOnly !== undefined)
        drop(
            "stageOnly",
            "is ignored, as Rio ignored it: Rio's builds have no stageOnly (it is a service key there), and pulumi-rio stages no revision per commit",
        );
    for (const key of ["pr", "onPR"]) {
        if (build[key] === true)
            drop(
                key,
                "is ignored: pulumi-rio builds no revision per pull request; a pull request of the stack's own repository gets a preview (PreviewEnv, rio cd preview-workflow) whose builds of it follow the pull request's branch",
            );
    }
    if (build.tag !== true && build.onTag !== true) {
        for (const key of ["tagInclude", "tagExclude"]) {
            if (build[key] !== undefined)
                drop(key, "is ignored, as Rio ignored it: it filters the tags of a tag build, and tag is not true");
        }
    }
    for (const key of ["cloneSecretName", "pushRegistrySecretName"]) {
        const name = build[key];
        if (typeof name === "string" && !SECRET_NAME.test(name))
            drop(
                key,
                `is ignored: no Secret can be named "${name}" (Kubernetes names are lowercase DNS-1123 subdomains), so the build runs without it`,
            );
    }
    return out;
}

/**
 * Rio's Services kept the first port of each number and protocol (`serviceports.ContainerPorts`): a later port on
 * the same Service port (the Reference's `8080:80/http,web` then `8080/http,admin`) reached nothing, so it is
 * dropped. Ports that do not parse are left for the ports' own check to refuse.
 */
function portForms(ports: unknown[], at: At, warnings: RioWarning[]): unknown[] {
    const seen = new Map<string, number>();
    return ports.filter((p, i) => {
        let key: string;
        try {
            const port = resolvePort(p as Parameters<typeof resolvePort>[0]);
            key = `${port.port}/${kubeProtocol(port)}`;
        } catch {
            return true;
        }
        const first = seen.get(key);
        if (first === undefined) {
            seen.set(key, i);
            return true;
        }
        warnings.push({
            path: [...at, i],
            detail: `is ignored, as Rio ignored it: its Service port ${key.split("/")[0]} is already ports[${first}]'s, which Rio's Service kept`,
        });
        return false;
    });
}

/**
 * Rio took a host path as written, and its docs mount a relative one (`rio run -v foo:/etc,hosttype=directoryorcreate`);
 * Kubernetes leaves a relative host path to the kubelet's working directory. It is taken from the node's root
 * (`/foo`), the directory a kubelet run by systemd works in.
 */
function volumeForms(volumes: string | unknown[], at: At, warnings: RioWarning[]): string | unknown[] {
    const one = (v: unknown, path: At): unknown => {
        if (typeof v === "string") {
            const [head = "", ...options] = v.split(",");
            const colon = head.indexOf(":");
            const hostType = options.some((o) => /^(hosttype|hostpathtype)=/i.test(o.trim()));
            const source = head.slice(0, colon).trim();
            if (!hostType || colon <= 0 || source.startsWith("/")) return v;
            warnings.push({ path, detail: relative(source) });
            return [`/${source}${head.slice(colon)}`, ...options].join(",");
        }
        if (!isMap(v)) return v;
        const key = v.hostPath !== undefined ? "hostPath" : "hostpath";
        const source = v[key];
        if (typeof source !== "string" || source === "" || source.startsWith("/")) return v;
        warnings.push({ path: [...path, key], detail: relative(source) });
        return { ...v, [key]: `/${source}` };
    };
    return typeof volumes === "string" ? (one(volumes, at) as string) : volumes.map((v, i) => one(v, [...at, i]));
}

function relative(source: string): string {
    return `host path "${source}" is relative: taken from the node's root, as "/${source}" (Kubernetes leaves a relative host path to the kubelet's working directory)`;
}

/**
 * Rio stepped a rollout every `interval` seconds, any number of them; Flagger analyses a canary at most every
 * 10 s. A shorter interval is raised to that, and a given increment grows in proportion (at most 100%), so the
 * traffic moves as fast as Rio moved it and the rollout takes as long.
 */
function rolloutForms(rollout: Record<string, unknown>, at: At, warnings: RioWarning[]): Record<string, unknown> {
    const key = rollout.interval !== undefined ? "interval" : "intervalSeconds";
    const interval = rollout[key];
    if (typeof interval !== "number" || !(interval > 0 && interval < MIN_INTERVAL_SECONDS)) return rollout;
    const increment = rollout.increment;
    const scaled =
        typeof increment === "number" && Number.isInteger(increment) && increment >= 1 && increment <= 100
            ? Math.min(100, Math.ceil((increment * MIN_INTERVAL_SECONDS) / interval))
            : undefined;
    warnings.push({
        path: [...at, key],
        detail:
            `${interval} seconds is raised to ${MIN_INTERVAL_SECONDS}, the shortest step Flagger takes (it analyses a canary at most every ${MIN_INTERVAL_SECONDS} s)` +
            (scaled !== undefined
                ? `; increment ${increment} becomes ${scaled}, so the traffic moves as fast as Rio moved it`
                : ""),
    });
    return { ...rollout, [key]: MIN_INTERVAL_SECONDS, ...(scaled !== undefined && { increment: scaled }) };
}

/**
 * A router: a route with both destinations (`to`) and a `redirect` sends to the destinations, as Rio's gateway
 * did (its route action was the redirect, then replaced by the destinations), so the redirect is dropped.
 */
export function rioRouterForms(raw: unknown, at: At, warnings: RioWarning[]): unknown {
    if (!isMap(raw) || !Array.isArray(raw.routes)) return raw;
    const routes = raw.routes.map((r: unknown, i) => {
        if (!isMap(r) || r.to === undefined || r.redirect === undefined) return r;
        const { redirect: _redirect, ...rest } = r;
        warnings.push({
            path: [...at, "routes", i, "redirect"],
            detail: "is ignored, as Rio ignored it: the route sends to its destinations (to) instead",
        });
        return rest;
    });
    return { ...raw, routes };
}
