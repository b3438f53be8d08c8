/**
 * The `rio` commands that change a stack — install, run, up, scale, rm — and `rio ps`. Each works out the stack's
 * new desired state with pure functions, checks it whole (a user error stops here, before the engine runs), then
 * runs the engine on it: a preview with `--preview`, else an update, after which the stack's config holds it.
 */
import * as fs from "fs";
import * as path from "path";
import { createInterface } from "readline";
import { RioInputError } from "../errors";
import { parseRiofile, Riofile } from "../riofile/load";
import { Desired } from "./desired";
import { currentDesired, openStack, plainOutputs, runEngine, withLock } from "./engine";
import { asInstallError, InstallFlags, installSettings } from "./installFlags";
import { currentContext, Kubeconfig, loadKubeconfig } from "./kubeconfig";
import { KubeClient } from "./kubeClient";
import { changeSummary } from "./progress";
import { formatRows, formatTable, LiveWorkload, PsRow, psRows, workloadsOf } from "./ps";
import {
    checkContent,
    contentOf,
    KINDS,
    mergeContent,
    putService,
    refuseLocalBuilds,
    removeNames,
    RiofileContent,
    riofileLabel,
    splitKind,
    textOf,
} from "./riofileEdit";
import { asRunFlagError, checkRunService, clusterRegistryImage, RunFlags, runService } from "./runFlags";
import { applyScale, parseScaleArg } from "./scale";
import { parseObjectName, parseServiceName, randomName } from "./serviceName";
import { checkDesired, StackOutputs, stackSettings } from "./stackProgram";
import { BuildFlags, buildFolders, buildTargets, folderTargets, FolderTarget, withBuiltImages } from "./folderBuild";
import { BuildContext, DEFAULT_BUILD_CONTEXT } from "../build/job";
import { BUILDER } from "../system/builder";
import { registryAddresses } from "../system/registry";
import { checkStackName, stackNameFor } from "./stackName";
import { prepareState, RioState } from "./state";
import { applyWeight, parsePercent } from "./weights";

/** Rio's global flags (before the command). */
export interface GlobalFlags {
    namespace: string;
    stack?: string;
    kubeconfig?: string;
}

/** Flags of every command that changes a stack. */
export interface ChangeFlags {
    /** Show what would change, change nothing. */
    preview?: boolean;
    /** Do not ask before changing (asked only on a terminal). */
    yes?: boolean;
}

/** Where a command writes: results on stdout, progress and warnings on stderr. */
export interface Io {
    out(text: string): void;
    err(text: string): void;
    /** Whether a person is there to answer (stdin and stderr are terminals). */
    interactive: boolean;
    confirm(question: string): Promise<boolean>;
}

/** The process's own terminal. */
export function processIo(): Io {
    return {
        out: (t) => process.stdout.write(t),
        err: (t) => process.stderr.write(t),
        interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
        confirm: (question) =>
            new Promise((resolve) => {
                const rl = createInterface({ input: process.stdin, output: process.stderr });
                rl.question(`${question} [y/N] `, (answer) => {
                    rl.close();
                    resolve(/^y(es)?$/i.test(answer.trim()));
                });
            }),
    };
}

/** The stack a command works on, and where it lives. */
export interface Session {
    state: RioState;
    kube: Kubeconfig;
    stackName: string;
    /** The current kube context (undefined when --stack names the stack and none is current). */
    context?: string;
}

/** The stack of the current kube context (or of --stack), its state and kubeconfig. */
export function session(globals: GlobalFlags): Session {
    // --kubeconfig is KUBECONFIG for rio and for the engine and provider it runs, as Rio's flag was.
    if (globals.kubeconfig !== undefined) process.env.KUBECONFIG = path.resolve(globals.kubeconfig);
    const kube = loadKubeconfig();
    const context = globals.stack !== undefined ? kube.currentContext : currentContext(kube);
    return {
        state: prepareState(),
        kube,
        stackName: globals.stack !== undefined ? checkStackName(globals.stack) : stackNameFor(context!),
        ...(context !== undefined && { context }),
    };
}

