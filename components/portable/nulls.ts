import * as pulumi from "@pulumi/pulumi";

/**
 * A value from another language without its absent keys: SDKs may send an unset optional key as null, which
 * Rio's checks read as a value of the wrong type. Outputs, promises and resources are left as they are.
 */
export function withoutNulls<T>(value: T): T {
    if (value === null || typeof value !== "object") return value;
    if (pulumi.Output.isInstance(value) || value instanceof Promise || pulumi.Resource.isInstance(value)) return value;
    if (Array.isArray(value)) return value.map(withoutNulls) as T;
    return Object.fromEntries(
        Object.entries(value)
            .filter(([, v]) => v !== null && v !== undefined)
            .map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
}
