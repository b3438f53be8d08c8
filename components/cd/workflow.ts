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
 * preview stacks whose pull request is closed or whose preview expired. Pull requests from forks get no secrets
 * and are not deployed.
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
                                " rio:branch: {value: '${{ github.head_ref }}', secret: false}}",
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
                        name: "Remove previews of closed pull requests",
                        env: { ...env, GH_TOKEN: "${{ secrets.GITHUB_TOKEN }}" },
                        run: [
                            `for stack in $(pulumi stack ls --project ${project} --json | jq -r '.[].name' | grep -E '(^|/)pr-[0-9]+$'); do`,
                            '  pr="${stack##*pr-}"',
                            '  state=$(gh pr view "$pr" --json state --jq .state || echo CLOSED)',
                            `  if [ "$state" != "OPEN" ]; then pulumi destroy --yes --stack "${org}/${project}/pr-$pr" --remove; fi`,
                            "done",
                        ].join("\n"),
                    },
                ],
            },
        },
    };
    return `# Written by \`rio cd preview-workflow\`: a preview stack per pull request; see the README's "Previews".\n${stringify(workflow, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
