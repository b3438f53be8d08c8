/**
 * kubernetes.manifest objects: cluster-scoped ones keep no namespace (built-in kinds, kinds a CRD of the manifest
 * declares Cluster, Cluster… custom kinds), and API versions Kubernetes removed are warned about, naming the
 * replacement.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRiofile } from "../components/riofile/load";
import { planManifest } from "../components/riofile/manifest";
import { formatWarning } from "../components/riofile/warnings";
import { KubeObject } from "../components/kube/object";

const obj = (apiVersion: string, kind: string, extra: Record<string, unknown> = {}): KubeObject =>
    ({ apiVersion, kind, metadata: { name: kind.toLowerCase() }, ...extra }) as KubeObject;

describe("manifest scope", () => {
    it("namespaces only namespaced objects", () => {
        const objects = [
            obj("rbac.authorization.k8s.io/v1", "ClusterRole"),
            obj("policy/v1beta1", "PodSecurityPolicy"),
            obj("admin.rio.cattle.io/v1", "ClusterDomain"),
            obj("build.knative.dev/v1alpha1", "ClusterBuildTemplate"),
            obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", {
                spec: { group: "example.com", scope: "Cluster", names: { kind: "Widget" } },
            }),
            obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", {
                spec: { group: "example.com", scope: "Namespaced", names: { kind: "ClusterNote" } },
            }),
            obj("example.com/v1", "Widget"),
            obj("example.com/v1", "ClusterNote"),
            obj("v1", "ConfigMap"),
        ];
        assert.deepEqual(
            planManifest(objects, "ns").map((o) => [o.kind, o.metadata.namespace]),
            [
                ["ClusterRole", undefined],
                ["PodSecurityPolicy", undefined],
                ["ClusterDomain", undefined],
                ["ClusterBuildTemplate", undefined],
                ["CustomResourceDefinition", undefined],
                ["CustomResourceDefinition", undefined],
                ["Widget", undefined],
                ["ClusterNote", "ns"],
                ["ConfigMap", "ns"],
            ],
        );
    });

    it("warns about API versions Kubernetes removed, naming the replacement", () => {
        const riofile = parseRiofile(
            [
                "kubernetes:",
                "  manifest: |-",
                "    apiVersion: v1",
                "    kind: ConfigMap",
                "    metadata: {name: a}",
                "    ---",
                "    apiVersion: apiextensions.k8s.io/v1beta1",
                "    kind: CustomResourceDefinition",
                "    metadata: {name: widgets.example.com}",
            ].join("\n"),
            "Riofile",
        );
        assert.deepEqual(riofile.warnings!.map(formatWarning), [
            "Riofile:2:13 kubernetes.manifest[1].apiVersion: apiextensions.k8s.io/v1beta1 CustomResourceDefinition was removed in Kubernetes 1.22, so the API server refuses it: use apiextensions.k8s.io/v1 (a structural schema is required) (document at line 5 of the manifest)",
        ]);
        const plain = parseRiofile(
            "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\n---\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: b}\n",
            "k8s.yaml",
        );
        assert.deepEqual(plain.warnings!.map(formatWarning), [
            "k8s.yaml:1:1 [0].apiVersion: policy/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.25, so the API server refuses it: use Pod Security admission (pod-security.kubernetes.io labels on the namespace), as PodSecurityPolicy has no successor API",
            "k8s.yaml:5:1 [1].apiVersion: policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25, so the API server refuses it: use policy/v1",
        ]);
    });
});
