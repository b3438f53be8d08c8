/**
 * pulumi-rio from Python under the real engine: the schema the real CLI gets from the plugin, the Python SDK
 * Pulumi's Python generator writes from it (pulumi-rio-sdkgen), installed as pip installs a package, and a Python
 * program (python/rio_program.py, the `pulumi` package from PyPI) deploying a Riofile and a RioService through it
 * to the local control plane: preview → up → a no-change preview → destroy, a secret kept secret in the state.
 * The program runs inline through Pulumi's Python Automation API (the Python language host's module is not
 * served); the engine, the pulumi-rio plugin and the Kubernetes provider are the real ones.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { engineBinDirs } from "./engines";
import { useCluster } from "./harness";
import { pulumiEnv } from "./pulumi";
import { pythonBin } from "./python";
import { CONSTRUCTED, generateSdk, getSchema, pluginBin, run } from "./sdk";

const cluster = useCluster({ crds: ["gatewayApi"] });
const PROGRAM = path.resolve(__dirname, "../../..", "test/cluster/python/rio_program.py");
const DOMAIN = "apps.example.com";
const SECRET = "s3cr3t-python-greeting-5e2a";
const NS = "python-rio";

describe("a Python program using pulumi-rio's generated SDK", () => {
    it("generates the SDK from the CLI's schema, deploys a Riofile and a RioService, no drift, destroys", async () => {
        const kube = cluster().kube;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-python-"));
        const bin = pluginBin(path.join(dir, "bin"));
        const python = pythonBin();

        // The SDK, from the schema the CLI received: Python's package pulumi_rio, installed with its metadata (its
        // version is read from it) into a folder of its own, as `pip install` of the generated folder does.
        fs.writeFileSync(path.join(dir, "schema.json"), await getSchema(bin, dir));
        const sdk = path.join(dir, "sdks", "python");
        assert.match(await generateSdk("python", path.join(dir, "schema.json"), sdk), /^\d+ files\n$/);
        assert.ok(fs.existsSync(path.join(sdk, "pulumi_rio", "rio_service.py")), "the SDK's RioService module");
        const site = path.join(dir, "site");
        await run(
            python,
            ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-index"].concat([
                "--no-build-isolation",
                "--target",
                site,
                sdk,
            ]),
            { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir } },
        );
        assert.deepEqual(fs.readdirSync(site).sort(), ["pulumi_rio", "pulumi_rio-0.1.0.dist-info"]);

        fs.mkdirSync(path.join(dir, "project"));
        fs.mkdirSync(path.join(dir, "state"));
        const env = pulumiEnv(dir, cluster().kubeconfig, {
            PATH: [bin, ...engineBinDirs(), process.env.PATH ?? ""].join(path.delimiter),
            HOME: dir,
            PYTHONPATH: site,
            RIO_PY_WORKDIR: path.join(dir, "project"),
            RIO_PY_SECRET: SECRET,
            RIO_PY_DOMAIN: DOMAIN,
        });
        const step = async (name: string) =>
            JSON.parse(await run(python, [PROGRAM, name], { cwd: dir, env })) as {
                changes?: Record<string, number>;
                outputs?: Record<string, unknown>;
            };

        // The stack, the two components the program registers, and what each constructs: the Riofile's namespace
        // and service (a RioService and its three objects), and under the portable RioService the TypeScript one
        // with its three objects (the default providers are not counted).
        assert.deepEqual((await step("preview")).changes, { create: 12 });
        const up = await step("up");
        assert.deepEqual(up.changes, { create: 12 });
        assert.deepEqual(up.outputs, {
            url: `https://web-${NS}.${DOMAIN}`,
            serviceName: "web",
            riofileUrls: { hello: [`https://hello-${NS}.${DOMAIN}`] },
        });

        const web = await kube.get(`/apis/apps/v1/namespaces/${NS}/deployments/web`);
        assert.equal(web.spec.template.spec.containers[0].image, "nginx:1.27-alpine");
        assert.deepEqual(web.spec.template.spec.containers[0].env, [{ name: "GREETING", value: SECRET }]);
        const hello = await kube.get(`/apis/apps/v1/namespaces/${NS}/deployments/hello`);
        assert.equal(hello.spec.template.spec.containers[0].image, "rancher/hello-world");
        const route = kube.getObject("httproutes.gateway.networking.k8s.io", "web", NS);
        assert.deepEqual(route.spec.hostnames, [`web-${NS}.${DOMAIN}`]);
        const ns = await kube.get(`/api/v1/namespaces/${NS}`);
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "baseline");

        // The state, read as the file backend keeps it: what the plugin constructed, under the components the
        // Python program registered.
        const state = JSON.parse(
            fs.readFileSync(path.join(dir, "state", ".pulumi", "stacks", "python-rio", "test.json"), "utf8"),
        ) as { checkpoint: { latest: { resources: { urn: string }[] } } };
        assert.deepEqual(state.checkpoint.latest.resources.map((r) => r.urn.split("::").slice(2).join("::")).sort(), [
            ...CONSTRUCTED,
            "pulumi:providers:kubernetes::default_4_34_2",
            "pulumi:providers:pulumi-rio::default_0_1_0",
            "pulumi:pulumi:Stack::python-rio-test",
        ]);

        // The secret env the Python program marked secret is in no state file in the clear.
        const onDisk = fs
            .readdirSync(path.join(dir, "state"), { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "utf8"));
        assert.ok(
            onDisk.some((f) => f.includes("pulumi-rio:index:RioService") && f.includes("python-rio")),
            "the state files were read",
        );
        assert.equal(onDisk.filter((f) => f.includes(SECRET)).length, 0, "the secret is in no state file in the clear");

        assert.deepEqual((await step("preview")).changes, { same: 12 }, "a second preview finds nothing to change");
        assert.deepEqual((await step("destroy")).changes, { delete: 12 });
        assert.equal(await kube.get(`/apis/apps/v1/namespaces/${NS}/deployments/web`), undefined, "destroyed");
        assert.equal(await kube.get(`/apis/apps/v1/namespaces/${NS}/deployments/hello`), undefined, "destroyed");
        await step("remove");
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
