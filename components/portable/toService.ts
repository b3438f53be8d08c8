/**
 * The portable RioService's args as the rich RioService's: pure, so each mapping is tested without Pulumi's
 * engine. Most keys are Rio's own and pass as they are; what differs is only what the portable form splits.
 * Rio's checks (the rich component's) then report any bad value at its key.
 */
import * as pulumi from "@pulumi/pulumi";
import { RioInputError, under } from "../errors";
import { RioServiceArgs as RichServiceArgs } from "../service/rioService";
import { ServiceSpec as RichServiceSpec, SidecarSpec } from "../service/spec";
import { Container, RioServiceArgs, ServiceSpec, VersionKeys } from "./serviceKeys";

/** The rich args, with the keys RioService passes to Rio's service keys without naming them in its interface. */
export type RichArgs = RichServiceArgs & Pick<RichServiceSpec, "rollout" | "rolloutDuration">;

/** `{key: value}`, or nothing when the value is undefined (Rio's checks take a present key as given). */
function defined<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
    return value === undefined ? {} : ({ [key]: value } as { [k in K]: V });
}

/** `readinessProbe` or `readinessProbeSpec` (never both) as the rich key, which takes either form. */
export function oneProbe<S, P>(shorthand: S | undefined, spec: P | undefined, key: string): S | P | undefined {
    if (shorthand !== undefined && spec !== undefined)
        throw new RioInputError([`${key}Spec`], `give ${key} (Rio's shorthand) or ${key}Spec, not both`);
    return spec ?? shorthand;
}

/** A whole number written as a string is that number (other languages' one type for Rio's "number or text" keys). */
const digits = (v: string): number | string => (/^\d+$/.test(v) ? Number(v) : v);

/** Rio's rolling-update bound: `"1"` is a number of pods (Kubernetes refuses it as a string), `"25%"` a percentage. */
export function intOrPercent(value: pulumi.Input<string>): pulumi.Input<number | string> {
    return typeof value === "string" ? digits(value) : pulumi.output(value).apply(digits);
}

/** A sidecar's keys, its probe forms merged. */
function sidecar(c: Container): SidecarSpec {
    const { readinessProbeSpec, livenessProbeSpec, ...rest } = c;
    return {
        ...rest,
        ...defined("readinessProbe", oneProbe(c.readinessProbe, readinessProbeSpec, "readinessProbe")),
        ...defined("livenessProbe", oneProbe(c.livenessProbe, livenessProbeSpec, "livenessProbe")),
    };
}

/** One version's keys (or a service's own) as Rio's: probes merged, numbers parsed, sidecars mapped. */
export function versionKeys(keys: VersionKeys): Record<string, unknown> {
    const { readinessProbeSpec, livenessProbeSpec, maxUnavailable, maxSurge, rolloutDuration, containers, ...rest } =
        keys;
    return {
        ...rest,
        ...defined("readinessProbe", oneProbe(keys.readinessProbe, readinessProbeSpec, "readinessProbe")),
        ...defined("livenessProbe", oneProbe(keys.livenessProbe, livenessProbeSpec, "livenessProbe")),
        ...defined("maxUnavailable", maxUnavailable === undefined ? undefined : intOrPercent(maxUnavailable)),
        ...defined("maxSurge", maxSurge === undefined ? undefined : intOrPercent(maxSurge)),
        // Rio's duration is seconds (a number) or text like `90s`.
        ...defined("rolloutDuration", rolloutDuration === undefined ? undefined : digits(rolloutDuration)),
        ...defined(
            "containers",
            containers?.map((c, i) => under(["containers", i], () => sidecar(c))),
        ),
    };
}

/** A service's keys with its versions' (what a RioRouter's `apps` entry takes too). */
export function serviceSpec(spec: ServiceSpec): Record<string, unknown> {
    const { versions, ...keys } = spec;
    const mapped =
        versions &&
        Object.fromEntries(
            Object.entries(versions).map(([v, keys]) => [v, under(["versions", v], () => versionKeys(keys))]),
        );
    return { ...versionKeys(keys), ...defined("versions", mapped) };
}

/** The rich RioService's args (the portable routers' shapes are Rio's router keys). */
export function toRioServiceArgs(args: RioServiceArgs): RichArgs {
    return serviceSpec(args) as RichArgs;
}
