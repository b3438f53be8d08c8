/** Deep-merges Helm values: maps merge key by key, anything else (lists included) is replaced, as Helm does. */
export function mergeValues(
    base: Record<string, unknown>,
    extra: Record<string, unknown> | undefined,
): Record<string, unknown> {
    if (!extra) return base;
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(extra)) {
        const b = out[k];
        out[k] = isMap(b) && isMap(v) ? mergeValues(b, v) : v;
    }
    return out;
}

/** A plain map; Pulumi Outputs (marked `__pulumiOutput`) and Promises are values, not maps to merge into. */
function isMap(v: unknown): v is Record<string, unknown> {
    return (
        v !== null &&
        typeof v === "object" &&
        !Array.isArray(v) &&
        !(v as { __pulumiOutput?: boolean }).__pulumiOutput &&
        !(v instanceof Promise)
    );
}
