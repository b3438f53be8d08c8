/** One stack per kube context, named after it in the characters Pulumi allows. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { checkStackName, stackNameFor } from "../../components/cli/stackName";

describe("the stack of a kube context", () => {
    it("is the context's name when Pulumi allows it", () => {
        assert.equal(stackNameFor("k3d-dev"), "k3d-dev");
        assert.equal(stackNameFor("rio_local.1"), "rio_local.1");
    });
    it("otherwise the allowed characters and a hash of the whole name, so two contexts never share one", () => {
        assert.equal(stackNameFor("kubernetes-admin@kubernetes"), "kubernetes-admin-kubernetes-564fc13e");
        assert.notEqual(stackNameFor("a@b"), stackNameFor("a:b"));
        const arn = stackNameFor("arn:aws:eks:eu-west-1:123456789012:cluster/prod");
        assert.match(arn, /^arn-aws-eks-eu-west-1-123456789012-cluster-prod-[0-9a-f]{8}$/);
        assert.match(stackNameFor("@@@"), /^context-[0-9a-f]{8}$/);
        assert.ok(stackNameFor("x".repeat(150) + "@").length <= 100);
    });
    it("--stack takes a stack name or org/project/stack", () => {
        assert.equal(checkStackName("prod"), "prod");
        assert.equal(checkStackName("acme/rio-cli/prod"), "acme/rio-cli/prod");
        assert.throws(
            () => checkStackName("my stack"),
            (e: RioInputError) =>
                e.message ===
                `--stack: "my stack" is not a stack name (letters, digits, '-', '_' and '.', or org/project/stack)`,
        );
    });
});
