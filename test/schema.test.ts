/** The offline validators themselves: every kind they check refuses a field its schema does not know. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateObject } from "./support/schema";

const meta = { name: "web", namespace: "shop" };
const route = (rule: Record<string, unknown>) => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: meta,
    spec: { parentRefs: [{ name: "rio-gateway" }], rules: [{ name: "route-0", ...rule }] },
});

describe("offline validators", () => {
    it("refuse a backendRef typo in an HTTPRoute, naming every unknown field", () => {
        const typo = route({
            backendRef: [{ name: "web", port: 80 }],
            backendRefs: [{ name: "web", port: 80, wieght: 1 }],
        });
        assert.throws(
            () => validateObject(typo),
            new Error(
                "gateway.networking.k8s.io/v1/HTTPRoute web: unknown fields /spec/rules/0/backendRef, /spec/rules/0/backendRefs/0/wieght",
            ),
        );
    });

    it("accept the Gateway API v1.6.1 fields newer than the model (rules[].name), checked by the CRD's pattern", () => {
        validateObject(route({ backendRefs: [{ name: "web", port: 80 }] }));
        assert.throws(
            () => validateObject(route({ name: "Route_0", backendRefs: [{ name: "web", port: 80 }] })),
            new Error(
                'gateway.networking.k8s.io/v1/HTTPRoute web: unknown field /spec/rules/0/name (invalid: "Route_0")',
            ),
        );
    });

    it("refuse unknown fields in Kubernetes' own kinds, maps keeping any key", () => {
        const service = {
            apiVersion: "v1",
            kind: "Service",
            metadata: { ...meta, labels: { "any/key": "v" }, lables: { a: "b" } },
            spec: { selector: { "app.kubernetes.io/name": "web" }, ports: [{ port: 80, tragetPort: 8080 }] },
        };
        assert.throws(
            () => validateObject(service),
            new Error("v1/Service web: unknown fields /metadata/lables, /spec/ports/0/tragetPort"),
        );
    });

    it("refuse unknown fields in the cert-manager and KEDA models", () => {
        const certificate = {
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: meta,
            spec: {
                secretName: "tls",
                dnsNames: ["a.example.com"],
                issuerRef: { name: "le", kind: "ClusterIssuer", grup: "x" },
            },
        };
        assert.throws(
            () => validateObject(certificate),
            new Error("cert-manager.io/v1/Certificate web: unknown field /spec/issuerRef/grup"),
        );
        const scaledObject = {
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata: meta,
            spec: {
                scaleTargetRef: { name: "web" },
                minReplicas: 0,
                triggers: [{ type: "external-push", metadata: { interceptorRoute: "web" } }],
            },
        };
        assert.throws(
            () => validateObject(scaledObject),
            new Error("keda.sh/v1alpha1/ScaledObject web: unknown field /spec/minReplicas"),
        );
    });

    it("refuse unknown metadata on the kinds checked against their Go types", () => {
        const interceptorRoute = {
            apiVersion: "http.keda.sh/v1beta1",
            kind: "InterceptorRoute",
            metadata: { ...meta, label: { a: "b" } },
            spec: { target: { service: "web", port: 80 }, scalingMetric: { concurrency: { targetValue: 10 } } },
        };
        assert.throws(
            () => validateObject(interceptorRoute),
            new Error("http.keda.sh/v1beta1/InterceptorRoute web: metadata: Unrecognized key(s) in object: 'label'"),
        );
    });
});
