import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubeObject } from "./object";

// The typed classes each take their own args type; the declaration table can only name them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctor = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The typed @pulumi/kubernetes class of each built-in kind pulumi-rio creates; anything else is a CustomResource. */
const BUILT_IN: Record<string, Ctor> = {
    "v1/Namespace": k8s.core.v1.Namespace,
    "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
    "v1/Service": k8s.core.v1.Service,
    "v1/ConfigMap": k8s.core.v1.ConfigMap,
    "v1/Secret": k8s.core.v1.Secret,
    "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
    "discovery.k8s.io/v1/EndpointSlice": k8s.discovery.v1.EndpointSlice,
    "apps/v1/Deployment": k8s.apps.v1.Deployment,
    "batch/v1/Job": k8s.batch.v1.Job,
    "autoscaling/v2/HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
    "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
    "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
    "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
    "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
    "apps/v1/DaemonSet": k8s.apps.v1.DaemonSet,
    "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "v1/ResourceQuota": k8s.core.v1.ResourceQuota,
    "v1/LimitRange": k8s.core.v1.LimitRange,
    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": k8s.admissionregistration.v1.ValidatingAdmissionPolicy,
    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding":
        k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding,
};

/**
 * Declares one planned object as the @pulumi/kubernetes resource for its kind. `shape` is the object as planned
 * now (its kind and top-level fields decide the resource type and args); `object` is the same object, or an
 * Output of it when some of a component's args were Outputs. `outputs` names extra fields to read back from
 * the live object (e.g. `status`), which a CustomResource only exposes when asked.
 */
export function declareObject(
    name: string,
    shape: KubeObject,
    object: pulumi.Input<KubeObject>,
    opts: pulumi.CustomResourceOptions,
    outputs: string[] = [],
): pulumi.CustomResource {
    // A plain object is passed as is: wrapping it in Outputs would only add work for the engine.
    const field = pulumi.Output.isInstance(object)
        ? (key: string) => object.apply((x) => x[key] as unknown)
        : (key: string) => (object as KubeObject)[key];
    const args: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) if (key !== "apiVersion" && key !== "kind") args[key] = field(key);
    const Typed = BUILT_IN[`${shape.apiVersion}/${shape.kind}`];
    if (Typed) return new Typed(name, args, opts);
    for (const key of outputs) args[key] = undefined;
    return new k8s.apiextensions.CustomResource(
        name,
        { apiVersion: shape.apiVersion, kind: shape.kind, ...args },
        opts,
    );
}
