/** Go's durations, as Rio's flags took them (`time.ParseDuration`): `90s`, `5m`, `1h30m`, `1.5h`. */
import { RioInputError } from "../errors";

const UNITS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** A duration in seconds; `flag` names the flag in errors. */
export function parseDuration(text: string, flag: string): number {
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
    if (text === "" || parts.map((p) => p[0]).join("") !== text)
        throw new RioInputError([], `${flag}: "${text}" is not a duration (like 90s, 5m, 1h30m)`);
    return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}
