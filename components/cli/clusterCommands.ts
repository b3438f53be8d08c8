/**
 * The `rio` commands that read the cluster and change nothing: logs, exec, pods, endpoints, info, dashboard and cat.
 * Each reads the stack's desired state (which apps a namespace has, which system components RioSystem plans),
 * its outputs where they are needed (URLs, domain, gateway address: these need the Pulumi CLI), and the cluster
 * through `@kubernetes/client-node` on the stack's kube context. The pure parts are podTarget.ts, logs.ts,
 * pods.ts, endpoints.ts, info.ts, dashboardLogin.ts and configEdit.ts (cat).
 */
import { Writable } from "stream";
import * as k8s from "@kubernetes/client-node";
import { RioInputError } from "../errors";
import { parseRiofile } from "../riofile/load";
import { GlobalFlags, Io, notInstalled, Session, session } from "./commands";
import { catTarget, catText } from "./configEdit";
import {
    dashboardAccount,
    dashboardUrl,
    formatLogin,
    loginNote,
    requireDashboard,
    tokenSeconds,
} from "./dashboardLogin";
import { Desired } from "./desired";
import { endpointRows, formatEndpointRows, formatEndpoints } from "./endpoints";
import { currentDesired, openStack, plainOutputs } from "./engine";
import { execOutcome } from "./execStatus";
import {
    certificateState,
    componentState,
    componentWorkloads,
    formatInfo,
    Info,
    LiveCertificate,
    stackSystemPlan,
    SystemWorkload,
    systemComponents,
} from "./info";
import { KubeClient } from "./kubeClient";
import { formatLogLine, LineBuffer, LogFlags, LogFormat, logRequest, LogSource } from "./logs";
import { execTarget, logTargets, parseTarget, Target, targetLabel, targetSelector } from "./podTarget";
import { formatPodRows, formatPods, podRows } from "./pods";
import { apiTime } from "./ps";
import { riofileLabel } from "./riofileEdit";
import { MANAGED_BY } from "../service/labels";
import { StackOutputs } from "./stackProgram";
import { DataFormat } from "./table";

/** An installed stack: its session, desired state, and a client on its kube context. */
interface Installed {
    s: Session;
    desired: Desired;
    kube: KubeClient;
}

function installed(globals: GlobalFlags): Installed {
    const s = session(globals);
    const { desired } = currentDesired(s.state, s.stackName);
    if (desired.system === undefined) throw notInstalled(s);
    return { s, desired, kube: new KubeClient(s.kube, desired.context ?? s.context!) };
}

/** The stack's outputs (through the Pulumi CLI), and its workspace's Pulumi version. */
async function outputsOf(s: Session): Promise<{ outputs: StackOutputs; pulumiVersion: string }> {
    const stack = await openStack(s.state, s.stackName, false);
    if (!stack) throw notInstalled(s);
    return { outputs: plainOutputs(await stack.outputs()), pulumiVersion: stack.workspace.pulumiVersion };
}

/** The pods a target means: the pod named (which must exist), or the pods of an app of the namespace's Riofile. */
async function targetPods(
    { desired, kube }: Installed,
    target: Target,
    namespace: string,
    what: string,
): Promise<k8s.V1Pod[]> {
    if (target.pod !== undefined) {
        const pod = await kube.read(`pod ${namespace}/${target.pod}`, () =>
            kube.core.readNamespacedPod({ name: target.pod, namespace }),
        );
        if (!pod) throw new RioInputError([], `${what}: no pod "${target.pod}" in namespace ${namespace}`);
        return [pod];
    }
    const text = desired.riofiles[namespace];
    const riofile = text === undefined ? undefined : parseRiofile(text, riofileLabel(namespace), { namespace });
    const labelSelector = targetSelector(target, namespace, riofile, what);
    const list = await kube.call(`the pods of ${targetLabel(target)} in namespace ${namespace}`, () =>
        kube.core.listNamespacedPod({ namespace, labelSelector }),
    );
    return list.items;
}

/** Streams one container's log to `io.out`, a line at a time; resolves when the API server ends it. */
async function streamLog(
    kube: KubeClient,
    source: LogSource,
    options: k8s.LogOptions,
    format: LogFormat,
    io: Io,
): Promise<void> {
    const lines = new LineBuffer();
    const print = (ls: string[]) => ls.forEach((l) => io.out(formatLogLine(format, source, l)));
    const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
            print(lines.push(chunk));
            done();
        },
        final(done) {
            print(lines.end());
            done();
        },
    });
    const finished = new Promise<void>((resolve, reject) => sink.on("finish", resolve).on("error", reject));
    await kube.call(`the logs of pod ${source.namespace}/${source.pod}, container ${source.container}`, () =>
        new k8s.Log(kube.config).log(source.namespace, source.pod, source.container, sink, options),
    );
    await finished;
}

