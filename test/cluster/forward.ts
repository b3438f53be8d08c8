/**
 * What kube-proxy does for a Service's ClusterIP, for programs run out of cluster: `node forward.js LISTEN_HOST
 * LISTEN_PORT TARGET_HOST TARGET_PORT` accepts on the Service's address and port and pipes each connection to the
 * process behind it. Run as its own process (ControlPlane.spawn), so the test's event loop never stalls it.
 */
import * as net from "node:net";

/** The path of this program, to run with `process.execPath`. */
export const FORWARD_JS = __filename;

if (require.main === module) {
    const [listenHost, listenPort, targetHost, targetPort] = process.argv.slice(2);
    const server = net.createServer((client) => {
        const upstream = net.connect(Number(targetPort), targetHost);
        client.pipe(upstream).pipe(client);
        // Either side failing or closing ends the other, as a dropped connection would.
        const end = () => (client.destroy(), upstream.destroy());
        client.on("error", end).on("close", end);
        upstream.on("error", end).on("close", end);
    });
    server.listen(Number(listenPort), listenHost, () => {
        console.log(`forwarding ${listenHost}:${listenPort} to ${targetHost}:${targetPort}`);
    });
    process.on("SIGTERM", () => process.exit(0));
}
