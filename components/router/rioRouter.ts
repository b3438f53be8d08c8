import * as pulumi from "@pulumi/pulumi";
import { checked } from "../kube/userError";
import { under } from "../errors";
import { normalizeApp } from "../service/app";
import { declarePlanned, sameShape } from "../kube/children";
import { GatewayRef, resolveContext } from "../service/context";
import { isPlain } from "../service/rioService";
import { planRouter, RouterPlan } from "./plan";
import { normalizeRouter, RouterSpec } from "./spec";

/** Arguments of {@link RioRouter}: Rio's router keys. */
export interface RioRouterArgs {
    /**
     * Routes in Rio's order (the first that matches wins): `match` (`path` exact/prefix/regexp, `methods`,
     * `headers`), `to` (`app`, `version`, `port` default 80, `weight`, `namespace` when not the router's), `redirect` (`host`, `path`, `toHTTPS`),
     * `rewrite` (`host`, `path`), `headers` (`add`, `set`, `remove`), `mirror`, `timeoutSeconds`, `retry`
     * (`attempts`, `timeoutSeconds`), `fault` (`percentage`, `delayMillis`, `abortHTTPStatus`). A plain value:
     * it decides which objects exist.
     */
    routes: RouterSpec["routes"];
    /** Extra hostnames, besides `<router>-<namespace>.<domain>`. Default none. */
    hostnames?: string[];
    /** Rio's cluster-internal routers need a mesh; refused. Default false. */
    internal?: boolean;
    /** Namespace of the route (and of the services it sends to, unless a destination names its own). Default `default`. */
    namespace?: pulumi.Input<string>;
    /** The Gateway and domain, e.g. `RioSystem.ref.gateway`. */
    gateway?: pulumi.Input<GatewayRef>;
    /** What follows `<router>-` in the hostname (a preview's slug). Default: the namespace. A plain value. */
    hostLabel?: string;
    /**
     * The gateway's implementation, which decides the extra objects (Traefik Middlewares, Envoy Gateway
     * BackendTrafficPolicies). Default: `gateway.implementation` when `gateway` is a plain value, else `traefik`.
     */
    gatewayImplementation?: "traefik" | "envoy";
    /**
     * The apps the routes send to, by service name, with their RioService keys (plain values; `ports`,
     * `autoscale`/`scale` and `versions` with their weights are what count). An app that scales on concurrency
     * (to zero) is reached through KEDA's interceptor, as its own route is; give the app the router (RioService
     * `routers`) too, so its InterceptorRoute lists the router's hosts. Default none: every destination is sent
     * straight to its Service.
     */
    apps?: Record<string, unknown>;
}

function planArgs(
    name: string,
    spec: RouterSpec,
    namespace: string | undefined,
    gateway: GatewayRef | undefined,
    hostLabel?: string,
    apps: Record<string, unknown> = {},
): RouterPlan {
    return checked("RioRouter", name, () => {
        return planRouter(
            normalizeRouter(name, spec),
            resolveContext(namespace, gateway, hostLabel !== undefined ? { hostLabel } : {}),
            Object.entries(apps).map(([app, appSpec]) => under(["apps", app], () => normalizeApp(app, appSpec))),
        );
    });
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
        const spec: RouterSpec = {
            routes: args.routes,
            ...(args.hostnames && { hostnames: args.hostnames }),
            ...(args.internal !== undefined && { internal: args.internal }),
        };
        if (!isPlain(spec) || !isPlain(args.apps)) {
            throw new pulumi.ResourceError(
                `RioRouter "${name}": routes, hostnames, internal and apps must be plain values: they decide which objects are created`,
                undefined,
                true,
            );
        }
        const known = isPlain(args.namespace) && isPlain(args.gateway);
        const implementation =
            args.gatewayImplementation ??
            (known ? (args.gateway as GatewayRef | undefined)?.implementation : undefined);
        const now = known
            ? planArgs(
                  name,
                  spec,
                  args.namespace as string | undefined,
                  { ...(args.gateway as GatewayRef | undefined), ...(implementation && { implementation }) },
                  args.hostLabel,
                  args.apps,
              )
            : undefined;
        const shape =
            now ??
            planArgs(
                name,
                spec,
                "x",
                { domain: "shape.invalid", ...(implementation && { implementation }) },
                undefined,
                args.apps,
            );
        super("pulumi-rio:index:RioRouter", name, {}, opts);

        const later = now
            ? undefined
            : pulumi.all([pulumi.output(args.namespace), pulumi.output(args.gateway)]).apply(([ns, gw]) => {
                  const decided = implementation ?? "traefik";
                  const actual = (gw as GatewayRef | undefined)?.implementation;
                  if (actual !== undefined && actual !== decided) {
                      throw new pulumi.ResourceError(
                          `RioRouter "${name}": the gateway is ${actual}: pass gatewayImplementation: "${actual}" (it decides which objects exist)`,
                          this,
                      );
                  }
                  return sameShape(
                      `RioRouter "${name}"`,
                      planArgs(
                          name,
                          spec,
                          ns,
                          { ...(gw as GatewayRef | undefined), implementation: decided },
                          args.hostLabel,
                          args.apps,
                      ),
                      shape,
                  );
              });
        // The shape's objects are in "x" when the namespace was an Output, in the namespace itself otherwise.
        const children = declarePlanned(
            this,
            name,
            shape.objects,
            now?.objects,
            later,
            opts?.deletedWith && {
                resource: opts.deletedWith,
                namespace: shape.objects[0]!.object.metadata.namespace!,
            },
        );
        const plan = now ? pulumi.output(now) : later!;
        this.urls = pulumi.all([pulumi.all(children.map((c) => c.id)), plan]).apply(([, p]) => p.urls);
        this.url = this.urls.apply((u) => u[0]!);
        this.hostnames = plan.apply((p) => p.hostnames);
        this.registerOutputs({ urls: this.urls, url: this.url, hostnames: this.hostnames });
    }
}