/** The error of a command on a stack that rio install has not made. */
export const notInstalled = (s: Session) =>
    new RioInputError(
        [],
        `rio is not installed on stack ${s.stackName}${s.context !== undefined ? ` (kube context ${s.context})` : ""}: run rio install first`,
    );

/** A namespace's Riofile content in a desired state (empty when the namespace has nothing). */
export function namespaceContent(desired: Desired, namespace: string): RiofileContent {
    const text = desired.riofiles[namespace];
    return text === undefined ? {} : contentOf(text, namespace);
}

/** The desired state with a namespace's content, checked by the loader; a namespace left empty is dropped. */
export function withNamespace(
    desired: Desired,
    namespace: string,
    content: RiofileContent,
    checked?: Riofile,
): Desired {
    const riofile = checked ?? checkContent(content, namespace);
    const { [namespace]: _old, ...others } = desired.riofiles;
    const empty = Object.keys(content).length === 0;
    return { ...desired, riofiles: empty ? others : { ...others, [namespace]: textOf(riofile) } };
}

/** `name  url` lines for what a command touched (names without a URL are private services). */
export function urlLines(outputs: StackOutputs | undefined, namespace: string, names: readonly string[]): string {
    const urls = outputs?.urls?.[namespace] ?? {};
    const rows = names.flatMap((n) => (urls[n] ?? []).map((u) => [n, u] as const));
    const width = Math.max(0, ...rows.map(([n]) => n.length));
    return rows.map(([n, u]) => `${n.padEnd(width)}   ${u}\n`).join("");
}

/**
 * The frame of every command that changes a stack: lock, read, change, check, then preview or update. `change`
 * is pure and throws the user's errors; `done` says what the update gave.
 */
export async function changeStack(
    globals: GlobalFlags,
    flags: ChangeFlags,
    io: Io,
    opts: {
        install?: boolean;
        /** The checks' errors as about what the user typed (a flag, a settings file). */
        explain?: (e: RioInputError) => RioInputError;
        /**
         * What must happen in the cluster before the update (a folder build), once the change is confirmed; `apply`
         * runs the engine on a desired state first (turning the builder on).
         */
        beforeUpdate?: (step: {
            current: Desired;
            next: Desired;
            session: Session;
            apply: (d: Desired) => Promise<void>;
            log: (line: string) => void;
        }) => Promise<void>;
    },
    change: (current: Desired, s: Session) => Desired,
    done: (outputs: StackOutputs | undefined) => string,
): Promise<void> {
    const s = session(globals);
    await withLock(s.state, s.stackName, async () => {
        const { desired: current } = currentDesired(s.state, s.stackName);
        if (!opts.install && current.system === undefined) throw notInstalled(s);
        const context = current.context ?? s.context;
        const next = { ...change(current, s), ...(context !== undefined && { context }) };
        try {
            checkDesired(next);
        } catch (e) {
            if (e instanceof RioInputError && opts.explain) throw opts.explain(e);
            throw e;
        }
        const stack = await openStack(s.state, s.stackName, opts.install ?? false);
        if (!stack) throw notInstalled(s);
        const log = (line: string) => io.err(`${line}\n`);
        io.err(`rio: stack ${s.stackName}${context !== undefined ? ` (kube context ${context})` : ""}\n`);
        if (flags.preview || (io.interactive && !flags.yes)) {
            const r = await runEngine(stack, s.state, s.stackName, next, true, log);
            io.err(`  ${changeSummary(r.changes, true)}\n`);
            if (flags.preview) {
                io.err("rio: --preview: nothing was changed\n");
                return;
            }
            if (!(await io.confirm("rio: apply these changes?"))) {
                io.err("rio: nothing was changed\n");
                return;
            }
        }
        if (opts.beforeUpdate)
            await opts.beforeUpdate({
                current: { ...current, ...(context !== undefined && { context }) },
                next,
                session: s,
                apply: async (d) => {
                    await runEngine(stack, s.state, s.stackName, d, false, log);
                },
                log,
            });
        const r = await runEngine(stack, s.state, s.stackName, next, false, log);
        io.out(done(r.outputs));
    });
}

