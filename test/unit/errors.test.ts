/** What a user is shown for bad input: one bounded line, whatever the input held. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { escapeControl, MAX_MESSAGE, RioInputError, userMessage } from "../../components/errors";
import { normalizeService } from "../../components/service/spec";
import { rioError } from "../support/rioError";

describe("user-facing messages: cut and escaped in one place", () => {
    it("a 1 MB command is cut to a bounded excerpt with an ellipsis; where, which key and the advice stay", () => {
        const command = `${"x".repeat(1_000_000)} | tail`;
        const err = rioError(() => normalizeService("web", { image: "nginx", command }));
        const e = err.withPrefix(["services", "web"]).withLocation({ file: "Riofile", line: 4, column: 14 });
        assert.ok(e.detail.startsWith(`"${command}" `)); // the detail keeps everything, for code
        const prefix = 'Riofile:4:14 services.web.command: "';
        const advice = ' | tail" uses shell syntax ("|"); give a list, or ["sh", "-c", "..."] to run a shell';
        // MAX_MESSAGE - 121 characters from the start, an ellipsis, the last 120.
        assert.equal(
            e.message,
            `${prefix}${"x".repeat(MAX_MESSAGE - 121 - prefix.length)}…${"x".repeat(120 - advice.length)}${advice}`,
        );
        assert.equal(e.message.length, MAX_MESSAGE);
    });

    it("escapes terminal control characters: a value cannot clear the screen or recolour the terminal", () => {
        const err = rioError(() =>
            normalizeService("web", { image: "nginx", command: "echo \u001b[2J\u009b31m\r\n\t\u007f |" }),
        );
        assert.equal(
            err.message,
            'command: "echo \\x1b[2J\\x9b31m\\r\\n\\t\\x7f |" uses shell syntax ("|"); give a list, or ["sh", "-c", "..."] to run a shell',
        );
        assert.equal(escapeControl("caf\u00e9 \u2603 ok"), "caf\u00e9 \u2603 ok");
    });

    it("never splits a surrogate pair at the cut", () => {
        const text = "🙂".repeat(MAX_MESSAGE);
        const shown = userMessage(text);
        assert.equal(shown, `${"🙂".repeat(Math.floor((MAX_MESSAGE - 121) / 2))}…${"🙂".repeat(60)}`);
        assert.equal(Buffer.from(shown, "utf8").toString("utf8"), shown);
    });

    it("any message is at most 4 × MAX_MESSAGE characters (every escape at most 4), one line, free of control characters", () => {
        fc.assert(
            fc.property(
                fc.fullUnicodeString({ maxLength: 2000 }),
                fc.fullUnicodeString({ maxLength: 50 }),
                (detail, key) => {
                    const m = new RioInputError(["services", key], detail).message;
                    assert.ok(m.length <= 4 * MAX_MESSAGE, String(m.length));
                    assert.doesNotMatch(m, /[\u0000-\u001f\u007f-\u009f]/);
                },
            ),
            { numRuns: 300 },
        );
    });

    it("a short message is shown exactly as thrown", () => {
        assert.equal(
            new RioInputError(["ports", 0], 'port "abc" is not a number').message,
            'ports[0]: port "abc" is not a number',
        );
    });
});
