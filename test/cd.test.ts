/** Continuous deployment both ways: the operator's Stack in RioSystem, and the GitHub Actions workflow `rio` writes. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { planSystem } from "../components/system/plan";
import { resolveSettings } from "../components/system/settings";
import { total } from "../components/system/budget";
import { expectRio } from "./support/rioError";

const cd = { repo: "https://github.com/acme/platform", stack: "acme/rio/civo" };

describe("continuousDeployment (Pulumi Kubernetes Operator)", () => {
    it("installs the operator and a Stack for this stack that re-runs pulumi up every 60 s, even on an unchanged commit", () => {
        const plan = planSystem(
            resolveSettings({
                domain: "apps.example.com",
                features: { continuousDeployment: true },
                continuousDeployment: cd,
            }),
        );
        const release = plan.releases.find((r) => r.key === "pulumiOperator")!;
        assert.deepEqual(
            [release.chart, release.version, release.namespace],
            ["oci://ghcr.io/pulumi/helm-charts/pulumi-kubernetes-operator", "2.9.0", "rio-system"],
        );
        const stack = plan.objects.find((o) => o.object.kind === "Stack")!;
        assert.deepEqual(stack.after, { release: "pulumiOperator" });
        assert.deepEqual(stack.object.metadata.annotations, { "pulumi.com/skipAwait": "true" });
        assert.deepEqual((stack.object as any).spec, {
            stack: "acme/rio/civo",
            projectRepo: "https://github.com/acme/platform",
            branch: "main",
            resyncFrequencySeconds: 60,
            continueResyncOnCommitMatch: true,
            refresh: true,
            destroyOnFinalize: false,
            serviceAccountName: "rio-deployer",
            envRefs: {
                PULUMI_ACCESS_TOKEN: { type: "Secret", secret: { name: "pulumi-api-secret", key: "accessToken" } },
            },
        });
        const binding = plan.objects.find(
            (o) => o.object.kind === "ClusterRoleBinding" && o.object.metadata.name === "rio-deployer",
        )!.object as any;
        assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "rio-deployer", namespace: "rio-system" }]);
        assert.deepEqual(total(plan.pods.filter((p) => p.feature === "continuousDeployment")).requests, {
            cpu: 50,
            memory: 96,
        });
    });

    const bad: [string, Record<string, unknown> | undefined, (string | number)[], string][] = [
        [
            "no repo",
            { stack: "a/b/c" },
            ["continuousDeployment", "repo"],
            "is required: the git repository of this Pulumi project",
        ],
        [
            "a stack that is not qualified",
            { repo: "https://github.com/a/b", stack: "civo" },
            ["continuousDeployment", "stack"],
            '"civo" is not a fully qualified stack (org/project/stack)',
        ],
        [
            "a resync below the operator's minimum",
            { ...cd, resyncSeconds: 15 },
            ["continuousDeployment", "resyncSeconds"],
            "must be a whole number of seconds, at least 60 (the operator's minimum), not 15",
        ],
    ];
    for (const [what, input, p, detail] of bad) {
        it(`refuses ${what}`, () => {
            expectRio(
                () => resolveSettings({ features: { continuousDeployment: true }, continuousDeployment: input }),
                p,
                detail,
            );
        });
    }
});

describe("rio cd github-workflow", () => {
    const RIO = path.resolve(__dirname, "../../dist/components/cli/main.js");
    it("writes a workflow running pulumi up on push and every 5 minutes, never two at once", () => {
        const r = spawnSync(
            process.execPath,
            [RIO, "cd", "github-workflow", "--stack", "acme/rio/civo", "--branch", "prod"],
            { encoding: "utf8" },
        );
        assert.equal(r.status, 0, r.stderr);
        const wf = parse(r.stdout);
        assert.deepEqual(wf.on, {
            push: { branches: ["prod"] },
            schedule: [{ cron: "*/5 * * * *" }],
            workflow_dispatch: {},
        });
        assert.deepEqual(wf.concurrency, { group: "rio-deploy-acme-rio-civo", "cancel-in-progress": false });
        assert.deepEqual(wf.permissions, { contents: "read" });
        const up = wf.jobs.deploy.steps.find((s: any) => s.uses === "pulumi/actions@v6");
        assert.deepEqual(up.with, { command: "up", "stack-name": "acme/rio/civo", refresh: true });
        assert.deepEqual(up.env, { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
    });
    it("refuses a stack name that is not qualified", () => {
        const r = spawnSync(process.execPath, [RIO, "cd", "github-workflow", "--stack", "civo"], { encoding: "utf8" });
        assert.deepEqual(
            [r.status, r.stdout, r.stderr],
            [1, "", 'rio: stack: "civo" is not a fully qualified stack (org/project/stack)\n'],
        );
    });
});

