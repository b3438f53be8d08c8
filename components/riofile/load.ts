import * as fs from "fs";
import * as path from "path";
import { isCollection, Node, parseDocument, visit } from "yaml";
import { documentValue, YAML_OPTIONS } from "./yamlValue";
import { KeyPath, RioInputError, SourceLocation, under } from "../errors";
import { suggestKey, unknownKey } from "../service/keys";
import { RioWarning } from "./warnings";
import { normalizeApp } from "../service/app";
import { NormalizedRouter, normalizeRouter, RouterSpec } from "../router/spec";
import { ExternalServiceSpec, normalizeExternalService } from "../external/externalService";
import { KubeObject } from "../kube/object";
import { resolveContext } from "../service/context";
import { parseManifest } from "./manifest";
import { normalizeService, parseServiceSpec, ServiceSpec, VersionSpec } from "../service/spec";
import { NormalizedConfig, normalizeConfig } from "./configMap";
import { locate } from "./locate";
import { renderTemplate, TemplateOptions } from "./template";
import { isPlainKubernetes, parsePlainKubernetes } from "./kubernetesYaml";
import { rioRouterForms, rioServiceForms } from "./rioForms";

/** A Riofile's top-level keys this release implements. */
export const RIOFILE_KEYS = ["services", "configs", "routers", "externalservices", "kubernetes"] as const;
/** Rio's other top-level keys: accepted by Rio, refused here by name until pulumi-rio implements them. */
export const PLANNED_RIOFILE_KEYS: string[] = [];

const PLAIN_KUBERNETES_YAML =
    "is a Kubernetes object's key: load plain Kubernetes YAML with loadRiofile or parseRiofile, or put the objects in kubernetes.manifest";

/** A loaded, fully checked Riofile. */
export interface Riofile {
    /** The file name errors are reported against. */
    file: string;
    /** Services in file order, each with its spec in canonical keys (what `RioService` takes). */
    services: { name: string; spec: ServiceSpec }[];
    /** ConfigMaps in file order, each with its labels when it has any. */
    configs: ({ name: string } & NormalizedConfig)[];
    /** Routers in file order (Rio's router keys, checked). */
    routers: { name: string; spec: RouterSpec }[];
    /** External services in file order. */
    externalServices: { name: string; spec: ExternalServiceSpec }[];
    /** `kubernetes.manifest`'s objects, as written. */
    manifest: KubeObject[];
    /** What was taken as Rio took it but is worth saying, located (see {@link RioWarning}). Default none. */
    warnings?: RioWarning[];
    /** Where a key path sits in the file, for errors found after loading (planning against a namespace). */
    locate?: (path: KeyPath, atKey?: boolean) => SourceLocation;
}

function mapEntries(value: unknown, what: string): [string, unknown][] {
    if (value === null || value === undefined) return [];
    if (typeof value !== "object" || Array.isArray(value))
        throw new RioInputError([], `${what} must be a map of names to definitions`);
    return Object.entries(value);
}

/**
 * Checks a Riofile's parsed content; errors carry key paths from the top of the file, and so do the warnings
 * pushed on `warnings`.
 */
