import * as pulumi from "@pulumi/pulumi";
import { checked } from "../kube/userError";
import { RioInputError } from "../errors";
import { declareObject } from "../kube/declare";
import { DeployedRiofile, deployRiofile } from "../riofile/deploy";
import { Riofile } from "../riofile/load";
import { GatewayRef } from "../service/context";
import { planPreviewIsolation } from "./objects";
import { previewRiofile } from "./riofile";
import { previewNamespace, previewSlug } from "./slug";
import { originRepository } from "./origin";

/** Arguments of {@link PreviewEnv}. */
export interface PreviewEnvArgs {
    /** The pull request (its number makes the slug `pr-<n>`). */
    pullRequest?: number;
    /** The branch: the project's own builds follow it, and without a pull request number it makes the slug. */
    branch?: string;
    /**
     * The project's own repository: only its builds follow `branch` (a Riofile may build other repositories,
     * which have no such branch; they keep what it names). Default: the `origin` remote of the git repository
     * the Riofile file is in; without one, no build follows the branch.
     */
    repo?: string;
    /** The Riofile to preview (loaded with `loadRiofile`). */
    riofile: Riofile;
    /** The base environment's gateway and registry: `RioSystem.ref`, or a StackReference's `rio` output. */
    system: pulumi.Input<{
        gateway: GatewayRef;
        registry?: { push: string; pull: string; external?: { host: string } };
    }>;
    /**
     * Login to the base's registry at `registry.<domain>`, for local folder builds (the base's RioSystem
     * `registryCredentials`, a secret; the project's program exports it as the stack output `registryCredentials`).
     * Default none.
     */
    registryCredentials?: pulumi.Input<{ address: string; username: string; password: string } | undefined>;
    /** The base environment's gateway implementation (routers' objects depend on it). Default `traefik`. */
    gatewayImplementation?: "traefik" | "envoy";
    /** Replicas of every fixed-scale service. Default 1. */
    scale?: number;
    /** Let autoscaled services scale to zero (the base has RioSystem's autoscaling feature). Default false. */
    scaleToZero?: boolean;
    /** Extra environment for every service (e.g. `PREVIEW=true`). Default none. */
    env?: Record<string, string>;
    /**
     * How long the preview may live after its last deployment, in hours: `expiresAt` says until when, and the
     * scheduled clean-up of `rio cd preview-workflow` destroys a preview past it (the stack program exports it as
     * `previewExpiresAt`), even while its pull request is open; the next push deploys it again. Default 72.
     */
    ttlHours?: number;
    /** The system namespace (gateway, interceptor), the only other namespace let in. Default `rio-system`. */
    systemNamespace?: string;
}

/**
 * One isolated, URL-addressed copy of the app for a branch or pull request on the shared cluster: a namespace
 * `preview-<slug>` (Pod Security baseline, default-deny ingress but for the gateway, a quota and default limits),
 * the Riofile's services small and built from the branch, on `<service>-<slug>.<domain>` under the base's
 * wildcard certificate and DNS. Everything in it is deleted with the namespace, so `pulumi destroy` is fast.
 */
export class PreviewEnv extends pulumi.ComponentResource {
    /** `preview-<slug>`. */
    public readonly namespace!: pulumi.Output<string>;
    /** The slug in the hostnames. */
    public readonly slug!: pulumi.Output<string>;
    /** URLs per service and router. */
    public readonly urls!: pulumi.Output<Record<string, string[]>>;
    /** The first URL of the first exposed service; resolves once everything exists. */
    public readonly url!: pulumi.Output<string | undefined>;
    /** When the preview expires (RFC 3339, UTC, to the second): this deployment's time plus `ttlHours`. */
    public readonly expiresAt!: pulumi.Output<string>;
    /** The services and routers deployed. */
    public readonly deployed: DeployedRiofile;

    constructor(name: string, args: PreviewEnvArgs, opts?: pulumi.ComponentResourceOptions) {
        const slug = checked("PreviewEnv", name, () => {
            if (args.ttlHours !== undefined && (!Number.isFinite(args.ttlHours) || args.ttlHours <= 0)) {
                throw new RioInputError(["ttlHours"], `must be a positive number of hours, not ${args.ttlHours}`);
            }
            return previewSlug(args);
        });
        super("pulumi-rio:index:PreviewEnv", name, {}, opts);
        const namespace = previewNamespace(slug);
        const expiresAt = new Date(Date.now() + (args.ttlHours ?? 72) * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
        const isolation = planPreviewIsolation({
            namespace,
            slug,
            ...(args.branch !== undefined && { branch: args.branch }),
            ...(args.pullRequest !== undefined && { pullRequest: args.pullRequest }),
            systemNamespace: args.systemNamespace ?? "rio-system",
        });
        // The expiry moves with every deployment: an output (read by the clean-up job), not an object's field,
        // so a redeployment updates nothing in the cluster for it.
        const ns = declareObject(`${name}-namespace`, isolation.namespace, isolation.namespace, { parent: this });
        const inside = isolation.objects.map((o) =>
            declareObject(`${name}-${o.metadata.name}`, o, o, { parent: this, dependsOn: [ns], deletedWith: ns }),
        );
        const system = pulumi.output(args.system);
        const repo = args.repo ?? originRepository(args.riofile.file);
        this.deployed = deployRiofile(
            previewRiofile(args.riofile, {
                ...(args.branch !== undefined && { branch: args.branch }),
                ...(repo !== undefined && { repo }),
                ...(args.scale !== undefined && { scale: args.scale }),
                ...(args.env !== undefined && { env: args.env }),
                scaleToZero: args.scaleToZero ?? false,
            }),
            {
                namespace,
                hostLabel: slug,
                gateway: system.apply((s) => s.gateway),
                gatewayImplementation: args.gatewayImplementation ?? "traefik",
                registry: system.apply((s) => s.registry),
                ...(args.registryCredentials !== undefined && { registryCredentials: args.registryCredentials }),
            },
            { parent: this, dependsOn: [ns, ...inside], deletedWith: ns },
        );
        const all = [...Object.entries(this.deployed.services), ...Object.entries(this.deployed.routers)];
        this.namespace = pulumi.output(namespace);
        this.slug = pulumi.output(slug);
        this.urls = pulumi.all(Object.fromEntries(all.map(([n, s]) => [n, s.urls])));
        this.url = this.urls.apply((u) => Object.values(u).flat()[0]);
        this.expiresAt = pulumi.output(expiresAt);
        this.registerOutputs({
            namespace: this.namespace,
            slug: this.slug,
            urls: this.urls,
            url: this.url,
            expiresAt: this.expiresAt,
        });
    }
}
