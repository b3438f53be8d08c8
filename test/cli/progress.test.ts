/** The engine's events as plain progress lines. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { changeSummary, commandFailure, Progress } from "../../components/cli/progress";

const URN = "urn:pulumi:rio-local::rio-cli::pulumi-rio:index:RioService$kubernetes:apps/v1:Deployment::hello-world";
const meta = (op: string, type = "kubernetes:apps/v1:Deployment", urn = URN) =>
    ({ op, urn, type, provider: "" }) as never;
const at = (timestamp: number, e: Partial<EngineEvent>): EngineEvent => ({ sequence: 0, timestamp, ...e });

describe("progress lines", () => {
    it("an update: each change as it starts and when it is done, with the time it took", () => {
        const p = new Progress(false);
        assert.deepEqual(p.lines(at(100, { resourcePreEvent: { metadata: meta("create") } })), [
            "  + creating Deployment hello-world",
        ]);
        assert.deepEqual(p.lines(at(103, { resOutputsEvent: { metadata: meta("create") } })), [
            "  + created Deployment hello-world (3s)",
        ]);
        assert.deepEqual(p.lines(at(103, { resourcePreEvent: { metadata: meta("same") } })), []);
        assert.deepEqual(
            p.lines(
                at(104, {
                    resourcePreEvent: { metadata: meta("update", "pulumi:providers:kubernetes", "urn:x::cluster") },
                }),
            ),
            ["  ~ updating provider kubernetes cluster"],
        );
        assert.deepEqual(
            p.lines(at(104, { resourcePreEvent: { metadata: meta("create", "pulumi:pulumi:Stack") } })),
            [],
        );
    });

    it("a preview: what would change, once", () => {
        const p = new Progress(true);
        assert.deepEqual(p.lines(at(1, { resourcePreEvent: { metadata: meta("delete") } })), [
            "  - delete Deployment hello-world",
        ]);
        assert.deepEqual(p.lines(at(1, { resOutputsEvent: { metadata: meta("delete") } })), []);
    });

    it("failures and the engine's errors and warnings, control characters escaped", () => {
        const p = new Progress(false);
        assert.equal(p.sawError, false);
        assert.deepEqual(p.lines(at(1, { resOpFailedEvent: { metadata: meta("create"), status: 1, steps: 1 } })), [
            "  ✗ create Deployment hello-world failed",
        ]);
        assert.deepEqual(
            p.lines(
                at(1, {
                    diagnosticEvent: {
                        urn: URN,
                        message: "timed out\n\u001b[31mdetail\n",
                        color: "never",
                        severity: "error",
                    },
                }),
            ),
            ["  error: hello-world: timed out", "    \\x1b[31mdetail"],
        );
        assert.deepEqual(p.lines(at(1, { diagnosticEvent: { message: "fyi", color: "never", severity: "info" } })), []);
        assert.equal(p.sawError, true);
    });

    it("the counts, and a CLI failure's last lines without the Automation API's command line", () => {
        assert.equal(changeSummary({ create: 2, same: 14, update: 1 }, false), "2 created, 1 updated, 14 unchanged");
        assert.equal(changeSummary({ delete: 3 }, true), "3 to delete");
        assert.equal(changeSummary({}, true), "no resources");
        assert.deepEqual(commandFailure("Command failed with exit code 1: pulumi up …\nerror: no plugin\n\n"), [
            "  error: no plugin",
        ]);
    });
});
