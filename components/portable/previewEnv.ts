import * as pulumi from "@pulumi/pulumi";
import { checked } from "../kube/userError";
import { PreviewEnv as RichPreview, PreviewEnvArgs as RichPreviewArgs } from "../preview/previewEnv";
import { previewNamespace, previewSlug } from "../preview/slug";
import { GatewayImplementation } from "./enums";
import { withoutNulls } from "./nulls";
import { loadSource, RiofileSource } from "./source";
import { RegistryCredentials, SystemRef } from "./target";

/** Arguments of the portable PreviewEnv: the Riofile to preview, the branch or pull request, and the base. */
export interface PreviewEnvArgs extends RiofileSource {
    /** The pull request (its number makes the slug `pr-<n>`). */
    pullRequest?: number;
    /** The branch: the project's own builds follow it, and without a pull request number it makes the slug. */
    branch?: string;
    /** The project's own repository, whose builds follow `branch`. Default: the Riofile folder's `origin` remote. */
    repo?: string;
    /** The base environment's gateway and registry: RioSystem's `ref`, or a StackReference's `rio` output. */
    system: pulumi.Input<SystemRef>;
    /** Login to the base's registry for local folder builds (the base's `registryCredentials`). A secret. */
    registryCredentials?: pulumi.Input<RegistryCredentials>;
    /** The base's gateway implementation (routers' objects depend on it). Default `traefik`. */
    gatewayImplementation?: GatewayImplementation;
    /** Replicas of every fixed-scale service. Default 1. */
    scale?: number;
    /** Let autoscaled services scale to zero (the base has RioSystem's autoscaling feature). Default false. */
    scaleToZero?: boolean;
    /** Extra environment for every service (e.g. `PREVIEW=true`). Default none. */
    env?: Record<string, string>;
    /** How long the preview may live after its last deployment, in hours. Default 72. */
    ttlHours?: number;
    /** The system namespace (gateway, interceptor), the only other namespace let in. Default `rio-system`. */
    systemNamespace?: string;
}

/** The rich PreviewEnv's args: the Riofile loaded for the preview's namespace (its template's NAMESPACE). */
export function toPreviewEnvArgs(args: PreviewEnvArgs): RichPreviewArgs {
    const { file: _file, text: _text, answers: _answers, strict: _strict, ...rest } = args;
    const slug = previewSlug({
        ...(args.pullRequest !== undefined && { pullRequest: args.pullRequest }),
        ...(args.branch !== undefined && { branch: args.branch }),
    });
    return { ...rest, riofile: loadSource(args, previewNamespace(slug)) };
}

/**
 * One isolated, URL-addressed copy of the app for a branch or pull request on the shared cluster: a namespace
 * `preview-<slug>` (Pod Security baseline, default-deny ingress but for the gateway, a quota and default limits)
 * with the Riofile's services small and built from the branch, on `<service>-<slug>.<domain>`.
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
    /** When the preview expires (RFC 3339, UTC): this deployment's time plus `ttlHours`. */
    public readonly expiresAt!: pulumi.Output<string>;

    constructor(name: string, args: PreviewEnvArgs, opts?: pulumi.ComponentResourceOptions) {
        const rich = checked("PreviewEnv", name, () => toPreviewEnvArgs(withoutNulls(args)));
        super("pulumi-rio:index:PreviewEnv", name, {}, opts);
        const preview = new RichPreview(name, rich, { parent: this });
        this.namespace = preview.namespace;
        this.slug = preview.slug;
        this.urls = preview.urls;
        this.url = preview.url;
        this.expiresAt = preview.expiresAt;
        this.registerOutputs({
            namespace: this.namespace,
            slug: this.slug,
            urls: this.urls,
            url: this.url,
            expiresAt: this.expiresAt,
        });
    }
}