/** `rio logs [-f] [-c C] [--since D] [--tail N] [-o default|raw|json] app|app@version|pod/NAME`. */
export async function logs(globals: GlobalFlags, targetText: string, flags: LogFlags, io: Io): Promise<void> {
    const request = logRequest(flags, new Date());
    const target = parseTarget(targetText, "logs");
    const inst = installed(globals);
    const namespace = target.namespace ?? globals.namespace;
    const pods = await targetPods(inst, target, namespace, "logs");
    const targets = logTargets(pods, flags.container, targetLabel(target), namespace);
    if (request.none) return;
    await Promise.all(
        targets.map((t) => streamLog(inst.kube, { namespace, ...t }, request.options, flags.output ?? "default", io)),
    );
}

/**
 * `rio exec [-i] [-t] [-c C] app CMD…`: the command in the first ready pod, its exit code rio's. Its output is
 * bytes, written to the process's own stdout and stderr as they come.
 */
export async function exec(
    globals: GlobalFlags,
    targetText: string,
    command: readonly string[],
    flags: { stdin?: boolean; tty?: boolean; container?: string },
): Promise<void> {
    const target = parseTarget(targetText, "exec");
    const inst = installed(globals);
    const namespace = target.namespace ?? globals.namespace;
    const pods = await targetPods(inst, target, namespace, "exec");
    const { pod, container } = execTarget(pods, flags.container, targetLabel(target), namespace);
    const stdin = flags.stdin ? process.stdin : null;
    // A terminal passes keys through as typed (the remote tty echoes and edits), and gets its size sent on.
    const raw = Boolean(flags.tty && stdin && process.stdin.isTTY);
    if (raw) process.stdin.setRawMode(true);
    let status: k8s.V1Status | undefined;
    try {
        status = await new Promise<k8s.V1Status>((resolve, reject) => {
            let final: k8s.V1Status | undefined;
            new k8s.Exec(inst.kube.config)
                .exec(
                    namespace,
                    pod,
                    container,
                    [...command],
                    process.stdout,
                    flags.tty ? null : process.stderr,
                    stdin,
                    flags.tty ?? false,
                    (s) => (final = s),
                )
                .then((ws) => {
                    ws.on("error", reject);
                    ws.on("close", () =>
                        final ? resolve(final) : reject(new Error("the connection closed before the command ended")),
                    );
                }, reject);
        });
    } catch (e) {
        throw inst.kube.error(`exec in pod ${namespace}/${pod}, container ${container}`, e);
    } finally {
        if (raw) process.stdin.setRawMode(false);
        // Nothing more is read: stdin must not keep rio running.
        if (stdin) process.stdin.destroy();
    }
    const outcome = execOutcome(status);
    if (outcome) throw outcome;
}

