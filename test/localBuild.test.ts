/**
 * Local folder builds (Rio's `image: ./dir`, `build` without `repo`): the content tag, the checks on the folder,
 * the image the workload runs, `rio render`'s note, and RioService's @pulumi/docker-build Image under the mock engine.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { contentTag, normalizeLocalBuild } from "../components/build/local";
import { normalizeApp } from "../components/service/app";
import { resolveContext } from "../components/service/context";
import { planApp } from "../components/service/plan";
import { parseRiofile } from "../components/riofile/load";
import { featuresNeeded, registryExposureNeeded } from "../components/riofile/needs";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";
import { installMocks, one, registered, reset, settle } from "./support/mocks";

const RIO = path.resolve(__dirname, "../../dist/components/cli/main.js");
let root: string;

/** A folder with a Dockerfile, an index page and an ignored log. */
function folder(name: string): string {
    const dir = path.join(root, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM nginx:1.27\nCOPY index.html /usr/share/nginx/html/\n");
    fs.writeFileSync(path.join(dir, "index.html"), "<h1>hello</h1>\n");
    fs.writeFileSync(path.join(dir, ".dockerignore"), "*.log\n");
    fs.writeFileSync(path.join(dir, "debug.log"), "noise\n");
    return dir;
}

const registry = { pull: "localhost:30500", external: { host: "registry.apps.example.com" } };
const ctx = (options: Parameters<typeof resolveContext>[2] = {}) =>
    resolveContext(
        "shop",
        { domain: "apps.example.com" },
        {
            baseDir: root,
            registry: { push: "rio-registry.rio-system.svc.cluster.local:5000", ...registry },
            ...options,
        },
    );

before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-local-"));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe("the content tag", () => {
    it("is the same for an unchanged folder and changes with what the build sees", () => {
        const dir = folder("tagged");
        const b = normalizeLocalBuild({ context: dir }, "image");
        const first = contentTag(dir, b);
        assert.match(first, /^dir-[0-9a-f]{16}$/);
        // Memoized per process: recompute from a fresh copy of the folder to compare contents, not the cache.
        const copy = path.join(root, "tagged-copy");
        fs.cpSync(dir, copy, { recursive: true });
        assert.equal(contentTag(copy, b), first, "same files, same tag");
        fs.writeFileSync(path.join(copy, "debug.log"), "more noise\n");
        const ignoredChanged = path.join(root, "tagged-ignored");
        fs.cpSync(copy, ignoredChanged, { recursive: true });
        assert.equal(contentTag(ignoredChanged, b), first, "a file .dockerignore excludes does not count");
        const edited = path.join(root, "tagged-edited");
        fs.cpSync(dir, edited, { recursive: true });
        fs.writeFileSync(path.join(edited, "index.html"), "<h1>hello, world</h1>\n");
        assert.notEqual(contentTag(edited, b), first, "an edited file is a new image");
        assert.notEqual(
            contentTag(path.join(root, "tagged-copy"), { ...b, args: { VERSION: "2" } }),
            first,
            "build args are part of it",
        );
        const exec = path.join(root, "tagged-exec");
        fs.cpSync(dir, exec, { recursive: true });
        fs.chmodSync(path.join(exec, "index.html"), 0o755);
        assert.notEqual(contentTag(exec, b), first, "a file made executable is a new image");
    });
});

