import { KubeObject } from "../kube/object";
import { systemLabels } from "./gateway";
import { SystemSettings } from "./settings";

/** The account whose token logs into Headlamp: `kubectl -n rio-system create token rio-dashboard-viewer`. */
export const DASHBOARD_VIEWER = "rio-dashboard-viewer";

/** A read-only login for the dashboard: Kubernetes' aggregated `view` role, not cluster-admin (Rio bound it). */
export function planDashboardAccess(s: SystemSettings): KubeObject[] {
    const labels = systemLabels("dashboard");
    return [
        {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: DASHBOARD_VIEWER, namespace: s.namespace, labels },
            automountServiceAccountToken: false,
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: DASHBOARD_VIEWER, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
            subjects: [{ kind: "ServiceAccount", name: DASHBOARD_VIEWER, namespace: s.namespace }],
        },
    ];
}