describe("rio cd preview-workflow", () => {
    const RIO = path.resolve(__dirname, "../../dist/components/cli/main.js");
    it("deploys pr-<number> on pull request updates, destroys and removes it on close, cleans up on a schedule, and skips forks", () => {
        const r = spawnSync(process.execPath, [RIO, "cd", "preview-workflow", "--base", "acme/rio/civo"], {
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        assert.doesNotMatch(r.stdout, /&a\d|\*a\d/); // no YAML anchors: the file is for people to read
        const wf = parse(r.stdout);
        assert.deepEqual(wf.on.pull_request.types, ["opened", "synchronize", "reopened", "closed"]);
        assert.deepEqual(wf.permissions, { contents: "read", "pull-requests": "write" });
        assert.equal(wf.concurrency["cancel-in-progress"], false);
        const up = wf.jobs.deploy.steps.find((s: any) => s.uses === "pulumi/actions@v6").with;
        assert.deepEqual(
            [up.command, up["stack-name"], up.upsert, up["comment-on-pr"]],
            ["up", "acme/rio/pr-${{ github.event.number }}", true, true],
        );
        assert.deepEqual(parse(up["config-map"]), {
            "rio:previewOf": { value: "acme/rio/civo", secret: false },
            "rio:pullRequest": { value: "${{ github.event.number }}", secret: false },
            "rio:branch": { value: "${{ github.head_ref }}", secret: false },
            "rio:repo": { value: "${{ github.server_url }}/${{ github.repository }}", secret: false },
        });
        const down = wf.jobs.teardown.steps.find((s: any) => s.uses === "pulumi/actions@v6").with;
        assert.deepEqual(down, {
            command: "destroy",
            "stack-name": "acme/rio/pr-${{ github.event.number }}",
            remove: true,
        });
        for (const job of ["deploy", "teardown"])
            assert.match(wf.jobs[job].if, /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
        assert.equal(wf.jobs.cleanup.if, "github.event_name == 'schedule'");
    });
});

describe("rio cd preview-workflow's scheduled clean-up (its script, run by bash against stand-in pulumi and gh)", () => {
    const RIO = path.resolve(__dirname, "../../dist/components/cli/main.js");
    const workflow = parse(
        spawnSync(process.execPath, [RIO, "cd", "preview-workflow", "--base", "acme/rio/civo"], { encoding: "utf8" })
            .stdout,
    );
    const script: string = workflow.jobs.cleanup.steps.find((s: any) => s.run?.includes("pulumi stack ls")).run;

    /** What each pull request's `gh pr view` answers (FAIL: gh exits 1), and each preview's previewExpiresAt. */
    function cleanUp(prs: Record<string, { state: string; expires?: string }>, others: string[] = []): string[] {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-cleanup-"));
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        const stacks = [...Object.keys(prs).map((n) => ({ name: `pr-${n}` })), ...others.map((name) => ({ name }))];
        fs.writeFileSync(path.join(dir, "stacks.json"), JSON.stringify(stacks));
        for (const [n, { state, expires }] of Object.entries(prs)) {
            fs.writeFileSync(path.join(dir, `state-${n}`), state);
            if (expires !== undefined) fs.writeFileSync(path.join(dir, `expires-acme-rio-pr-${n}`), expires);
        }
        const stub = (name: string, body: string) =>
            fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\nD=${JSON.stringify(dir)}\n${body}\n`, {
                mode: 0o755,
            });
        stub(
            "pulumi",
            [
                'case "$1 $2" in',
                '  "stack ls") cat "$D/stacks.json" ;;',
                '  "stack output") f="$D/expires-$(echo "$5" | tr / -)"; [ -f "$f" ] || { echo "no output" >&2; exit 1; }; cat "$f" ;;',
                '  *) echo "pulumi $*" >> "$D/calls" ;;',
                "esac",
            ].join("\n"),
        );
        stub("gh", 's=$(cat "$D/state-$3"); [ "$s" = FAIL ] && { echo "HTTP 502" >&2; exit 1; }; echo "$s"');
        const r = spawnSync("bash", ["-c", script], {
            encoding: "utf8",
            env: { ...process.env, PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin` },
        });
        assert.equal(r.status, 0, r.stderr + r.stdout);
        const calls = fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8") : "";
        fs.rmSync(dir, { recursive: true, force: true });
        return calls.split("\n").filter((l) => l !== "");
    }

    it("destroys and removes the previews of closed and merged pull requests, and only those", () => {
        assert.deepEqual(cleanUp({ 1: { state: "CLOSED" }, 2: { state: "MERGED" }, 3: { state: "OPEN" } }, ["civo"]), [
            "pulumi destroy --yes --stack acme/rio/pr-1 --remove",
            "pulumi destroy --yes --stack acme/rio/pr-2 --remove",
        ]);
    });

    it("keeps a preview when gh fails or answers anything but OPEN, CLOSED or MERGED (fail safe)", () => {
        assert.deepEqual(cleanUp({ 5: { state: "FAIL" }, 6: { state: "" }, 7: { state: "DRAFT" } }, ["apr-8"]), []);
    });

    it("destroys an open pull request's preview past its previewExpiresAt, keeping its stack for the next push", () => {
        assert.deepEqual(
            cleanUp({
                3: { state: "OPEN", expires: "2001-01-01T00:00:00Z" },
                4: { state: "OPEN", expires: "2999-01-01T00:00:00Z" },
                9: { state: "OPEN" }, // deployed before previews had an expiry: kept
            }),
            ["pulumi destroy --yes --stack acme/rio/pr-3"],
        );
    });
});
