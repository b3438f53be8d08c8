/**
 * Folder builds by the rio commands: the reproducible context archive, the BuildKit Job that builds it from the
 * registry, which services are folders and the Riofile the stack keeps (the image, not the folder), `rio build`'s
 * flags, and the builder turned on for them.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { extract } from "tar-stream";
import { packContext } from "../../components/build/contextArchive";
import { FolderBuild, folderJobName, planFolderBuildJob } from "../../components/build/folderJob";
import { DEFAULT_BUILD_CONTEXT } from "../../components/build/job";
import { contentTag, normalizeLocalBuild } from "../../components/build/local";
import { buildTargets, folderTargets, withBuiltImages } from "../../components/cli/folderBuild";
import { clusterRegistryImage } from "../../components/cli/runFlags";
import { withBuilder } from "../../components/cli/commands";
import { exportedContent } from "../../components/riofile/export";
import { parseRiofile } from "../../components/riofile/load";
import { featuresNeeded } from "../../components/riofile/needs";
import { rioMessage } from "../support/rioError";
import { validateObject } from "../support/schema";

let root: string;
before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-folder-"));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A folder with a Dockerfile, a page, an executable script, an ignored log and a link. */
function folder(name: string): string {
    const dir = path.join(root, name);
    fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM nginx:1.27\nCOPY . /usr/share/nginx/html/\n");
    fs.writeFileSync(path.join(dir, "index.html"), "<h1>hello</h1>\n");
    fs.writeFileSync(path.join(dir, "bin", "start.sh"), "#!/bin/sh\nexec nginx\n", { mode: 0o755 });
    fs.writeFileSync(path.join(dir, ".dockerignore"), "*.log\n");
    fs.writeFileSync(path.join(dir, "debug.log"), "noise\n");
    fs.symlinkSync("index.html", path.join(dir, "home.html"));
    return dir;
}

/** Every entry of a tar: name, type, mode, owner, date and content. */
async function entries(
    tar: Buffer,
): Promise<{ name: string; type: string; mode: number; uid: number; mtime: number; body: string; link?: string }[]> {
    const out: { name: string; type: string; mode: number; uid: number; mtime: number; body: string; link?: string }[] =
        [];
    const x = extract();
    const done = new Promise<void>((resolve, reject) => {
        x.on("finish", () => resolve());
        x.on("error", reject);
    });
    x.on("entry", (header, stream, next) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c) => chunks.push(c as Buffer));
        stream.on("end", () => {
            out.push({
                name: header.name,
                type: header.type,
                mode: header.mode,
                uid: header.uid,
                mtime: header.mtime.getTime(),
                body: Buffer.concat(chunks).toString(),
                ...(header.type === "symlink" && { link: header.linkname }),
            });
            next();
        });
        stream.resume();
    });
    x.end(tar);
    await done;
    return out;
}

describe("the context archive", () => {
    it("holds exactly the files the build sees, owned by 0, dated 1970, 0644 or 0755, links as links", async () => {
        const dir = folder("archive");
        const a = await packContext(dir);
        assert.deepEqual(a.files, [".dockerignore", "Dockerfile", "bin/start.sh", "home.html", "index.html"]);
        assert.deepEqual(await entries(a.tar), [
            { name: ".dockerignore", type: "file", mode: 0o644, uid: 0, mtime: 0, body: "*.log\n" },
            {
                name: "Dockerfile",
                type: "file",
                mode: 0o644,
                uid: 0,
                mtime: 0,
                body: "FROM nginx:1.27\nCOPY . /usr/share/nginx/html/\n",
            },
            { name: "bin/start.sh", type: "file", mode: 0o755, uid: 0, mtime: 0, body: "#!/bin/sh\nexec nginx\n" },
            { name: "home.html", type: "symlink", mode: 0o777, uid: 0, mtime: 0, body: "", link: "index.html" },
            { name: "index.html", type: "file", mode: 0o644, uid: 0, mtime: 0, body: "<h1>hello</h1>\n" },
        ]);
        assert.match(a.digest, /^sha256:[0-9a-f]{64}$/);
    });

    it("is the same bytes for the same folder (a touched file, another copy), and others for a changed byte", async () => {
        const dir = folder("same");
        const first = await packContext(dir);
        fs.utimesSync(path.join(dir, "index.html"), new Date(2020, 1, 1), new Date(2020, 1, 1));
        assert.equal((await packContext(dir)).digest, first.digest);
        assert.equal((await packContext(folder("same-copy"))).digest, first.digest);
        fs.writeFileSync(path.join(dir, "debug.log"), "ignored noise changes nothing\n");
        assert.equal((await packContext(dir)).digest, first.digest);
        fs.writeFileSync(path.join(dir, "index.html"), "<h1>hello!</h1>\n");
        assert.notEqual((await packContext(dir)).digest, first.digest);
    });
});

