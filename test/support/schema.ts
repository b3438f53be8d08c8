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

/**
 * The schemas kubernetes-models compiles (ajv) leave out `additionalProperties: false`, as Kubernetes' OpenAPI
 * does, so they pass any unknown field. An object schema makes its validator read each property it declares,
 * present or not (`data.x === undefined || check(data.x)`), and a map schema reads every key: so the fields
 * an object has that its validator never read are the ones its schema does not know. An object none of whose
 * keys were read has a free-form schema (`x-kubernetes-preserve-unknown-fields`) and is left as it is.
 */
function unknownFields(
    model: object,
    validate: (on: object) => void,
    newer: Record<string, (value: unknown) => boolean> = {},
): string[] {
    const reads = new WeakMap<object, Set<PropertyKey>>();
    const proxies = new WeakMap<object, object>();
    const watch = (value: unknown): unknown => {
        if (value === null || typeof value !== "object") return value;
        let proxy = proxies.get(value);
        if (!proxy) {
            reads.set(value, new Set());
            proxy = new Proxy(value, {
                get(target, key, receiver) {
                    reads.get(target)!.add(key);
                    return watch(Reflect.get(target, key, receiver));
                },
            });
            proxies.set(value, proxy);
        }
        return proxy;
    };
    validate(watch(model) as object);
    const unknown: string[] = [];
    const walk = (value: unknown, at: string): void => {
        if (value === null || typeof value !== "object") return;
        if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${at}/${i}`));
        const read = reads.get(value);
        if (!read || read.size === 0) return;
        for (const [key, v] of Object.entries(value)) {
            const path = `${at}/${key}`;
            const added = newer[path.replace(/\/\d+(?=\/|$)/g, "/*")];
            if (read.has(key)) walk(v, path);
            else if (!added) unknown.push(path);
            else if (!added(v)) unknown.push(`${path} (invalid: ${JSON.stringify(v)})`);
        }
    };
    walk(model, "");
    return unknown;
}

/** Gateway API v1.6.1's DNS-subdomain-like names (SectionName: maxLength 253, the CRD's pattern). */
const sectionName = (v: unknown) =>
    typeof v === "string" &&
    v.length <= 253 &&
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v);

/**
 * Fields of the versions RioSystem installs that are newer than the model packages, with their CRD schema:
 * @kubernetes-models/gateway-api 0.5.1 models Gateway API v1.0.0, and rules[].name came in v1.2 (standard in
 * v1.6.1, `config/crd/standard/gateway.networking.k8s.io_httproutes.yaml`); the 2.x models need Node 22 and ESM.
 */
const NEWER_THAN_MODEL: Record<string, Record<string, (value: unknown) => boolean>> = {
    "gateway.networking.k8s.io/v1/HTTPRoute": { "/spec/rules/*/name": sectionName },
};

/** Throws with the object's kind/name and the schema's complaint when `object` is not valid or has unknown fields. */
export function validateObject(object: { apiVersion?: string; kind?: string; metadata?: { name?: string } }): void {
    const key = `${object.apiVersion}/${object.kind}`;
    const Model = MODELS[key];
    if (!Model) throw new Error(`no schema for ${key}`);
    try {
        const model = new Model(object);
        const unknown = unknownFields(model, (on) => Model.prototype.validate.call(on), NEWER_THAN_MODEL[key]);
        if (unknown.length > 0) throw new Error(`unknown field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`);
    } catch (e) {
        throw new Error(`${key} ${object.metadata?.name}: ${(e as Error).message}`, { cause: e });
    }
}
