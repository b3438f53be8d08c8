import { RioInputError } from "../errors";

/** Rio's defaults for every container it manages (`populate/pod/podspec.go`): requests only, no limits. */
export const DEFAULT_CPU = "50m";
export const DEFAULT_MEMORY = "64Mi";

/** A Kubernetes quantity: a decimal number with an optional SI, binary or exponent suffix. */
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;

/** Whether a (valid) quantity is nothing ("0", "0.0", "0m", "0Gi"): as good as no request at all. */
export function isZeroQuantity(q: string | number): boolean {
    return typeof q === "number" ? q === 0 : /^[0.]*([a-zA-Z].*)?$/.test(q.trim());
}

function quantity(text: string, what: string): string {
    if (!QUANTITY.test(text))
        throw new RioInputError(
            [],
            `${what} "${text}" is not a Kubernetes quantity (e.g. ${what === "cpus" ? '"500m" or 0.5' : '"128Mi"'})`,
        );
    if (isZeroQuantity(text)) throw new RioInputError([], `${what} must be greater than zero, not "${text}"`);
    return text;
}

/** `cpus`: `0.5`, `"500m"`, `"2"`; a number is in cores and becomes millicores when fractional. */
export function resolveCpus(input: string | number | undefined): string {
    if (input === undefined) return DEFAULT_CPU;
    if (typeof input === "number") {
        if (!Number.isFinite(input) || input <= 0)
            throw new RioInputError([], `cpus must be greater than zero, not ${input}`);
        const millis = Math.round(input * 1000);
        if (millis < 1) throw new RioInputError([], `cpus ${input} is below the smallest unit (1m)`);
        if (!Number.isSafeInteger(millis)) throw new RioInputError([], `cpus ${input} is out of range`);
        return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
    }
    return quantity(input.trim(), "cpus");
}

/** `memory`: `"128Mi"`, `"1G"`, or a number of bytes. */
export function resolveMemory(input: string | number | undefined): string {
    if (input === undefined) return DEFAULT_MEMORY;
    if (typeof input === "number") {
        if (!Number.isSafeInteger(input) || input <= 0)
            throw new RioInputError([], `memory must be a positive whole number of bytes, not ${input}`);
        return String(input);
    }
    return quantity(input.trim(), "memory");
}
