/** The system plan: pinned charts, budgets carried by the values, and `rio render --system`. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { total } from "../../components/system/budget";
import { CHARTS, CRD_BUNDLES } from "../../components/system/charts";
import { planSystem } from "../../components/system/plan";
import { resolveSettings } from "../../components/system/settings";
import { validateObject } from "../support/schema";

const everything = resolveSettings({
    domain: "apps.example.com",
    email: "ops@example.com",
    cloudflare: { hasZone: true, hasToken: true },
    features: { build: true, autoscaling: true, dashboard: true },
});

function contains(haystack: unknown, needle: unknown): boolean {
    if (haystack === needle) return true;
    if (haystack === null || typeof haystack !== "object") return false;
    return Object.values(haystack).some((v) => contains(v, needle));
}

describe("system plan", () => {
    it("pins every chart and CRD bundle to an exact version", () => {
        for (const [key, chart] of Object.entries(CHARTS)) assert.match(chart.version, /^v?\d+\.\d+\.\d+$/, key);
        for (const [key, url] of Object.entries(CRD_BUNDLES)) assert.match(url, /\/download\/v\d+\.\d+\.\d+\//, key);
    });

    it("gives every system pod explicit requests and limits, carried by the values or objects that run it", () => {
        for (const gateway of ["traefik", "envoy"]) {
            const plan = planSystem({ ...everything, gateway: gateway as "traefik" | "envoy" });
            for (const pod of plan.pods) {
                for (const c of pod.containers) {
                    for (const q of [c.requests.cpu, c.requests.memory, c.limits.cpu, c.limits.memory])
                        assert.ok(q, pod.component);
                    const carried =
                        plan.releases.some((r) => contains(r.values, c)) ||
                        plan.objects.some((o) => contains(o.object, c));
                    assert.ok(carried, `${pod.component}: its budget is not in any value or object`);
                }
            }
        }
    });

    it("stays within the footprint targets (default set ≤ 300m / 384Mi; with autoscaling ≤ 550m / 640Mi)", () => {
        const base = total(
            planSystem(
                resolveSettings({
                    domain: "a.example.com",
                    email: "a@b.co",
                    cloudflare: { hasZone: true, hasToken: true },
                }),
            ).pods,
        );
        assert.deepEqual(base.requests, { cpu: 190, memory: 352 });
        const scaled = total(
            planSystem(
                resolveSettings({
                    domain: "a.example.com",
                    email: "a@b.co",
                    cloudflare: { hasZone: true, hasToken: true },
                    features: { autoscaling: true },
                }),
            ).pods,
        );
        assert.deepEqual(scaled.requests, { cpu: 360, memory: 608 });
    });
});

describe("rio render --system", () => {
    const RIO = path.resolve(__dirname, "../../components/cli/main.js");
    for (const args of [
        [],
        ["--enable", "build,autoscaling,dashboard", "--cloudflare"],
        ["--gateway-implementation", "envoy", "--disable", "tls,metrics"],
    ]) {
        it(`prints schema-valid objects for ${args.join(" ") || "the defaults"}`, () => {
            const r = spawnSync(
                process.execPath,
                [RIO, "render", "--system", "--domain", "apps.example.com", ...args],
                { encoding: "utf8" },
            );
            assert.equal(r.status, 0, r.stderr);
            const docs = parseAllDocuments(r.stdout)
                .map((d) => d.toJS())
                .filter((o) => o !== null);
            assert.ok(docs.length >= 5);
            for (const o of docs) if (o.kind !== "EnvoyProxy") validateObject(o);
            const charts = docs.filter((o) => o.kind === "HelmChart");
            for (const c of charts) assert.match(c.spec.version, /^v?\d+\.\d+\.\d+$/);
        });
    }

    it("names the CRD bundles it applies first, and refuses an unknown feature", () => {
        const r = spawnSync(process.execPath, [RIO, "render", "--system"], { encoding: "utf8" });
        assert.match(
            r.stdout,
            /^# gateway: CRDs applied first from https:\/\/github.com\/kubernetes-sigs\/gateway-api\/releases\/download\/v1.6.1\/standard-install.yaml$/m,
        );
        const bad = spawnSync(process.execPath, [RIO, "render", "--system", "--enable", "dashbord"], {
            encoding: "utf8",
        });
        assert.deepEqual(
            [bad.status, bad.stdout, bad.stderr],
            [1, "", 'rio: --enable dashbord: unknown feature; did you mean "dashboard"?\n'],
        );
    });
});
