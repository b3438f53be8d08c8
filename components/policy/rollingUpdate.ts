/**
 * Rolling updates that keep the desired count: a Deployment's rollout may add pods (maxSurge) but never take one
 * down before its replacement is ready (maxUnavailable 0), for any replica count an autoscaler may pick. That is
 * RioService's own default; Kubernetes' is 25% unavailable, and Recreate stops every pod first.
 *
 * Only Deployments: a StatefulSet replaces one ordinal at a time by design, and a DaemonSet's pod on a node is
 * replaced in place (pulumi-rio's own DaemonSets roll with maxUnavailable 1, as a surge pod would clash with the
 * old one's host port). A Deployment on a ReadWriteOnce volume has to Recreate (a surge pod on another node could
 * not mount it): allow it by name, as a stack with RioSystem's registry (rio-system/rio-registry) does.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { RioInputError } from "../errors";
import { isZeroBound, rolloutBounds } from "../service/spec";
import { allowAdvice, allowSchema, isAllowed } from "./allowList";
import { objectId } from "./workloads";

const NAME = "rio-rolling-update";
const RIO = rolloutBounds(undefined, undefined);
const RIO_DEFAULT = `pulumi-rio's default: maxUnavailable ${RIO.maxUnavailable}, maxSurge ${RIO.maxSurge}`;

interface Strategy {
    type?: string;
    rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
}

/** Why a Deployment's strategy can drop below its desired count, or undefined when it cannot. */
function dropsBelow(strategy: Strategy | undefined): string | undefined {
    if (strategy?.type === "Recreate") {
        return `strategy Recreate stops every pod before starting new ones: use RollingUpdate with maxUnavailable 0 (${RIO_DEFAULT})`;
    }
    const { maxUnavailable, maxSurge } = strategy?.rollingUpdate ?? {};
    if (maxUnavailable === undefined) {
        return `maxUnavailable is unset, so Kubernetes' 25% lets a rollout take down a quarter of the pods: set it to 0 (${RIO_DEFAULT})`;
    }
    try {
        // pulumi-rio's own check of the bounds: a number or a percentage, and not both 0.
        rolloutBounds(maxUnavailable, maxSurge);
    } catch (e) {
        if (!(e instanceof RioInputError)) throw e;
        return `${e.message} (${RIO_DEFAULT})`;
    }
    if (!isZeroBound(maxUnavailable)) {
        return `maxUnavailable ${JSON.stringify(maxUnavailable)} lets a rollout take pods down before their replacements are ready: set it to 0 (${RIO_DEFAULT})`;
    }
    return undefined;
}

/** The rolling update policy. */
export const ROLLING_UPDATE_POLICY: ResourceValidationPolicy = {
    name: NAME,
    description: "No Deployment whose rollout drops below its desired count.",
    remediationSteps: `Use a RollingUpdate strategy with maxUnavailable 0 and maxSurge above 0 (${RIO_DEFAULT}).`,
    configSchema: allowSchema("workload"),
    validateResource: (args, reportViolation) => {
        if (args.type !== "kubernetes:apps/v1:Deployment") return;
        const spec = (args.props.spec ?? {}) as { strategy?: Strategy };
        const why = dropsBelow(spec.strategy);
        const id = objectId(args);
        if (why === undefined || isAllowed(args.getConfig(), "workload", id)) return;
        reportViolation(`${why}; or ${allowAdvice(NAME, id)}`);
    },
};
