/**
 * pulumi-rio from a Pulumi YAML program (`runtime: yaml`), through the real CLI process and the YAML language
 * host built by `npm run engines`: the program declares a `RioService` and a `Riofile` by their type tokens, the
 * YAML host resolves them through the schema of `pulumi-resource-pulumi-rio` (on PATH, linked as npm links a bin),
 * and the engine has that plugin construct them. preview → up → a preview with `--expect-no-changes` → destroy,
 * checked against the API server.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { engineBins } from "./engines";
import { useCluster } from "./harness";
import { changes, pulumiEnv } from "./pulumi";

const ROOT = path.resolve(__dirname, "../../..");
const cluster = useCluster({ crds: ["gatewayApi"] });

/** The project file: a Namespace, a RioService in it, and a Riofile deploying into a namespace of its own. */
const PROGRAM = `name: rio-yaml
runtime: yaml
resources:
  ns:
    type: kubernetes:core/v1:Namespace
    properties:
      metadata:
        name: yaml
        labels:
          pod-security.kubernetes.io/enforce: baseline
          pod-security.kubernetes.io/warn: restricted
  web:
    type: pulumi-rio:RioService
    properties:
      image: nginx:1.27-alpine
      ports: ["80:8080/http"]
      namespace: \${ns.metadata.name}
      gateway: { domain: apps.example.com, implementation: traefik }
  app:
    type: pulumi-rio:Riofile
    properties:
      text: |
        services:
          hello:
            image: rancher/hello-world
            ports: 80/http
      namespace: yaml-riofile
      gateway: { domain: apps.example.com, implementation: traefik }
outputs:
  url: \${web.url}
  riofileUrls: \${app.urls}
`;

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

/** The folder of a YAML project, with the plugin linked into a bin folder of its own, and a file backend. */
function project(): { dir: string; bin: string; home: string } {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "rio-yaml-"));
    const dir = path.join(home, "project");
    const bin = path.join(home, "bin");
    for (const d of [dir, bin, path.join(home, "state")]) fs.mkdirSync(d);
    fs.symlinkSync(path.join(ROOT, "dist/components/portable/main.js"), path.join(bin, "pulumi-resource-pulumi-rio"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), PROGRAM);
    return { dir, bin, home };
}

describe("pulumi-rio from a Pulumi YAML program", () => {
    it("deploys a RioService and a Riofile: preview, up, no changes, destroy", async () => {
        const { kube, kubeconfig } = cluster();
        const { dir, bin, home } = project();
        const env = pulumiEnv(home, kubeconfig);
        env.PATH = [bin, env.PATH].join(path.delimiter);
        const pulumi = (...args: string[]) =>
            new Promise<Run>((resolve) =>
                execFile(
                    engineBins().pulumi,
                    [...args, "--non-interactive"],
                    { cwd: dir, env: { HOME: home, ...env }, maxBuffer: 64 * 1024 * 1024 },
                    (err, stdout, stderr) =>
                        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
                ),
            );
        const ok = async (...args: string[]) => {
            const r = await pulumi(...args);
            assert.equal(r.code, 0, `pulumi ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`);
            return r;
        };

        // `pulumi package add` generates YAML's "SDK" (a package lock file) and then asks the language host to
        // link it into the project: pulumi-language-yaml 1.25.0 has no Link method, so the CLI stops before it
        // writes the project's `packages`. The program then names the plugin's types directly: the YAML host
        // resolves them through the plugin's schema.
        const add = await pulumi("package", "add", path.join(bin, "pulumi-resource-pulumi-rio"));
        assert.equal(add.code, 1, add.stdout + add.stderr);
        assert.match(add.stderr, /error: linking package: method Link not implemented/);
        assert.equal(
            fs.readFileSync(path.join(dir, "sdks/pulumi-rio/pulumi-rio-0.1.0.yaml"), "utf8"),
            "packageDeclarationVersion: 1\nname: pulumi-rio\nversion: 0.1.0\n",
        );
        assert.equal(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"), PROGRAM, "Pulumi.yaml is unchanged");

        await ok("stack", "init", "test");
        try {
            const preview = JSON.parse((await ok("preview", "--json")).stdout);
            assert.deepEqual(changes(preview.changeSummary), { create: 13 });
            await ok("up", "--yes", "--skip-preview");
            const outputs = JSON.parse((await ok("stack", "output", "--json")).stdout);
            assert.deepEqual(outputs, {
                url: "https://web-yaml.apps.example.com",
                riofileUrls: { hello: ["https://hello-yaml-riofile.apps.example.com"] },
            });

            const objects = async (ns: string, name: string) => ({
                deployment: await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`),
                service: await kube.get(`/api/v1/namespaces/${ns}/services/${name}`),
                route: await kube.get(`/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes/${name}`),
            });
            const web = await objects("yaml", "web");
            assert.equal(web.deployment.spec.template.spec.containers[0].image, "nginx:1.27-alpine");
            assert.deepEqual(
                web.deployment.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort),
                [8080],
            );
            assert.deepEqual(
                web.service.spec.ports.map((p: any) => [p.port, p.targetPort]),
                [[80, 8080]],
            );
            assert.deepEqual(web.route.spec.hostnames, ["web-yaml.apps.example.com"]);
            const hello = await objects("yaml-riofile", "hello");
            assert.equal(hello.deployment.spec.template.spec.containers[0].image, "rancher/hello-world");
            assert.deepEqual(
                hello.deployment.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort),
                [80],
            );
            assert.deepEqual(
                hello.service.spec.ports.map((p: any) => [p.port, p.targetPort]),
                [[80, 80]],
            );
            assert.deepEqual(hello.route.spec.hostnames, ["hello-yaml-riofile.apps.example.com"]);

            // Exit code 0 with --expect-no-changes: the engine found nothing to change.
            const again = await ok("preview", "--expect-no-changes", "--json");
            assert.deepEqual(changes(JSON.parse(again.stdout).changeSummary), { same: 13 });

            await ok("destroy", "--yes", "--skip-preview");
            for (const [ns, name] of [
                ["yaml", "web"],
                ["yaml-riofile", "hello"],
            ] as const) {
                assert.deepEqual(await objects(ns, name), {
                    deployment: undefined,
                    service: undefined,
                    route: undefined,
                });
            }
            await ok("stack", "rm", "--yes", "test");
        } finally {
            fs.rmSync(home, { recursive: true, force: true });
        }
    });
});
