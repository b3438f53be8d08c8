/**
 * The commands that write a namespace's Riofile sections other than services — `rio route add` (routers),
 * `rio external create` (externalservices), `rio domain register|unregister` (hostnames, with RioSystem's
 * domains), `rio config create|update` (configs) — their listings (`rio route ls`, `external ls`, `domain ls`,
 * `secret ls`, `config ls`), and `rio export --live`, which prints a namespace's Riofile as the stack keeps it.
 * Each change is a pure edit (routeArgs.ts, externalArgs.ts, domainEdit.ts, configEdit.ts) run in the frame every
 * command shares (changeStack); each listing reads the stack's desired state (sectionLists.ts).
 */
import * as fs from "fs";
import { checkBuildSecrets } from "../build/credentials";
import { RioInputError } from "../errors";
import { exportRiofile } from "../riofile/export";
import { parseRiofile, Riofile } from "../riofile/load";
import {
    ChangeFlags,
    changeStack,
    GlobalFlags,
    Io,
    namespaceContent,
    notInstalled,
    session,
    urlLines,
    withNamespace,
} from "./commands";
import { Desired } from "./desired";
import {
    addHostname,
    hostnamesIn,
    parseDomain,
    parseDomainTarget,
    removeHostname,
    withSystemDomain,
} from "./domainEdit";
import {
    asConfigError,
    ConfigChange,
    configName,
    configText,
    createConfig,
    DEFAULT_KEY,
    parseLabels,
    updateConfig,
} from "./configEdit";
import { currentDesired, openStack, plainOutputs } from "./engine";
import { asExternalError, externalName, externalSpec, putExternal } from "./externalArgs";
import { stackSystemPlan } from "./info";
import { riofileLabel } from "./riofileEdit";
import { addRoute, asRouteError, RouteFlags, routeRequest } from "./routeArgs";
import {
    configRows,
    domainRows,
    externalRows,
    formatConfigs,
    formatDomains,
    formatExternals,
    formatListRows,
    formatRoutes,
    formatSecrets,
    routeRows,
    secretRows,
} from "./sectionLists";
import { DataFormat } from "./table";

/** Runs an edit, its loader errors told as the command's (`explain`). */
function explained<T>(explain: (e: RioInputError) => RioInputError, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (e instanceof RioInputError) throw explain(e);
        throw e;
    }
}

/** `rio route add [flags] NAME[/PATH] to|redirect|mirror TARGET…`: a route appended to the router (or first). */
export async function routeAdd(
    globals: GlobalFlags,
    args: readonly string[],
    flags: RouteFlags & ChangeFlags,
    io: Io,
): Promise<void> {
    const req = routeRequest(args, flags);
    const namespace = globals.namespace;
    let index = -1;
    const explain = (e: RioInputError) => asRouteError(e, req, index);
    await changeStack(
        globals,
        flags,
        io,
        { explain },
        (current) => {
            const added = addRoute(namespaceContent(current, namespace), req);
            index = added.index;
            return explained(explain, () => withNamespace(current, namespace, added.content));
        },
        (outputs) => urlLines(outputs, namespace, [req.router]),
    );
}

/** `rio external create [ns:]NAME TARGET…`: an external service, put in place. */
export async function externalCreate(
    globals: GlobalFlags,
    nameText: string,
    targets: readonly string[],
    flags: ChangeFlags,
    io: Io,
): Promise<void> {
    const name = externalName(nameText);
    const spec = externalSpec(targets);
    const namespace = name.namespace ?? globals.namespace;
    const explain = (e: RioInputError) => asExternalError(e, name.app, targets);
    await changeStack(
        globals,
        flags,
        io,
        { explain },
        (current) =>
            explained(explain, () =>
                withNamespace(
                    current,
                    namespace,
                    putExternal(namespaceContent(current, namespace), name.app, spec).content,
                ),
            ),
        () => `externalservice/${name.app}   ${name.app}.${namespace}.svc.cluster.local\n`,
    );
}

/** Where `domain` is a hostname already: the namespace and its owner. */
function registeredAt(desired: Desired, domain: string): { namespace: string; owner: string } | undefined {
    for (const namespace of Object.keys(desired.riofiles).sort()) {
        const found = hostnamesIn(namespaceContent(desired, namespace)).find((h) => h.hostname === domain);
        if (found) return { namespace, owner: found.owner };
    }
    return undefined;
}

