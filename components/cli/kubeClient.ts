/**
 * The API server of a kube context through `@kubernetes/client-node`, the official client: it does the
 * kubeconfig's authentication (certificates, tokens, exec credential plugins, OIDC), streams logs and speaks the
 * exec websocket protocol. rio hands it one context of the kubeconfig as kubectl merges it (kubeconfig.ts), and
 * turns the API's errors into one line naming the context.
 */
import * as k8s from "@kubernetes/client-node";
import { RioInputError } from "../errors";
import { WorkloadKind } from "../service/spec";
import { contextConfig, Kubeconfig } from "./kubeconfig";
import { LiveWorkload } from "./ps";

/** The message of an API error: the Status the server sent, else what failed on the way. */
function reason(e: unknown): string {
    if (e instanceof k8s.ApiException) {
        try {
            const status = (typeof e.body === "string" ? JSON.parse(e.body) : e.body) as { message?: string };
            if (status?.message) return `${e.code} ${status.message}`;
        } catch {
            // Not a Status: the code says enough.
        }
        return `${e.code}`;
    }
    return (e as Error).message.split("\n")[0]!;
}

/** Whether an API error is a 404. */
const notFound = (e: unknown) => e instanceof k8s.ApiException && e.code === 404;

/** One kube context's API. */
export class KubeClient {
    readonly config: k8s.KubeConfig;
    readonly core: k8s.CoreV1Api;
    readonly apps: k8s.AppsV1Api;
    readonly batch: k8s.BatchV1Api;
    readonly custom: k8s.CustomObjectsApi;

    constructor(
        kube: Kubeconfig,
        readonly context: string,
    ) {
        this.config = new k8s.KubeConfig();
        this.config.loadFromString(JSON.stringify(contextConfig(kube, context)));
        this.core = this.config.makeApiClient(k8s.CoreV1Api);
        this.apps = this.config.makeApiClient(k8s.AppsV1Api);
        this.batch = this.config.makeApiClient(k8s.BatchV1Api);
        this.custom = this.config.makeApiClient(k8s.CustomObjectsApi);
    }

    /** An API call's result; any error is one line saying what was asked (`what`) and the server's answer. */
    async call<T>(what: string, request: () => Promise<T>): Promise<T> {
        try {
            return await request();
        } catch (e) {
            throw this.error(what, e);
        }
    }

    /** The same for a read: undefined when there is nothing there (404). */
    async read<T>(what: string, request: () => Promise<T>): Promise<T | undefined> {
        try {
            return await request();
        } catch (e) {
            if (notFound(e)) return undefined;
            throw this.error(what, e);
        }
    }

    /** A Deployment, StatefulSet or DaemonSet, or undefined when there is none. */
    readWorkload(namespace: string, w: { name: string; kind: WorkloadKind }): Promise<LiveWorkload | undefined> {
        const args = { name: w.name, namespace };
        const read = {
            Deployment: () => this.apps.readNamespacedDeployment(args),
            StatefulSet: () => this.apps.readNamespacedStatefulSet(args),
            DaemonSet: () => this.apps.readNamespacedDaemonSet(args),
        }[w.kind];
        return this.read(`${w.kind} ${namespace}/${w.name}`, read);
    }

    /** A user error about this context. */
    error(what: string, e: unknown): RioInputError {
        return new RioInputError([], `kube context "${this.context}": ${what}: ${reason(e)}`);
    }
}