export function checkRiofile(content: unknown, file: string, warnings: RioWarning[] = []): Riofile {
    if (content === null || content === undefined)
        return { file, services: [], configs: [], routers: [], externalServices: [], manifest: [] };
    if (typeof content !== "object" || Array.isArray(content)) {
        throw new RioInputError([], "a Riofile must be a map with services and configs");
    }
    const top = content as Record<string, unknown>;
    for (const key of Object.keys(top)) {
        if ((RIOFILE_KEYS as readonly string[]).includes(key)) continue;
        if (key === "kind" || key === "apiVersion") {
            throw new RioInputError([key], PLAIN_KUBERNETES_YAML, undefined, true);
        }
        if (key === "template") {
            // parseRiofile takes the section out; one it could not find is not at the start of a line.
            throw new RioInputError(
                [key],
                "the template section must start a line of the Riofile (template: in column 1), as Rio read it",
                undefined,
                true,
            );
        }
        if (PLANNED_RIOFILE_KEYS.includes(key)) {
            throw new RioInputError([key], "is a Rio key that pulumi-rio does not support yet", undefined, true);
        }
        throw unknownKey(key, [...RIOFILE_KEYS, "template", ...PLANNED_RIOFILE_KEYS]);
    }
    const services = under(["services"], () =>
        mapEntries(top.services, "services").map(([name, raw]) =>
            under([name], () => {
                raw = rioServiceForms(raw, ["services", name], warnings);
                normalizeService(name, raw); // every grammar checked now, so errors point into this file
                return { name, spec: parseServiceSpec(raw) };
            }),
        ),
    );
    const grouped = groupVersions(services);
    const configs = under(["configs"], () =>
        mapEntries(top.configs, "configs").map(([name, data]) =>
            under([name], () => ({ name, ...normalizeConfig(name, data) })),
        ),
    );
    const routers = under(["routers"], () =>
        mapEntries(top.routers, "routers").map(([name, spec]) =>
            under([name], () => {
                spec = rioRouterForms(spec, ["routers", name], warnings);
                const router = normalizeRouter(name, spec);
                return {
                    name,
                    spec: checkDestinations(router, spec as RouterSpec, grouped, ["routers", name], warnings),
                };
            }),
        ),
    );
    // Checked against a stand-in context: their names only need the namespace and domain when planned.
    const pending = resolveContext(undefined, { domain: "pending.invalid" });
    const externalServices = under(["externalservices"], () =>
        mapEntries(top.externalservices, "externalservices").map(([name, spec]) =>
            under([name], () => {
                const found: RioWarning[] = [];
                normalizeExternalService(name, spec, pending, found);
                warnings.push(...found.map((w) => ({ ...w, path: ["externalservices", name, ...w.path] })));
                return { name, spec: spec as ExternalServiceSpec };
            }),
        ),
    );
    const manifest = under(["kubernetes"], () => {
        const k = top.kubernetes;
        if (k === undefined || k === null) return [];
        if (typeof k !== "object" || Array.isArray(k)) throw new RioInputError([], "must be a map with manifest");
        for (const key of Object.keys(k)) {
            if (key === "manifest") continue;
            // A typo of manifest is an error; Rio's older keys (custom_resource_definitions…) it ignored.
            if (suggestKey(key, ["manifest"]) !== undefined) throw unknownKey(key, ["manifest"]);
            warnings.push({
                path: ["kubernetes", key],
                detail: "is ignored, as Rio ignored it: only kubernetes.manifest deploys anything",
            });
        }
        const text = (k as { manifest?: unknown }).manifest;
        if (text === undefined) return [];
        if (typeof text !== "string")
            throw new RioInputError(["manifest"], "must be multi-document YAML text (manifest: |-)");
        const found: RioWarning[] = [];
        const objects = under(["manifest"], () => parseManifest(text, found));
        warnings.push(...found.map((w) => ({ ...w, path: ["kubernetes", "manifest", ...w.path] })));
        return objects;
    });
    return { file, services: grouped, configs, routers, externalServices, manifest };
}

/**
 * A router in a Riofile sends to its apps, to another Riofile's in the namespace (Rio's routers reached any app
 * there), or to another namespace's (`namespace`, the Reference's form). A destination that is no app of this
 * Riofile but nearly one is most likely a typo, so it is an error naming the apps there are; any other is taken as
 * another Riofile's, with a warning naming the Service it is sent to. Destinations of this Riofile's one-version
 * apps name no version (its only version is the app's Service).
 */