describe("planning a folder build", () => {
    it("image: ./dir pushes to registry.<domain> under the content tag and runs the node-local pull of it", () => {
        const dir = folder("web");
        const plan = planApp(normalizeApp("web", { image: "./web", ports: "80" }), ctx());
        plan.objects.forEach((o) => validateObject(o.object));
        const tag = contentTag(dir, { dockerfile: "Dockerfile", args: {} });
        assert.deepEqual(plan.images, [
            {
                suffix: "",
                image: {
                    context: path.relative(process.cwd(), dir),
                    dockerfile: path.relative(process.cwd(), path.join(dir, "Dockerfile")),
                    push: `registry.apps.example.com/shop/web:${tag}`,
                    tags: [`registry.apps.example.com/shop/web:${tag}`],
                    cache: "registry.apps.example.com/shop/web:buildcache",
                    args: {},
                    noCache: false,
                    registry: "registry.apps.example.com",
                },
            },
        ]);
        const deployment = plan.objects.find((o) => o.object.kind === "Deployment")!;
        assert.equal(
            (deployment.object as any).spec.template.spec.containers[0].image,
            `localhost:30500/shop/web:${tag}`,
        );
        assert.deepEqual(deployment.after, ["Image"]);
    });
    it("build without repo: context, dockerfile, args, noCache, imageName and pushRegistry", () => {
        const dir = folder("api");
        fs.writeFileSync(path.join(dir, "Dockerfile.prod"), "FROM alpine:3.21\n");
        const plan = planApp(
            normalizeApp("api", {
                build: {
                    context: "./api",
                    dockerfile: "Dockerfile.prod",
                    args: ["VERSION=2"],
                    noCache: true,
                    imageName: "acme/api",
                    pushRegistry: "ghcr.io",
                },
            }),
            ctx(),
        );
        const tag = contentTag(dir, { dockerfile: "Dockerfile.prod", args: { VERSION: "2" } });
        const image = plan.images[0]!.image;
        assert.equal(image.push, `ghcr.io/acme/api:${tag}`);
        assert.equal(image.registry, undefined, "a pushRegistry uses this machine's docker login");
        assert.deepEqual([image.args, image.noCache], [{ VERSION: "2" }, true]);
        assert.equal(
            (plan.objects[0]!.object as any).spec.template.spec.containers[0].image,
            `ghcr.io/acme/api:${tag}`,
        );
    });
    it("each version of an app builds its own folder", () => {
        folder("v1");
        folder("v2");
        const plan = planApp(
            normalizeApp("site", {
                ports: "80",
                versions: { v1: { image: "./v1", weight: 90 }, v2: { image: "./v2", weight: 10 } },
            }),
            ctx(),
        );
        assert.deepEqual(
            plan.images.map((i) => i.suffix),
            ["-v1", "-v2"],
        );
        assert.deepEqual(
            plan.objects.filter((o) => o.object.kind === "Deployment").map((o) => o.after),
            [["Image-v1"], ["Image-v2"]],
        );
    });
    const bad: [string, () => unknown, (string | number)[], string, boolean?][] = [
        [
            "a folder that does not exist",
            () => planApp(normalizeApp("web", { image: "./missing" }), ctx()),
            ["image"],
            `the folder ${"ROOT"}/missing does not exist`,
        ],
        [
            "a folder without a Dockerfile",
            () => (
                fs.mkdirSync(path.join(root, "empty"), { recursive: true }),
                planApp(normalizeApp("web", { image: "./empty" }), ctx())
            ),
            ["image"],
            `the folder ${"ROOT"}/empty has no Dockerfile to build`,
        ],
        [
            "a Dockerfile outside the context",
            () => normalizeApp("web", { build: { context: "./web", dockerfile: "../Dockerfile" } }),
            ["build", "dockerfile"],
            '"../Dockerfile" is outside the build context; give a path inside the folder',
        ],
        [
            "a git key on a folder build",
            () => normalizeApp("web", { build: { context: "./web", branch: "main" } }),
            ["build", "branch"],
            "applies to git builds; this build is of a local folder (no repo)",
            true,
        ],
        [
            "no registry to push to",
            () => (
                folder("nowhere"),
                planApp(
                    normalizeApp("web", { image: "./nowhere" }),
                    resolveContext("shop", undefined, { baseDir: root }),
                )
            ),
            ["image"],
            "a local folder is built on this machine and pushed to a registry it can reach: expose RioSystem's registry (registryExposed, served at registry.<domain>) or give build.pushRegistry",
        ],
    ];
    for (const [what, fn, at, detail, atKey] of bad) {
        it(`refuses ${what}`, () => void expectRio(fn, at, detail.replace("ROOT", root), atKey));
    }
    it("a Riofile's folders are relative to the Riofile, and the stack exposes the registry for them", () => {
        const riofile = parseRiofile(
            "services:\n  web:\n    image: ./web\n  api:\n    build:\n      context: ./api\n      pushRegistry: ghcr.io\n",
            path.join(root, "Riofile"),
        );
        assert.equal(registryExposureNeeded(riofile), true);
        assert.deepEqual(featuresNeeded(riofile), {
            autoscaling: false,
            metrics: false,
            rollout: false,
            build: false,
            registry: true,
        });
        const own = parseRiofile(
            "services:\n  api:\n    build:\n      context: ./api\n      pushRegistry: ghcr.io\n",
            path.join(root, "Riofile"),
        );
        assert.equal(registryExposureNeeded(own), false);
        assert.equal(featuresNeeded(own).registry, false);
    });
});

describe("rio render with a folder build (real process)", () => {
    it("prints what pulumi up builds and pushes, then the objects running that image", () => {
        const dir = folder("rendered");
        fs.writeFileSync(
            path.join(root, "Riofile.render"),
            "services:\n  rendered:\n    image: ./rendered\n    ports: 80\n",
        );
        const r = spawnSync(
            process.execPath,
            [RIO, "render", "-f", path.join(root, "Riofile.render"), "-n", "demo", "--domain", "apps.example.com"],
            { cwd: root, encoding: "utf8" },
        );
        assert.equal(r.status, 0, r.stderr);
        const tag = contentTag(dir, { dockerfile: "Dockerfile", args: {} });
        assert.equal(
            r.stdout.split("\n")[0],
            `# built on pulumi up by @pulumi/docker-build, then pushed: docker buildx build rendered -f rendered/Dockerfile -t registry.apps.example.com/demo/rendered:${tag} --push`,
        );
        assert.ok(r.stdout.includes(`image: localhost:30500/demo/rendered:${tag}`));
    });
    it("a folder without a Dockerfile: one line on stderr with the file's position, nothing on stdout", () => {
        fs.mkdirSync(path.join(root, "bare"), { recursive: true });
        fs.writeFileSync(path.join(root, "Riofile.bare"), "services:\n  bare:\n    image: ./bare\n");
        const r = spawnSync(process.execPath, [RIO, "render", "-f", "Riofile.bare"], { cwd: root, encoding: "utf8" });
        assert.equal(r.status, 1);
        assert.equal(r.stdout, "");
        assert.equal(
            r.stderr,
            `rio: Riofile.bare:3:12 services.bare.image: the folder ${fs.realpathSync(root)}/bare has no Dockerfile to build\n`.replace(
                fs.realpathSync(root),
                root,
            ),
        );
    });
});

