/**
 * Builds from git, with real `git` against local bare repositories (file:// URLs): which commit a branch or tag
 * is, the image tag that follows from it, the BuildKit Job, and the workload running exactly that image.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { gitResolver } from "../components/build/resolve";
import { RioInputError } from "../components/errors";
import { parseRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { validateObject } from "./support/schema";
import { git } from "./support/git";
import { expectRio } from "./support/rioError";
import { normalizeService } from "../components/service/spec";

/** A bare "remote" with a default branch `main` holding a Dockerfile, and a working clone to push from. */
function makeRemote(): { url: string; work: string; commit: (msg: string, branch?: string) => string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-git-"));
    const bare = path.join(dir, "app.git");
    git(dir, "init", "--quiet", "--bare", "--initial-branch=main", bare);
    const work = path.join(dir, "work");
    git(dir, "init", "--quiet", "--initial-branch=main", work);
    git(work, "remote", "add", "origin", bare);
    const commit = (msg: string, branch = "main") => {
        fs.writeFileSync(path.join(work, "Dockerfile"), `FROM nginx:1.27-alpine\n# ${msg}\n`);
        git(work, "add", "-A");
        git(work, "commit", "--quiet", "-m", msg);
        git(work, "push", "--quiet", "origin", `HEAD:refs/heads/${branch}`);
        return git(work, "rev-parse", "HEAD");
    };
    return { url: `file://${bare}`, work, commit };
}

function render(text: string) {
    return planObjects(
        planRiofile(parseRiofile(text, "Riofile"), { namespace: "shop", gateway: { domain: "apps.example.com" } }),
    ).map((p) => p.object as any);
}

describe("resolving what to build (real git, local bare repositories)", () => {
    let remote: ReturnType<typeof makeRemote>;
    let first: string;
    before(() => {
        remote = makeRemote();
        first = remote.commit("first");
    });

    it("a branch is its head commit; the default branch is the remote's HEAD", () => {
        assert.equal(gitResolver(remote.url, { kind: "branch", name: "main" }), first);
        assert.equal(gitResolver(remote.url, { kind: "branch" }), first);
    });

    it("a tag is its commit (annotated tags peeled); a full commit needs no remote", () => {
        git(remote.work, "tag", "-a", "v1.0.0", "-m", "release");
        git(remote.work, "push", "--quiet", "origin", "v1.0.0");
        assert.equal(gitResolver(remote.url, { kind: "revision", name: "v1.0.0" }), first);
        assert.equal(
            gitResolver("https://example.invalid/none.git", { kind: "revision", name: "a".repeat(40) }),
            "a".repeat(40),
        );
    });

    it("names a missing branch, a missing tag and an unreachable remote", () => {
        assert.throws(
            () => gitResolver(remote.url, { kind: "branch", name: "nope" }),
            (e: unknown) => e instanceof RioInputError && e.detail === `branch "nope" does not exist on ${remote.url}`,
        );
        assert.throws(
            () => gitResolver(remote.url, { kind: "revision", name: "v9" }),
            (e: unknown) =>
                e instanceof RioInputError &&
                e.detail === `"v9" is neither a tag of ${remote.url} nor a full 40-character commit`,
        );
        assert.throws(
            () => gitResolver("file:///nonexistent/repo.git", { kind: "branch" }),
            (e: unknown) =>
                e instanceof RioInputError && /^cannot read file:\/\/\/nonexistent\/repo.git: /.test(e.detail),
        );
    });
});