function checkDestinations(
    router: NormalizedRouter,
    spec: RouterSpec,
    services: { name: string; spec: ServiceSpec }[],
    at: (string | number)[],
    warnings: RioWarning[],
): RouterSpec {
    const apps = new Map(
        services.map(({ name, spec }) => {
            const app = normalizeApp(name, spec);
            return [app.app, app.versions.map((v) => v.version)] as const;
        }),
    );
    const names = [...apps.keys()];
    router.routes.forEach((r, i) => {
        const dests = [
            ...r.to.map((d, j) => ({ d, at: ["routes", i, "to", j] })),
            ...(r.mirror ? [{ d: r.mirror, at: ["routes", i, "mirror"] }] : []),
        ];
        for (const { d, at: path } of dests) {
            if (d.namespace !== undefined) continue;
            const versions = apps.get(d.app);
            if (!versions) {
                if (names.length > 0 && suggestKey(d.app, names) !== undefined)
                    throw new RioInputError(
                        [...path, "app"],
                        `no service of this Riofile is app "${d.app}" (apps: ${names.join(", ")})`,
                    );
                const service = d.version !== undefined ? `${d.app}-${d.version}` : d.app;
                warnings.push({
                    path: [...at, ...path, "app"],
                    detail: `is no app of this Riofile: sent to Service "${service}" in the namespace, port ${d.port}, which another Riofile must deploy (or name its namespace)`,
                });
                continue;
            }
            if (d.version !== undefined && !versions.includes(d.version)) {
                throw new RioInputError(
                    [...path, "version"],
                    `app "${d.app}" has no version "${d.version}" (versions: ${versions.join(", ")})`,
                );
            }
        }
    });
    // A one-version app has no Service per version: its only version is the app's Service.
    const single = (d: { app: string; namespace?: string }) =>
        d.namespace === undefined && apps.get(d.app)?.length === 1;
    const unversioned = <D extends { app: string; version?: string; namespace?: string }>(d: D): D =>
        single(d) ? { ...d, version: undefined } : d;
    return {
        ...spec,
        routes: spec.routes?.map((r) => ({
            ...r,
            ...(r.to && { to: r.to.map(unversioned) }),
            ...(r.mirror && { mirror: unversioned(r.mirror) }),
        })),
    };
}

/**
 * Rio's revisions: services sharing an `app` are versions of it. They become one app whose versions keep
 * their own settings and workload names (`versions.<version>` with `name: <service>`); weights are relative.
 * Errors point at the services in the file.
 *
 * An app is always its own entry, named after the app, whatever service keys hold it: a lone service whose `app`
 * is another name (`hello-world-v2: {app: hello-world, version: v2}`, what `rio rm hello-world` leaves after
 * `rio promote hello-world@v2`) is a one-version app `hello-world`. Its name is its RioService's, the parent
 * of every object the app has; were it the service key, removing or adding a version would rename the
 * component and with it the objects that keep their Kubernetes names (the Service and route `<app>`): Pulumi
 * would create each again under the new name and then delete the old one, taking the live object with it.
 * A service whose app is its own key (or unset) stays as written.
 */
