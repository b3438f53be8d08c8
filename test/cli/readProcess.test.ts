/**
 * The real `rio` process on bad input to the commands that read the cluster: a bad flag is one line and exit 1
 * before anything is read (rio's folder not even made), a missing argument a usage error, and before rio install
 * each says to run it first.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { useRioProcess } from "../support/rioProcess";

describe("rio logs, exec, pods, endpoints, info and dashboard on bad input", () => {
    const { rio, dir } = useRioProcess("rio-read-");
    const fails = (stderr: string) => ({ code: 1, stdout: "", stderr: `rio: ${stderr}\n` });

    it("a bad flag or target: the flag or target named, nothing read", () => {
        assert.deepEqual(
            rio("logs", "--tail", "ten", "web"),
            fails('--tail: "ten" is not a number of lines (-1 for all)'),
        );
        assert.deepEqual(
            rio("logs", "-s", "yesterday", "web"),
            fails('--since: "yesterday" is not a duration (like 90s, 5m, 1h30m)'),
        );
        assert.deepEqual(
            rio("logs", "pod/Web_1"),
            fails(`logs: pod name "Web_1" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')`),
        );
        assert.deepEqual(
            rio("dashboard", "--duration", "1m"),
            fails("--duration: 1m is shorter than the API server allows (10m)"),
        );
        assert.equal(fs.existsSync(path.join(dir(), "rio-home")), false);
    });

    it("usage errors exit 2: a missing command, a format that is not json or yaml", () => {
        const exec = rio("exec", "web");
        assert.equal(exec.code, 2);
        assert.match(exec.stderr, /^error: missing required argument 'command'$/m);
        const pods = rio("pods", "--format", "xml");
        assert.equal(pods.code, 2);
        assert.match(
            pods.stderr,
            /^error: option '--format <format>' argument 'xml' is invalid\. Allowed choices are json, yaml\.$/m,
        );
    });

    it("before rio install: each says to run it first", () => {
        const message = "rio: rio is not installed on stack k3d-dev (kube context k3d-dev): run rio install first\n";
        for (const args of [["logs", "web"], ["exec", "web", "ls"], ["pods"], ["endpoints"], ["info"], ["dashboard"]])
            assert.deepEqual(rio(...args), { code: 1, stdout: "", stderr: message }, args.join(" "));
    });
});