const request: FolderBuild = {
    build: {
        ...normalizeLocalBuild({ context: "./", args: { MODE: "prod" } }, "image"),
        dockerfile: "docker/Dockerfile",
    },
    digest: "sha256:" + "ab".repeat(32),
    repository: "shop/web",
    tag: "dir-0123456789abcdef",
    extraTags: ["latest"],
    owner: { namespace: "shop", workload: "web", app: "web" },
};

describe("the folder build Job", () => {
    it("builds the context blob from the registry by digest and pushes under every tag, as rootless BuildKit", () => {
        const job = planFolderBuildJob(request, DEFAULT_BUILD_CONTEXT) as unknown as {
            metadata: { name: string; namespace: string; annotations: Record<string, string> };
            spec: {
                ttlSecondsAfterFinished: number;
                activeDeadlineSeconds: number;
                backoffLimit: number;
                template: {
                    spec: {
                        serviceAccountName: string;
                        containers: { command: string[]; args: string[]; securityContext: unknown }[];
                    };
                };
            };
        };
        validateObject(job);
        assert.equal(job.metadata.name, "web-shop-0123456789-0a607");
        assert.equal(folderJobName(request), "web-shop-0123456789-0a607");
        // The same folder pushed under other tags (rio build's latest, after rio up's none) is another build.
        assert.notEqual(folderJobName({ ...request, extraTags: [] }), folderJobName(request));
        assert.equal(folderJobName({ ...request, extraTags: ["latest"] }), folderJobName(request));
        assert.equal(job.metadata.namespace, "rio-build");
        assert.deepEqual(job.metadata.annotations, { "rio.pulumi-rio.dev/context": request.digest });
        assert.equal(job.spec.ttlSecondsAfterFinished, 86400);
        assert.equal(job.spec.activeDeadlineSeconds, 600);
        assert.equal(job.spec.backoffLimit, 0);
        const [c] = job.spec.template.spec.containers;
        assert.equal(job.spec.template.spec.serviceAccountName, "rio-builder");
        assert.deepEqual(c!.command, ["buildctl-daemonless.sh"]);
        const push = "rio-registry.rio-system.svc.cluster.local:5000/shop/web";
        assert.deepEqual(c!.args, [
            "build",
            "--frontend",
            "dockerfile.v0",
            "--opt",
            `context=http://rio-registry.rio-system.svc.cluster.local:5000/v2/shop/web/context/blobs/${request.digest}`,
            "--opt",
            "filename=docker/Dockerfile",
            "--opt",
            "build-arg:MODE=prod",
            "--output",
            `type=image,"name=${push}:dir-0123456789abcdef,${push}:latest",push=true,registry.insecure=true`,
            "--export-cache",
            `type=registry,ref=${push}:buildcache,mode=max,registry.insecure=true`,
            "--import-cache",
            `type=registry,ref=${push}:buildcache,registry.insecure=true`,
        ]);
        assert.deepEqual(c!.securityContext, {
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: "Unconfined" },
            appArmorProfile: { type: "Unconfined" },
        });
    });

    it("with noCache and no other tag: --no-cache, one name", () => {
        const job = planFolderBuildJob(
            { ...request, build: { ...request.build, noCache: true, args: {} }, extraTags: [] },
            DEFAULT_BUILD_CONTEXT,
        ) as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
        const args = job.spec.template.spec.containers[0]!.args;
        assert.deepEqual(args.slice(7, 10), [
            "--no-cache",
            "--output",
            "type=image,name=rio-registry.rio-system.svc.cluster.local:5000/shop/web:dir-0123456789abcdef,push=true,registry.insecure=true",
        ]);
    });
});