export function groupVersions(services: { name: string; spec: ServiceSpec }[]): { name: string; spec: ServiceSpec }[] {
    const byApp = new Map<string, { name: string; spec: ServiceSpec }[]>();
    for (const s of services) {
        const app = s.spec.app ?? s.name;
        byApp.set(app, [...(byApp.get(app) ?? []), s]);
    }
    const out: { name: string; spec: ServiceSpec }[] = [];
    for (const [app, members] of byApp) {
        if (members.length === 1 && members[0]!.name === app) {
            out.push(members[0]!);
            continue;
        }
        const versions: Record<string, VersionSpec> = {};
        const hostnames: string[] = [];
        for (const { name, spec } of members) {
            const { app: _app, version = "v0", hostnames: own = [], ...rest } = spec;
            if (Object.hasOwn(versions, version)) {
                const other = members.find((m) => (m.spec.version ?? "v0") === version)!.name;
                throw new RioInputError(
                    ["services", name, ...(spec.version !== undefined ? ["version"] : [])],
                    `version "${version}" of app "${app}" is already service "${other}"`,
                );
            }
            versions[version] = { ...rest, name };
            hostnames.push(...own);
        }
        const grouped = { app, ...(hostnames.length > 0 && { hostnames }), versions };
        try {
            normalizeApp(app, grouped);
        } catch (e) {
            // Name the service the problem belongs to: versions.<v>.<key> is services.<service>.<key> in the file.
            if (!(e instanceof RioInputError)) throw e;
            const [head, version, ...rest] = e.path;
            const member =
                head === "versions" && typeof version === "string"
                    ? members.find((m) => (m.spec.version ?? "v0") === version)
                    : undefined;
            if (member) throw new RioInputError(["services", member.name, ...rest], e.detail, undefined, e.atKey);
            // A one-version app's keys are all its one service's.
            if (members.length === 1)
                throw new RioInputError(["services", members[0]!.name, ...e.path], e.detail, undefined, e.atKey);
            throw new RioInputError(
                ["services", members[0]!.name],
                `app "${app}" (services ${members.map((m) => m.name).join(", ")}): ${e.detail}`,
            );
        }
        out.push({ name: app, spec: grouped });
    }
    return out;
}

/** How a Riofile is loaded: its template's answers and built-ins (see {@link TemplateOptions}). */
export type RiofileOptions = TemplateOptions;

/**
 * Parses and checks Riofile text. Every error is a {@link RioInputError} with file, line, column and key path.
 * A `template` section is answered and applied first (`options`); plain Kubernetes YAML (the first document
 * has a kind) becomes a Riofile whose manifest holds every document.
 */
export function parseRiofile(source: string, file: string, options: RiofileOptions = {}): Riofile {
    if (isPlainKubernetes(source)) return settle(parsePlainKubernetes(source, file), options);
    const { text, lines, substituted, warnings } = renderTemplate(source, file, options);
    const doc = parseDocument(text, { lineCounter: lines, ...YAML_OPTIONS });
    const bad = doc.errors[0];
    if (bad) {
        const pos = bad.linePos?.[0] ?? lines.linePos(bad.pos[0]);
        const at = { file, line: pos.line, column: pos.col };
        if (bad.code === "MULTIPLE_DOCS") {
            // Several documents, the first not a Kubernetes object (those are plain Kubernetes YAML): a mistake.
            throw new RioInputError(
                [],
                "a Riofile is one YAML document, but this file has several (a --- separator)",
                at,
            );
        }
        const hint = substituted
            ? " (after envSubst: a value substituted before this point may have broken the YAML)"
            : "";
        throw new RioInputError([], `invalid YAML: ${bad.message.split("\n")[0]}${hint}`, at);
    }
    // What YAML allows but a Riofile cannot mean: a map or list as a key.
    let structural: RioInputError | undefined;
    visit(doc, {
        Pair(_, pair) {
            if (structural || !isCollection(pair.key)) return;
            const { line, col } = lines.linePos((pair.key as Node).range?.[0] ?? 0);
            structural = new RioInputError([], "invalid YAML: a key must be a plain value, not a map or list", {
                file,
                line,
                column: col,
            });
        },
    });
    if (structural) throw structural;
    // Aliases to nothing, inside themselves, or expanding without bound; merge keys.
    const resolved = documentValue(doc);
    if ("problem" in resolved) {
        const { line, col } = lines.linePos(resolved.problem.offset);
        throw new RioInputError([], `invalid YAML: ${resolved.problem.message}`, { file, line, column: col });
    }
    const content = resolved.value;
    const proto = protoKey(content, []);
    if (proto)
        throw new RioInputError(
            proto,
            `"__proto__" cannot be used as a key`,
            locate(doc, lines, file, proto, true),
            true,
        );
    try {
        const where = (path: KeyPath, atKey?: boolean) => locate(doc, lines, file, path, atKey);
        const found: RioWarning[] = [];
        const riofile = checkRiofile(content, file, found);
        const located = found.map((w) => (w.location ? w : { ...w, location: where(w.path, true) }));
        return settle({ ...riofile, warnings: [...warnings, ...located], locate: where }, options);
    } catch (e) {
        if (e instanceof RioInputError && !e.location) throw e.withLocation(locate(doc, lines, file, e.path, e.atKey));
        throw e;
    }
}

