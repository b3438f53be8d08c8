/**
 * The walkthrough's local folder (`rio up` of `services: {dev: {image: ./, port: 8080/http}}`, then `rio build` and
 * `rio run -p 8080` of the image it prints) as the real `rio` process against the local control plane. The folder
 * goes to a real CNCF distribution registry (built from its module, running on this machine) through a real
 * port-forward: the API server's pods/portforward to kwok's kubelet server, which a ClusterPortForward points at that
 * registry. A BuildKit Job in rio-build then builds the blob (kwok makes its pod succeed: nothing builds here), and the
 * Deployment runs the image the Job pushes. What only a real cluster shows: BuildKit fetching the blob and building.
 */
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { extract } from "tar-stream";
import { freePort, waitFor } from "./controlPlane";
import { engineBins } from "./engines";
import { useCluster } from "./harness";
import { useRioCli } from "./rioCli";

const GATEWAY_ADDRESS = "10.0.0.14";
const DEPLOYMENT = "/apis/apps/v1/namespaces/default/deployments/dev";
const JOBS = "/apis/batch/v1/namespaces/rio-build/jobs";
const PUSH = "rio-registry.rio-system.svc.cluster.local:5000";

const cluster = useCluster({ crds: [], kwokServer: true });

interface Job {
    metadata: { name: string; uid: string; annotations: Record<string, string> };
    spec: { ttlSecondsAfterFinished: number; template: { spec: { containers: { args: string[] }[] } } };
    status?: { conditions?: { type: string; status: string }[] };
}

/** GET from the registry on this machine, as bytes. */
function registryGet(port: number, p: string, accept?: string): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
        http.get({ host: "127.0.0.1", port, path: p, headers: accept ? { accept } : {} }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        }).on("error", reject);
    });
}

/** The names and contents of a tar's files. */
async function tarFiles(tar: Buffer): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const x = extract();
    const done = new Promise<void>((resolve, reject) => {
        x.on("finish", () => resolve());
        x.on("error", reject);
    });
    x.on("entry", (header, stream, next) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c) => chunks.push(c as Buffer));
        stream.on("end", () => {
            out[header.name] = Buffer.concat(chunks).toString();
            next();
        });
    });
    x.end(tar);
    await done;
    return out;
}