describe("RioService builds the folder with @pulumi/docker-build before rolling", () => {
    before(async () => installMocks());
    beforeEach(() => reset());
    it("registers the Image (content tag, push, registry cache, RioSystem's login as a secret) and the workload on its pull address", async () => {
        const dir = folder("svc");
        const { RioService } = await import("../components/service/rioService");
        const svc = new RioService("svc", {
            image: "./svc",
            ports: "80",
            namespace: "shop",
            gateway: { domain: "apps.example.com" },
            baseDir: root,
            registry: { push: "rio-registry.rio-system.svc.cluster.local:5000", ...registry },
            registryCredentials: { address: "registry.apps.example.com", username: "rio", password: "s3cret" },
        });
        await settle(svc);
        const tag = contentTag(dir, { dockerfile: "Dockerfile", args: {} });
        const image = one("docker-build:index:Image", "svc");
        assert.deepEqual(image.inputs, {
            context: { location: path.relative(process.cwd(), dir) },
            dockerfile: { location: path.relative(process.cwd(), path.join(dir, "Dockerfile")) },
            tags: [`registry.apps.example.com/shop/svc:${tag}`],
            push: true,
            buildOnPreview: false,
            network: "default",
            buildArgs: {},
            noCache: false,
            cacheFrom: [{ registry: { ref: "registry.apps.example.com/shop/svc:buildcache" } }],
            cacheTo: [{ registry: { ref: "registry.apps.example.com/shop/svc:buildcache", mode: "max" } }],
            registries: [{ address: "registry.apps.example.com", username: "rio", password: "s3cret" }],
        });
        assert.equal(
            one("kubernetes:apps/v1:Deployment", "svc").inputs.spec.template.spec.containers[0].image,
            `localhost:30500/shop/svc:${tag}`,
        );
        // The workload waits for the push: registered after the Image.
        const order = registered.map((r) => r.type);
        assert.ok(order.indexOf("docker-build:index:Image") < order.indexOf("kubernetes:apps/v1:Deployment"));
    });
    it("keeps the registry login secret", async () => {
        folder("sec");
        const pulumi = await import("@pulumi/pulumi");
        const { RioService } = await import("../components/service/rioService");
        const svc = new RioService("sec", {
            image: "./sec",
            namespace: "shop",
            baseDir: root,
            registry: { push: "x:5000", ...registry },
            registryCredentials: pulumi.secret({
                address: "registry.apps.example.com",
                username: "rio",
                password: "s3cret",
            }),
        });
        await settle(svc);
        assert.deepEqual(one("docker-build:index:Image", "sec").secretInputs, ["registries"]);
    });
});

describe("a preview of a Riofile with a local folder", () => {
    before(async () => installMocks());
    beforeEach(() => reset());
    it("builds the branch's folder and pushes it with the base's registry login, kept secret", async () => {
        const dir = folder("preview-app");
        fs.writeFileSync(
            path.join(root, "Riofile.preview"),
            "services:\n  site:\n    image: ./preview-app\n    ports: 80\n",
        );
        const pulumi = await import("@pulumi/pulumi");
        const { PreviewEnv } = await import("../components/preview/previewEnv");
        const { loadRiofile } = await import("../components/riofile/load");
        const preview = new PreviewEnv("preview", {
            pullRequest: 7,
            riofile: loadRiofile(path.join(root, "Riofile.preview")),
            system: {
                gateway: { domain: "apps.example.com" },
                registry: { push: "rio-registry.rio-system.svc.cluster.local:5000", ...registry },
            },
            registryCredentials: pulumi.secret({
                address: "registry.apps.example.com",
                username: "rio",
                password: "s3cret",
            }),
        });
        await settle(preview);
        for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
        const tag = contentTag(dir, { dockerfile: "Dockerfile", args: {} });
        const image = one("docker-build:index:Image", "site");
        assert.deepEqual(image.inputs.tags, [`registry.apps.example.com/preview-pr-7/site:${tag}`]);
        assert.deepEqual(image.secretInputs, ["registries"]);
        assert.equal(
            one("kubernetes:apps/v1:Deployment", "site").inputs.spec.template.spec.containers[0].image,
            `localhost:30500/preview-pr-7/site:${tag}`,
        );
    });
});