/** With `strict`, the first warning is an error; otherwise the Riofile keeps them. */
function settle(riofile: Riofile, options: RiofileOptions): Riofile {
    const first = riofile.warnings?.[0];
    if (options.strict && first) throw new RioInputError(first.path, first.detail, first.location, true);
    return riofile;
}

/** The path of the first `__proto__` key (which JavaScript objects would swallow), if any. */
function protoKey(value: unknown, at: (string | number)[]): (string | number)[] | undefined {
    if (value === null || typeof value !== "object") return undefined;
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            const p = protoKey(value[i], [...at, i]);
            if (p) return p;
        }
        return undefined;
    }
    for (const key of Object.keys(value)) {
        if (key === "__proto__") return [...at, key];
        const p = protoKey((value as Record<string, unknown>)[key], [...at, key]);
        if (p) return p;
    }
    return undefined;
}

/** How {@link loadRiofile} reads: the template's options, and what to do without a Riofile. */
export interface LoadOptions extends RiofileOptions {
    /**
     * The user named no Riofile (`rio up` without `-f`): when `file` does not exist, the Dockerfile next to it is
     * deployed as one service, as Rio did. Never for a path the user gave: a typo (`-f app/Riofle`) must be an
     * error naming it, not that folder deployed. Default false.
     */
    orDockerfile?: boolean;
}

/**
 * Reads and checks a Riofile from disk; its folder's `Riofile-answers` and git commit answer its template. A path
 * naming a Dockerfile (`Dockerfile`, `Dockerfile.dev`) is that Dockerfile's one service.
 */
export function loadRiofile(file: string, options: LoadOptions = {}): Riofile {
    const { orDockerfile = false, ...riofileOptions } = options;
    const dockerfile = /(^|\/)Dockerfile[^/]*$/.test(file)
        ? file
        : orDockerfile && !fs.existsSync(file)
          ? path.join(path.dirname(file), "Dockerfile")
          : undefined;
    if (dockerfile !== undefined && fs.existsSync(dockerfile) && fs.statSync(dockerfile).isFile())
        return dockerfileRiofile(dockerfile);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new RioInputError(
            [],
            code === "ENOENT"
                ? `${file}: no such file`
                : code === "EISDIR"
                  ? `${file} is a directory`
                  : `${file}: ${(e as Error).message}`,
        );
    }
    return parseRiofile(text, file, { dir: path.dirname(file), ...riofileOptions });
}

/**
 * Rio's `rio up` in a folder with a Dockerfile and no Riofile (or `-f Dockerfile`): one service named after the
 * folder, built from it, serving HTTP on 8080 behind port 80 — `services.<dir>: {image: ./, ports: 80:8080/http}`.
 */
export function dockerfileRiofile(dockerfile: string): Riofile {
    const dir = path.dirname(path.resolve(dockerfile));
    const base = path
        .basename(dir)
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "");
    const name = (/^[a-z]/.test(base) ? base : `app-${base}`).slice(0, 63).replace(/-+$/, "");
    const file = path.basename(dockerfile);
    const service =
        file === "Dockerfile"
            ? { image: "./", ports: "80:8080/http" }
            : { build: { context: ".", dockerfile: file }, ports: "80:8080/http" };
    return checkRiofile({ services: { [name]: service } }, path.join(dir, "Riofile"));
}
