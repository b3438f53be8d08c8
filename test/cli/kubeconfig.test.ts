/** The kubeconfig as kubectl reads it: KUBECONFIG's files merged, the current context, one context for the client. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { RioInputError } from "../../components/errors";
import { contextConfig, currentContext, kubeconfigFiles, loadKubeconfig } from "../../components/cli/kubeconfig";
import { KubeClient } from "../../components/cli/kubeClient";

describe("the kubeconfig", () => {
    let dir: string;
    let first: string;
    let second: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-kubeconfig-"));
        fs.mkdirSync(path.join(dir, "pki"));
        fs.writeFileSync(path.join(dir, "pki", "ca.crt"), "CA PEM\n");
        fs.writeFileSync(path.join(dir, "token"), "file-token\n");
        first = path.join(dir, "first.yaml");
        second = path.join(dir, "second.yaml");
        fs.writeFileSync(
            first,
            stringify({
                "current-context": "dev",
                clusters: [
                    {
                        name: "dev",
                        cluster: { server: "https://dev.example.com:6443/", "certificate-authority": "pki/ca.crt" },
                    },
                ],
                users: [{ name: "dev", user: { tokenFile: "token" } }],
                contexts: [{ name: "dev", context: { cluster: "dev", user: "dev", namespace: "team" } }],
            }),
        );
        fs.writeFileSync(
            second,
            stringify({
                "current-context": "prod",
                clusters: [
                    { name: "dev", cluster: { server: "https://ignored.example.com" } },
                    {
                        name: "prod",
                        cluster: {
                            server: "https://prod.example.com",
                            "certificate-authority-data": Buffer.from("PROD CA").toString("base64"),
                            "tls-server-name": "api.prod",
                        },
                    },
                ],
                users: [
                    {
                        name: "prod",
                        user: {
                            "client-certificate-data": Buffer.from("CERT").toString("base64"),
                            "client-key-data": Buffer.from("KEY").toString("base64"),
                        },
                    },
                    {
                        name: "eks",
                        user: {
                            exec: {
                                apiVersion: "client.authentication.k8s.io/v1beta1",
                                command: "aws",
                                args: ["eks", "get-token"],
                                env: [{ name: "AWS_PROFILE", value: "prod" }],
                            },
                        },
                    },
                    {
                        name: "local",
                        user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "./bin/cred" } },
                    },
                ],
                contexts: [
                    { name: "prod", context: { cluster: "prod", user: "prod" } },
                    { name: "eks", context: { cluster: "prod", user: "eks" } },
                    { name: "local", context: { cluster: "prod", user: "local" } },
                    { name: "lost", context: { cluster: "nowhere", user: "prod" } },
                ],
            }),
        );
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is KUBECONFIG's list, else ~/.kube/config", () => {
        assert.deepEqual(kubeconfigFiles({ KUBECONFIG: `${first}${path.delimiter}${second}` }), [first, second]);
        assert.deepEqual(kubeconfigFiles({}), [path.join(os.homedir(), ".kube", "config")]);
    });

    it("merges as kubectl: the first file's current context and entries win, missing files are skipped", () => {
        const kube = loadKubeconfig({ KUBECONFIG: [path.join(dir, "missing"), first, second].join(path.delimiter) });
        assert.equal(currentContext(kube), "dev");
        // One context for the client, its paths absolute against the file it came from, its tokenFile read.
        assert.deepEqual(contextConfig(kube, "dev"), {
            apiVersion: "v1",
            kind: "Config",
            "current-context": "dev",
            clusters: [
                {
                    name: "cluster",
                    cluster: {
                        server: "https://dev.example.com:6443/",
                        "certificate-authority": path.join(dir, "pki", "ca.crt"),
                    },
                },
            ],
            users: [{ name: "user", user: { token: "file-token" } }],
            contexts: [{ name: "dev", context: { cluster: "cluster", user: "user", namespace: "team" } }],
        });
    });

    it("the client authenticates with what the context gives: the CA file, the token file", async () => {
        const kube = loadKubeconfig({ KUBECONFIG: [first, second].join(path.delimiter) });
        const client = new KubeClient(kube, "dev");
        assert.equal(client.config.getCurrentCluster()?.server, "https://dev.example.com:6443");
        const opts: { ca?: Buffer; headers?: Record<string, string> } = {};
        await client.config.applyToHTTPSOptions(opts);
        assert.equal(opts.ca?.toString(), "CA PEM\n");
        assert.equal(opts.headers?.Authorization, "Bearer file-token");
    });

    it("keeps embedded certificates, a TLS server name and exec credential plugins; a relative plugin path is the file's", () => {
        const kube = loadKubeconfig({ KUBECONFIG: second });
        assert.equal(currentContext(kube), "prod");
        const prod = contextConfig(kube, "prod");
        assert.deepEqual(prod.clusters[0]!.cluster, {
            server: "https://prod.example.com",
            "certificate-authority-data": Buffer.from("PROD CA").toString("base64"),
            "tls-server-name": "api.prod",
        });
        assert.deepEqual(prod.users[0]!.user, {
            "client-certificate-data": Buffer.from("CERT").toString("base64"),
            "client-key-data": Buffer.from("KEY").toString("base64"),
        });
        assert.deepEqual(contextConfig(kube, "eks").users[0]!.user.exec, {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token"],
            env: [{ name: "AWS_PROFILE", value: "prod" }],
        });
        assert.deepEqual(contextConfig(kube, "local").users[0]!.user.exec, {
            apiVersion: "client.authentication.k8s.io/v1",
            command: path.join(dir, "bin", "cred"),
        });
    });

    it("says what is missing: no current context, an unknown context, a context without a server", () => {
        const none = loadKubeconfig({ KUBECONFIG: path.join(dir, "missing") });
        assert.throws(
            () => currentContext(none),
            (e: RioInputError) =>
                e.message ===
                `no current kube context in ${path.join(dir, "missing")}: choose one (kubectl config use-context NAME), or give --kubeconfig`,
        );
        const kube = loadKubeconfig({ KUBECONFIG: second });
        assert.throws(
            () => contextConfig(kube, "nope"),
            (e: RioInputError) => e.message === `kube context "nope" is not in ${second}`,
        );
        assert.throws(
            () => contextConfig(kube, "lost"),
            (e: RioInputError) => e.message === 'kube context "lost": its cluster "nowhere" has no server',
        );
    });
});
