/**
 * `rio dashboard`: where Headlamp is served (`dashboard.<domain>` on the gateway, as RioSystem routes it) and a
 * token to log in with: a short-lived token of RioSystem's read-only dashboard account (system/dashboard.ts),
 * asked of the API server's TokenRequest API each time and printed, never stored.
 */
import { RioInputError } from "../errors";
import { DASHBOARD_VIEWER } from "../system/dashboard";
import { SystemPlan } from "../system/plan";
import { parseDuration } from "./duration";

/** The API server's shortest token lifetime (TokenRequest refuses less). */
const MIN_SECONDS = 600;

/** A user error saying how to install the dashboard, when the stack's RioSystem has not got it. */
export function requireDashboard(plan: SystemPlan, stack: string): void {
    if (!plan.settings.features.dashboard)
        throw new RioInputError(
            [],
            `the dashboard is not installed on stack ${stack}: turn its feature on with rio install --settings FILE, FILE holding features: {dashboard: true}`,
        );
}

/** Headlamp's URL for the stack's domain (an output of the stack). */
export function dashboardUrl(plan: SystemPlan, domain: string | undefined, stack: string): string {
    if (domain === undefined)
        throw new RioInputError(
            [],
            `stack ${stack} has no domain yet: run rio install again once its gateway has an address`,
        );
    return `${plan.gateway.scheme}://dashboard.${domain}`;
}

/** The token's lifetime in seconds from `--duration` (default 1h, at least 10m). */
export function tokenSeconds(duration: string | undefined): number {
    const seconds = Math.ceil(parseDuration(duration ?? "1h", "--duration"));
    if (seconds < MIN_SECONDS)
        throw new RioInputError([], `--duration: ${duration} is shorter than the API server allows (10m)`);
    return seconds;
}

/** The dashboard's login account. */
export function dashboardAccount(plan: SystemPlan): { namespace: string; name: string } {
    return { namespace: plan.settings.namespace, name: DASHBOARD_VIEWER };
}

/** What `rio dashboard` prints on stdout. */
export function formatLogin(url: string, token: string): string {
    return `Headlamp: ${url}\nToken: ${token}\n`;
}

/** The line on stderr saying what the token is. */
export function loginNote(account: { namespace: string; name: string }, expires: string): string {
    return `rio: the token logs in as ${account.namespace}/${account.name} (Kubernetes' view role: read-only) until ${expires}; rio keeps no copy\n`;
}
