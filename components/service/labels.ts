import { NormalizedService } from "./spec";

/** Who manages the objects; also part of the app Service's selector so it never picks up foreign pods. */
export const MANAGED_BY = "pulumi-rio";

/** Labels on every pod of a service version: app.kubernetes.io/* plus Rio's own `app` and `version`. */
export function podLabels(svc: NormalizedService): Record<string, string> {
    return {
        ...svc.labels,
        ...selectorLabels(svc),
        ...appLabels(svc),
        "app.kubernetes.io/version": svc.version,
        app: svc.app,
        version: svc.version,
    };
}

/** What the workload selects: its own pods only (immutable on a Deployment, so derived from stable names). */
export function selectorLabels(svc: NormalizedService): Record<string, string> {
    return { "app.kubernetes.io/name": svc.app, "app.kubernetes.io/instance": svc.name };
}

/** What the app-level Service selects: every version of the app, and nothing pulumi-rio did not deploy. */
export function appLabels(svc: NormalizedService): Record<string, string> {
    return { "app.kubernetes.io/name": svc.app, "app.kubernetes.io/managed-by": MANAGED_BY };
}

/** Labels on app-level objects (the Service `<app>`, the app's routes): no version, they span them all. */
export function appObjectLabels(svc: NormalizedService): Record<string, string> {
    return { ...svc.labels, ...appLabels(svc) };
}

/** Labels on one version's objects (workload, version Service, version route). */
export function objectLabels(svc: NormalizedService): Record<string, string> {
    return {
        ...svc.labels,
        ...appLabels(svc),
        "app.kubernetes.io/instance": svc.name,
        "app.kubernetes.io/version": svc.version,
    };
}

/** What a version's Service selects: that version's pods only. */
export function versionLabels(svc: NormalizedService): Record<string, string> {
    return { ...appLabels(svc), "app.kubernetes.io/version": svc.version };
}
