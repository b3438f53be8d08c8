/**
 * `rio scale app=N|MIN-MAX…` (Rio's `cli/cmd/scale`): a count fixes the replicas (an autoscaler the service had is
 * dropped, as a count means "this many"); a range autoscales between its bounds, keeping the signal (concurrency,
 * cpu, memory) an `autoscale` map already set, else Rio's default (concurrency).
 */
import { RioInputError } from "../errors";
import { RiofileContent, serviceKey } from "./riofileEdit";
import { parseServiceName, ServiceName } from "./serviceName";

export interface ScaleRequest {
    name: ServiceName;
    /** A count, or the bounds of a range. */
    scale: number | { min: number; max: number };
}

/** Parses `[ns:]app[@version]=N|MIN-MAX`. */
export function parseScaleArg(text: string): ScaleRequest {
    const eq = text.lastIndexOf("=");
    if (eq < 0) throw new RioInputError([], `scale "${text}": expected NAME=COUNT or NAME=MIN-MAX (hello-world=2)`);
    const name = parseServiceName(text.slice(0, eq), `scale "${text}"`);
    const value = text.slice(eq + 1).trim();
    const count = /^\d+$/.exec(value);
    if (count) return { name, scale: Number(value) };
    const range = /^(\d+)-(\d+)$/.exec(value);
    if (range) return { name, scale: { min: Number(range[1]), max: Number(range[2]) } };
    throw new RioInputError([], `scale "${text}": "${value}" is not a count (2) or a range (1-10)`);
}

/** The content with one service's scale set; the service must exist. */
export function applyScale(content: RiofileContent, request: ScaleRequest, namespace: string): RiofileContent {
    const services = (content.services ?? {}) as Record<string, Record<string, unknown>>;
    const key = serviceKey(content, request.name);
    if (key === undefined)
        throw new RioInputError(
            [],
            `scale: no service "${request.name.app}${request.name.version !== undefined ? `@${request.name.version}` : ""}" in namespace ${namespace} (services: ${Object.keys(services).join(", ") || "none"})`,
        );
    const { scale: _scale, autoscale, ...rest } = services[key]!;
    let entry: Record<string, unknown>;
    if (typeof request.scale === "number") entry = { ...rest, scale: request.scale };
    else if (autoscale !== null && typeof autoscale === "object") {
        // The bounds under Rio's canonical keys; its aliases (min, minScale…) would otherwise say otherwise.
        const { min: _a, minScale: _b, max: _c, maxScale: _d, ...signal } = autoscale as Record<string, unknown>;
        entry = {
            ...rest,
            autoscale: { ...signal, minReplicas: request.scale.min, maxReplicas: request.scale.max },
        };
    } else entry = { ...rest, scale: `${request.scale.min}-${request.scale.max}` };
    return { ...content, services: { ...services, [key]: entry } };
}
