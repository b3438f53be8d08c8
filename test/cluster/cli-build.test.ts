/**
 * The walkthrough's `rio run -n cd-demo -p 8080 https://github.com/rancher/rio-demo` as the real `rio` process
 * against the local control plane (the fixture is rioCli.ts), on a git repository made at test time and served
 * over git's "dumb" HTTP protocol on 127.0.0.1: the branch is resolved with `git ls-remote` where the program runs,
 * RioSystem turns its builder and registry on, a BuildKit Job in rio-build builds exactly that commit (kwok makes
 * its pod succeed) and the Deployment runs the commit's image. A new commit and the same `rio run` again build the
 * new commit and update the Deployment in place; `rio rm` leaves nothing of it.
 */
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { BUILDKIT_IMAGE } from "../../components/build/job";
import { git } from "../support/git";
import { waitFor } from "./controlPlane";
import { useCluster } from "./harness";
import { useRioCli } from "./rioCli";

const GATEWAY_ADDRESS = "10.0.0.12";
const DEPLOYMENT = "/apis/apps/v1/namespaces/default/deployments/cd-demo";
const JOBS = "/apis/batch/v1/namespaces/rio-build/jobs?labelSelector=app.kubernetes.io%2Finstance%3Dcd-demo";
const PUSH = "rio-registry.rio-system.svc.cluster.local:5000";
const PULL = "localhost:30500";

/**
 * A static file server for git's dumb HTTP protocol, in a process of its own: the program the tests' `pulumi
 * preview` runs in this process resolves the branch with a synchronous `git ls-remote`, which would block a
 * server in this process. It prints its port, then serves files under its root (nothing outside it).
 */