/** `rio install`: RioSystem's settings on the stack of the current kube context. */
export async function install(globals: GlobalFlags, flags: InstallFlags & ChangeFlags, io: Io): Promise<void> {
    const { system, warnings } = installSettings(flags, (f) => fs.readFileSync(f, "utf8"));
    for (const w of warnings) io.err(`rio: warning: ${w}\n`);
    await changeStack(
        globals,
        flags,
        io,
        { install: true, explain: (e) => asInstallError(e, flags) },
        (current) => ({ ...current, system }),
        (outputs) =>
            `rio is installed: apps are served at https://<app>-<namespace>.${outputs?.domain ?? "<domain>"}${outputs?.gatewayAddress ? ` (gateway ${outputs.gatewayAddress})` : ""}\n`,
    );
}

/** `rio run`: one service, created or replaced in place. */
export async function run(
    globals: GlobalFlags,
    givenImage: string,
    args: readonly string[],
    flags: RunFlags & ChangeFlags,
    io: Io,
): Promise<void> {
    const pulled = clusterRegistryImage(givenImage);
    if (pulled.note !== undefined) io.err(`rio: ${pulled.note}\n`);
    const image = pulled.image;
    const service = runService(image, args, flags, {
        lookupEnv: (n) => process.env[n],
        readFile: (f) => fs.readFileSync(f, "utf8"),
    });
    const given = flags.name !== undefined ? parseServiceName(flags.name, "--name") : undefined;
    // The loader's warnings about what the flags set (a --build-* flag pulumi-rio ignores), said once.
    const check = (app: string) => {
        for (const w of checkRunService(app, service).warnings) io.err(`rio: warning: ${w}\n`);
    };
    if (given) check(given.app);
    const percent = flags.weight !== undefined ? parsePercent(flags.weight, "--weight") : undefined;
    const namespace = given?.namespace ?? globals.namespace;
    let key = "";
    await changeStack(
        globals,
        flags,
        io,
        // What only planning finds (the repository unreachable, its branch missing) is about a flag too, when it
        // is about this namespace's service (another namespace's entry of that name is not).
        {
            explain: (e) =>
                e.location === undefined || e.location.file === riofileLabel(namespace) ? asRunFlagError(e, key) : e,
        },
        (current) => {
            const content = namespaceContent(current, namespace);
            const taken = new Set(Object.keys((content.services ?? {}) as object));
            const name = given ?? { app: randomName(taken) };
            if (!given) check(name.app);
            const put = putService(content, name, service);
            key = put.key;
            // Rio's --weight: this version's share of the app, the other versions sharing the rest (weights.ts).
            const weighed =
                percent === undefined
                    ? undefined
                    : applyWeight(put.content, name, percent, { namespace, what: "--weight", refuseUnchanged: false });
            if (weighed?.warning !== undefined) io.err(`rio: warning: ${weighed.warning}\n`);
            const next = weighed?.content ?? put.content;
            let riofile: Riofile;
            try {
                riofile = checkContent(next, namespace);
            } catch (e) {
                if (e instanceof RioInputError) throw asRunFlagError(e, key);
                throw e;
            }
            refuseLocalBuilds(riofile, () => `IMAGE ${image}`);
            return withNamespace(current, namespace, next, riofile);
        },
        (outputs) => urlLines(outputs, namespace, [appOf(key, service)]) || `${key}: no port is exposed (no URL)\n`,
    );
}

/** The app a service entry belongs to (what the stack's URLs are keyed by). */
const appOf = (key: string, service: Record<string, unknown>) => (typeof service.app === "string" ? service.app : key);

