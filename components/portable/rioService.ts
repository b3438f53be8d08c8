import * as pulumi from "@pulumi/pulumi";
import { checked } from "../kube/userError";
import { RioService as RichService } from "../service/rioService";
import { withoutNulls } from "./nulls";
import { RioServiceArgs } from "./serviceKeys";
import { toRioServiceArgs } from "./toService";

/**
 * One Rio service — a Deployment (or StatefulSet, DaemonSet), its Service and, for ports exposed through the
 * gateway, HTTPRoutes on `<app>-<namespace>.<domain>` — what `rio run` or a Riofile `services` entry made.
 */
export class RioService extends pulumi.ComponentResource {
    /** The first URL the service is served at (none when no port is exposed). Resolves once every object exists. */
    public readonly url!: pulumi.Output<string | undefined>;
    /** Every URL the service is served at. */
    public readonly urls!: pulumi.Output<string[]>;
    /** Hostnames routed to the service. */
    public readonly hostnames!: pulumi.Output<string[]>;
    /** Namespace the service runs in. */
    public readonly namespace!: pulumi.Output<string>;
    /** Name of the app's ClusterIP Service (none for a service without ports). */
    public readonly serviceName!: pulumi.Output<string | undefined>;

    constructor(name: string, args: RioServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const rich = checked("RioService", name, () => toRioServiceArgs(withoutNulls(args)));
        super("pulumi-rio:index:RioService", name, {}, opts);
        // The TypeScript component does the work, as this one's child (it hands deletedWith on to its objects).
        const service = new RichService(name, rich, {
            parent: this,
            ...(opts?.deletedWith && { deletedWith: opts.deletedWith }),
        });
        this.url = service.url;
        this.urls = service.urls;
        this.hostnames = service.hostnames;
        this.namespace = service.namespace;
        this.serviceName = service.serviceName;
        this.registerOutputs({
            url: this.url,
            urls: this.urls,
            hostnames: this.hostnames,
            namespace: this.namespace,
            serviceName: this.serviceName,
        });
    }
}
