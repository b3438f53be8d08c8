import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubeObject } from "./object";

/**
 * Declares one planned object as the typed @pulumi/kubernetes resource for its kind (custom resources as
 * `CustomResource`). The object may be an Output when some of the component's args were; its kind
 * must be known now because it decides the resource type.
 */
export function declareObject(
    name: string,
    kind: { apiVersion: string; kind: string },
    object: pulumi.Input<KubeObject>,
    opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
    // A plain object is passed as is: wrapping it in Outputs would only add work for the engine.
    const field = pulumi.Output.isInstance(object)
        ? (key: string) => object.apply((x) => x[key] as any)
        : (key: string) => (object as KubeObject)[key] as any;
    switch (`${kind.apiVersion}/${kind.kind}`) {
        case "apps/v1/Deployment":
            return new k8s.apps.v1.Deployment(name, { metadata: field("metadata"), spec: field("spec") }, opts);
        case "v1/Service":
            return new k8s.core.v1.Service(name, { metadata: field("metadata"), spec: field("spec") }, opts);
        case "v1/ConfigMap":
            return new k8s.core.v1.ConfigMap(name, { metadata: field("metadata"), data: field("data") }, opts);
        default:
            return new k8s.apiextensions.CustomResource(
                name,
                { apiVersion: kind.apiVersion, kind: kind.kind, metadata: field("metadata"), spec: field("spec") },
                opts,
            );
    }
}
