/**
 * The real `rio` process on user errors of rio stage, weight, promote, run --weight and uninstall: one line, exit
 * 1, nothing on stdout, before anything runs (no Pulumi CLI is needed to get there).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { useRioProcess } from "../support/rioProcess";

describe("rio's traffic commands on bad input", () => {
    const { rio, dir } = useRioProcess("rio-traffic-process-");

    it("a bad argument or flag: one line naming it, and rio's folder not even made", () => {
        const cases: [string[], string][] = [
            [
                ["weight", "hello-world@v2=140"],
                'weight "hello-world@v2=140": "140" is not a percentage (a whole number from 0 to 100)',
            ],
            [
                ["weight", "a@v1=10", "a@v2=20"],
                "weight: give one APP@VERSION=PERCENT (2 were given): the app's other versions share the rest of its traffic, as they shared theirs",
            ],
            [
                ["weight", "--duration", "5m", "hello-world@v2=40"],
                "--duration: rio cannot shift traffic between versions gradually: its gradual rollouts (the Riofile's rollout and rolloutDuration, on Flagger) roll one service's new image or spec out, and versions are separate workloads; leave --duration out to set the weights at once",
            ],
            [
                ["promote", "--pause", "hello-world@v2"],
                "--pause: there is no gradual shift between versions to pause (rio sets the weights at once); leave --pause out",
            ],
            [
                ["promote", "--duration", "soon", "hello-world@v2"],
                '--duration: "soon" is not a duration (10m, 90s, 1h30m)',
            ],
            [
                ["stage", "--edit", "hello-world", "v2"],
                "--edit is not supported: stage the version, then change it with rio run -n APP@VERSION or rio up",
            ],
            [
                ["stage", "hello-world", "V2"],
                `stage: version "V2" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
            ],
            [
                ["run", "--weight", "140", "-n", "hello-world@v2", "nginx"],
                '--weight: "140" is not a percentage (a whole number from 0 to 100)',
            ],
        ];
        for (const [args, message] of cases)
            assert.deepEqual(rio(...args), { code: 1, stdout: "", stderr: `rio: ${message}\n` }, args.join(" "));
        assert.equal(fs.existsSync(path.join(dir(), "rio-home")), false);
    });

    it("before rio install: stage, weight and promote say to run it first", () => {
        const message = "rio: rio is not installed on stack k3d-dev (kube context k3d-dev): run rio install first\n";
        for (const args of [
            ["stage", "web", "v2"],
            ["weight", "web@v2=40"],
            ["promote", "web@v2"],
        ])
            assert.deepEqual(rio(...args), { code: 1, stdout: "", stderr: message }, args.join(" "));
    });
});
