/**
 * Rio's gradual rollouts (`rollout`, `rolloutDuration`) on Flagger: a new image or spec of the service takes the
 * traffic step by step instead of all at once. Flagger's `Canary` names the service's Deployment as its target;
 * Flagger then owns the app's Service, its `-primary` and `-canary` Services, the `-primary` Deployment and the
 * app's HTTPRoute, whose weights it moves by `stepWeight` every `interval` up to 100 before promoting the new spec.
 * So a rolled-out service plans no Service or HTTPRoute of its own (they would fight Flagger's), and its
 * Deployment's replica count is Flagger's once it exists (RioService ignores changes to it).
 */
import { RioInputError } from "../errors";
import { KubeObject } from "../kube/object";
import { ExposedPort } from "./httpRoute";
import { appObjectLabels } from "./labels";
import { NormalizedService } from "./spec";

/** Rio's `rollout` key. */
export interface RolloutSpec {
    /** Percent of the traffic each step moves. Default: what keeps `rolloutDuration`. */
    increment?: number;
    /** Seconds between steps (Rio's `interval`, also spelled `intervalSeconds`). Default 10, Flagger's minimum. */
    interval?: number;
    intervalSeconds?: number;
    /** Hold a rollout where it is (Flagger's `suspend`). Default false. */
    pause?: boolean;
}

/** A checked rollout: Flagger's analysis interval and step. */
export interface GradualRollout {
    intervalSeconds: number;
    stepWeight: number;
    paused: boolean;
}

/** Flagger runs a canary's analysis at most every 10 seconds (`GetAnalysisInterval` of v1.36). */
export const MIN_INTERVAL_SECONDS = 10;
/** Rio's default rollout duration (`services.DefaultRolloutDuration`). */
export const DEFAULT_ROLLOUT_SECONDS = 60;
/** Rio's longest rollout (`pkg/services/weight.go`). */
export const MAX_ROLLOUT_SECONDS = 10 * 3600;

/** `90`, `"90s"`, `"10m"`, `"1h30m"`: seconds. */
export function durationSeconds(value: number | string, at: (string | number)[]): number {
    if (typeof value === "number") {
        if (!Number.isInteger(value) || value < 1) throw new RioInputError(at, "must be a whole number of seconds ≥ 1");
        return value;
    }
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value.trim());
    if (!m || value.trim() === "") {
        throw new RioInputError(at, `"${value}" is not a duration (seconds, or like 90s, 10m, 1h30m)`);
    }
    const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
    if (seconds < 1) throw new RioInputError(at, "must be at least 1 second");
    return seconds;
}

/** Rio's rollout keys as Flagger's steps; undefined when the service rolls out at once (the default). */
export function normalizeRollout(
    rollout: RolloutSpec | undefined,
    rolloutDuration: number | string | undefined,
): GradualRollout | undefined {
    if (rollout === undefined && rolloutDuration === undefined) return undefined;
    if (rollout?.interval !== undefined && rollout.intervalSeconds !== undefined) {
        throw new RioInputError(["rollout", "intervalSeconds"], "give interval or intervalSeconds, not both");
    }
    const intervalAt = ["rollout", rollout?.interval !== undefined ? "interval" : "intervalSeconds"];
    const intervalSeconds = rollout?.interval ?? rollout?.intervalSeconds ?? MIN_INTERVAL_SECONDS;
    if (!Number.isInteger(intervalSeconds) || intervalSeconds < MIN_INTERVAL_SECONDS) {
        throw new RioInputError(
            intervalAt,
            `Flagger steps at most every ${MIN_INTERVAL_SECONDS} seconds; give a whole number ≥ ${MIN_INTERVAL_SECONDS}`,
        );
    }
    const duration = rolloutDuration === undefined ? undefined : durationSeconds(rolloutDuration, ["rolloutDuration"]);
    if (duration !== undefined && duration > MAX_ROLLOUT_SECONDS) {
        throw new RioInputError(["rolloutDuration"], "is at most 10h, as in Rio");
    }
    if (duration !== undefined && duration < intervalSeconds) {
        throw new RioInputError(
            ["rolloutDuration"],
            `is shorter than one step (${intervalSeconds}s); Flagger moves the traffic at most every ${MIN_INTERVAL_SECONDS} seconds`,
        );
    }
    if (rollout?.increment !== undefined && duration !== undefined) {
        throw new RioInputError(
            ["rollout", "increment"],
            "give the increment or rolloutDuration, not both: each decides the step",
        );
    }
    const increment = rollout?.increment;
    if (increment !== undefined && (!Number.isInteger(increment) || increment < 1 || increment > 100)) {
        throw new RioInputError(["rollout", "increment"], "must be a whole percentage from 1 to 100");
    }
    // Rio spread the duration over its steps: as many steps as fit, each moving an equal share (rounded up).
    const stepWeight =
        increment ?? Math.min(100, Math.ceil((100 * intervalSeconds) / (duration ?? DEFAULT_ROLLOUT_SECONDS)));
    return { intervalSeconds, stepWeight, paused: rollout?.pause ?? false };
}

/**
 * Why a service cannot roll out gradually, or undefined: Flagger rolls one Deployment's new spec out behind one
 * routed port, so versions (separate workloads with weights), KEDA's interceptor (which must own the route to
 * count requests) and other workloads are refused by name.
 */
export function rolloutRefusal(
    versions: NormalizedService[],
    exposed: ExposedPort[],
): { at: (string | number)[]; message: string } | undefined {
    const v = versions[0]!;
    if (versions.length > 1) {
        return {
            at: ["rollout"],
            message:
                "a gradual rollout moves one workload's new spec through its steps, while versions are separate workloads with weights; use one or the other",
        };
    }
    if (v.workload !== "Deployment") {
        return { at: ["rollout"], message: `Flagger rolls out Deployments only, and this service is a ${v.workload}` };
    }
    if (v.autoscale?.kind === "concurrency") {
        return {
            at: ["rollout"],
            message:
                "cannot be combined with autoscaling on concurrency: KEDA's interceptor and Flagger would both own the app's route",
        };
    }
    if (exposed.length !== 1) {
        return {
            at: ["rollout"],
            message: `Flagger moves the weights of one routed port, and this service exposes ${exposed.length}; expose exactly one`,
        };
    }
    return undefined;
}

/** The Canary that rolls a service out: its Deployment, its one exposed port with the route's hosts and Gateway. */
export function planCanary(
    svc: NormalizedService,
    rollout: GradualRollout,
    exposed: ExposedPort,
    namespace: string,
): KubeObject {
    const route = exposed.route.spec as { parentRefs: Record<string, unknown>[] };
    const autoscaled = svc.autoscale !== undefined;
    return {
        apiVersion: "flagger.app/v1beta1",
        kind: "Canary",
        metadata: { name: svc.name, namespace, labels: appObjectLabels(svc) },
        spec: {
            provider: "gatewayapi:v1",
            targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: svc.name },
            // Flagger copies the HPA for the primary Deployment it runs.
            ...(autoscaled && {
                autoscalerRef: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", name: svc.name },
            }),
            ...(rollout.paused && { suspend: true }),
            service: {
                port: exposed.port.port,
                targetPort: exposed.port.targetPort,
                hosts: exposed.hostnames,
                gatewayRefs: route.parentRefs,
            },
            analysis: {
                interval: `${rollout.intervalSeconds}s`,
                // Rio checked nothing but readiness; five failed readiness checks roll back.
                threshold: 5,
                stepWeight: rollout.stepWeight,
                maxWeight: 100,
            },
        },
    };
}
