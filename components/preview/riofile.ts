import { Riofile } from "../riofile/load";
import { BuildSpec } from "../build/spec";
import { ServiceSpec, VersionSpec } from "../service/spec";

export interface PreviewOverrides {
    /** The branch the project's own builds follow (the pull request's head). */
    branch?: string;
    /**
     * The project's own repository: only its builds follow the branch; a build of any other repository keeps
     * what the Riofile names (that repository has no such branch). Compared as {@link sameRepository} does.
     * Default none: no build follows the branch.
     */
    repo?: string;
    /** Replicas of every fixed-scale service. Default 1. */
    scale?: number;
    /** Extra environment for every service. */
    env?: Record<string, string>;
    /** Autoscaled services may scale to zero (RioSystem's autoscaling feature is on). Default false. */
    scaleToZero?: boolean;
}

/**
 * A git URL reduced to what names the repository: host and path, lowercased, without scheme, user, port, `.git`
 * or trailing slash, so `https://github.com/Acme/Web.git`, `git@github.com:acme/web` and
 * `ssh://git@github.com/acme/web` are one repository.
 */
export function repositoryKey(url: string): string {
    const scp = /^[\w.-]+@([^:/]+):(.*)$/.exec(url);
    const [host, p] = scp
        ? [scp[1]!, scp[2]!]
        : (() => {
              const m = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/:]+)(?::\d+)?\/?(.*)$/i.exec(url);
              return m ? [m[1]!, m[2]!] : ["", url];
          })();
    return `${host}/${p}`
        .toLowerCase()
        .replace(/\/+$/, "")
        .replace(/\.git$/, "");
}

/** Whether two git URLs name the same repository (see {@link repositoryKey}). */
export function sameRepository(a: string, b: string): boolean {
    return repositoryKey(a) === repositoryKey(b);
}

function withEnv(env: ServiceSpec["env"], extra: Record<string, string> | undefined): ServiceSpec["env"] {
    if (!extra || Object.keys(extra).length === 0) return env;
    if (env === undefined) return extra;
    if (typeof env === "string" || Array.isArray(env))
        return [
            ...(typeof env === "string" ? [env] : (env as readonly string[])).filter(
                (e) => !Object.hasOwn(extra, e.split("=")[0]!),
            ),
            ...Object.entries(extra).map(([k, v]) => `${k}=${v}`),
        ];
    return { ...(env as Record<string, string>), ...extra };
}

function previewSpec<S extends ServiceSpec | VersionSpec>(spec: S, o: PreviewOverrides): S {
    const out: S = { ...spec };
    const autoscaled = spec.autoscale !== undefined || (typeof spec.scale === "string" && spec.scale.includes("-"));
    if (autoscaled) {
        if (o.scaleToZero) {
            if (spec.autoscale?.cpu === undefined && spec.autoscale?.memory === undefined) {
                out.autoscale = { ...spec.autoscale, minReplicas: 0, maxReplicas: 1 };
                delete out.scale;
            }
        } else {
            delete out.autoscale;
            out.scale = o.scale ?? 1;
        }
    } else if (!spec.global) {
        // A global service runs one pod per node, preview or not.
        out.scale = o.scale ?? 1;
    }
    const env = withEnv(spec.env, o.env);
    if (env !== undefined) out.env = env;
    const build: BuildSpec | undefined = spec.build;
    const own = (repo: string | undefined) =>
        repo !== undefined && o.repo !== undefined && sameRepository(repo, o.repo);
    if (build && o.branch !== undefined && own(build.repo)) {
        const { revision: _r, tag: _t, onTag: _o, tagInclude: _i, tagExclude: _e, ...rest } = build;
        out.build = { ...rest, branch: o.branch };
    }
    if (
        typeof spec.image === "string" &&
        o.branch !== undefined &&
        /^(https?|ssh|git|file):\/\/|^git@/.test(spec.image) &&
        own(spec.image)
    ) {
        delete out.image;
        out.build = { repo: spec.image, branch: o.branch };
    }
    return out;
}

/**
 * A Riofile as a preview runs it: small (scale 1, or down to zero when autoscaling is on), with the preview's
 * environment, and the project's own builds following the pull request's branch instead of what the Riofile
 * names; builds of other repositories are left as they are.
 */
export function previewRiofile(riofile: Riofile, o: PreviewOverrides): Riofile {
    return {
        ...riofile,
        services: riofile.services.map(({ name, spec }) => ({
            name,
            spec: spec.versions
                ? {
                      ...spec,
                      versions: Object.fromEntries(
                          Object.entries(spec.versions).map(([v, vs]) => [v, previewSpec(vs, o)]),
                      ),
                  }
                : previewSpec(spec, o),
        })),
    };
}