/** `rio domain register DOMAIN [ns:]app|[ns:]router/NAME`: the gateway serves DOMAIN, and the target's route does. */
export async function domainRegister(
    globals: GlobalFlags,
    domainText: string,
    targetText: string,
    flags: ChangeFlags,
    io: Io,
): Promise<void> {
    const domain = parseDomain(domainText);
    const target = parseDomainTarget(targetText);
    const namespace = target.namespace ?? globals.namespace;
    await changeStack(
        globals,
        flags,
        io,
        { explain: (e) => new RioInputError([], `domain register ${domain}: ${e.message}`) },
        (current) => {
            const at = registeredAt(current, domain);
            if (at)
                throw new RioInputError(
                    [],
                    `${domain} is registered to ${at.owner} in namespace ${at.namespace} already${at.owner === (target.kind === "router" ? `router/${target.name}` : target.name) && at.namespace === namespace ? "" : `; rio domain unregister ${domain} first`}`,
                );
            const content = addHostname(namespaceContent(current, namespace), target, domain, namespace);
            return {
                ...withNamespace(current, namespace, content),
                system: withSystemDomain(current.system!, domain, true),
            };
        },
        (outputs) =>
            urlLines(outputs, namespace, [target.name])
                .split("\n")
                .filter((l) => l.endsWith(`://${domain}`))
                .map((l) => `${l}\n`)
                .join("") || `${domain} registered to ${targetText}\n`,
    );
}

/** `rio domain unregister DOMAIN` (or Rio's `publicdomain/DOMAIN`): off the gateway and every route. */
export async function domainUnregister(
    globals: GlobalFlags,
    domainText: string,
    flags: ChangeFlags,
    io: Io,
): Promise<void> {
    const domain = parseDomain(domainText);
    await changeStack(
        globals,
        flags,
        io,
        {},
        (current) => {
            let next = current;
            let found = (current.system?.domains ?? []).some((d) => d.toLowerCase() === domain);
            for (const namespace of Object.keys(current.riofiles)) {
                const content = namespaceContent(current, namespace);
                const removed = removeHostname(content, domain);
                if (removed === content) continue;
                found = true;
                next = withNamespace(next, namespace, removed);
            }
            if (!found) {
                const registered = current.system?.domains ?? [];
                throw new RioInputError(
                    [],
                    `${domain} is not registered (registered: ${registered.join(", ") || "none"})`,
                );
            }
            return { ...next, system: withSystemDomain(current.system!, domain, false) };
        },
        () => `unregistered ${domain}\n`,
    );
}

/** `rio export --live`: the namespace's Riofile as the stack keeps it (what `rio up` takes back unchanged). */
export function exportLive(globals: GlobalFlags, namespace: string, io: Io): void {
    const s = session(globals);
    const { desired } = currentDesired(s.state, s.stackName);
    if (desired.system === undefined) throw notInstalled(s);
    const text = desired.riofiles[namespace];
    if (text === undefined)
        throw new RioInputError(
            [],
            `namespace ${namespace} has nothing in stack ${s.stackName} (namespaces with a Riofile: ${Object.keys(desired.riofiles).sort().join(", ") || "none"})`,
        );
    io.out(exportRiofile(parseRiofile(text, riofileLabel(namespace), { namespace })));
}

/** `-k` and `-l` of rio config create and update. */
export interface ConfigFlags {
    /** The key the file's text goes under (default `content`). */
    key?: string;
    /** `-l k=v` (repeatable). */
    label?: string[];
}

/** A file's bytes, or standard input's for `-`; a missing file is a user error naming it. */
function readInput(file: string): Uint8Array {
    try {
        return fs.readFileSync(file === "-" ? 0 : file);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") throw new RioInputError([], `FILE "${file}": no such file`);
        if (code === "EISDIR") throw new RioInputError([], `FILE "${file}": is a folder; give a file`);
        throw e;
    }
}

/** Rio's id of a config: `configmap/NAME`, with `ns:` outside the command's namespace. */
const configId = (globals: GlobalFlags, namespace: string, name: string) =>
    `${namespace !== globals.namespace ? `${namespace}:` : ""}configmap/${name}`;

/** `rio config create|update [-k KEY] [-l k=v]… [ns:]NAME FILE|-`. */
async function putConfig(
    edit: typeof createConfig,
    globals: GlobalFlags,
    nameText: string,
    file: string,
    flags: ConfigFlags & ChangeFlags,
    io: Io,
    read: (file: string) => Uint8Array,
): Promise<void> {
    const name = configName(nameText);
    const labels = parseLabels(flags.label);
    const change: ConfigChange = {
        name: name.app,
        key: flags.key ?? DEFAULT_KEY,
        text: configText(read(file), file),
        ...(labels && { labels }),
    };
    const namespace = name.namespace ?? globals.namespace;
    const explain = (e: RioInputError) => asConfigError(e, change);
    await changeStack(
        globals,
        flags,
        io,
        { explain },
        (current) =>
            explained(explain, () =>
                withNamespace(current, namespace, edit(namespaceContent(current, namespace), change, namespace)),
            ),
        () => `${configId(globals, namespace, change.name)}\n`,
    );
}

