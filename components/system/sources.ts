/**
 * Where RioSystem's charts and CRD bundles come from when not from their pins (charts.ts): a mirror behind an air
 * gap, or the cluster tier's local stand-in charts. Only the source changes; values, names and ordering do not.
 */
import { KeyPath, RioInputError } from "../errors";
import { unknownKey } from "../service/keys";
import { ChartKey, CHARTS, CRD_BUNDLES, CrdBundleKey } from "./charts";

/**
 * Where one release's chart comes from instead of its pin in {@link CHARTS}: a local chart directory or `.tgz`,
 * an `oci://` reference, or a chart name in `repo`. `version` unset takes what the source has (a local chart's
 * own version, a repository's newest).
 */
export interface ChartSource {
    chart: string;
    repo?: string;
    version?: string;
}

/** Chart and CRD bundle sources replacing the pins, checked: only the keys given, each a complete source. */
export interface ChartSources {
    charts?: Partial<Record<ChartKey, ChartSource>>;
    /** A local file or a URL per bundle (what `k8s.yaml.v2.ConfigFile`'s `file` takes). */
    crdBundles?: Partial<Record<CrdBundleKey, string>>;
}

const SOURCE_KEYS = ["chart", "repo", "version"] as const;

/** A map of known keys, each value checked by `check` (undefined values are left out, as unset). */
function knownMap<K extends string, V>(
    raw: unknown,
    known: readonly K[],
    path: KeyPath,
    what: string,
    check: (v: unknown, path: KeyPath) => V,
): Partial<Record<K, V>> {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw))
        throw new RioInputError(path, `must be a map of ${what}`);
    const out: Partial<Record<K, V>> = {};
    for (const [key, v] of Object.entries(raw)) {
        if (!(known as readonly string[]).includes(key)) throw unknownKey(key, known).withPrefix(path);
        if (v !== undefined) out[key as K] = check(v, [...path, key]);
    }
    return out;
}

function nonEmpty(v: unknown, path: KeyPath, what: string): string {
    if (typeof v !== "string" || v.trim() === "")
        throw new RioInputError(path, `must be ${what}, not ${typeof v === "string" ? "empty" : JSON.stringify(v)}`);
    return v;
}

function chartSource(raw: unknown, path: KeyPath): ChartSource {
    const source = knownMap(raw, SOURCE_KEYS, path, "chart, repo and version", (v, p) =>
        nonEmpty(v, p, p[p.length - 1] === "chart" ? "a chart path, oci:// reference or chart name" : "a string"),
    );
    if (source.chart === undefined)
        throw new RioInputError(path, "needs chart (a chart path, oci:// reference or chart name)");
    if (source.repo !== undefined && source.chart.startsWith("oci://"))
        throw new RioInputError([...path, "repo"], "an oci:// chart names its registry itself; leave repo out");
    return {
        chart: source.chart,
        ...(source.repo !== undefined && { repo: source.repo }),
        ...(source.version !== undefined && { version: source.version }),
    };
}

/**
 * Checks RioSystem's `charts` and `crdBundles`: a typo in a key is an error (`charts.trafik: unknown key; did you
 * mean "traefik"?`), never a pin silently kept. A source for a feature that is off is allowed (and unused), so
 * one mirror's list serves every stack.
 */
export function resolveChartSources(input: { charts?: unknown; crdBundles?: unknown }): ChartSources {
    const charts =
        input.charts === undefined
            ? undefined
            : knownMap(input.charts, Object.keys(CHARTS) as ChartKey[], ["charts"], "chart sources", chartSource);
    const crdBundles =
        input.crdBundles === undefined
            ? undefined
            : knownMap(
                  input.crdBundles,
                  Object.keys(CRD_BUNDLES) as CrdBundleKey[],
                  ["crdBundles"],
                  "CRD bundle files or URLs",
                  (v, p) => nonEmpty(v, p, "a file path or URL"),
              );
    return { ...(charts && { charts }), ...(crdBundles && { crdBundles }) };
}
