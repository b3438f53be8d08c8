/** Kubernetes probes in the structured form, beside Rio's shorthand strings (`http://:8080/healthz`). */
import { ProbeScheme } from "./enums";

/** An HTTP header a probe sends. */
export interface HttpHeader {
    /** Header name. */
    name: string;
    /** Header value. */
    value: string;
}

/** An HTTP GET probe. */
export interface HttpGetAction {
    /** Path, e.g. `/healthz`. */
    path?: string;
    /** Container port. */
    port: number;
    /** Host to connect to. Default: the pod's IP. */
    host?: string;
    /** Default `HTTP`. */
    scheme?: ProbeScheme;
    /** Headers sent. */
    httpHeaders?: HttpHeader[];
}

/** A TCP connection probe. */
export interface TcpSocketAction {
    /** Container port. */
    port: number;
    /** Host to connect to. Default: the pod's IP. */
    host?: string;
}

/** A command run in the container; exit status 0 is healthy. */
export interface ExecAction {
    /** The command and its arguments (not run through a shell). */
    command: string[];
}

/** A gRPC health check. */
export interface GrpcAction {
    /** Container port. */
    port: number;
    /** The service name sent in the health check request. */
    service?: string;
}

/** A Kubernetes Probe (the subset Rio passes through): one action, and its timing. */
export interface Probe {
    /** Probe with an HTTP GET. */
    httpGet?: HttpGetAction;
    /** Probe by opening a TCP connection. */
    tcpSocket?: TcpSocketAction;
    /** Probe by running a command. */
    exec?: ExecAction;
    /** Probe with a gRPC health check. */
    grpc?: GrpcAction;
    /** Seconds after the container starts before the first probe. Default 0. */
    initialDelaySeconds?: number;
    /** Seconds between probes. Default 10. */
    periodSeconds?: number;
    /** Seconds a probe may take. Default 1. */
    timeoutSeconds?: number;
    /** Successes in a row that make the container healthy again. Default 1. */
    successThreshold?: number;
    /** Failures in a row that make it unhealthy. Default 3. */
    failureThreshold?: number;
    /** Seconds the pod gets to stop after a failed liveness probe. Default: the pod's. */
    terminationGracePeriodSeconds?: number;
}
