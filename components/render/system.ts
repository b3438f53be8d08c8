import { stringify } from "yaml";
import { KubeObject } from "../kube/object";
import { ReleasePlan } from "../system/charts";
import { SystemPlan } from "../system/plan";
import { HTPASSWD_PLACEHOLDER } from "../system/registryRoute";

/**
 * A Helm release as k3s' HelmChart object (helm.cattle.io/v1): chart (pinned, or its source in the settings),
 * version and values in one object
 * a GitOps user can apply to a k3s cluster as is (its helm-controller installs it).
 */
export function helmChartObject(r: ReleasePlan): KubeObject {
    return {
        apiVersion: "helm.cattle.io/v1",
        kind: "HelmChart",
        metadata: { name: r.name, namespace: r.namespace },
        spec: {
            chart: r.chart,
            ...(r.repo !== undefined && { repo: r.repo }),
            ...(r.version !== undefined && { version: r.version }),
            targetNamespace: r.namespace,
            valuesContent: stringify(r.values, { lineWidth: 0 }),
        },
    };
}

/**
 * Everything RioSystem applies inside the cluster, in order, for a given domain. Secrets whose values are
 * credentials (the registry's htpasswd) are printed with a placeholder: offline there is no credential to print.
 */
export function systemObjects(plan: SystemPlan, domain: string): KubeObject[] {
    return [
        plan.objects[0]!.object,
        ...plan.releases.map(helmChartObject),
        ...plan.objects.slice(1).map((o) => o.object),
        ...(plan.certificate ? [plan.certificate(domain)] : []),
        ...(plan.registryAuthSecret ? [plan.registryAuthSecret(HTPASSWD_PLACEHOLDER)] : []),
    ];
}

/** `rio render --system`: the CRD bundles as comments (they are fetched, not generated), then every object. */
export function renderSystem(plan: SystemPlan, domain: string): string {
    const header = plan.crds.map((c) => `# ${c.feature}: CRDs applied first from ${c.file}\n`).join("");
    return (
        header +
        systemObjects(plan, domain)
            .map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`)
            .join("")
    );
}
