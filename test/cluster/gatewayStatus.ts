/**
 * Traefik's part where no gateway controller runs: once RioSystem's Gateway exists, write its address into its
 * status, as Traefik publishes its load balancer's (RioSystem waits for it): for the tests that install RioSystem
 * with stand-in charts (RioSystem itself, the rio commands).
 */
import { ControlPlane } from "./controlPlane";

const GATEWAY = "/apis/gateway.networking.k8s.io/v1/namespaces/rio-system/gateways/rio-gateway";

/** Publishes `address` on the Gateway whenever it has none, until `stop()`. */
export function publishGatewayAddress(cp: ControlPlane, address: string): { stop(): Promise<void> } {
    let publishing = true;
    let wake: (() => void) | undefined;
    const loop = (async () => {
        while (publishing) {
            const gw = await cp.kube.get(GATEWAY).catch(() => undefined);
            if (gw && !gw.status?.addresses?.length)
                cp.kube.kubectl([
                    "patch",
                    "gateway",
                    "rio-gateway",
                    "-n",
                    "rio-system",
                    "--subresource=status",
                    "--type=merge",
                    "-p",
                    JSON.stringify({ status: { addresses: [{ type: "IPAddress", value: address }] } }),
                ]);
            // Poll again shortly; stop() cuts the pause short.
            await new Promise<void>((r) => {
                wake = r;
                setTimeout(r, 500);
            });
        }
    })();
    return {
        stop: async () => {
            publishing = false;
            wake?.();
            await loop;
        },
    };
}