describe("a git build in a Riofile", () => {
    let remote: ReturnType<typeof makeRemote>;
    before(() => {
        remote = makeRemote();
        remote.commit("first");
    });
    const riofile = (image: string) => `services:\n  web:\n    image: ${image}\n    ports: 8080/http\n`;

    it("renders a rootless BuildKit Job at the resolved commit and a Deployment running exactly the image it pushes", () => {
        const head = git(remote.work, "rev-parse", "HEAD");
        const objects = render(riofile(remote.url));
        assert.deepEqual(
            objects.map((o) => o.kind),
            ["Job", "Deployment", "Service", "HTTPRoute"],
        );
        const [job, deployment] = objects;
        objects.forEach(validateObject);
        const tag = deployment.spec.template.spec.containers[0].image.split(":").pop();
        assert.match(tag, new RegExp(`^${head.slice(0, 12)}-[0-9a-f]{8}$`));
        assert.equal(deployment.spec.template.spec.containers[0].image, `localhost:30500/shop/web:${tag}`);
        assert.equal(job.metadata.namespace, "rio-build");
        assert.equal(job.metadata.annotations["rio.pulumi-rio.dev/commit"], head);
        const c = job.spec.template.spec.containers[0];
        assert.equal(c.image, "moby/buildkit:v0.32.2-rootless");
        assert.deepEqual(c.command, ["buildctl-daemonless.sh"]);
        assert.deepEqual(c.args, [
            "build",
            "--frontend",
            "dockerfile.v0",
            "--opt",
            `context=${remote.url}#${head}`,
            "--opt",
            "filename=Dockerfile",
            "--output",
            `type=image,name=rio-registry.rio-system.svc.cluster.local:5000/shop/web:${tag},push=true,registry.insecure=true`,
            "--export-cache",
            "type=registry,ref=rio-registry.rio-system.svc.cluster.local:5000/shop/web:buildcache,mode=max,registry.insecure=true",
            "--import-cache",
            "type=registry,ref=rio-registry.rio-system.svc.cluster.local:5000/shop/web:buildcache,registry.insecure=true",
        ]);
        assert.deepEqual(c.env, [{ name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox" }]);
        assert.deepEqual(c.securityContext, {
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: "Unconfined" },
            appArmorProfile: { type: "Unconfined" },
        });
        assert.deepEqual(
            [
                job.spec.backoffLimit,
                job.spec.activeDeadlineSeconds,
                job.spec.template.spec.restartPolicy,
                job.spec.template.spec.serviceAccountName,
            ],
            [0, 600, "Never", "rio-builder"],
        );
        // No ttlSecondsAfterFinished: once the cluster deleted a finished Job, the deployers' `up` with refresh
        // would drop it from the state and create it again — a rebuild of the same image every day. The Job stays
        // (its logs with it) until the next commit's Job replaces it.
        assert.equal("ttlSecondsAfterFinished" in job.spec, false);
        assert.equal(job.spec.template.spec.automountServiceAccountToken, false);
    });

    it("re-renders an unchanged branch to the same image, and a new commit to a new image and a new Job", () => {
        const image = (objs: any[]) => objs.find((o) => o.kind === "Deployment").spec.template.spec.containers[0].image;
        const job = (objs: any[]) => objs.find((o) => o.kind === "Job").metadata.name;
        const a = render(riofile(remote.url));
        const b = render(riofile(remote.url));
        assert.equal(image(a), image(b));
        assert.equal(job(a), job(b));
        const next = remote.commit("second");
        const c = render(riofile(remote.url));
        assert.notEqual(image(c), image(a));
        assert.notEqual(job(c), job(a));
        assert.ok(image(c).includes(next.slice(0, 12)));
    });

    it("honours build args, noCache, a context folder, the Dockerfile path and a timeout; pushes elsewhere with pushRegistry", () => {
        const text = [
            "services:",
            "  api:",
            "    build:",
            `      repo: ${remote.url}`,
            "      branch: main",
            "      context: ./svc",
            "      dockerfile: svc/docker/Dockerfile",
            "      args: [VERSION=1.2]",
            "      noCache: true",
            "      timeout: 15m",
            "      pushRegistry: ghcr.io",
            "      imageName: acme/api",
            "      pushRegistrySecretName: ghcr-push",
            "      cloneSecretName: gitcredential",
            "    ports: 8080",
        ].join("\n");
        const [job, deployment] = render(text);
        const c = job.spec.template.spec.containers[0];
        assert.ok(c.args.includes(`context=${remote.url}#${git(remote.work, "rev-parse", "HEAD")}:svc`));
        assert.ok(c.args.includes("filename=docker/Dockerfile"));
        assert.ok(c.args.includes("build-arg:VERSION=1.2"));
        assert.ok(c.args.includes("--no-cache"));
        assert.ok(c.args.includes("id=GIT_AUTH_TOKEN,env=GIT_AUTH_TOKEN"));
        assert.equal(job.spec.activeDeadlineSeconds, 900);
        const image = deployment.spec.template.spec.containers[0].image;
        assert.match(image, /^ghcr\.io\/acme\/api:[0-9a-f]{12}-[0-9a-f]{8}$/);
        assert.ok(c.args.includes(`type=image,name=${image},push=true`));
        assert.deepEqual(c.env.slice(1), [
            { name: "GIT_AUTH_TOKEN", valueFrom: { secretKeyRef: { name: "gitcredential", key: "password" } } },
            { name: "DOCKER_CONFIG", value: "/home/user/.docker" },
        ]);
        validateObject(job);
    });

    it("rio-demo from GitHub at an explicit revision renders without the network", () => {
        const objects = render(
            "services:\n  demo:\n    build:\n      repo: https://github.com/rancher/rio-demo\n      revision: f8fab97f8fab97f8fab97f8fab97f8fab97f8fab\n    ports: 8080/http\n",
        );
        // BuildKit takes an https URL as a git repository only when it ends in .git.
        assert.ok(
            objects[0].spec.template.spec.containers[0].args.includes(
                "context=https://github.com/rancher/rio-demo.git#f8fab97f8fab97f8fab97f8fab97f8fab97f8fab",
            ),
        );
    });

    const bad: [string, (url: string) => string, (url: string) => string][] = [
        [
            "a branch the remote lacks",
            (u) => `services:\n  web:\n    build:\n      repo: ${u}\n      branch: develop\n`,
            (u) => `Riofile:5:15 services.web.build.branch: branch "develop" does not exist on ${u}`,
        ],
        [
            "a repo that is not a git URL",
            () => "services:\n  web:\n    build:\n      repo: github.com/acme/app\n",
            () =>
                'Riofile:4:13 services.web.build.repo: "github.com/acme/app" is not a git URL (https://…, ssh://…, git@host:path or file://…)',
        ],
        [
            "a Dockerfile outside the context",
            (u) =>
                `services:\n  web:\n    build:\n      repo: ${u}\n      context: app\n      dockerfile: Dockerfile\n`,
            () =>
                'Riofile:6:19 services.web.build.dockerfile: "Dockerfile" is outside the build context "app"; move it in, or widen the context',
        ],
        [
            "an unreachable remote",
            () => "services:\n  web:\n    image: file:///nonexistent/app.git\n",
            () =>
                "Riofile:3:12 services.web.image: cannot read file:///nonexistent/app.git: '/nonexistent/app.git' does not appear to be a git repository",
        ],
        [
            "a git key on a build without repo (a local folder)",
            // (branch alone is ignored with a warning, as Rio built the stack's repository at it)
            () => "services:\n  web:\n    build:\n      revision: v1\n",
            () =>
                "Riofile:4:7 services.web.build.revision: applies to git builds; this build is of a local folder (no repo)",
        ],
    ];
    for (const [what, text, message] of bad) {
        it(`refuses ${what}`, () => {
            assert.throws(
                () => render(text(remote.url)),
                (e: unknown) => e instanceof RioInputError && e.message === message(remote.url),
            );
        });
    }
});

describe("a git build under the mock engine (RioService, and the stack program)", () => {
    let rio: typeof import("../components");
    let mocks: typeof import("./support/mocks");
    let remote: ReturnType<typeof makeRemote>;
    before(async () => {
        mocks = await import("./support/mocks");
        await mocks.installMocks();
        rio = await import("../components");
        remote = makeRemote();
        remote.commit("first");
    });

    it("registers the build Job in the builder namespace and a Deployment on the image it pushes", async () => {
        mocks.reset();
        const svc = new rio.RioService("web", {
            build: { repo: remote.url, branch: "main" },
            ports: "8080",
            namespace: "shop",
            gateway: { domain: "apps.example.com" },
        });
        await mocks.settle(svc);
        const job = mocks.byType("kubernetes:batch/v1:Job");
        assert.equal(job.length, 1);
        assert.equal(job[0]!.name, "web-build");
        assert.equal(job[0]!.inputs.metadata.namespace, "rio-build");
        const image = mocks.one("kubernetes:apps/v1:Deployment", "web").inputs.spec.template.spec.containers[0].image;
        assert.ok(
            job[0]!.inputs.spec.template.spec.containers[0].args.includes(
                `type=image,name=${image.replace("localhost:30500", "rio-registry.rio-system.svc.cluster.local:5000")},push=true,registry.insecure=true`,
            ),
        );
    });

    it("plans the workload after its build", () => {
        const { planApp } = require("../components/service/plan") as typeof import("../components/service/plan");
        const { normalizeApp } = require("../components/service/app") as typeof import("../components/service/app");
        const { resolveContext } =
            require("../components/service/context") as typeof import("../components/service/context");
        const plan = planApp(normalizeApp("web", { image: remote.url }), resolveContext("shop", undefined));
        assert.deepEqual(
            plan.objects.map((o) => [o.object.kind, o.suffix, o.after]),
            [
                ["Job", "-build", undefined],
                ["Deployment", "", ["Job-build"]],
            ],
        );
    });
});

describe("tag builds (Rio's tag, tagInclude, tagExclude)", () => {
    const { compareVersions } = require("../components/build/resolve") as typeof import("../components/build/resolve");
    let remote: ReturnType<typeof makeRemote>;
    const commits: Record<string, string> = {};
    before(() => {
        remote = makeRemote();
        for (const tag of ["v1.0.0", "v1.2.0", "v1.10.0", "v2.0.0-rc.1"]) {
            commits[tag] = remote.commit(tag);
            git(remote.work, "tag", "-a", tag, "-m", tag);
            git(remote.work, "push", "--quiet", "origin", tag);
        }
        remote.commit("after the tags");
    });

    it("orders tags as versions: numbers as numbers, a release after its pre-releases", () => {
        const sorted = ["v1.10.0", "v1.2.0", "v2.0.0", "v2.0.0-rc.1", "v1.9.9"].sort(compareVersions);
        assert.deepEqual(sorted, ["v1.2.0", "v1.9.9", "v1.10.0", "v2.0.0-rc.1", "v2.0.0"]);
    });

    it("builds the newest tag, filtered by tagInclude and tagExclude, not the branch head", () => {
        const job = (extra: string) =>
            render(
                `services:\n  web:\n    build:\n      repo: ${remote.url}\n      tag: true\n${extra}    ports: 8080\n`,
            ).find((o) => o.kind === "Job");
        const context = (j: any) =>
            j.spec.template.spec.containers[0].args.find((a: string) => a.startsWith("context="));
        assert.equal(context(job("")), `context=${remote.url}#${commits["v2.0.0-rc.1"]}`);
        assert.equal(context(job("      tagExclude: -rc\n")), `context=${remote.url}#${commits["v1.10.0"]}`);
        assert.equal(
            context(job('      tagInclude: "^v1\\\\.[0-2]\\\\."\n')),
            `context=${remote.url}#${commits["v1.2.0"]}`,
        );
    });

    const bad: [string, string, string][] = [
        [
            "no tag matching",
            "      tag: true\n      tagInclude: ^v9\n",
            "Riofile:6:19 services.web.build.tagInclude: FILE has no tag matching ^v9",
        ],
        [
            "a tag build on a branch",
            "      tag: true\n      branch: main\n",
            "Riofile:6:7 services.web.build.branch: a tag build follows tags, not a branch or revision",
        ],
    ];
    for (const [what, extra, message] of bad) {
        it(`refuses ${what}`, () => {
            assert.throws(
                () => render(`services:\n  web:\n    build:\n      repo: ${remote.url}\n${extra}`),
                (e: unknown) => e instanceof RioInputError && e.message === message.replace("FILE", remote.url),
            );
        });
    }

    // A Riofile takes both as Rio did, with a warning (test/rioForms.test.ts); a RioService is new code.
    it("RioService refuses tag filters without tag: true, and pull-request builds", () => {
        expectRio(
            () => normalizeService("web", { build: { repo: remote.url, tagInclude: "^v1" } }),
            ["build", "tagInclude"],
            "filters tags, so it needs tag: true",
            true,
        );
        expectRio(
            () => normalizeService("web", { build: { repo: remote.url, pr: true } }),
            ["build", "pr"],
            "is not supported: a pull request gets a preview stack of its own (PreviewEnv; rio cd preview-workflow writes its GitHub workflow), so remove the key",
            true,
        );
    });
});
