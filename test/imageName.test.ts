/**
 * `build.imageName` with a tag (`myname/image:tag`, the Riofile Reference's example): Rio pushed and ran exactly
 * that name (`generateImageNamePath`). Here the image is pushed under that name, and also under the commit's (or
 * the folder's content) tag, which the workload runs so that every new commit still rolls out.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { normalizeApp } from "../components/service/app";
import { resolveContext } from "../components/service/context";
import { planApp } from "../components/service/plan";
import { contentTag } from "../components/build/local";
import { expectRio } from "./support/rioError";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
let root: string;
before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-imagename-"));
    fs.mkdirSync(path.join(root, "web"));
    fs.writeFileSync(path.join(root, "web", "Dockerfile"), "FROM alpine:3.21\n");
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const ctx = () =>
    resolveContext(
        "shop",
        { domain: "apps.example.com" },
        {
            baseDir: root,
            resolveCommit: () => COMMIT,
            registry: {
                push: "rio-registry.rio-system.svc.cluster.local:5000",
                pull: "localhost:30500",
                external: { host: "registry.apps.example.com" },
            },
        },
    );
const containerImage = (plan: ReturnType<typeof planApp>) =>
    (plan.objects.find((o) => o.object.kind === "Deployment")!.object as any).spec.template.spec.containers[0].image;

describe("build.imageName with a tag", () => {
    it("a git build pushes the named tag and the commit's; the workload runs the commit's", () => {
        const plan = planApp(
            normalizeApp("web", {
                build: {
                    repo: "https://github.com/acme/web",
                    imageName: "myname/image:tag",
                    pushRegistry: "docker.io",
                },
            }),
            ctx(),
        );
        const job = plan.objects.find((o) => o.object.kind === "Job")!.object as any;
        const args: string[] = job.spec.template.spec.containers[0].args;
        const tag = containerImage(plan).split(":").pop();
        assert.match(tag, /^0123456789ab-[0-9a-f]{8}$/);
        assert.equal(containerImage(plan), `docker.io/myname/image:${tag}`);
        assert.equal(
            args[args.indexOf("--output") + 1],
            `type=image,"name=docker.io/myname/image:${tag},docker.io/myname/image:tag",push=true`,
        );
        assert.equal(
            args[args.indexOf("--export-cache") + 1],
            "type=registry,ref=docker.io/myname/image:buildcache,mode=max",
        );
    });

    it("a folder build does the same", () => {
        const plan = planApp(
            normalizeApp("web", { build: { context: "./web", imageName: "myname/image:v1.2" } }),
            ctx(),
        );
        const tag = contentTag(path.join(root, "web"), { dockerfile: "Dockerfile", args: {} });
        const image = plan.images[0]!.image;
        assert.deepEqual(
            [image.push, image.tags, image.cache],
            [
                `registry.apps.example.com/myname/image:${tag}`,
                [`registry.apps.example.com/myname/image:${tag}`, "registry.apps.example.com/myname/image:v1.2"],
                "registry.apps.example.com/myname/image:buildcache",
            ],
        );
        assert.equal(containerImage(plan), `localhost:30500/myname/image:${tag}`);
    });

    it("without a tag, the name is the repository, as before", () => {
        const plan = planApp(normalizeApp("web", { build: { context: "./web", imageName: "myname/image" } }), ctx());
        assert.deepEqual(plan.images[0]!.image.tags, [plan.images[0]!.image.push]);
    });

    it("a name that is no image reference is refused where it is written", () => {
        expectRio(
            () =>
                normalizeApp("web", { build: { repo: "https://github.com/acme/web", imageName: "MyName/image:tag" } }),
            ["build", "imageName"],
            '"MyName/image:tag" is not an image name: lowercase path parts (a-z, 0-9, and . _ - between them) separated by /, then an optional :tag',
        );
        expectRio(
            () => normalizeApp("web", { build: { context: "./web", imageName: "acme/api:bad tag" } }),
            ["build", "imageName"],
            '"acme/api:bad tag" is not an image name: lowercase path parts (a-z, 0-9, and . _ - between them) separated by /, then an optional :tag',
        );
    });
});
