/**
 * The pulumi-rio plugin under the real engine, as another language's program uses it: the program registers the
 * components by their type tokens as remote components — exactly what an SDK generated from the schema does — so
 * the engine starts `pulumi-resource-pulumi-rio` (on PATH, linked as npm links a bin) and has it construct them.
 * No Python or YAML language host is needed for that: the program is inline (this process serves it). preview →
 * up → a no-change preview → destroy, with a secret sent to the plugin kept secret in the state.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { engineBinDirs } from "./engines";
import { namespaceObject, useCluster } from "./harness";
import { changes, inlineStack } from "./pulumi";
import { CONSTRUCTED, pluginBin } from "./sdk";

const cluster = useCluster({ crds: ["gatewayApi"] });
const GATEWAY = { domain: "apps.example.com", implementation: "traefik" };
const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };

/**
 * A component of the plugin, as a generated SDK declares it: its type token, its inputs, and the outputs that are
 * not also inputs as undefined inputs (which the SDK turns into this resource's Output properties), registered
 * remote.
 */
class Remote extends pulumi.ComponentResource {
    constructor(component: string, name: string, inputs: pulumi.Inputs, outputs: string[], opts = {}) {
        super(
            `pulumi-rio:index:${component}`,
            name,
            { ...Object.fromEntries(outputs.map((o) => [o, undefined])), ...inputs },
            opts,
            true,
        );
    }
    output<T>(name: string): pulumi.Output<T> {
        return (this as unknown as Record<string, pulumi.Output<T>>)[name]!;
    }
}

/** The secret env value: distinctive, so the state can be searched for it. */
const SECRET = "s3cr3t-greeting-8c1f";
const RIOFILE = "services:\n  hello:\n    image: rancher/hello-world\n    ports: 80/http\n";

describe("the pulumi-rio plugin under the real engine", () => {
    it("constructs RioService and Riofile for a program: create, no drift, destroy; a secret input stays secret", async () => {
        const kube = cluster().kube;
        const program = async () => {
            const ns = new k8s.core.v1.Namespace("plugin", namespaceObject("plugin") as k8s.core.v1.NamespaceArgs);
            const web = new Remote(
                "RioService",
                "web",
                {
                    image: "nginx:1.27-alpine",
                    ports: ["80:8080/http"],
                    env: pulumi.secret({ GREETING: SECRET }),
                    namespace: ns.metadata.name,
                    gateway: GATEWAY,
                },
                ["url", "urls", "hostnames", "namespace", "serviceName"],
                { dependsOn: [ns] },
            );
            const app = new Remote("Riofile", "app", { text: RIOFILE, namespace: "plugin-riofile", gateway: GATEWAY }, [
                "urls",
                "url",
                "namespace",
            ]);
            return { url: web.output("url"), serviceName: web.output("serviceName"), riofileUrls: app.output("urls") };
        };
        const handle = await inlineStack("plugin", program, {
            kubeconfig: cluster().kubeconfig,
            env: { PATH: [pluginBin(), ...engineBinDirs(), process.env.PATH ?? ""].join(path.delimiter) },
        });
        const { stack } = handle;
        try {
            // The namespace, the two components the program registers, the two each constructs (the TypeScript
            // RioService under the portable one; the Riofile's namespace and service), and their objects.
            const preview = await stack.preview();
            assert.deepEqual(changes(preview.changeSummary), { create: 13 });
            const up = await stack.up();
            assert.deepEqual(changes(up.summary.resourceChanges), { create: 13 });
            assert.equal(up.outputs.url!.value, "https://web-plugin.apps.example.com");
            assert.equal(up.outputs.serviceName!.value, "web");
            assert.deepEqual(up.outputs.riofileUrls!.value, {
                hello: ["https://hello-plugin-riofile.apps.example.com"],
            });

            const deploy = await kube.get(`/apis/apps/v1/namespaces/plugin/deployments/web`);
            assert.deepEqual(deploy.spec.template.spec.containers[0].env, [{ name: "GREETING", value: SECRET }]);
            const hello = await kube.get(`/apis/apps/v1/namespaces/plugin-riofile/deployments/hello`);
            assert.equal(hello.spec.template.spec.containers[0].image, "rancher/hello-world");
            const riofileNs = await kube.get(`/api/v1/namespaces/plugin-riofile`);
            assert.equal(riofileNs.metadata.labels["pod-security.kubernetes.io/enforce"], "baseline");

            // The state: what the plugin constructed, under the components the program registered, and the secret
            // env it was sent encrypted on the Deployment it made from it.
            const resources = (await stack.exportStack()).deployment.resources as {
                urn: string;
                type: string;
                inputs?: Record<string, any>;
            }[];
            const byUrn = (suffix: string) => {
                const found = resources.filter((r) => r.urn.endsWith(suffix));
                assert.equal(found.length, 1, `${suffix}: ${resources.map((r) => r.urn).join("\n")}`);
                return found[0]!;
            };
            const isSecret = (v: unknown) =>
                (v as Record<string, unknown> | undefined)?.[SECRET_SIG.key] === SECRET_SIG.value;
            assert.deepEqual(resources.map((r) => r.urn.split("::").slice(2).join("::")).sort(), [
                "kubernetes:core/v1:Namespace::plugin",
                ...CONSTRUCTED,
                "pulumi:providers:kubernetes::default_4_34_2",
                "pulumi:providers:pulumi-rio::default",
                "pulumi:pulumi:Stack::plugin-test",
            ]);
            const web = byUrn("pulumi-rio:index:RioService$kubernetes:apps/v1:Deployment::web");
            assert.ok(isSecret(web.inputs!.spec), "the Deployment's spec holds the secret env, encrypted");
            const onDisk = fs
                .readdirSync(path.join(handle.home, "state"), { recursive: true, withFileTypes: true })
                .filter((e) => e.isFile())
                .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "utf8"));
            assert.ok(
                onDisk.some((f) => f.includes("pulumi-rio:index:RioService")),
                "the state files were read",
            );
            assert.equal(
                onDisk.filter((f) => f.includes(SECRET)).length,
                0,
                "the secret is in no state file in the clear",
            );

            const again = await stack.preview();
            assert.deepEqual(changes(again.changeSummary), { same: 13 }, "a second preview finds nothing to change");
        } finally {
            await handle.remove();
        }
        assert.equal(await kube.get(`/apis/apps/v1/namespaces/plugin/deployments/web`), undefined, "destroyed");
    });
});
