/**
 * What real Riofiles and Rio's docs contain: defaults written out, the docs' build example, `rio up` in a folder
 * with only a Dockerfile. Each is either taken as Rio took it or refused with the reason.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { normalizeService } from "../components/service/spec";
import { resolvePort } from "../components/service/ports";
import { loadRiofile } from "../components/riofile/load";
import { expectRio } from "./support/rioError";

describe("Rio's defaults written out", () => {
    it("template: false and stageOnly: false are what pulumi-rio does, so they are accepted", () => {
        assert.deepEqual(
            normalizeService("web", { image: "nginx", template: false, stageOnly: false }),
            normalizeService("web", { image: "nginx" }),
        );
    });
    it("template: true is still refused with the reason by the strict keys (the Riofile loader drops it with a warning)", () => {
        expectRio(
            () => normalizeService("web", { image: "nginx", template: true }),
            ["template"],
            "is not supported: pulumi-rio rolls the same workload to each new commit of a build instead of making a service per commit; pull requests get a PreviewEnv",
            true,
        );
    });
    const internal: [string, boolean][] = [
        ["80,internal", false],
        ["80,internal=true", false],
        ["80,internal=false", true],
    ];
    for (const [port, expose] of internal) {
        it(`${port} is ${expose ? "exposed" : "internal"}`, () => assert.equal(resolvePort(port).expose, expose));
    }
    it("internal=maybe is refused", () =>
        void expectRio(() => resolvePort("80,internal=maybe"), [], 'internal must be true or false, not "maybe"'));
});

describe("Rio's build keys as its docs wrote them", () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    it("branch and revision together build the revision (a commit of that branch), as Rio did", () => {
        const b = normalizeService("web", {
            build: { repo: "https://github.com/rancher/rio-demo", branch: "master", revision: sha },
        }).build!;
        assert.deepEqual(b.ref, { kind: "revision", name: sha });
    });
    it("webhookSecretName is refused with where the token goes instead", () => {
        expectRio(
            () =>
                normalizeService("web", {
                    build: { repo: "https://github.com/rancher/rio-demo", webhookSecretName: "github" },
                }),
            ["build", "webhookSecretName"],
            "pulumi-rio takes no webhooks: every deployment is a pulumi up (the operator's resync or CI); for a private infrastructure repository give the token as RioSystem buildSecrets (githubWebhook) and continuousDeployment.gitAuthSecret",
            true,
        );
    });
    it("stageOnly under build (where Rio's docs put it) is refused like the service key", () => {
        expectRio(
            () => normalizeService("web", { build: { repo: "https://github.com/rancher/rio-demo", stageOnly: true } }),
            ["build", "stageOnly"],
            "is not supported: pulumi-rio makes no staged service per commit; pull requests get a PreviewEnv",
            true,
        );
    });
});

describe("rio up in a folder with a Dockerfile and no Riofile", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "My App_"));
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM nginx:1.27\n");
    fs.writeFileSync(path.join(dir, "Dockerfile.dev"), "FROM node:22\n");
    it("is one service named after the folder, built from it, HTTP on 8080 behind port 80", () => {
        const riofile = loadRiofile(path.join(dir, "Riofile"), { orDockerfile: true });
        const name = path
            .basename(dir)
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-");
        assert.deepEqual(riofile.services, [{ name, spec: { image: "./", ports: "80:8080/http" } }]);
        assert.equal(riofile.file, path.join(dir, "Riofile"));
    });
    it("-f Dockerfile.dev builds that Dockerfile", () => {
        const riofile = loadRiofile(path.join(dir, "Dockerfile.dev"));
        assert.deepEqual(riofile.services[0]!.spec, {
            build: { context: ".", dockerfile: "Dockerfile.dev" },
            ports: "80:8080/http",
        });
    });
    it("rio render there prints the build and the objects (real process)", () => {
        const RIO = path.resolve(__dirname, "../../dist/components/cli/main.js");
        const r = spawnSync(process.execPath, [RIO, "render", "--domain", "apps.example.com"], {
            cwd: dir,
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        assert.match(
            r.stdout.split("\n")[0]!,
            /^# built on pulumi up by @pulumi\/docker-build, then pushed: docker buildx build \. -f Dockerfile -t registry\.apps\.example\.com\/default\/my-app-[a-z0-9-]+:dir-[0-9a-f]{16} --push$/,
        );
        assert.ok(r.stdout.includes("kind: HTTPRoute"));
    });
    it("without a Dockerfile either, the missing Riofile is the error", () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "rio-empty-"));
        expectRio(
            () => loadRiofile(path.join(empty, "Riofile"), { orDockerfile: true }),
            [],
            `${path.join(empty, "Riofile")}: no such file`,
        );
    });
    it("a Riofile path that was given and does not exist is an error naming it, Dockerfile or not", () => {
        for (const given of ["Riofle", "Riofile"]) {
            const file = path.join(dir, given);
            expectRio(() => loadRiofile(file), [], `${file}: no such file`);
        }
    });
});

describe("rio export of a template (real process)", () => {
    it("answers NAMESPACE with -n and questions with --answers, as rio render does", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-export-"));
        fs.writeFileSync(
            path.join(dir, "Riofile"),
            "template:\n  envSubst: true\n  questions:\n  - variable: TAG\n    required: true\nservices:\n  web:\n    image: nginx:${TAG}\n    env:\n    - NS=${NAMESPACE}\n",
        );
        fs.writeFileSync(path.join(dir, "answers.yaml"), "TAG: 1.27\n");
        const RIO = path.resolve(__dirname, "../../dist/components/cli/main.js");
        const r = spawnSync(process.execPath, [RIO, "export", "-n", "shop", "--answers", "answers.yaml"], {
            cwd: dir,
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        assert.ok(r.stdout.includes("image: nginx:1.27\n"), r.stdout);
        assert.ok(r.stdout.includes("- NS=shop\n"), r.stdout);
        assert.ok(!r.stdout.includes("template:"), r.stdout);
    });
});
