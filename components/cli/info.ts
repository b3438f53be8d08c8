/**
 * `rio info`: the versions (rio, the Pulumi CLI), the cluster domain and the gateway's address (the stack's
 * outputs), the wildcard certificate's state and each system component's readiness. Which components there are is
 * RioSystem's plan for the stack's settings (the same planSystem the stack program applies): each Helm release,
 * found by its `app.kubernetes.io/instance` label as Helm charts label their workloads, and the workloads RioSystem
 * declares itself (the registry).
 */
import { Desired } from "./desired";
import { counts, LiveWorkload } from "./ps";
import { loadRiofiles, systemArgs } from "./stackProgram";
import { Feature } from "../system/features";
import { planSystem, SystemPlan } from "../system/plan";
import { settingsOf } from "../system/rioSystem";
import { WorkloadKind } from "../service/spec";
import { DataFormat, formatData } from "./table";

/** RioSystem's plan for a stack's desired state (installed: its `system` is set). */
export function stackSystemPlan(desired: Desired): SystemPlan {
    const args = systemArgs(
        desired.system!,
        loadRiofiles(desired).map((l) => l.riofile),
    );
    return planSystem(settingsOf(args), { registryPersistence: args.registryPersistence });
}

const WORKLOAD_KINDS: readonly string[] = ["Deployment", "StatefulSet", "DaemonSet"];

/** A system component and how to find its workloads. */
export interface SystemComponent {
    name: string;
    feature: Feature;
    namespace: string;
    /** A release's workloads, by label; or one workload RioSystem declares, by kind and name. */
    find: { selector: string } | { kind: WorkloadKind; name: string };
}

/** The components of a plan, in install order: its releases, then the workloads it declares. */
export function systemComponents(plan: SystemPlan): SystemComponent[] {
    return [
        ...plan.releases.map((r) => ({
            name: r.name,
            feature: r.feature,
            namespace: r.namespace,
            find: { selector: `app.kubernetes.io/instance=${r.name}` },
        })),
        ...plan.objects
            .filter(({ object }) => WORKLOAD_KINDS.includes(object.kind))
            .map(({ feature, object }) => ({
                name: object.metadata.name,
                feature: feature as Feature,
                namespace: object.metadata.namespace ?? plan.settings.namespace,
                find: { kind: object.kind as WorkloadKind, name: object.metadata.name },
            })),
    ];
}

/** A workload of a system namespace, as listed. */
export interface SystemWorkload {
    kind: WorkloadKind;
    namespace: string;
    live: LiveWorkload & { metadata?: { labels?: Record<string, string> } };
}

/** A component's workloads among those listed: its release's label (`key=value,…`), or its own kind and name. */
export function componentWorkloads(c: SystemComponent, listed: readonly SystemWorkload[]): SystemWorkload[] {
    return listed.filter((w) => {
        if (w.namespace !== c.namespace) return false;
        if ("kind" in c.find) return w.kind === c.find.kind && w.live.metadata?.name === c.find.name;
        const labels = w.live.metadata?.labels ?? {};
        return c.find.selector.split(",").every((pair) => {
            const [key, value] = pair.split("=");
            return labels[key!] === value;
        });
    });
}

/** A component's readiness from its live workloads: `ready`, `not ready (r/d replicas)` or `not deployed`. */
export function componentState(workloads: readonly { kind: WorkloadKind; live: LiveWorkload }[]): string {
    if (workloads.length === 0) return "not deployed";
    let ready = 0;
    let desired = 0;
    for (const w of workloads) {
        const c = counts(w.kind, w.live);
        ready += Math.min(c.ready, c.desired);
        desired += c.desired;
    }
    return ready >= desired ? "ready" : `not ready (${ready}/${desired} replicas)`;
}

/** What `rio info` reads of a cert-manager Certificate. */
export interface LiveCertificate {
    spec?: { dnsNames?: string[] };
    status?: {
        notAfter?: string;
        conditions?: { type: string; status: string; reason?: string; message?: string }[];
    };
}

/** A certificate's state: `ready (valid until …)`, `not ready: reason: message`, `not issued yet`, `not created`. */
export function certificateState(cert: LiveCertificate | undefined): string {
    if (cert === undefined) return "not created";
    const ready = cert.status?.conditions?.find((c) => c.type === "Ready");
    if (ready === undefined) return "not issued yet";
    if (ready.status === "True")
        return cert.status?.notAfter !== undefined ? `ready (valid until ${cert.status.notAfter})` : "ready";
    return `not ready: ${[ready.reason, ready.message].filter((p) => p).join(": ") || "no reason given"}`;
}

/** Everything `rio info` shows. */
export interface Info {
    rioVersion: string;
    pulumiVersion: string;
    stack: string;
    context?: string;
    domain?: string;
    gatewayAddress?: string;
    systemNamespace: string;
    certificate: { name?: string; state: string };
    components: { name: string; feature: Feature; state: string }[];
}

/** Rio's `rio info` text, or the info as data. */
export function formatInfo(info: Info, format?: DataFormat): string {
    if (format) return formatData(info, format);
    return [
        `Rio Version: ${info.rioVersion}`,
        `Pulumi Version: ${info.pulumiVersion}`,
        `Stack: ${info.stack}${info.context !== undefined ? ` (kube context ${info.context})` : ""}`,
        `Cluster Domain: ${info.domain ?? "(none yet)"}`,
        `Cluster Domain IPs: ${info.gatewayAddress ?? "(none yet)"}`,
        `System Namespace: ${info.systemNamespace}`,
        `Wildcard Certificate: ${info.certificate.name !== undefined ? `${info.certificate.name}: ` : ""}${info.certificate.state}`,
        "",
        "System Components:",
        ...info.components.map((c) => `${c.name} status: ${c.state}`),
    ]
        .map((l) => `${l}\n`)
        .join("");
}
