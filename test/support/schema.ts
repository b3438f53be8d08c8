/**
 * Validates objects against the official schemas: Kubernetes' OpenAPI (kubernetes-models) and the Gateway API
 * CRDs (@kubernetes-models/gateway-api). An object of a kind not listed here fails: every kind pulumi-rio emits
 * must be covered.
 */
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
    "apps/v1/Deployment": Deployment,
    "v1/Service": Service,
    "v1/ConfigMap": ConfigMap,
    "v1/Namespace": Namespace,
    "gateway.networking.k8s.io/v1/HTTPRoute": HTTPRoute,
};

/** Throws with the object's kind/name and the schema's complaint when `object` is not valid. */
export function validateObject(object: { apiVersion?: string; kind?: string; metadata?: { name?: string } }): void {
    const key = `${object.apiVersion}/${object.kind}`;
    const Model = MODELS[key];
    if (!Model) throw new Error(`no schema for ${key}`);
    try {
        new Model(object).validate();
    } catch (e) {
        throw new Error(`${key} ${object.metadata?.name}: ${(e as Error).message}`);
    }
}
