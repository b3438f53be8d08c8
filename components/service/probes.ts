import { RioInputError } from "../errors";
import { splitCommand } from "./command";

/** A Kubernetes Probe (the subset Rio passes through), as `readinessProbe`/`livenessProbe` take it. */
export interface Probe {
    httpGet?: {
        path?: string;
        port: number | string;
        host?: string;
        scheme?: "HTTP" | "HTTPS";
        httpHeaders?: { name: string; value: string }[];
    };
    tcpSocket?: { port: number | string; host?: string };
    exec?: { command: string[] };
    grpc?: { port: number; service?: string };
    initialDelaySeconds?: number;
    periodSeconds?: number;
    timeoutSeconds?: number;
    successThreshold?: number;
    failureThreshold?: number;
    terminationGracePeriodSeconds?: number;
}

const URL_FORM = /^(https?|tcp):\/\/([^/:]*)(?::(\d+))?(\/.*)?$/i;

/**
 * Rio's health-check shorthand (`rio run --health-url`/`--health-cmd`) as a string:
 * `http://[host]:port/path`, `https://...`, `tcp://[host]:port`, or else a command run in the container.
 */
export function parseProbeShorthand(spec: string): Probe {
    const m = URL_FORM.exec(spec.trim());
    if (!m && /^[a-z][a-z0-9+.-]*:\/\//i.test(spec.trim())) {
        throw new RioInputError(
            [],
            `"${spec}" is not a health-check URL: use http://[host]:port/path, https://... or tcp://[host]:port`,
        );
    }
    if (m) {
        const [, scheme, host, portText, path] = m as unknown as [
            string,
            string,
            string,
            string | undefined,
            string | undefined,
        ];
        if (portText === undefined)
            throw new RioInputError([], `health check "${spec}" needs a port, e.g. http://:8080/healthz`);
        const port = Number(portText);
        if (port < 1 || port > 65535)
            throw new RioInputError([], `health check port ${port} is out of range (1-65535)`);
        const hostField = host === "" || host === "localhost" ? {} : { host };
        if (scheme.toLowerCase() === "tcp") {
            if (path !== undefined && path !== "/")
                throw new RioInputError([], `a tcp health check has no path ("${spec}")`);
            return { tcpSocket: { port, ...hostField } };
        }
        return {
            httpGet: {
                path: path ?? "/",
                port,
                ...hostField,
                scheme: scheme.toLowerCase() === "https" ? "HTTPS" : "HTTP",
            },
        };
    }
    const command = splitCommand(spec);
    if (!command || command.length === 0) throw new RioInputError([], "an empty health check");
    return { exec: { command } };
}

/** Resolves a probe given as Rio's shorthand string or as a Kubernetes Probe object. */
export function resolveProbe(input: string | Probe | undefined): Probe | undefined {
    if (input === undefined) return undefined;
    const probe = typeof input === "string" ? parseProbeShorthand(input) : { ...input };
    const handlers = (["httpGet", "tcpSocket", "exec", "grpc"] as const).filter((h) => probe[h] !== undefined);
    if (handlers.length !== 1) {
        throw new RioInputError(
            [],
            handlers.length === 0
                ? "a probe needs one of httpGet, tcpSocket, exec or grpc (or a shorthand like http://:8080/healthz)"
                : `a probe takes exactly one of httpGet, tcpSocket, exec or grpc, not ${handlers.join(" and ")}`,
        );
    }
    // Rio's docs write ports as strings ("9997"): a number in a string is that port, as Kubernetes' IntOrString
    // would only take it as a port name, which must contain a letter.
    for (const h of ["httpGet", "tcpSocket"] as const) {
        const handler = probe[h];
        if (handler && typeof handler.port === "string") {
            if (/^\d+$/.test(handler.port)) probe[h] = { ...handler, port: Number(handler.port) } as never;
            else if (
                !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(handler.port) ||
                !/[a-z]/.test(handler.port) ||
                handler.port.length > 15
            ) {
                throw new RioInputError([h, "port"], `"${handler.port}" is neither a port number nor a port name`);
            }
        }
    }
    return probe;
}
