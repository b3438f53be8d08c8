/** PreviewEnv: one isolated, URL-addressed copy of the app per branch or pull request on the shared cluster. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, beforeEach, describe, it } from "node:test";
import fc from "fast-check";
import { previewNamespace, previewSlug } from "../components/preview/slug";
import { planPreviewIsolation } from "../components/preview/objects";
import { previewRiofile, repositoryKey, sameRepository } from "../components/preview/riofile";
import { originRepository } from "../components/preview/origin";
import { parseRiofile } from "../components/riofile/load";
import { normalizeApp } from "../components/service/app";
import { applied, byType, installMocks, one, reset, settle, value } from "./support/mocks";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";
import { commitAll, git } from "./support/git";

describe("preview slugs", () => {
    it("pr-<n> for a pull request; the branch made DNS-safe plus a hash of its exact name otherwise", () => {
        assert.equal(previewSlug({ pullRequest: 42, branch: "feature/login" }), "pr-42");
        assert.match(previewSlug({ branch: "Feature/Login_Page" }), /^feature-login-page-[0-9a-f]{6}$/);
        assert.notEqual(previewSlug({ branch: "feature/x" }), previewSlug({ branch: "feature-x" }));
        assert.equal(previewSlug({ branch: "feature/x" }), previewSlug({ branch: "feature/x" }));
    });

    it("always gives a DNS label namespace of at most 63 characters, distinct for distinct branches", () => {
        fc.assert(
            fc.property(
                fc.string({ minLength: 1, maxLength: 300 }).filter((s) => s.trim() !== ""),
                fc.string({ minLength: 1, maxLength: 300 }).filter((s) => s.trim() !== ""),
                (a, b) => {
                    const ns = previewNamespace(previewSlug({ branch: a }));
                    assert.ok(ns.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns), ns);
                    if (a !== b) assert.notEqual(previewSlug({ branch: a }), previewSlug({ branch: b }));
                },
            ),
            { numRuns: 1000 },
        );
    });

    it("refuses nothing to name it by, and a pull request that is not a number", () => {
        expectRio(() => previewSlug({}), ["branch"], "a preview needs a pull request number or a branch");
        expectRio(() => previewSlug({ pullRequest: 0 }), ["pullRequest"], "must be a pull request number, not 0");
    });
});

describe("preview isolation", () => {
    it("a baseline namespace, default-deny ingress but for itself and the gateway's namespace, a quota and default limits", () => {
        const { namespace, objects } = planPreviewIsolation({
            namespace: "preview-pr-42",
            slug: "pr-42",
            pullRequest: 42,
            branch: "feature/login",
            systemNamespace: "rio-system",
        });
        assert.deepEqual(namespace.metadata, {
            name: "preview-pr-42",
            labels: {
                "app.kubernetes.io/managed-by": "pulumi-rio",
                "rio.pulumi-rio.dev/preview": "pr-42",
                "rio.pulumi-rio.dev/pull-request": "42",
                "pod-security.kubernetes.io/enforce": "baseline",
                "pod-security.kubernetes.io/warn": "restricted",
            },
            annotations: { "rio.pulumi-rio.dev/branch": "feature/login" },
        });
        const [netpol, quota, limits] = objects as any[];
        assert.deepEqual(netpol.spec, {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [
                { from: [{ podSelector: {} }] },
                { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "rio-system" } } }] },
            ],
        });
        assert.equal(quota.spec.hard["services.loadbalancers"], "0");
        assert.deepEqual(limits.spec.limits[0].defaultRequest, { cpu: "50m", memory: "64Mi" });
        [namespace, ...objects].forEach(validateObject);
    });
});

describe("a Riofile as a preview runs it", () => {
    const riofile = parseRiofile(
        [
            "services:",
            "  web:",
            "    build: {repo: 'https://github.com/acme/web', revision: v1.2.0}",
            "    ports: 8080",
            "    scale: 3",
            "    env: [MODE=prod]",
            "  api:",
            "    image: ghcr.io/acme/api:1",
            "    ports: 8080",
            "    scale: 2-8",
            // Another team's repository: it has no branch feature/login.
            "  auth:",
            "    build: {repo: 'https://github.com/other/auth', revision: v3.0.0}",
            "  docs:",
            "    image: https://github.com/other/docs",
            "  site:",
            "    image: git@github.com:acme/web.git",
        ].join("\n"),
        "Riofile",
    );
    const ref = (p: ReturnType<typeof previewRiofile>, name: string) =>
        normalizeApp(name, p.services.find((s) => s.name === name)!.spec).versions[0]!.build?.ref;
    it("is small, carries the preview's environment, and builds the pull request's branch", () => {
        const p = previewRiofile(riofile, {
            branch: "feature/login",
            repo: "https://github.com/Acme/web.git",
            env: { PREVIEW: "true", MODE: "preview" },
        });
        const web = normalizeApp("web", p.services[0]!.spec).versions[0]!;
        const api = normalizeApp("api", p.services[1]!.spec).versions[0]!;
        assert.deepEqual(
            [web.scale, web.autoscale, web.build?.ref],
            [1, undefined, { kind: "branch", name: "feature/login" }],
        );
        assert.deepEqual(web.env, [
            { name: "PREVIEW", value: "true" },
            { name: "MODE", value: "preview" },
        ]);
        assert.deepEqual([api.scale, api.autoscale], [1, undefined]);
    });
    it("only the project's own repository follows the branch: other repositories build what the Riofile names", () => {
        const p = previewRiofile(riofile, { branch: "feature/login", repo: "ssh://git@github.com/acme/web" });
        assert.deepEqual(ref(p, "web"), { kind: "branch", name: "feature/login" });
        assert.deepEqual(ref(p, "site"), { kind: "branch", name: "feature/login" });
        assert.deepEqual(ref(p, "auth"), { kind: "revision", name: "v3.0.0" });
        assert.deepEqual(ref(p, "docs"), { kind: "branch" }); // the remote's default branch, as the Riofile says
        // Without the project's repository, no build follows the branch.
        const none = previewRiofile(riofile, { branch: "feature/login" });
        assert.deepEqual(
            ["web", "auth", "site"].map((n) => ref(none, n)),
            [{ kind: "revision", name: "v1.2.0" }, { kind: "revision", name: "v3.0.0" }, { kind: "branch" }],
        );
    });
    it("knows one repository however its URL is written", () => {
        const same = [
            "https://github.com/acme/web",
            "https://github.com/Acme/Web.git",
            "https://token@github.com/acme/web/",
            "git@github.com:acme/web.git",
            "ssh://git@github.com:22/acme/web",
        ];
        assert.deepEqual([...new Set(same.map(repositoryKey))], ["github.com/acme/web"]);
        assert.ok(!sameRepository("https://github.com/acme/web", "https://github.com/acme/web2"));
        assert.ok(!sameRepository("https://github.com/acme/web", "https://gitlab.com/acme/web"));
    });
    it("takes the project's repository from the origin of the git repository the Riofile is in", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-origin-"));
        fs.writeFileSync(path.join(dir, "Riofile"), "services: {}\n");
        commitAll(dir);
        assert.equal(originRepository(path.join(dir, "Riofile")), undefined); // no origin
        git(dir, "remote", "add", "origin", "https://github.com/acme/web");
        assert.equal(originRepository(path.join(dir, "Riofile")), "https://github.com/acme/web");
        assert.equal(originRepository("Riofile-not-a-file"), undefined);
        fs.rmSync(dir, { recursive: true, force: true });
    });
    it("lets autoscaled services scale to zero when the base can", () => {
        const api = normalizeApp("api", previewRiofile(riofile, { scaleToZero: true }).services[1]!.spec).versions[0]!;
        assert.deepEqual(api.autoscale, { kind: "concurrency", concurrency: 10, min: 0, max: 1 });
    });
});

describe("PreviewEnv under the mock engine", () => {
    let rio: typeof import("../components");
    before(async () => {
        await installMocks();
        rio = await import("../components");
    });
    beforeEach(reset);

    it("deploys the Riofile into preview-pr-42 on <service>-pr-42.<domain>, isolated, everything deleted with the namespace", async () => {
        const riofile = rio.parseRiofile(
            "services:\n  web:\n    image: nginx\n    ports: 80\n    scale: 4\n",
            "Riofile",
        );
        const preview = new rio.PreviewEnv("pr-42", {
            pullRequest: 42,
            branch: "feature/login",
            riofile,
            system: {
                gateway: {
                    name: "rio-gateway",
                    namespace: "rio-system",
                    domain: "apps.example.com",
                    scheme: "https",
                    listener: "https",
                },
            },
        });
        assert.deepEqual(await value(preview.urls), { web: ["https://web-pr-42.apps.example.com"] });
        assert.equal(await value(preview.url), "https://web-pr-42.apps.example.com");
        // 72 hours after this deployment, to the second, in UTC: what the clean-up job compares with its clock.
        const expires = await value(preview.expiresAt);
        assert.match(expires, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.ok(Math.abs(Date.parse(expires) - (Date.now() + 72 * 3600_000)) < 60_000, expires);
        await settle(preview);
        for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
        assert.equal(await value(preview.namespace), "preview-pr-42");
        assert.equal(one("kubernetes:core/v1:Namespace", "pr-42-namespace").inputs.metadata.name, "preview-pr-42");
        const deployment = one("kubernetes:apps/v1:Deployment", "web").inputs;
        assert.deepEqual([deployment.metadata.namespace, deployment.spec.replicas], ["preview-pr-42", 1]);
        assert.deepEqual(one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "web").inputs.spec.hostnames, [
            "web-pr-42.apps.example.com",
        ]);
        assert.deepEqual(
            byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs.metadata.namespace),
            ["preview-pr-42"],
        );
        assert.equal(byType("kubernetes:core/v1:ResourceQuota").length, 1);
        for (const r of applied()) validateObject(r.inputs);
    });

    it("refuses a preview without a name", () => {
        assert.throws(
            () => new rio.PreviewEnv("x", { riofile: rio.parseRiofile("", "Riofile"), system: { gateway: {} } }),
            /PreviewEnv "x": branch: a preview needs a pull request number or a branch/,
        );
    });
});
