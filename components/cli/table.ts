/**
 * Rio's listings (`rio ps`, `rio pods`, `rio endpoints`): a table whose columns are padded to their widest cell and
 * three spaces apart, or with `--format json|yaml` the same rows as data.
 */
import { stringify } from "yaml";

/** The data formats of `--format`. */
export type DataFormat = "json" | "yaml";

/** A table: the header line, then a line per row, trailing blanks trimmed. */
export function formatColumns(headers: readonly string[], rows: readonly (readonly string[])[]): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    return [headers, ...rows]
        .map((line) =>
            headers
                .map((_, i) => (line[i] ?? "").padEnd(widths[i]!))
                .join("   ")
                .trimEnd(),
        )
        .map((l) => `${l}\n`)
        .join("");
}

/** Rows as data (times as ISO text). */
export function formatData(value: unknown, format: DataFormat): string {
    return format === "json" ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 });
}