const FILE_SERVER = `
const http = require("node:http"), fs = require("node:fs"), path = require("node:path");
const root = path.resolve(process.argv[1]);
const server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (req.method !== "GET" || !file.startsWith(root + path.sep)) { res.writeHead(404); return res.end(); }
    fs.readFile(file, (err, data) => {
        if (err) { res.writeHead(404); return res.end(); }
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.end(data);
    });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

// Only what kube-apiserver serves: every CRD comes from RioSystem's bundles and the stand-in charts.
const cluster = useCluster({ crds: [] });

interface Job {
    metadata: { name: string; annotations: Record<string, string> };
    spec: { template: { spec: { containers: { image: string; args: string[] }[] } } };
    status?: { conditions?: { type: string; status: string }[] };
}

describe("rio run GIT-URL: a build from a git repository served over HTTP", () => {
    const cli = useRioCli(cluster, GATEWAY_ADDRESS, "rio-build-");
    const { rio, agrees } = cli;
    let dir = "";
    let work = "";
    let bare = "";
    let server: ChildProcess | undefined;
    let repo = "";

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-git-"));
        work = path.join(dir, "work");
        bare = path.join(dir, "served", "rio-demo.git");
        fs.mkdirSync(work);
        fs.writeFileSync(path.join(work, "Dockerfile"), 'FROM golang:1.22\nCOPY . .\nCMD ["go", "run", "."]\n');
        fs.writeFileSync(path.join(work, "main.go"), "package main\n\nfunc main() {}\n");
        git(work, "init", "--quiet", "--initial-branch=main");
        git(work, "add", "-A");
        git(work, "commit", "--quiet", "-m", "first");
        git(dir, "clone", "--quiet", "--bare", work, bare);
        // The dumb protocol reads info/refs and objects/info/packs: written here, and again after each push.
        git(bare, "update-server-info");
        server = spawn(process.execPath, ["-e", FILE_SERVER, path.join(dir, "served")], {
            stdio: ["ignore", "pipe", "inherit"],
        });
        const port = await new Promise<string>((resolve, reject) => {
            server!.once("error", reject);
            server!.once("exit", (code) => reject(new Error(`the file server exited (${code})`)));
            server!.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
        });
        repo = `http://127.0.0.1:${port}/rio-demo.git`;
    });

    after(() => {
        server?.kill();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** The image tag a commit gets: its first 12 characters, and a hash of the repository and default build. */
    const tagOf = (commit: string) =>
        `${commit.slice(0, 12)}-${createHash("sha256")
            .update(JSON.stringify({ repo, dockerfile: "Dockerfile", context: ".", args: {} }))
            .digest("hex")
            .slice(0, 8)}`;

    /** The build Jobs of cd-demo in rio-build. */
    const jobs = async (): Promise<Job[]> => (await cluster().kube.get(JOBS)).items;

    /** Checks the one build Job of cd-demo: exactly this commit of this repository, pushed with its tag; waits for it to complete. */
    async function builtJob(commit: string): Promise<void> {
        const found = await jobs();
        assert.deepEqual(
            found.map((j) => j.metadata.name).map((n) => n.replace(/[0-9a-f]{6}$/, "HASH")),
            [`cd-demo-default-${commit.slice(0, 7)}-HASH`],
        );
        const job = found[0]!;
        assert.deepEqual(job.metadata.annotations, {
            "rio.pulumi-rio.dev/commit": commit,
            "rio.pulumi-rio.dev/repo": repo,
        });
        const tag = tagOf(commit);
        const container = job.spec.template.spec.containers[0]!;
        assert.equal(container.image, BUILDKIT_IMAGE);
        assert.deepEqual(container.args, [
            "build",
            "--frontend",
            "dockerfile.v0",
            "--opt",
            `context=${repo}#${commit}`,
            "--opt",
            "filename=Dockerfile",
            "--output",
            `type=image,name=${PUSH}/default/cd-demo:${tag},push=true,registry.insecure=true`,
            "--export-cache",
            `type=registry,ref=${PUSH}/default/cd-demo:buildcache,mode=max,registry.insecure=true`,
            "--import-cache",
            `type=registry,ref=${PUSH}/default/cd-demo:buildcache,registry.insecure=true`,
        ]);
        await waitFor(`Job ${job.metadata.name} Complete`, async () => {
            const j: Job | undefined = await cluster().kube.get(
                `/apis/batch/v1/namespaces/rio-build/jobs/${job.metadata.name}`,
            );
            return j?.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") ? true : undefined;
        });
    }

    it("rio install (the registry keeps its images in the pod: the control plane has no volumes)", async () => {
        const settings = path.join(cli.home, "settings.yaml");
        fs.writeFileSync(
            settings,
            stringify({ ...parse(fs.readFileSync(cli.settings, "utf8")), registryPersistence: false }),
        );
        const r = await rio("install", "--settings", settings);
        assert.equal(r.code, 0, r.stderr);
        // Nothing builds yet: no builder.
        assert.equal(await cluster().kube.get("/api/v1/namespaces/rio-build"), undefined);
    });

    it("git ls-remote --symref over the dumb protocol gives the default branch's head", () => {
        const head = git(work, "rev-parse", "HEAD");
        assert.equal(
            git(dir, "ls-remote", "--symref", repo),
            `ref: refs/heads/main\tHEAD\n${head}\tHEAD\n${head}\trefs/heads/main`,
        );
    });

    it("rio run -p 8080 -n cd-demo URL: builds the default branch's head, and the Deployment runs its image", async () => {
        const commit = git(work, "rev-parse", "HEAD");
        const r = await rio("run", "-p", "8080", "-n", "cd-demo", repo);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `cd-demo   https://cd-demo-default.${GATEWAY_ADDRESS}.sslip.io\n`);
        // The builder and the registry turned on by the build.
        assert.ok(await cluster().kube.get("/api/v1/namespaces/rio-build/serviceaccounts/rio-builder"));
        assert.ok(await cluster().kube.get("/apis/apps/v1/namespaces/rio-system/deployments/rio-registry"));
        // The stack keeps the repository, not a commit: each update builds the branch's head then.
        const kept = cli.stackFile().split("\n");
        const at = kept.findIndex((l) => l.trim() === `repo: ${repo}`);
        assert.equal(kept[at - 1]?.trim(), "build:");
        assert.doesNotMatch(cli.stackFile(), new RegExp(commit));
        await builtJob(commit);
        const deploy = await cluster().kube.get(DEPLOYMENT);
        const container = deploy.spec.template.spec.containers[0];
        assert.equal(container.image, `${PULL}/default/cd-demo:${tagOf(commit)}`);
        assert.deepEqual(
            container.ports.map((p: { containerPort: number }) => p.containerPort),
            [8080],
        );
        const service = await cluster().kube.get("/api/v1/namespaces/default/services/cd-demo");
        assert.deepEqual(
            service.spec.ports.map((p: { port: number; targetPort: number }) => [p.port, p.targetPort]),
            [[8080, 8080]],
        );
        await agrees();
    });

    it("a new commit, then the same rio run: the new commit built, the Deployment updated in place", async () => {
        const before = await cluster().kube.get(DEPLOYMENT);
        const first = git(work, "rev-parse", "HEAD");
        fs.writeFileSync(path.join(work, "main.go"), 'package main\n\nfunc main() { println("v2") }\n');
        git(work, "commit", "--quiet", "-am", "second");
        git(work, "push", "--quiet", bare, "main");
        git(bare, "update-server-info");
        const commit = git(work, "rev-parse", "HEAD");
        assert.notEqual(commit, first);
        const r = await rio("run", "-p", "8080", "-n", "cd-demo", repo);
        assert.equal(r.code, 0, r.stderr);
        await builtJob(commit);
        const deploy = await cluster().kube.get(DEPLOYMENT);
        assert.equal(deploy.metadata.uid, before.metadata.uid, "updated, not replaced");
        assert.equal(deploy.spec.template.spec.containers[0].image, `${PULL}/default/cd-demo:${tagOf(commit)}`);
        await agrees();
    });

    it("rio rm cd-demo leaves no Deployment and no build Job", async () => {
        const r = await rio("rm", "cd-demo");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "removed cd-demo\n");
        assert.equal(await cluster().kube.get(DEPLOYMENT), undefined);
        assert.deepEqual(await jobs(), []);
        await agrees();
    });
});
