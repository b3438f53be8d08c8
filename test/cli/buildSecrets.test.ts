/**
 * The build secrets a rio stack keeps (`rio:buildSecrets`): in the stack file only as ciphertexts, read back as
 * written; in the program each credential a Pulumi secret; the builder (and its registry) turned on for them; and
 * checked as RioSystem checks them before the engine runs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { RioInputError } from "../../components/errors";
import { buildSecretInputs, needsBuild } from "../../components/cli/buildSecrets";
import { desiredOfFile, readDesired, withDesired } from "../../components/cli/desired";
import { checkDesired, systemArgs } from "../../components/cli/stackProgram";

const STORED = {
    dockerconfig: {
        kind: "docker",
        server: "ghcr.io",
        username: { secure: "v1:aaaa:bbbb" },
        password: { secure: "v1:cccc:dddd" },
    },
};

const throwsMessage = (fn: () => unknown, message: string) =>
    assert.throws(fn, (e: RioInputError) => e instanceof RioInputError && e.message === message);

describe("rio:buildSecrets in the stack's config", () => {
    it("is written with the ciphertexts as Pulumi writes secrets, and read back the same", () => {
        const text = withDesired("encryptionsalt: v1:salt\n", { riofiles: {}, buildSecrets: STORED });
        assert.deepEqual(parse(text), { encryptionsalt: "v1:salt", config: { "rio:buildSecrets": STORED } });
        assert.match(text, /^ {6}password:\n {8}secure: v1:cccc:dddd$/m);
        assert.deepEqual(desiredOfFile(text), { riofiles: {}, buildSecrets: STORED });
    });

    it("the program reads it decrypted, as JSON text", () => {
        const plain = { dockerconfig: { kind: "docker", server: "ghcr.io", username: "bob", password: "hunter2" } };
        assert.deepEqual(readDesired({ "rio:buildSecrets": JSON.stringify(plain) }), {
            riofiles: {},
            buildSecrets: plain,
        });
    });

    it("refuses what is not a map of Secret names to fields", () => {
        throwsMessage(
            () => readDesired({ "rio:buildSecrets": "[1]" }),
            "rio:buildSecrets: expected a map of Secret names to their fields",
        );
        throwsMessage(
            () => readDesired({ "rio:buildSecrets": { dockerconfig: "x" } }),
            "rio:buildSecrets.dockerconfig: expected a map with a kind",
        );
    });
});

describe("a rio stack's program with build secrets", () => {
    it("hands every credential on as a Pulumi secret, the kind and the registry in the clear", async () => {
        const inputs = buildSecretInputs({
            dockerconfig: { kind: "docker", server: "ghcr.io", username: "bob", password: "hunter2" },
        }) as unknown as Record<string, Record<string, unknown>>;
        const entry = inputs.dockerconfig!;
        assert.equal(entry.kind, "docker");
        assert.equal(entry.server, "ghcr.io");
        for (const field of ["username", "password"]) {
            const value = entry[field] as pulumi.Output<string>;
            assert.ok(pulumi.Output.isInstance(value), `${field} is an Output`);
            assert.equal(await (value as unknown as { isSecret: Promise<boolean> }).isSecret, true, field);
        }
    });

    it("turns the builder and its registry on for them (not for Rio's GitHub token)", () => {
        assert.equal(needsBuild(STORED), true);
        assert.equal(needsBuild({ githubtoken: { kind: "githubWebhook", token: { secure: "v1:x:y" } } }), false);
        assert.equal(needsBuild(undefined), false);
        const features = systemArgs({}, [], STORED).features!;
        assert.equal(features.build, true);
        assert.equal(features.registry, true);
        assert.equal(systemArgs({}, []).features!.build, false);
    });

    it("checks them as RioSystem does before the engine runs, naming the setting", () => {
        checkDesired({ system: {}, riofiles: {}, buildSecrets: STORED });
        throwsMessage(
            () => checkDesired({ system: { features: { build: false } }, riofiles: {}, buildSecrets: STORED }),
            "buildSecrets.dockerconfig: is mounted into builds: it needs the build feature (the rio-build namespace builds run in)",
        );
        throwsMessage(
            () =>
                checkDesired({
                    system: {},
                    riofiles: {},
                    buildSecrets: { dockerconfig: { ...STORED.dockerconfig, password: undefined } },
                }),
            "buildSecrets.dockerconfig.password: is required",
        );
    });
});
