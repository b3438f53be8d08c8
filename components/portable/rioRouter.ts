import * as pulumi from "@pulumi/pulumi";
import { checked } from "../kube/userError";
import { under } from "../errors";
import { RioRouter as RichRouter, RioRouterArgs as RichRouterArgs } from "../router/rioRouter";
import { GatewayImplementation } from "./enums";
import { withoutNulls } from "./nulls";
import { Route } from "./routes";
import { ServiceSpec } from "./serviceKeys";
import { Gateway } from "./target";
import { serviceSpec } from "./toService";

/** Arguments of the portable RioRouter: Rio's router keys. */
export interface RioRouterArgs {
    /** Routes in Rio's order: the first that matches wins. A plain value: it decides which objects exist. */
    routes: Route[];
    /** Extra hostnames, besides `<router>-<namespace>.<domain>`. A plain value. */
    hostnames?: string[];
    /** Namespace of the route and of the services it sends to. Default `default`. */
    namespace?: pulumi.Input<string>;
    /** The Gateway and domain: RioSystem's `ref.gateway`. */
    gateway?: pulumi.Input<Gateway>;
    /** What follows `<router>-` in the hostname. Default: the namespace. */
    hostLabel?: string;
    /** The gateway's implementation, which decides the extra objects. Default: the gateway's when known, else `traefik`. */
    gatewayImplementation?: GatewayImplementation;
    /**
     * The apps the routes send to, by service name, with their RioService keys (`ports`, `scale`/`autoscale`,
     * `versions`): an app scaled on concurrency is reached through KEDA's interceptor. A plain value.
     */
    apps?: Record<string, ServiceSpec>;
}

/** The rich RioRouter's args. */
export function toRioRouterArgs(args: RioRouterArgs): RichRouterArgs {
    const { apps, ...rest } = args;
    return {
        ...rest,
        ...(apps && {
            apps: Object.fromEntries(
                Object.entries(apps).map(([app, spec]) => [app, under(["apps", app], () => serviceSpec(spec))]),
            ),
        }),
    };
}

/**
 * Rio's Router: a named set of HTTP routes across services — matches, weights, redirects, rewrites, header
 * edits, mirroring, timeouts, retries and fault injection — as one Gateway API HTTPRoute.
 */
export class RioRouter extends pulumi.ComponentResource {
    /** Every URL the router is served at. Resolves once every object exists. */
    public readonly urls!: pulumi.Output<string[]>;
    /** The first of them. */
    public readonly url!: pulumi.Output<string>;
    /** Hostnames the router serves. */
    public readonly hostnames!: pulumi.Output<string[]>;

    constructor(name: string, args: RioRouterArgs, opts?: pulumi.ComponentResourceOptions) {
        const rich = checked("RioRouter", name, () => toRioRouterArgs(withoutNulls(args)));
        super("pulumi-rio:index:RioRouter", name, {}, opts);
        const router = new RichRouter(name, rich, {
            parent: this,
            ...(opts?.deletedWith && { deletedWith: opts.deletedWith }),
        });
        this.urls = router.urls;
        this.url = router.url;
        this.hostnames = router.hostnames;
        this.registerOutputs({ urls: this.urls, url: this.url, hostnames: this.hostnames });
    }
}
