/**
 * The pack's policies, apart from the PolicyPack that serves them (constructing it starts the gRPC server the
 * CLI talks to), so tests and other packs can import them.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { NODE_ACCESS_POLICIES } from "./nodeAccess";
import { POD_SECURITY_POLICY } from "./podSecurity";
import { REQUESTS_POLICY } from "./requests";
import { ROLLING_UPDATE_POLICY } from "./rollingUpdate";
import { SECRET_PLAINTEXT_POLICY } from "./secretPlaintext";

/** Rio's admission verbs, then pulumi-rio's safe defaults. */
export const POLICIES: ResourceValidationPolicy[] = [
    ...NODE_ACCESS_POLICIES,
    REQUESTS_POLICY,
    ROLLING_UPDATE_POLICY,
    POD_SECURITY_POLICY,
    SECRET_PLAINTEXT_POLICY,
];
