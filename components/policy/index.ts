/**
 * The pulumi-rio policy pack: `pulumi preview --policy-pack <this folder>` holds any stack's Kubernetes
 * resources to Rio's admission verbs and pulumi-rio's safe defaults. Every policy is mandatory unless a stack's
 * policy config (`--policy-pack-config`) sets its enforcementLevel; see POLICIES.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies";

new PolicyPack("pulumi-rio", {
    description: "Rio's admission verbs and pulumi-rio's safe defaults for any stack's Kubernetes resources.",
    enforcementLevel: "mandatory",
    policies: POLICIES,
});