/** `rio up`: a Riofile merged into the namespace's; its folders built in the cluster first (folderBuild.ts). */
export async function up(globals: GlobalFlags, riofile: Riofile, flags: ChangeFlags, io: Io): Promise<void> {
    const namespace = globals.namespace;
    const targets = folderTargets(riofile, namespace);
    // The stack keeps the image a folder gives, never the folder: its tag is the folder's content tag, known now.
    const incoming = withBuiltImages(riofile, targets, DEFAULT_BUILD_CONTEXT);
    await changeStack(
        globals,
        flags,
        io,
        targets.length > 0 ? { beforeUpdate: (step) => buildBeforeUpdate(step, targets) } : {},
        (current) => {
            const next = withNamespace(
                current,
                namespace,
                mergeContent(namespaceContent(current, namespace), incoming),
            );
            return targets.length > 0 ? { ...next, system: withBuilder(next.system, riofile.file) } : next;
        },
        (outputs) =>
            urlLines(outputs, namespace, [
                ...riofile.services.map((s) => s.name),
                ...riofile.routers.map((r) => r.name),
            ]),
    );
}

/**
 * The stack's settings with the builder and the registry on, and kept on (Rio turned its build feature on for the
 * first build, `ensureFeatures`); refused when the settings turn either off by name.
 */
export function withBuilder(system: Desired["system"], what: string): Desired["system"] {
    if (system === undefined) return system;
    for (const f of ["build", "registry"] as const)
        if (system.features?.[f] === false)
            throw new RioInputError(
                [],
                `${what}: a folder is built by RioSystem's builder into its registry, and this stack turns ${f} off (rio install --disable-features ${f}): run rio install without it, or give an image`,
            );
    return { ...system, features: { ...system.features, build: true, registry: true } };
}

/** Before the update: the builder on in the cluster (an update of the stack as it is, with it), then the builds. */
async function buildBeforeUpdate(
    step: Parameters<NonNullable<Parameters<typeof changeStack>[3]["beforeUpdate"]>>[0],
    targets: readonly FolderTarget[],
): Promise<void> {
    const { current, next, session: s, apply, log } = step;
    const before = stackSettings(current).settings.features;
    if (!before.build || !before.registry) {
        log("rio: turning on RioSystem's builder and registry for the folder builds");
        await apply({ ...current, system: next.system });
    }
    const { settings } = stackSettings(next);
    const kube = new KubeClient(s.kube, next.context ?? s.context!);
    await buildFolders(kube, targets, buildContextOf(settings.namespace), settings.namespace, log);
}

/** Where the stack's builds run and push, for RioSystem in `systemNamespace`. */
export function buildContextOf(systemNamespace: string): BuildContext {
    return {
        namespace: BUILDER.namespace,
        serviceAccount: BUILDER.serviceAccount,
        registry: registryAddresses(systemNamespace),
    };
}

/**
 * `rio build [PATH] [-f Dockerfile|Riofile] [-t name:tag] [--build-arg K=V] [--no-cache]`: the folder's image (or
 * each of its Riofile's folders) built in the cluster and pushed to RioSystem's registry; prints what to run
 * (`rio run -p 8080 <image>`). The stack changes only to turn the builder on, the first time.
 */
export async function build(globals: GlobalFlags, riofile: Riofile, flags: BuildFlags, io: Io): Promise<void> {
    const targets = buildTargets(riofile, globals.namespace, flags);
    const s = session(globals);
    const log = (line: string) => io.err(`${line}\n`);
    await withLock(s.state, s.stackName, async () => {
        const { desired: stored } = currentDesired(s.state, s.stackName);
        if (stored.system === undefined) throw notInstalled(s);
        const context = stored.context ?? s.context;
        const current = { ...stored, ...(context !== undefined && { context }) };
        const next = { ...current, system: withBuilder(current.system, riofile.file) };
        checkDesired(next);
        io.err(`rio: stack ${s.stackName}${context !== undefined ? ` (kube context ${context})` : ""}\n`);
        const before = stackSettings(current).settings.features;
        if (!before.build || !before.registry) {
            const stack = await openStack(s.state, s.stackName, false);
            if (!stack) throw notInstalled(s);
            log("rio: turning on RioSystem's builder and registry");
            await runEngine(stack, s.state, s.stackName, next, false, log);
        }
        const { settings } = stackSettings(next);
        const ctx = buildContextOf(settings.namespace);
        const kube = new KubeClient(s.kube, context!);
        await buildFolders(kube, targets, ctx, settings.namespace, log);
        for (const t of targets)
            for (const tag of t.request.extraTags) io.out(`${ctx.registry.pull}/${t.request.repository}:${tag}\n`);
    });
}

