/**
 * The real `rio` process on user errors of the commands that change a stack: one line, exit 1, nothing on stdout,
 * and nothing run — no Pulumi CLI is needed to get there (this machine's PATH need not have one).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { useRioProcess } from "../support/rioProcess";

describe("rio's commands on bad input", () => {
    const { rio, dir } = useRioProcess("rio-process-");

    it("a bad flag value: the flag named, and rio's folder not even made", () => {
        assert.deepEqual(rio("run", "-p", "abc", "-n", "hello-world", "nginx"), {
            code: 1,
            stdout: "",
            stderr: 'rio: --ports: port "abc" is not a number\n',
        });
        assert.deepEqual(rio("run", "-n", "Hello", "nginx"), {
            code: 1,
            stdout: "",
            stderr: `rio: --name: name "Hello" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit\n`,
        });
        assert.deepEqual(rio("scale", "hello-world=many"), {
            code: 1,
            stdout: "",
            stderr: 'rio: scale "hello-world=many": "many" is not a count (2) or a range (1-10)\n',
        });
        assert.deepEqual(rio("up", "-f", "Riofle"), { code: 1, stdout: "", stderr: "rio: Riofle: no such file\n" });
        assert.deepEqual(rio("config", "create", "site", "nginx.conf"), {
            code: 1,
            stdout: "",
            stderr: 'rio: FILE "nginx.conf": no such file\n',
        });
        assert.deepEqual(rio("config", "update", "-l", "team", "site", "-"), {
            code: 1,
            stdout: "",
            stderr: 'rio: --label "team": expected KEY=VALUE\n',
        });
        assert.deepEqual(rio("cat", "secret/db"), {
            code: 1,
            stdout: "",
            stderr: 'rio: "secret/db": rio cat prints a config: configmap/NAME (or NAME alone)\n',
        });
        assert.equal(fs.existsSync(path.join(dir(), "rio-home")), false);
    });

    it("no kube context: says how to choose one", () => {
        const r = rio("--kubeconfig", path.join(dir(), "none"), "run", "-p", "80", "-n", "web", "nginx");
        assert.deepEqual(r, {
            code: 1,
            stdout: "",
            stderr: `rio: no current kube context in ${path.join(dir(), "none")}: choose one (kubectl config use-context NAME), or give --kubeconfig\n`,
        });
    });

    it("before rio install: every other command says to run it first", () => {
        const message = "rio: rio is not installed on stack k3d-dev (kube context k3d-dev): run rio install first\n";
        for (const args of [
            ["run", "-p", "80", "-n", "web", "nginx"],
            ["ps"],
            ["scale", "web=2"],
            ["rm", "web"],
            ["route", "ls"],
            ["external", "ls"],
            ["external", "rm", "db"],
            ["domain", "ls"],
            ["secret", "ls"],
            ["config", "ls"],
            ["config", "rm", "site"],
            ["cat", "configmap/site"],
        ])
            assert.deepEqual(rio(...args), { code: 1, stdout: "", stderr: message }, args.join(" "));
    });

    it("a missing argument is a usage error (exit 2)", () => {
        const r = rio("run");
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^error: missing required argument 'image'$/m);
    });
});