describe("rio up and rio build of a local folder: built in the cluster from the registry", () => {
    const cli = useRioCli(cluster, GATEWAY_ADDRESS, "rio-folder-");
    const { rio, agrees } = cli;
    let app = "";
    let storage = "";
    let registry: ChildProcess | undefined;
    let port = 0;

    before(async () => {
        storage = fs.mkdtempSync(path.join(os.tmpdir(), "rio-registry-"));
        port = await freePort();
        const config = path.join(storage, "config.yml");
        fs.writeFileSync(
            config,
            stringify({
                version: 0.1,
                log: { level: "warn" },
                storage: { filesystem: { rootdirectory: path.join(storage, "data") }, delete: { enabled: true } },
                http: { addr: `127.0.0.1:${port}` },
            }),
        );
        registry = spawn(engineBins().registry!, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
        await waitFor("the registry", async () =>
            (await registryGet(port, "/v2/")).status === 200 ? true : undefined,
        );
        // Every pod of rio-system forwards its port 5000 to that registry: the registry pod is the one rio picks.
        cluster().kube.apply({
            apiVersion: "kwok.x-k8s.io/v1alpha1",
            kind: "ClusterPortForward",
            metadata: { name: "rio-system-registry" },
            spec: {
                selector: { matchNamespaces: ["rio-system"] },
                forwards: [{ ports: [5000], target: { address: "127.0.0.1", port } }],
            },
        });
        app = path.join(cli.home, "dev");
        fs.mkdirSync(app);
        fs.writeFileSync(path.join(app, "Riofile"), "services:\n  dev:\n    image: ./\n    port: 8080/http\n");
        fs.writeFileSync(path.join(app, "Dockerfile"), "FROM nginx:1.27\nCOPY index.html /usr/share/nginx/html/\n");
        fs.writeFileSync(path.join(app, "index.html"), "<h1>v1</h1>\n");
        fs.writeFileSync(path.join(app, ".dockerignore"), "*.log\n");
        fs.writeFileSync(path.join(app, "debug.log"), "not in the context\n");
    });

    after(() => {
        registry?.kill("SIGKILL");
        fs.rmSync(storage, { recursive: true, force: true });
    });

    const jobs = async () =>
        ((await cluster().kube.get(JOBS)).items as Job[]).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const complete = (name: string) =>
        waitFor(`job ${name} complete`, async () => {
            const j = (await cluster().kube.get(`${JOBS}/${name}`)) as Job | undefined;
            return j?.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") ? j : undefined;
        });
    /** The context blob the Job builds, as its args name it, and the image it pushes. */
    const built = (job: Job) => {
        const args = job.spec.template.spec.containers[0]!.args;
        const context = args.find((a) => a.startsWith("context="))!.slice("context=".length);
        const output = args[args.indexOf("--output") + 1]!;
        return { context, output };
    };

    it("rio install (the registry in the pod: the control plane has no volumes)", async () => {
        const settings = path.join(cli.home, "settings.yaml");
        fs.writeFileSync(
            settings,
            stringify({ ...parse(fs.readFileSync(cli.settings, "utf8")), registryPersistence: false }),
        );
        const r = await rio("install", "--settings", settings);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(await cluster().kube.get("/api/v1/namespaces/rio-build"), undefined);
    });

    let tag = "";
    it("rio up in the folder: the builder turned on, the folder uploaded, built by a Job, and run", async () => {
        const r = await cli.rioIn(app, "up");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `dev   https://dev-default.${GATEWAY_ADDRESS}.sslip.io\n`);
        assert.match(r.stderr, /rio: turning on RioSystem's builder and registry for the folder builds\n/);
        assert.match(r.stderr, /rio: services\.dev: uploading \. \(4 files, \d+ bytes\) to RioSystem's registry\n/);
        const [job, ...others] = await jobs();
        assert.equal(others.length, 0);
        const { context, output } = built(job!);
        const m =
            /^http:\/\/rio-registry\.rio-system\.svc\.cluster\.local:5000\/v2\/default\/dev\/context\/blobs\/(sha256:[0-9a-f]{64})$/.exec(
                context,
            );
        assert.ok(m, context);
        const digest = m[1]!;
        assert.equal(job!.metadata.annotations["rio.pulumi-rio.dev/context"], digest);
        assert.equal(job!.spec.ttlSecondsAfterFinished, 86400);
        // The blob in the real registry is the folder, .dockerignore applied, and is what its digest says.
        const blob = await registryGet(port, `/v2/default/dev/context/blobs/${digest}`);
        assert.equal(blob.status, 200);
        assert.equal(`sha256:${createHash("sha256").update(blob.body).digest("hex")}`, digest);
        assert.deepEqual(await tarFiles(blob.body), {
            ".dockerignore": "*.log\n",
            Dockerfile: "FROM nginx:1.27\nCOPY index.html /usr/share/nginx/html/\n",
            Riofile: "services:\n  dev:\n    image: ./\n    port: 8080/http\n",
            "index.html": "<h1>v1</h1>\n",
        });
        // It is kept by a manifest (an artifact of the context's type), so the registry's GC keeps it.
        const tagMatch =
            /^type=image,name=rio-registry\.rio-system\.svc\.cluster\.local:5000\/default\/dev:(dir-[0-9a-f]{16}),push=true,registry\.insecure=true$/.exec(
                output,
            );
        assert.ok(tagMatch, output);
        tag = tagMatch[1]!;
        const manifest = await registryGet(
            port,
            `/v2/default/dev/context/manifests/${tag}`,
            "application/vnd.oci.image.manifest.v1+json",
        );
        assert.equal(manifest.status, 200);
        const body = JSON.parse(manifest.body.toString()) as { artifactType: string; layers: { digest: string }[] };
        assert.equal(body.artifactType, "application/vnd.pulumi-rio.build-context.v1");
        assert.deepEqual(
            body.layers.map((l) => l.digest),
            [digest],
        );
        await complete(job!.metadata.name);
        // The Deployment runs the pushed image, pulled node-locally; the stack keeps that image, not the folder.
        const deploy = await cluster().kube.get(DEPLOYMENT);
        assert.equal(deploy.spec.template.spec.containers[0].image, `localhost:30500/default/dev:${tag}`);
        assert.match(cli.stackFile(), new RegExp(`image: localhost:30500/default/dev:${tag}`));
        assert.doesNotMatch(cli.stackFile(), /image: \.\//);
        assert.ok(await cluster().kube.get("/api/v1/namespaces/rio-build/serviceaccounts/rio-builder"));
        await agrees();
    });

    it("rio up again, unchanged: nothing uploaded, the same Job, the same image", async () => {
        const [before] = await jobs();
        const r = await cli.rioIn(app, "up");
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /uploading/);
        assert.match(
            r.stderr,
            new RegExp(`rio: services\\.dev: this folder's build is the job rio-build/${before!.metadata.name}\\n`),
        );
        const after = await jobs();
        assert.deepEqual(
            after.map((j) => j.metadata.uid),
            [before!.metadata.uid],
        );
        assert.equal(
            (await cluster().kube.get(DEPLOYMENT)).spec.template.spec.containers[0].image,
            `localhost:30500/default/dev:${tag}`,
        );
        await agrees();
    });

    it("a changed file: a new context, a new build, and the Deployment updated in place to its image", async () => {
        const uid = (await cluster().kube.get(DEPLOYMENT)).metadata.uid;
        fs.writeFileSync(path.join(app, "index.html"), "<h1>v2</h1>\n");
        const r = await cli.rioIn(app, "up");
        assert.equal(r.code, 0, r.stderr);
        const all = await jobs();
        assert.equal(all.length, 2);
        const fresh = all.find((j) => !built(j).output.includes(tag))!;
        const next = /:(dir-[0-9a-f]{16}),push/.exec(built(fresh).output)![1]!;
        assert.notEqual(next, tag);
        const blob = await registryGet(port, new URL(built(fresh).context).pathname);
        assert.equal((await tarFiles(blob.body))["index.html"], "<h1>v2</h1>\n");
        await complete(fresh.metadata.name);
        const deploy = await cluster().kube.get(DEPLOYMENT);
        assert.equal(deploy.metadata.uid, uid);
        assert.equal(deploy.spec.template.spec.containers[0].image, `localhost:30500/default/dev:${next}`);
        tag = next;
        await agrees();
    });

    it("rio build prints the image (latest besides the content tag); rio run -p 8080 of it runs it", async () => {
        const r = await cli.rioIn(app, "build");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "localhost:30500/default/dev:latest\n");
        const job = (await jobs()).find((j) => built(j).output.includes(":latest"))!;
        assert.equal(
            built(job).output,
            `type=image,"name=${PUSH}/default/dev:${tag},${PUSH}/default/dev:latest",push=true,registry.insecure=true`,
        );
        await complete(job.metadata.name);
        // The walkthrough's own line: Rio's registry address, which is RioSystem's here.
        const run = await rio("run", "-p", "8080", "-n", "dev-latest", "localhost:5442/default/dev:latest");
        assert.equal(run.code, 0, run.stderr);
        assert.match(
            run.stderr,
            /^rio: localhost:5442\/default\/dev:latest: localhost:5442 is Rio's registry; RioSystem's is localhost:30500\/default\/dev:latest\n/,
        );
        const deploy = await cluster().kube.get("/apis/apps/v1/namespaces/default/deployments/dev-latest");
        assert.equal(deploy.spec.template.spec.containers[0].image, "localhost:30500/default/dev:latest");
        await agrees();
    });

    it("a folder without its Dockerfile: one located line, and nothing changed", async () => {
        const before = cli.stackFile();
        const broken = path.join(cli.home, "broken");
        fs.mkdirSync(broken);
        fs.writeFileSync(path.join(broken, "Riofile"), "services:\n  broken:\n    image: ./\n");
        const r = await cli.rioIn(broken, "up");
        assert.equal(r.code, 1);
        assert.equal(
            r.stderr,
            `rio: Riofile:2:3: services.broken.image: the folder ${broken} has no Dockerfile to build\n`,
        );
        assert.equal(cli.stackFile(), before);
        assert.equal(await cluster().kube.get("/apis/apps/v1/namespaces/default/deployments/broken"), undefined);
    });

    it("rio rm leaves none of the apps", async () => {
        const r = await rio("rm", "dev", "dev-latest");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(await cluster().kube.get(DEPLOYMENT), undefined);
        assert.equal(await cluster().kube.get("/apis/apps/v1/namespaces/default/deployments/dev-latest"), undefined);
        await agrees();
    });
});