/** `rio scale app=N|MIN-MAX…`. */
export async function scale(globals: GlobalFlags, specs: readonly string[], flags: ChangeFlags, io: Io): Promise<void> {
    const requests = specs.map((text) => ({ text, ...parseScaleArg(text) }));
    const namespaces = new Set(requests.map((r) => r.name.namespace ?? globals.namespace));
    await changeStack(
        globals,
        flags,
        io,
        {},
        (current) => {
            let next = current;
            for (const ns of namespaces) {
                let content = namespaceContent(next, ns);
                for (const r of requests.filter((q) => (q.name.namespace ?? globals.namespace) === ns))
                    content = applyScale(content, r, ns);
                try {
                    next = withNamespace(next, ns, content);
                } catch (e) {
                    // A range the autoscaler refuses (5-2) is about what was typed.
                    if (e instanceof RioInputError && e.path[0] === "services")
                        throw new RioInputError([], `scale ${specs.join(" ")}: ${e.message}`);
                    throw e;
                }
            }
            return next;
        },
        (outputs) =>
            [...namespaces]
                .map((ns) =>
                    urlLines(
                        outputs,
                        ns,
                        requests.filter((r) => (r.name.namespace ?? globals.namespace) === ns).map((r) => r.name.app),
                    ),
                )
                .join(""),
    );
}

/** `rio rm name…`: services (`app`, `app@version`), `router/NAME`, `externalservice/NAME`, `configmap/NAME`. */
export async function rm(globals: GlobalFlags, names: readonly string[], flags: ChangeFlags, io: Io): Promise<void> {
    const parsed = names.map((text) => {
        const { kind, rest } = splitKind(text);
        const what = `rm "${text}"`;
        const name =
            kind !== undefined && KINDS[kind]!.subdomain ? parseObjectName(rest, what) : parseServiceName(rest, what);
        return { kind, name, text };
    });
    const namespaces = new Set(parsed.map((p) => p.name.namespace ?? globals.namespace));
    await changeStack(
        globals,
        flags,
        io,
        {},
        (current) => {
            let next = current;
            for (const ns of namespaces) {
                const these = parsed.filter((p) => (p.name.namespace ?? globals.namespace) === ns);
                next = withNamespace(next, ns, removeNames(namespaceContent(next, ns), these, ns));
            }
            return next;
        },
        () => parsed.map((p) => `removed ${p.text}\n`).join(""),
    );
}

/**
 * `rio ps [-a] [--format json|yaml]`: the namespace's services (with `-a`, every namespace's, named `ns:name` in
 * the table), as the stack wants them and as they run.
 */
export async function ps(
    globals: GlobalFlags,
    flags: { format?: "json" | "yaml"; allNamespaces?: boolean },
    io: Io,
): Promise<void> {
    const s = session(globals);
    const { desired } = currentDesired(s.state, s.stackName);
    if (desired.system === undefined) throw notInstalled(s);
    const stack = await openStack(s.state, s.stackName, false);
    if (!stack) throw notInstalled(s);
    const outputs = plainOutputs(await stack.outputs());
    const namespaces = flags.allNamespaces ? Object.keys(desired.riofiles).sort() : [globals.namespace];
    const rows: PsRow[] = [];
    for (const namespace of namespaces) {
        const text = desired.riofiles[namespace];
        if (text === undefined) continue;
        const riofile = parseRiofile(text, riofileLabel(namespace), { namespace });
        const live = new Map<string, LiveWorkload | undefined>();
        const kube = new KubeClient(s.kube, desired.context ?? s.context!);
        for (const w of workloadsOf(riofile)) live.set(w.name, await kube.readWorkload(namespace, w));
        rows.push(...psRows(namespace, riofile, outputs.urls?.[namespace], live));
    }
    io.out(
        flags.format
            ? formatRows(rows, flags.format)
            : formatTable(
                  flags.allNamespaces ? rows.map((r) => ({ ...r, name: `${r.namespace}:${r.name}` })) : rows,
                  new Date(),
              ),
    );
}
