/** `rio dashboard`'s URL, account and token lifetime; `rio exec`'s outcome from the exec channel's Status. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import {
    dashboardAccount,
    dashboardUrl,
    formatLogin,
    loginNote,
    requireDashboard,
    tokenSeconds,
} from "../../components/cli/dashboardLogin";
import { CommandExit, execOutcome } from "../../components/cli/execStatus";
import { stackSystemPlan } from "../../components/cli/info";

const message = (text: string) => (e: unknown) => e instanceof RioInputError && e.message === text;

describe("rio dashboard", () => {
    const on = stackSystemPlan({ system: { features: { dashboard: true } }, riofiles: {} });
    const off = stackSystemPlan({ system: {}, riofiles: {} });

    it("Headlamp at dashboard.<domain> on the gateway's scheme, logging in as RioSystem's read-only account", () => {
        requireDashboard(on, "rio-local");
        assert.equal(dashboardUrl(on, "10.0.0.10.sslip.io", "rio-local"), "https://dashboard.10.0.0.10.sslip.io");
        assert.deepEqual(dashboardAccount(on), { namespace: "rio-system", name: "rio-dashboard-viewer" });
        assert.equal(
            formatLogin("https://dashboard.example.com", "eyJ.x.y"),
            "Headlamp: https://dashboard.example.com\nToken: eyJ.x.y\n",
        );
        assert.equal(
            loginNote({ namespace: "rio-system", name: "rio-dashboard-viewer" }, "2026-01-01T13:00:00Z"),
            "rio: the token logs in as rio-system/rio-dashboard-viewer (Kubernetes' view role: read-only) until 2026-01-01T13:00:00Z; rio keeps no copy\n",
        );
    });

    it("without the dashboard feature, or before the stack has a domain: one line saying what to do", () => {
        assert.throws(
            () => requireDashboard(off, "rio-local"),
            message(
                "the dashboard is not installed on stack rio-local: turn its feature on with rio install --settings FILE, FILE holding features: {dashboard: true}",
            ),
        );
        assert.throws(
            () => dashboardUrl(on, undefined, "rio-local"),
            message("stack rio-local has no domain yet: run rio install again once its gateway has an address"),
        );
    });

    it("the token lives an hour unless --duration says otherwise, never under the API server's 10 minutes", () => {
        assert.equal(tokenSeconds(undefined), 3600);
        assert.equal(tokenSeconds("15m"), 900);
        assert.throws(() => tokenSeconds("5m"), message("--duration: 5m is shorter than the API server allows (10m)"));
    });
});

describe("rio exec: how it ends", () => {
    it("success is nothing; a non-zero exit is rio's exit code; a command that could not run is one line", () => {
        assert.equal(execOutcome({ status: "Success" }), undefined);
        const exit = execOutcome({
            status: "Failure",
            reason: "NonZeroExitCode",
            message: "command terminated with non-zero exit code: exit status 3",
            details: { causes: [{ reason: "ExitCode", message: "3" }] },
        });
        assert.ok(exit instanceof CommandExit);
        assert.equal(exit.code, 3);
        const failed = execOutcome({
            status: "Failure",
            reason: "InternalError",
            message: 'exec: "nosuch": executable file not found in $PATH',
        });
        assert.ok(failed instanceof RioInputError);
        assert.equal(failed.message, 'exec: exec: "nosuch": executable file not found in $PATH');
    });
});
