import * as pulumi from "@pulumi/pulumi";
import { declareObject } from "./declare";
import { PlannedObject } from "./object";

/**
 * Declares a component's planned objects as its children. `shape` says which objects exist (known when the
 * component is constructed); their content is `now` when every arg was a plain value, or comes from `later`
 * once Output args resolve. Names are the component's name plus each object's suffix.
 */
export function declarePlanned(
    parent: pulumi.Resource,
    name: string,
    shape: PlannedObject[],
    now: PlannedObject[] | undefined,
    later: pulumi.Output<{ objects: PlannedObject[] }> | undefined,
    /**
     * The component's own `deletedWith`, which Pulumi does not pass on to children: this does, for the objects in
     * `namespace` only (a build Job in the builder's namespace, or a grant in the system's, outlives a deleted
     * app namespace and must still be deleted one by one).
     */
    deletedWith?: { resource: pulumi.Resource; namespace: string },
    /** Resources declared beside the objects that `after` may name (a local build's `Image<suffix>`). */
    beside: ReadonlyMap<string, pulumi.CustomResource> = new Map(),
): pulumi.CustomResource[] {
    const declared = new Map<string, pulumi.CustomResource>(beside);
    return shape.map((planned, i) => {
        const dependsOn = (planned.after ?? [])
            .map((key) => declared.get(key))
            .filter((r): r is pulumi.CustomResource => r !== undefined);
        const res = declareObject(
            `${name}${planned.suffix}`,
            planned.object,
            now ? now[i]!.object : later!.apply((p) => p.objects[i]!.object),
            {
                parent,
                ...(dependsOn.length > 0 && { dependsOn }),
                ...(planned.ownedElsewhere && { ignoreChanges: planned.ownedElsewhere }),
                ...(planned.formerly && { aliases: planned.formerly.map((s) => ({ name: `${name}${s}` })) }),
                ...(deletedWith &&
                    planned.object.metadata.namespace === deletedWith.namespace && {
                        deletedWith: deletedWith.resource,
                    }),
            },
        );
        declared.set(`${planned.object.kind}${planned.suffix}`, res);
        return res;
    });
}

/** Fails loudly if a plan made from resolved args has other objects than the shape declared: a bug, not bad input. */
export function sameShape<T extends { objects: PlannedObject[] }>(
    component: string,
    plan: T,
    shape: { objects: PlannedObject[] },
): T {
    const kinds = (p: { objects: PlannedObject[] }) => p.objects.map((o) => `${o.object.kind}${o.suffix}`).join(",");
    if (kinds(plan) !== kinds(shape)) throw new Error(`${component}: planned ${kinds(plan)}, declared ${kinds(shape)}`);
    return plan;
}
