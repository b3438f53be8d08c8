/**
 * `kubectl port-forward` for one pod port, through the API server (`@kubernetes/client-node`'s PortForward, the
 * websocket port-forward protocol): a listener on 127.0.0.1 whose every connection is one forwarded stream. rio
 * reaches RioSystem's registry this way, as Rio's CLI reached its buildkitd, so nothing has to be exposed.
 */
import * as net from "net";
import { PassThrough } from "stream";
import * as k8s from "@kubernetes/client-node";

/** A forwarded port: where to connect, and how to stop. */
export interface Forward {
    port: number;
    close(): Promise<void>;
}

/** Forwards 127.0.0.1:<a free port> to `port` of the pod `namespace/pod`. */
export async function forwardPort(
    config: k8s.KubeConfig,
    namespace: string,
    pod: string,
    port: number,
): Promise<Forward> {
    const forward = new k8s.PortForward(config, true);
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        // What the pod's side says on the error stream ends the connection: the client sees a reset, not a hang.
        const errors = new PassThrough();
        errors.on("data", () => socket.destroy());
        forward.portForward(namespace, pod, [port], socket, errors, socket).then(
            (ws) => {
                const socketOf = typeof ws === "function" ? ws() : ws;
                socketOf?.on("close", () => socket.end());
                socket.on("close", () => socketOf?.close());
            },
            () => socket.destroy(),
        );
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    return {
        port: (server.address() as net.AddressInfo).port,
        close: () =>
            new Promise<void>((resolve) => {
                for (const s of sockets) s.destroy();
                server.close(() => resolve());
            }),
    };
}