/** `rio config create [-k KEY] [-l k=v]… [ns:]NAME FILE|-`: a new config holding the file's text. */
export function configCreate(
    globals: GlobalFlags,
    nameText: string,
    file: string,
    flags: ConfigFlags & ChangeFlags,
    io: Io,
    read: (file: string) => Uint8Array = readInput,
): Promise<void> {
    return putConfig(createConfig, globals, nameText, file, flags, io, read);
}

/** `rio config update [-k KEY] [-l k=v]… [ns:]NAME FILE|-`: the key's text replaced, the config's others kept. */
export function configUpdate(
    globals: GlobalFlags,
    nameText: string,
    file: string,
    flags: ConfigFlags & ChangeFlags,
    io: Io,
    read: (file: string) => Uint8Array = readInput,
): Promise<void> {
    return putConfig(updateConfig, globals, nameText, file, flags, io, read);
}

/** The stack's desired state, once rio install has run. */
function installedDesired(globals: GlobalFlags): { s: ReturnType<typeof session>; desired: Desired } {
    const s = session(globals);
    const { desired } = currentDesired(s.state, s.stackName);
    if (desired.system === undefined) throw notInstalled(s);
    return { s, desired };
}

/** The namespace's Riofile as the stack keeps it (empty when it has nothing). */
function namespaceRiofile(desired: Desired, namespace: string): Riofile {
    const text = desired.riofiles[namespace] ?? "";
    return parseRiofile(text, riofileLabel(namespace), { namespace });
}

/** Flags of the listings. */
export interface ListFlags {
    format?: DataFormat;
}

/** `rio route ls [--format json|yaml]`: the namespace's routes, with the URLs of the stack's last update. */
export async function routeLs(globals: GlobalFlags, flags: ListFlags, io: Io): Promise<void> {
    const { s, desired } = installedDesired(globals);
    const namespace = globals.namespace;
    const riofile = namespaceRiofile(desired, namespace);
    // The URLs need the Pulumi CLI: only when there is a router to show them for.
    let urls: Record<string, string[]> | undefined;
    if (riofile.routers.length > 0) {
        const stack = await openStack(s.state, s.stackName, false);
        if (!stack) throw notInstalled(s);
        urls = plainOutputs(await stack.outputs()).urls?.[namespace];
    }
    const rows = routeRows(riofile, namespace, urls);
    io.out(flags.format ? formatListRows(rows, flags.format) : formatRoutes(rows));
}

/** `rio external ls [--format json|yaml]`: the namespace's external services and their targets. */
export function externalLs(globals: GlobalFlags, flags: ListFlags, io: Io): void {
    const { desired } = installedDesired(globals);
    const rows = externalRows(namespaceRiofile(desired, globals.namespace), globals.namespace);
    io.out(flags.format ? formatListRows(rows, flags.format) : formatExternals(rows));
}

/** `rio domain ls [--format json|yaml]`: the stack's custom domains (every namespace's) and what serves each. */
export function domainLs(globals: GlobalFlags, flags: ListFlags, io: Io): void {
    const { desired } = installedDesired(globals);
    const hostnames = Object.keys(desired.riofiles)
        .sort()
        .flatMap((namespace) => hostnamesIn(namespaceContent(desired, namespace)).map((h) => ({ namespace, ...h })));
    const rows = domainRows(desired.system, hostnames);
    io.out(flags.format ? formatListRows(rows, flags.format) : formatDomains(rows));
}

/** `rio secret ls [--format json|yaml]`: the stack's build secrets, by name, kind and keys (never a value). */
export function secretLs(globals: GlobalFlags, flags: ListFlags, io: Io): void {
    const { desired } = installedDesired(globals);
    // Checked as the program checks them, on the stack file's fields: credentials are ciphertexts, never decrypted.
    const plans = checkBuildSecrets(desired.buildSecrets, {
        build: true,
        systemNamespace: stackSystemPlan(desired).settings.namespace,
    });
    const rows = secretRows(plans);
    io.out(flags.format ? formatListRows(rows, flags.format) : formatSecrets(rows, globals.namespace));
}

/** `rio config ls [--format json|yaml]`: the namespace's configs, their keys and sizes. */
export function configLs(globals: GlobalFlags, flags: ListFlags, io: Io): void {
    const { desired } = installedDesired(globals);
    const rows = configRows(namespaceRiofile(desired, globals.namespace), globals.namespace);
    io.out(flags.format ? formatListRows(rows, flags.format) : formatConfigs(rows));
}
