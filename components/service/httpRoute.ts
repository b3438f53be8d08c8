import { RioInputError } from "../errors";
import { KubeObject } from "../kube/object";
import { objectLabels } from "./labels";
import { Port } from "./ports";
import { ServiceContext } from "./context";
import { NormalizedService } from "./spec";

/** One gateway-exposed port: the hostnames it is served on and the HTTPRoute that serves it. */
export interface ExposedPort {
    port: Port;
    hostnames: string[];
    route: KubeObject;
    /** Resource-name suffix: `""` for the first exposed port, `-<port>` for the others. */
    suffix: string;
}

/** Rio's hostname `<label>.<domain>`; the label must stay a DNS label, so overlong ones are refused, not cut. */
function hostname(label: string, domain: string): string {
    if (label.length > 63) {
        throw new RioInputError(
            [],
            `the hostname label "${label}" is ${label.length} characters long (at most 63); shorten the app name or the namespace`,
        );
    }
    return `${label}.${domain}`;
}

/**
 * HTTPRoutes for the exposed HTTP-family ports. The first is served on `<app>-<namespace>.<domain>` (Rio's
 * app endpoint) plus the extra hostnames; each further exposed port on `<app>-<port>-<namespace>.<domain>`,
 * so no exposed port is silently left without a URL.
 */
export function planHttpRoutes(svc: NormalizedService, ctx: ServiceContext): ExposedPort[] {
    const exposed = svc.ports.filter((p) => p.expose);
    if (exposed.length === 0) return [];
    const domain = ctx.gateway.domain;
    if (domain === undefined) {
        throw new RioInputError(["ports"], "exposed ports need a cluster domain (gateway.domain, or --domain for rio render)");
    }
    return exposed.map((port, i) => {
        const first = i === 0;
        const hostnames = first
            ? [hostname(`${svc.app}-${ctx.namespace}`, domain), ...svc.hostnames]
            : [hostname(`${svc.app}-${port.port}-${ctx.namespace}`, domain)];
        const name = first ? svc.app : `${svc.app}-${port.port}`;
        const route: KubeObject = {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name, namespace: ctx.namespace, labels: objectLabels(svc) },
            spec: {
                parentRefs: [
                    {
                        group: "gateway.networking.k8s.io",
                        kind: "Gateway",
                        name: ctx.gateway.name,
                        namespace: ctx.gateway.namespace,
                        ...(ctx.gateway.listener !== undefined && { sectionName: ctx.gateway.listener }),
                    },
                ],
                hostnames: [...new Set(hostnames)],
                rules: [
                    {
                        matches: [{ path: { type: "PathPrefix", value: "/" } }],
                        backendRefs: [{ group: "", kind: "Service", name: svc.app, port: port.port }],
                    },
                ],
            },
        };
        return { port, hostnames: [...new Set(hostnames)], route, suffix: first ? "" : `-${port.port}` };
    });
}