/** A Riofile written into a folder of its own, loaded from there. */
function riofileIn(name: string, text: string, withFolder = true) {
    const dir = withFolder ? folder(name) : path.join(root, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Riofile"), text);
    return { dir, riofile: parseRiofile(text, path.join(dir, "Riofile"), { dir }) };
}

describe("which services are folders, and what the stack keeps", () => {
    it("image: ./ is built under its content tag; the stack's Riofile runs that image and has no folder", () => {
        const { dir, riofile } = riofileIn(
            "up",
            "services:\n  dev:\n    image: ./\n    ports: 8080/http\n  db:\n    image: redis:7\n",
        );
        const targets = folderTargets(riofile, "default");
        const tag = contentTag(dir, { dockerfile: "Dockerfile", args: {} });
        assert.deepEqual(
            targets.map((t) => [t.what, t.key, t.dir, t.request.repository, t.request.tag, t.request.extraTags]),
            [["services.dev", "dev", dir, "default/dev", tag, []]],
        );
        const kept = exportedContent(withBuiltImages(riofile, targets, DEFAULT_BUILD_CONTEXT));
        assert.deepEqual(kept.services, {
            dev: { image: `localhost:30500/default/dev:${tag}`, ports: "8080/http" },
            db: { image: "redis:7" },
        });
    });

    it("a build without repo keeps its Dockerfile, args and imageName; its image is named so", () => {
        const { riofile } = riofileIn(
            "named",
            "services:\n  web:\n    build:\n      dockerfile: Dockerfile\n      args: [MODE=dev]\n      imageName: team/web:stable\n    ports: 80/http\n",
        );
        const [t] = folderTargets(riofile, "shop");
        assert.equal(t!.request.repository, "team/web");
        assert.deepEqual(t!.request.extraTags, ["stable"]);
        assert.deepEqual(t!.request.build.args, { MODE: "dev" });
        const kept = exportedContent(withBuiltImages(riofile, [t!], DEFAULT_BUILD_CONTEXT));
        assert.deepEqual(kept.services, {
            web: { image: `localhost:30500/team/web:${t!.request.tag}`, ports: "80/http" },
        });
    });

    it("a missing folder, a missing Dockerfile and another registry are refused, located", () => {
        const missing = riofileIn("missing", "services:\n  dev:\n    image: ./app\n", false);
        assert.equal(
            rioMessage(() => folderTargets(missing.riofile, "default")),
            `${missing.dir}/Riofile:2:3: services.dev.image: the folder ${missing.dir}/app does not exist`,
        );
        const noDockerfile = riofileIn("no-dockerfile", "services:\n  dev:\n    image: ./\n", false);
        assert.equal(
            rioMessage(() => folderTargets(noDockerfile.riofile, "default")),
            `${noDockerfile.dir}/Riofile:2:3: services.dev.image: the folder ${noDockerfile.dir} has no Dockerfile to build`,
        );
        const elsewhere = riofileIn("elsewhere", "services:\n  dev:\n    build:\n      pushRegistry: ghcr.io\n");
        assert.equal(
            rioMessage(() => folderTargets(elsewhere.riofile, "default")),
            `${elsewhere.dir}/Riofile:2:3: services.dev.build.pushRegistry: the rio commands build a folder in the cluster into RioSystem's registry; pushing it elsewhere is pulumi up's (rio:riofile, built by @pulumi/docker-build)`,
        );
    });
});

describe("rio build's flags", () => {
    it("pushes latest besides the content tag; -t names the image; --build-arg and --no-cache change the build", () => {
        const { dir, riofile } = riofileIn("build", "services:\n  dev:\n    image: ./\n");
        const [plain] = buildTargets(riofile, "default", {});
        assert.deepEqual([plain!.request.repository, plain!.request.extraTags], ["default/dev", ["latest"]]);
        const [named] = buildTargets(riofile, "default", { tag: "me/dev:v1", buildArg: ["A=1"], noCache: true });
        assert.deepEqual([named!.request.repository, named!.request.extraTags], ["me/dev", ["v1"]]);
        assert.deepEqual(named!.request.build.args, { A: "1" });
        assert.equal(named!.request.build.noCache, true);
        assert.equal(named!.request.tag, contentTag(dir, { dockerfile: "Dockerfile", args: { A: "1" } }));
        assert.notEqual(named!.request.tag, plain!.request.tag);
    });

    it("refuses -t for several folders, a bad -t, a bad --build-arg and a Riofile with no folder", () => {
        const two = riofileIn("two", "services:\n  a:\n    image: ./\n  b:\n    image: ./\n");
        assert.equal(
            rioMessage(() => buildTargets(two.riofile, "default", { tag: "x:1" })),
            `-t x:1: ${two.dir}/Riofile builds 2 folders (services.a, services.b); -t names one image`,
        );
        assert.equal(
            rioMessage(() => buildTargets(two.riofile, "default", { tag: "Bad:1" })),
            '-t Bad:1: "Bad:1" is not an image name: lowercase path parts (a-z, 0-9, and . _ - between them) separated by /, then an optional :tag',
        );
        assert.equal(
            rioMessage(() => buildTargets(two.riofile, "default", { buildArg: ["=x"] })),
            "--build-arg =x: must be NAME=value",
        );
        const none = riofileIn("none", "services:\n  db:\n    image: redis:7\n");
        assert.equal(
            rioMessage(() => buildTargets(none.riofile, "default", {})),
            `${none.dir}/Riofile: nothing to build (no service is a folder: image: ./, or build without repo)`,
        );
    });
});

describe("the builder for folder builds", () => {
    it("is turned on and kept on, and refused when the settings turn it off", () => {
        assert.deepEqual(withBuilder({ domain: "x.sslip.io" }, "Riofile"), {
            domain: "x.sslip.io",
            features: { build: true, registry: true },
        });
        assert.equal(
            rioMessage(() => withBuilder({ features: { registry: false } }, "app/Riofile")),
            "app/Riofile: a folder is built by RioSystem's builder into its registry, and this stack turns registry off (rio install --disable-features registry): run rio install without it, or give an image",
        );
    });

    it("an image from RioSystem's registry needs the registry (it is pulled from there), another does not", () => {
        const needs = (image: string) =>
            featuresNeeded(parseRiofile(`services:\n  dev:\n    image: ${image}\n`, "Riofile")).registry;
        assert.equal(needs("localhost:30500/default/dev:latest"), true);
        assert.equal(needs("localhost:5000/default/dev:latest"), false);
        assert.equal(needs("nginx:1.27"), false);
    });
});

describe("Rio's registry address in rio run", () => {
    it("localhost:5442/… is RioSystem's registry at localhost:30500, said once; other images are as given", () => {
        assert.deepEqual(clusterRegistryImage("localhost:5442/default/dev:latest"), {
            image: "localhost:30500/default/dev:latest",
            note: "localhost:5442/default/dev:latest: localhost:5442 is Rio's registry; RioSystem's is localhost:30500/default/dev:latest",
        });
        assert.deepEqual(clusterRegistryImage("localhost:30500/default/dev:latest"), {
            image: "localhost:30500/default/dev:latest",
        });
        assert.deepEqual(clusterRegistryImage("localhost:54420/x"), { image: "localhost:54420/x" });
        assert.deepEqual(clusterRegistryImage("nginx:1.27"), { image: "nginx:1.27" });
    });
});
