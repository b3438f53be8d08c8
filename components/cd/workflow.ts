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
    if (!/^[\w.-]+\/[\w.-]+\/[\w.-]+$/.test(o.stack)) throw new RioInputError(["stack"], `"${o.stack}" is not a fully qualified stack (org/project/stack)`);
    const poll = o.poll ?? "*/5 * * * *";
    if (poll.trim().split(/\s+/).length !== 5) throw new RioInputError(["poll"], `"${poll}" is not a cron schedule (five fields)`);
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
