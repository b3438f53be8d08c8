/**
 * The commands that write a namespace's Riofile sections other than services — `rio route add` (routers),
 * `rio external create` (externalservices), `rio domain register|unregister` (hostnames, with RioSystem's
 * domains) — and `rio export --live`, which prints a namespace's Riofile as the stack keeps it. Each change is a
 * pure edit (routeArgs.ts, externalArgs.ts, domainEdit.ts) run in the frame every command shares (changeStack).
 */
import { RioInputError } from "../errors";
import { exportRiofile } from "../riofile/export";
import { parseRiofile } from "../riofile/load";
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
import { currentDesired } from "./engine";
import { asExternalError, externalName, externalSpec, putExternal } from "./externalArgs";
import { riofileLabel } from "./riofileEdit";
import { addRoute, asRouteError, RouteFlags, routeRequest } from "./routeArgs";

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