/** `rio pods [--format json|yaml]`: the pods of the namespace's services. */
export async function pods(globals: GlobalFlags, flags: { format?: DataFormat }, io: Io): Promise<void> {
    const { kube } = installed(globals);
    const namespace = globals.namespace;
    const list = await kube.call(`the pods of namespace ${namespace}`, () =>
        kube.core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/managed-by=${MANAGED_BY}` }),
    );
    const rows = podRows(list.items);
    io.out(flags.format ? formatPodRows(rows, flags.format) : formatPods(rows, new Date()));
}

/** `rio endpoints [--format json|yaml]`: the URLs of the namespace's services and routers. */
export async function endpoints(globals: GlobalFlags, flags: { format?: DataFormat }, io: Io): Promise<void> {
    const { s } = installed(globals);
    const { outputs } = await outputsOf(s);
    const rows = endpointRows(outputs, globals.namespace);
    io.out(flags.format ? formatEndpointRows(rows, flags.format) : formatEndpoints(rows));
}

/** The Deployments, StatefulSets and DaemonSets of some namespaces. */
async function systemWorkloads(kube: KubeClient, namespaces: ReadonlySet<string>): Promise<SystemWorkload[]> {
    const out: SystemWorkload[] = [];
    for (const namespace of namespaces) {
        const what = (kind: string) => `the ${kind} of namespace ${namespace}`;
        const [d, s, ds] = await Promise.all([
            kube.call(what("Deployments"), () => kube.apps.listNamespacedDeployment({ namespace })),
            kube.call(what("StatefulSets"), () => kube.apps.listNamespacedStatefulSet({ namespace })),
            kube.call(what("DaemonSets"), () => kube.apps.listNamespacedDaemonSet({ namespace })),
        ]);
        out.push(
            ...d.items.map((live) => ({ kind: "Deployment" as const, namespace, live })),
            ...s.items.map((live) => ({ kind: "StatefulSet" as const, namespace, live })),
            ...ds.items.map((live) => ({ kind: "DaemonSet" as const, namespace, live })),
        );
    }
    return out;
}

/** `rio info [--format json|yaml]`. */
export async function info(
    globals: GlobalFlags,
    flags: { format?: DataFormat },
    io: Io,
    rioVersion: string,
): Promise<void> {
    const { s, desired, kube } = installed(globals);
    const plan = stackSystemPlan(desired);
    const { outputs, pulumiVersion } = await outputsOf(s);
    const components = systemComponents(plan);
    const listed = await systemWorkloads(kube, new Set(components.map((c) => c.namespace)));
    let certificate: Info["certificate"] = { state: "none (the tls feature is off)" };
    if (plan.certificate) {
        const { name, namespace } = plan.certificate("placeholder.invalid").metadata;
        const live = await kube.read(`Certificate ${namespace}/${name}`, () =>
            kube.custom.getNamespacedCustomObject({
                group: "cert-manager.io",
                version: "v1",
                namespace: namespace!,
                plural: "certificates",
                name,
            }),
        );
        certificate = { name: `${namespace}/${name}`, state: certificateState(live as LiveCertificate | undefined) };
    }
    const facts: Info = {
        rioVersion,
        pulumiVersion,
        stack: s.stackName,
        ...(kube.context !== undefined && { context: kube.context }),
        ...(outputs.domain !== undefined && { domain: outputs.domain }),
        ...(outputs.gatewayAddress !== undefined && { gatewayAddress: outputs.gatewayAddress }),
        systemNamespace: plan.settings.namespace,
        certificate,
        components: components.map((c) => ({
            name: c.name,
            feature: c.feature,
            state: componentState(componentWorkloads(c, listed)),
        })),
    };
    io.out(formatInfo(facts, flags.format));
}

/** `rio dashboard [--duration D]`: Headlamp's URL and a short-lived login token, printed, never stored. */
export async function dashboard(globals: GlobalFlags, flags: { duration?: string }, io: Io): Promise<void> {
    const seconds = tokenSeconds(flags.duration);
    const { s, desired, kube } = installed(globals);
    const plan = stackSystemPlan(desired);
    requireDashboard(plan, s.stackName);
    const { outputs } = await outputsOf(s);
    const url = dashboardUrl(plan, outputs.domain, s.stackName);
    const account = dashboardAccount(plan);
    const request = await kube.call(`a token of ServiceAccount ${account.namespace}/${account.name}`, () =>
        kube.core.createNamespacedServiceAccountToken({
            ...account,
            body: {
                apiVersion: "authentication.k8s.io/v1",
                kind: "TokenRequest",
                spec: { audiences: [], expirationSeconds: seconds },
            },
        }),
    );
    io.out(formatLogin(url, request.status!.token));
    io.err(loginNote(account, apiTime(request.status!.expirationTimestamp)));
}

/**
 * `rio cat [-k KEY]… configmap/NAME…`: the live ConfigMaps' data, as Rio read them from the API server (what runs,
 * a manifest's or another tool's ConfigMap too). Printed once all are read: an error prints nothing.
 */
export async function cat(
    globals: GlobalFlags,
    targets: readonly string[],
    flags: { key?: string[] },
    io: Io,
): Promise<void> {
    const names = targets.map(catTarget);
    const { desired, kube } = installed(globals);
    let out = "";
    for (const n of names) {
        const namespace = n.namespace ?? globals.namespace;
        const live = await kube.read(`ConfigMap ${namespace}/${n.app}`, () =>
            kube.core.readNamespacedConfigMap({ name: n.app, namespace }),
        );
        if (!live) {
            const text = desired.riofiles[namespace];
            const kept = text === undefined ? [] : parseRiofile(text, riofileLabel(namespace), { namespace }).configs;
            throw new RioInputError(
                [],
                `no ConfigMap "${n.app}" in namespace ${namespace} on kube context "${kube.context}" (the stack's configs there: ${kept.map((c) => c.name).join(", ") || "none"})`,
            );
        }
        out += catText({ data: live.data ?? {}, binaryData: live.binaryData ?? {} }, flags.key ?? [], n.app);
    }
    io.out(out);
}
