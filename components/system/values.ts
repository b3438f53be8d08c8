/** Deep-merges Helm values: maps merge key by key, anything else (lists included) is replaced, as Helm does. */
export function mergeValues(base: Record<string, unknown>, extra: Record<string, unknown> | undefined): Record<string, unknown> {
    if (!extra) return base;
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(extra)) {
        const b = out[k];
        out[k] = isMap(b) && isMap(v) ? mergeValues(b, v) : v;
    }
    return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}
