import { stringify } from "yaml";
import { RioInputError } from "../errors";

export interface WorkflowOptions {
    /** The stack to deploy, e.g. `acme/rio/civo`. */
    stack: string;
    /** The branch whose pushes deploy. Default `main`. */
    branch?: string;
    /** How often to poll for new commits of the apps' branches (cron, UTC). Default every 5 minutes, GitHub's shortest. */
    poll?: string;
    /** Node.js version. Default 20. */
    node?: string;
}

/**
 * Continuous deployment from CI: a GitHub Actions workflow running `pulumi up` (pulumi/actions) on every push to
 * the tracked branch and on a schedule, so new commits of the apps' branches are resolved and built even when
 * this repository has not moved. Runs never overlap, and a running deployment is never cancelled.
 */
export function githubWorkflow(o: WorkflowOptions): string {
    if (!/^[\w.-]+\/[\w.-]+\/[\w.-]+$/.test(o.stack))
        throw new RioInputError(["stack"], `"${o.stack}" is not a fully qualified stack (org/project/stack)`);
    const poll = o.poll ?? "*/5 * * * *";
    if (poll.trim().split(/\s+/).length !== 5)
        throw new RioInputError(["poll"], `"${poll}" is not a cron schedule (five fields)`);
    const workflow = {
        name: "rio deploy",
        on: { push: { branches: [o.branch ?? "main"] }, schedule: [{ cron: poll }], workflow_dispatch: {} },
        permissions: { contents: "read" },
        concurrency: { group: `rio-deploy-${o.stack.replace(/\//g, "-")}`, "cancel-in-progress": false },
        jobs: {
            deploy: {
                "runs-on": "ubuntu-latest",
                steps: [
                    { uses: "actions/checkout@v4" },
                    { uses: "actions/setup-node@v4", with: { "node-version": o.node ?? "20", cache: "npm" } },
                    { run: "npm ci" },
                    {
                        uses: "pulumi/actions@v6",
                        with: { command: "up", "stack-name": o.stack, refresh: true },
                        // A stack on an existing cluster also needs that cluster's kubeconfig (a step writing it and KUBECONFIG);
                        // the civo stack builds its provider from the cluster it creates.
                        env: { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" },
                    },
                ],
            },
        },
    };
    return `# Written by \`rio cd github-workflow\`: pulumi up on push and every poll; see the README's "Deploy from git".\n${stringify(workflow, { lineWidth: 0 })}`;
}

/**
 * The scheduled clean-up, failing safe: a preview is destroyed only when GitHub says for certain that its pull
 * request is CLOSED or MERGED (then its stack is removed too), or when it is past its `previewExpiresAt` (the
 * stack output: its last deployment plus rio:ttlHours; its stack is kept, and the next push deploys it again).
 * A `gh` failure (rate limit, outage, a token without access) or any other answer leaves the preview alone, with
 * a warning. RFC 3339 UTC times compare as text, so no GNU date is needed; node parses `pulumi stack ls`.
 */
function cleanupScript(org: string, project: string): string {
    return [
        "set -euo pipefail",
        'now=$(date -u +"%Y-%m-%dT%H:%M:%SZ")',
        `stacks=$(pulumi stack ls --project ${project} --json | node -e 'for (const s of JSON.parse(require("fs").readFileSync(0, "utf8"))) console.log(s.name)')`,
        "for stack in $stacks; do",
        '  case "$stack" in pr-* | */pr-*) ;; *) continue ;; esac',
        '  pr="${stack##*pr-}"',
        '  case "$pr" in "" | *[!0-9]*) continue ;; esac',
        `  full="${org}/${project}/pr-$pr"`,
        '  if ! state=$(gh pr view "$pr" --json state --jq .state); then',
        '    echo "::warning::pull request $pr: gh failed, so its preview is kept"',
        "    continue",
        "  fi",
        '  case "$state" in',
        '    CLOSED | MERGED) pulumi destroy --yes --stack "$full" --remove; continue ;;',
        "    OPEN) ;;",
        '    *) echo "::warning::pull request $pr is $state, not OPEN, CLOSED or MERGED, so its preview is kept"; continue ;;',
        "  esac",
        '  expires=$(pulumi stack output previewExpiresAt --stack "$full" 2>/dev/null || true)',
        '  if [ -n "$expires" ] && [[ "$now" > "$expires" ]]; then',
        '    echo "pull request $pr: its preview expired at $expires"',
        '    pulumi destroy --yes --stack "$full"',
        "  fi",
        "done",
    ].join("\n");
}

export interface PreviewWorkflowOptions {
    /** The base stack previews run on, e.g. `acme/rio/civo`. */
    base: string;
    /** How often the clean-up runs (cron, UTC). Default daily at 03:00. */
    cleanup?: string;
    node?: string;
}

/**
 * Preview stacks from pull requests: `pulumi up --upsert` of stack `pr-<number>` on opened/synchronize/reopened
 * (with the URLs commented on the pull request), `pulumi destroy --remove` on close, and a scheduled clean-up of
 * preview stacks whose pull request is closed or merged, or whose preview expired (see {@link cleanupScript}).
 * Pull requests from forks get no secrets and are not deployed.
 */
export function previewWorkflow(o: PreviewWorkflowOptions): string {
    const parts = o.base.split("/");
    if (parts.length !== 3 || parts.some((p) => !/^[\w.-]+$/.test(p))) {
        throw new RioInputError(["base"], `"${o.base}" is not a fully qualified stack (org/project/stack)`);
    }
    const [org, project] = parts as [string, string, string];
    const stack = `${org}/${project}/pr-\${{ github.event.number }}`;
    const sameRepo = "github.event.pull_request.head.repo.full_name == github.repository";
    const setup = [
        { uses: "actions/checkout@v4" },
        { uses: "actions/setup-node@v4", with: { "node-version": o.node ?? "20", cache: "npm" } },
        { run: "npm ci" },
    ];
    const env = { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" };
    const workflow = {
        name: "rio preview",
        on: {
            pull_request: { types: ["opened", "synchronize", "reopened", "closed"] },
            schedule: [{ cron: o.cleanup ?? "0 3 * * *" }],
        },
        permissions: { contents: "read", "pull-requests": "write" },
        concurrency: { group: "rio-preview-${{ github.event.number || 'cleanup' }}", "cancel-in-progress": false },
        jobs: {
            deploy: {
                if: `github.event_name == 'pull_request' && github.event.action != 'closed' && ${sameRepo}`,
                "runs-on": "ubuntu-latest",
                steps: [
                    ...setup,
                    {
                        uses: "pulumi/actions@v6",
                        with: {
                            command: "up",
                            "stack-name": stack,
                            upsert: true,
                            "comment-on-pr": true,
                            "github-token": "${{ secrets.GITHUB_TOKEN }}",
                            "config-map": [
                                `{rio:previewOf: {value: ${o.base}, secret: false},`,
                                " rio:pullRequest: {value: '${{ github.event.number }}', secret: false},",
                                " rio:branch: {value: '${{ github.head_ref }}', secret: false},",
                                // Only builds of this repository follow the branch; others keep what the Riofile names.
                                " rio:repo: {value: '${{ github.server_url }}/${{ github.repository }}', secret: false}}",
                            ].join(""),
                        },
                        env,
                    },
                ],
            },
            teardown: {
                if: `github.event_name == 'pull_request' && github.event.action == 'closed' && ${sameRepo}`,
                "runs-on": "ubuntu-latest",
                steps: [
                    ...setup,
                    { uses: "pulumi/actions@v6", with: { command: "destroy", "stack-name": stack, remove: true }, env },
                ],
            },
            cleanup: {
                if: "github.event_name == 'schedule'",
                "runs-on": "ubuntu-latest",
                permissions: { contents: "read", "pull-requests": "read" },
                steps: [
                    ...setup,
                    { uses: "pulumi/setup-pulumi@v2" },
                    {
                        name: "Remove previews of closed pull requests, and expired ones",
                        env: { ...env, GH_TOKEN: "${{ secrets.GITHUB_TOKEN }}" },
                        run: cleanupScript(org, project),
                    },
                ],
            },
        },
    };
    return `# Written by \`rio cd preview-workflow\`: a preview stack per pull request; see the README's "Previews".\n${stringify(workflow, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
