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
            ["run", "-p", "8080", "-n", "cd-demo", "https://github.com/rancher/rio-demo"],
            ["ps"],
            ["scale", "web=2"],
            ["rm", "web"],
            // Rio's alias, as the walkthrough types it: the same command as secret create.
            ["secret", "add", "--git-sshkey-auth"],
            ["secret", "create", "--git-sshkey-auth"],
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

    it("rio run GIT-URL: each --build-* flag reaches its Riofile key, whose check names the flag", () => {
        const repo = "https://github.com/rancher/rio-demo";
        const bad: [string[], string][] = [
            [["--build-branch", "a b"], '--build-branch: "a b" is not a branch name'],
            [["--build-revision", "a b"], '--build-revision: "a b" is not a tag or commit'],
            [
                ["--build-tag", "--build-branch", "dev"],
                "--build-branch: a tag build follows tags, not a branch or revision",
            ],
            [
                ["--build-dockerfile", "/Dockerfile"],
                `--build-dockerfile: dockerfile "/Dockerfile" must be a path inside the repository (relative, without '..')`,
            ],
            [
                ["--build-context", "../x"],
                `--build-context: context "../x" must be a path inside the repository (relative, without '..')`,
            ],
            [["--build-registry", ""], "--build-registry: string must contain at least 1 character(s)"],
            [
                ["--build-image-name", "Acme"],
                '--build-image-name: "Acme" is not an image name: lowercase path parts (a-z, 0-9, and . _ - between them) separated by /, then an optional :tag',
            ],
            [
                ["--build-tag", "--build-tag-include", "("],
                '--build-tag-include: "(" is not a valid regular expression: Invalid regular expression: /(/: Unterminated group',
            ],
            [
                ["--build-tag", "--build-tag-exclude", "("],
                '--build-tag-exclude: "(" is not a valid regular expression: Invalid regular expression: /(/: Unterminated group',
            ],
            [["--build-timeout", "ten"], '--build-timeout: "ten" is not a duration (like 90s, 5m, 1h30m)'],
            [
                ["--build-clone-secret", "gitcredential", "nginx"],
                '--build-clone-secret: IMAGE "nginx" is an image to run, not a git repository to build (https://…, http://…, git@host:path, ssh://…, or a name ending in .git)',
            ],
        ];
        for (const [flags, message] of bad) {
            const args = ["run", "-n", "cd-demo", ...flags, ...(flags.includes("nginx") ? [] : [repo])];
            assert.deepEqual(rio(...args), { code: 1, stdout: "", stderr: `rio: ${message}\n` }, args.join(" "));
        }
    });

    it("rio run GIT-URL with the flags pulumi-rio ignores: the loader's warnings, naming each flag, before anything runs", () => {
        const r = rio(
            "run",
            "-n",
            "cd-demo",
            "--build-webhook-secret=githubtoken",
            "--build-pr",
            "--build-docker-push-secret",
            "Docker_Config",
            "-p",
            "8080",
            "https://github.com/rancher/rio-demo",
        );
        assert.deepEqual(r, {
            code: 1,
            stdout: "",
            stderr: [
                "rio: warning: --build-webhook-secret: is ignored: pulumi-rio registers no GitHub webhook; a new commit is built at the next pulumi up (the operator's resync, or the poll of rio cd github-workflow)",
                "rio: warning: --build-pr: is ignored: pulumi-rio builds no revision per pull request; a pull request of the stack's own repository gets a preview (PreviewEnv, rio cd preview-workflow) whose builds of it follow the pull request's branch",
                'rio: warning: --build-docker-push-secret: is ignored: no Secret can be named "Docker_Config" (Kubernetes names are lowercase DNS-1123 subdomains), so the build runs without it',
                "rio: rio is not installed on stack k3d-dev (kube context k3d-dev): run rio install first",
                "",
            ].join("\n"),
        });
    });

    it("the walkthrough's rio run --build-pr --template line: the three flags' warnings, before anything runs", () => {
        const r = rio(
            ..."run -p 8080 -n example-cd --build-webhook-secret=githubtoken --build-pr --template https://github.com/rancher/rio-demo".split(
                " ",
            ),
        );
        assert.deepEqual(r, {
            code: 1,
            stdout: "",
            stderr: [
                "rio: warning: --build-webhook-secret: is ignored: pulumi-rio registers no GitHub webhook; a new commit is built at the next pulumi up (the operator's resync, or the poll of rio cd github-workflow)",
                "rio: warning: --build-pr: is ignored: pulumi-rio builds no revision per pull request; a pull request of the stack's own repository gets a preview (PreviewEnv, rio cd preview-workflow) whose builds of it follow the pull request's branch",
                "rio: warning: --template: is ignored: a new commit rolls the same workload in place at the next build, which is what Rio's template did from the user's side (the new commit gets all the traffic); pulumi-rio keeps no version per commit, and pull requests get a PreviewEnv",
                "rio: rio is not installed on stack k3d-dev (kube context k3d-dev): run rio install first",
                "",
            ].join("\n"),
        });
    });

    it("a missing argument is a usage error (exit 2)", () => {
        const r = rio("run");
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^error: missing required argument 'image'$/m);
    });
});
