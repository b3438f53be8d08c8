import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checked } from "../kube/userError";
import { deployRiofile } from "../riofile/deploy";
import { Allowable, GatewayImplementation } from "./enums";
import { podSecurityLabels } from "./namespace";
import { withoutNulls } from "./nulls";
import { loadSource, RiofileSource } from "./source";
import { Gateway, Registry, RegistryCredentials } from "./target";

/** Arguments of {@link Riofile}: the Riofile, and where it is deployed. */
export interface RiofileArgs extends RiofileSource {
    /** Namespace of every object; the template's NAMESPACE. Default `default`. */
    namespace?: string;
    /** Create the namespace, with Pod Security labels. Default: true unless the namespace is `default`. */
    createNamespace?: boolean;
    /** The Gateway routes attach to, and the cluster domain: RioSystem's `ref.gateway`. */
    gateway?: pulumi.Input<Gateway>;
    /** The gateway's implementation (routers' extra objects depend on it). Default: the gateway's, else `traefik`. */
    gatewayImplementation?: GatewayImplementation;
    /** What follows `<app>-` in hostnames. Default: the namespace. */
    hostLabel?: string;
    /** Features reaching into the node allowed by name (`hostPort`, `hostNetwork`, `hostPath`, `privileged`). Default none. */
    allow?: Allowable[];
    /** RioSystem's registry (`ref.registry`), for builds. Default: RioSystem's. */
    registry?: pulumi.Input<Registry>;
    /** Login to RioSystem's registry for local folder builds (RioSystem's `registryCredentials`). A secret. */
    registryCredentials?: pulumi.Input<RegistryCredentials>;
}

/**
 * A whole Riofile — services, configs, routers, external services and `kubernetes.manifest`, with every key and
 * template feature Rio had — deployed as `rio up` did, by the same code as `rio up` and the project's program.
 */
export class Riofile extends pulumi.ComponentResource {
    /** URLs by service and router name. Resolves once everything exists. */
    public readonly urls!: pulumi.Output<Record<string, string[]>>;
    /** The first URL of the first exposed service or router (none when nothing is exposed). */
    public readonly url!: pulumi.Output<string | undefined>;
    /** The namespace deployed into. */
    public readonly namespace!: pulumi.Output<string>;

    constructor(name: string, args: RiofileArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = withoutNulls(args);
        const namespace = a.namespace ?? "default";
        // Loaded and checked before anything is registered: a bad Riofile leaves nothing behind.
        const riofile = checked("Riofile", name, () => loadSource(a, namespace));
        super("pulumi-rio:index:Riofile", name, {}, opts);
        const allow = a.allow ?? [];
        const ns =
            (a.createNamespace ?? namespace !== "default")
                ? new k8s.core.v1.Namespace(
                      `${name}-namespace`,
                      { metadata: { name: namespace, labels: podSecurityLabels(allow) } },
                      { parent: this },
                  )
                : undefined;
        const deployed = checked("Riofile", name, () =>
            deployRiofile(
                riofile,
                {
                    namespace,
                    allow,
                    ...(a.gateway !== undefined && { gateway: a.gateway }),
                    ...(a.gatewayImplementation !== undefined && { gatewayImplementation: a.gatewayImplementation }),
                    ...(a.hostLabel !== undefined && { hostLabel: a.hostLabel }),
                    ...(a.registry !== undefined && { registry: a.registry }),
                    ...(a.registryCredentials !== undefined && { registryCredentials: a.registryCredentials }),
                },
                { parent: this, ...(ns && { dependsOn: [ns] }) },
            ),
        );
        const all = [...Object.entries(deployed.services), ...Object.entries(deployed.routers)];
        this.urls = pulumi.all(Object.fromEntries(all.map(([n, s]) => [n, s.urls])));
        this.url = this.urls.apply((u) => Object.values(u).flat()[0]);
        this.namespace = pulumi.output(namespace);
        this.registerOutputs({ urls: this.urls, url: this.url, namespace: this.namespace });
    }
}
