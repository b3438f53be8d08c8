/** `rio logs`' flags as the API's log options (Rio's defaults), its line formats, and lines cut from a byte stream. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { parseDuration } from "../../components/cli/duration";
import { formatLogLine, LineBuffer, logRequest } from "../../components/cli/logs";

const NOW = new Date("2026-01-01T12:00:00.250Z");
const message = (text: string) => (e: unknown) => e instanceof RioInputError && e.message === text;

describe("rio logs: flags", () => {
    it("Rio's defaults: the last 24 hours, 200 lines per container, no following", () => {
        assert.deepEqual(logRequest({}, NOW), {
            options: { follow: false, sinceSeconds: 86400, tailLines: 200 },
            none: false,
        });
    });

    it("--since as a duration or an RFC 3339 time, --tail -1 for all, -f, -p, -t", () => {
        const cases: [Parameters<typeof logRequest>[0], object][] = [
            [
                { since: "1h30m", tail: "-1" },
                { follow: false, sinceSeconds: 5400 },
            ],
            [
                { since: "2026-01-01T11:00:00Z", tail: "10" },
                { follow: false, sinceTime: "2026-01-01T11:00:00Z", tailLines: 10 },
            ],
            [
                { since: "1.5s", follow: true },
                { follow: true, sinceSeconds: 2, tailLines: 200 },
            ],
            [
                { since: "0s", previous: true, timestamps: true },
                { follow: false, tailLines: 200, previous: true, timestamps: true },
            ],
        ];
        for (const [flags, options] of cases)
            assert.deepEqual(logRequest(flags, NOW).options, options, JSON.stringify(flags));
    });

    it("--tail 0: nothing to ask for without -f; with -f only the lines from now on", () => {
        assert.equal(logRequest({ tail: "0" }, NOW).none, true);
        assert.deepEqual(logRequest({ tail: "0", follow: true }, NOW), {
            options: { follow: true, sinceTime: "2026-01-01T12:00:00Z" },
            none: false,
        });
    });

    it("a bad --since or --tail is one line naming the flag", () => {
        assert.throws(
            () => logRequest({ since: "yesterday" }, NOW),
            message('--since: "yesterday" is not a duration (like 90s, 5m, 1h30m)'),
        );
        assert.throws(
            () => logRequest({ tail: "-2" }, NOW),
            message('--tail: "-2" is not a number of lines (-1 for all)'),
        );
        assert.throws(
            () => logRequest({ tail: "ten" }, NOW),
            message('--tail: "ten" is not a number of lines (-1 for all)'),
        );
    });

    it("Go durations: h, m, s, ms, fractions, several units", () => {
        const cases: [string, number][] = [
            ["90s", 90],
            ["5m", 300],
            ["1h30m", 5400],
            ["1.5h", 5400],
            ["250ms", 0.25],
            ["2h3m4s", 7384],
        ];
        for (const [text, seconds] of cases) assert.equal(parseDuration(text, "--since"), seconds, text);
        for (const bad of ["", "5", "5d", "m5", "1h 30m"])
            assert.throws(
                () => parseDuration(bad, "--duration"),
                message(`--duration: "${bad}" is not a duration (like 90s, 5m, 1h30m)`),
            );
    });
});

describe("rio logs: lines", () => {
    const source = { namespace: "default", pod: "hello-world-7d9f-abcde", container: "hello-world" };

    it("POD CONTAINER message by default, the message alone with -o raw, stern's JSON with -o json", () => {
        assert.equal(
            formatLogLine("default", source, "listening on :80"),
            "hello-world-7d9f-abcde hello-world listening on :80\n",
        );
        assert.equal(formatLogLine("raw", source, "listening on :80"), "listening on :80\n");
        assert.equal(
            formatLogLine("json", source, 'say "hi"'),
            '{"message":"say \\"hi\\"","namespace":"default","podName":"hello-world-7d9f-abcde","containerName":"hello-world"}\n',
        );
    });

    it("whole lines out of chunks, a character split across chunks kept whole, a last unended line at the end", () => {
        const b = new LineBuffer();
        const euro = Buffer.from("€");
        assert.deepEqual(b.push(Buffer.from("one\ntw")), ["one"]);
        assert.deepEqual(b.push(Buffer.concat([Buffer.from("o\n"), euro.subarray(0, 1)])), ["two"]);
        assert.deepEqual(b.push(Buffer.concat([euro.subarray(1), Buffer.from("\n\nlast")])), ["€", ""]);
        assert.deepEqual(b.end(), ["last"]);
        assert.deepEqual(b.end(), []);
    });
});
