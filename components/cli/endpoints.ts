/**
 * `rio endpoints`: the URLs of the namespace's services and routers, from the stack's outputs (what the last
 * update served), in Rio's table — NAME, ENDPOINTS — or as data with `--format`. As Rio did, a host served over
 * both schemes is shown by its https URL.
 */
import { StackOutputs } from "./stackProgram";
import { DataFormat, formatColumns, formatData } from "./table";

/** One service or router with URLs. */
export interface EndpointRow {
    name: string;
    namespace: string;
    endpoints: string[];
}

/** One URL per host (https first), sorted. */
export function perHost(urls: readonly string[]): string[] {
    const byHost = new Map<string, string>();
    for (const u of urls) {
        const host = new URL(u).host;
        const seen = byHost.get(host);
        if (seen === undefined || (new URL(u).protocol === "https:" && !seen.startsWith("https:"))) byHost.set(host, u);
    }
    return [...byHost.values()].sort();
}

/** The rows of a namespace: each service or router that has a URL, by name. */
export function endpointRows(outputs: StackOutputs, namespace: string): EndpointRow[] {
    return Object.entries(outputs.urls?.[namespace] ?? {})
        .filter(([, urls]) => urls.length > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, urls]) => ({ name, namespace, endpoints: perHost(urls) }));
}

/** Rio's table: the URLs of a row comma-separated. */
export function formatEndpoints(rows: readonly EndpointRow[]): string {
    return formatColumns(
        ["NAME", "ENDPOINTS"],
        rows.map((r) => [r.name, r.endpoints.join(",")]),
    );
}

/** `--format json|yaml`. */
export function formatEndpointRows(rows: readonly EndpointRow[], format: DataFormat): string {
    return formatData(rows, format);
}
