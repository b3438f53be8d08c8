/**
 * Validates objects against the official schemas: Kubernetes' OpenAPI (kubernetes-models) and the Gateway API
 * CRDs (@kubernetes-models/gateway-api). An object of a kind not listed here fails: every kind pulumi-rio emits
 * must be covered.
 */
import { Certificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import { ClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer";
import { Gateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway";
import { GatewayClass } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayClass";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { ValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy";
import { ValidatingAdmissionPolicyBinding } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { LimitRange } from "kubernetes-models/v1/LimitRange";
import { validateHelmChart } from "./helmChart";
import { validateInterceptorRoute } from "./interceptorRoute";
import { validateBackendTrafficPolicy, validateMiddleware, validateSecurityPolicy } from "./policies";
import { ReferenceGrant } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/ReferenceGrant";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { EndpointSlice } from "kubernetes-models/discovery.k8s.io/v1/EndpointSlice";

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
    "apps/v1/Deployment": Deployment,
    "batch/v1/Job": Job,
    "v1/Service": Service,
    "v1/ConfigMap": ConfigMap,
    "v1/Namespace": Namespace,
    "v1/Secret": Secret,
    "v1/ServiceAccount": ServiceAccount,
    "v1/ResourceQuota": ResourceQuota,
    "v1/LimitRange": LimitRange,
    "v1/PersistentVolumeClaim": PersistentVolumeClaim,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding,
    "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole,
    "rbac.authorization.k8s.io/v1/Role": Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
    "apps/v1/StatefulSet": StatefulSet,
    "apps/v1/DaemonSet": DaemonSet,
    "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": ValidatingAdmissionPolicy,
    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding": ValidatingAdmissionPolicyBinding,
    "gateway.networking.k8s.io/v1/GatewayClass": GatewayClass,
    "gateway.networking.k8s.io/v1/Gateway": Gateway,
    "gateway.networking.k8s.io/v1/HTTPRoute": HTTPRoute,
    "cert-manager.io/v1/ClusterIssuer": ClusterIssuer,
    "gateway.networking.k8s.io/v1beta1/ReferenceGrant": ReferenceGrant,
    "keda.sh/v1alpha1/ScaledObject": ScaledObject,
    "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
    "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
    "discovery.k8s.io/v1/EndpointSlice": EndpointSlice,
    "traefik.io/v1alpha1/Middleware": class {
        constructor(private readonly data: unknown) {}
        validate(): void {
            validateMiddleware(this.data);
        }
    },
    "gateway.envoyproxy.io/v1alpha1/BackendTrafficPolicy": class {
        constructor(private readonly data: unknown) {}
        validate(): void {
            validateBackendTrafficPolicy(this.data);
        }
    },
    "gateway.envoyproxy.io/v1alpha1/SecurityPolicy": class {
        constructor(private readonly data: unknown) {}
        validate(): void {
            validateSecurityPolicy(this.data);
        }
    },
    // KEDA's HTTP add-on publishes no model package: checked against its Go type, see interceptorRoute.ts.
    "http.keda.sh/v1beta1/InterceptorRoute": class {
        constructor(private readonly data: unknown) {}
        validate(): void {
            validateInterceptorRoute(this.data);
        }
    },
    "cert-manager.io/v1/Certificate": Certificate,
    // k3s' helm-controller CRD (what `rio render --system` prints releases as): no published model, see helmChart.ts.
    "helm.cattle.io/v1/HelmChart": class {
        constructor(private readonly data: unknown) {}
        validate(): void {
            validateHelmChart(this.data);
        }
    },
};

/** Throws with the object's kind/name and the schema's complaint when `object` is not valid. */
export function validateObject(object: { apiVersion?: string; kind?: string; metadata?: { name?: string } }): void {
    const key = `${object.apiVersion}/${object.kind}`;
    const Model = MODELS[key];
    if (!Model) throw new Error(`no schema for ${key}`);
    try {
        new Model(object).validate();
    } catch (e) {
        throw new Error(`${key} ${object.metadata?.name}: ${(e as Error).message}`, { cause: e });
    }
}
