/** A Kubernetes object as plain data: what the planners produce, `rio render` prints and the components apply. */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: {
        name: string;
        namespace?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
    };
    [field: string]: unknown;
}

/** One planned object and the suffix its Pulumi resource name takes after the component's name. */
export interface PlannedObject {
    /** `""` for the primary object of its kind, `-<role>` otherwise. Stable: it is part of the resource's URN. */
    suffix: string;
    object: KubeObject;
    /** Objects of the same plan this one waits for, as `<kind><suffix>` (a workload waits for its build). */
    after?: string[];
    /** Fields another controller owns once the object exists (Pulumi's `ignoreChanges`): Flagger's replica count. */
    ownedElsewhere?: string[];
    /** Suffixes the object's resource had in another shape of the same component (Pulumi aliases). */
    formerly?: string[];
}
