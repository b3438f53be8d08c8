/**
 * Build credentials as Pulumi resources (RioSystem `buildSecrets`: Rio's secret kinds), the build Job's mounts for
 * SSH and https clone secrets, the SSH clone step run for real against a local bare repository, deploy-time
 * resolution over SSH, and the continuous deployment's git token.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
    buildSecretData,
    checkBuildSecrets,
    checkCloneSecretKind,
    dockerConfigJson,
} from "../components/build/credentials";
import { CLONE_SCRIPT, gitContextUrl } from "../components/build/job";
import { gitResolver } from "../components/build/resolve";
import { parseRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { planSystem } from "../components/system/plan";
import { resolveSettings } from "../components/system/settings";
import { expectRio, rioError } from "./support/rioError";
import { validateObject } from "./support/schema";
import { git, GIT_ENV } from "./support/git";

const KEY =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----";
const KNOWN_HOSTS = "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const SHA = "f8fab97f8fab97f8fab97f8fab97f8fab97f8fab";
const cd = { repo: "https://github.com/acme/platform", stack: "acme/rio/civo", gitAuthSecret: "githubtoken" };
const ctx = { build: true, systemNamespace: "rio-system", gitAuthSecret: "githubtoken" };

function render(text: string) {
    return planObjects(
        planRiofile(parseRiofile(text, "Riofile"), { namespace: "shop", gateway: { domain: "apps.example.com" } }),
    ).map((p) => p.object as any);
}

describe("buildSecrets: Rio's secret kinds, checked", () => {
    it("plans each kind as its Kubernetes Secret type, in the builder namespace (the GitHub token next to the operator)", () => {
        const plans = checkBuildSecrets(
            {
                gitcredential: { kind: "gitBasicAuth", username: "bot", password: pulumi.secret("token") },
                "gitcredential-ssh": { kind: "gitSshKeyAuth", privateKey: KEY, knownHosts: KNOWN_HOSTS },
                dockerconfig: { kind: "docker", server: "ghcr.io", username: "bot", password: "pat" },
                hub: { kind: "docker", server: "docker.io", username: "bot", password: "pat" },
                githubtoken: { kind: "githubWebhook", token: "ghp_x" },
            },
            ctx,
        );
        assert.deepEqual(plans, [
            { name: "gitcredential", kind: "gitBasicAuth", namespace: "rio-build", type: "kubernetes.io/basic-auth" },
            {
                name: "gitcredential-ssh",
                kind: "gitSshKeyAuth",
                namespace: "rio-build",
                type: "kubernetes.io/ssh-auth",
            },
            {
                name: "dockerconfig",
                kind: "docker",
                namespace: "rio-build",
                type: "kubernetes.io/dockerconfigjson",
                server: "ghcr.io",
            },
            {
                name: "hub",
                kind: "docker",
                namespace: "rio-build",
                type: "kubernetes.io/dockerconfigjson",
                server: "https://index.docker.io/v1/",
            },
            { name: "githubtoken", kind: "githubWebhook", namespace: "rio-system", type: "Opaque" },
        ]);
        // The keys each consumer reads: BuildKit's GIT_AUTH_TOKEN (password), the clone step (ssh-privatekey,
        // known_hosts, newline-terminated as OpenSSH needs), docker's config, the operator's accessToken.
        assert.deepEqual(buildSecretData(plans[0]!, { username: "bot", password: "token" }), {
            username: "bot",
            password: "token",
        });
        assert.deepEqual(buildSecretData(plans[1]!, { privateKey: KEY, knownHosts: KNOWN_HOSTS }), {
            "ssh-privatekey": `${KEY}\n`,
            known_hosts: `${KNOWN_HOSTS}\n`,
        });
        assert.deepEqual(
            JSON.parse(
                buildSecretData(plans[2]!, { server: "ghcr.io", username: "bot", password: "pat" })[
                    ".dockerconfigjson"
                ]!,
            ),
            {
                auths: {
                    "ghcr.io": { username: "bot", password: "pat", auth: Buffer.from("bot:pat").toString("base64") },
                },
            },
        );
        assert.deepEqual(buildSecretData(plans[4]!, { token: "ghp_x" }), { accessToken: "ghp_x" });
        assert.equal(
            dockerConfigJson("r.example.com:5000", "u", "p:w"),
            '{"auths":{"r.example.com:5000":{"username":"u","password":"p:w","auth":"dTpwOnc="}}}',
        );
    });

    const bad: [string, Record<string, unknown>, (string | number)[], string, boolean?][] = [
        [
            "an SSH key without known_hosts",
            { k: { kind: "gitSshKeyAuth", privateKey: KEY } },
            ["buildSecrets", "k", "knownHosts"],
            "is required",
        ],
        [
            "known_hosts that pins nothing",
            { k: { kind: "gitSshKeyAuth", privateKey: KEY, knownHosts: "# none\n" } },
            ["buildSecrets", "k", "knownHosts"],
            "pins no host key: give the lines of `ssh-keyscan <host>`, checked against the host's published fingerprints",
        ],
        [
            "a known_hosts line that is not one",
            { k: { kind: "gitSshKeyAuth", privateKey: KEY, knownHosts: "github.com" } },
            ["buildSecrets", "k", "knownHosts"],
            'line 1 is not a known_hosts entry (host keytype base64-key): "github.com"',
        ],
        [
            "a private key that is not one",
            { k: { kind: "gitSshKeyAuth", privateKey: "ssh-ed25519 AAAA… (a public key)", knownHosts: KNOWN_HOSTS } },
            ["buildSecrets", "k", "privateKey"],
            "is not a private key (-----BEGIN … PRIVATE KEY-----); an encrypted key cannot be used by a build",
        ],
        [
            "an unknown secret kind",
            { k: { kind: "gitToken", token: "x" } },
            ["buildSecrets", "k", "kind"],
            'must be one of gitBasicAuth, gitSshKeyAuth, docker, githubWebhook, not "gitToken"',
        ],
        [
            "a name that is not a DNS subdomain",
            { Git_Credential: { kind: "gitBasicAuth", username: "u", password: "p" } },
            ["buildSecrets", "Git_Credential"],
            "Secret name \"Git_Credential\" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')",
        ],
        [
            "a misspelt field",
            { k: { kind: "gitBasicAuth", username: "u", pasword: "p" } },
            ["buildSecrets", "k", "pasword"],
            'unknown key; did you mean "password"?',
            true,
        ],
        [
            "a missing password",
            { k: { kind: "gitBasicAuth", username: "u" } },
            ["buildSecrets", "k", "password"],
            "is required",
        ],
        [
            "a registry server with a scheme",
            { k: { kind: "docker", server: "https://ghcr.io", username: "u", password: "p" } },
            ["buildSecrets", "k", "server"],
            '"https://ghcr.io" is not a registry host (e.g. ghcr.io, registry.example.com:5000)',
        ],
        [
            "not a map",
            { k: "token" },
            ["buildSecrets", "k"],
            "must be a map with a kind (gitBasicAuth, gitSshKeyAuth, docker, githubWebhook)",
        ],
        [
            "a GitHub token nothing uses",
            { other: { kind: "githubWebhook", token: "x" } },
            ["buildSecrets", "other"],
            "is the continuous deployment's git token: name it in continuousDeployment.gitAuthSecret (with the continuousDeployment feature on)",
        ],
        [
            "the operator's git token pointing at a build secret",
            { githubtoken: { kind: "gitBasicAuth", username: "u", password: "p" } },
            ["continuousDeployment", "gitAuthSecret"],
            '"githubtoken" is a gitBasicAuth secret in rio-build; the operator takes a githubWebhook token',
        ],
    ];
    for (const [what, input, p, detail, atKey] of bad) {
        it(`refuses ${what}`, () => {
            expectRio(() => checkBuildSecrets(input, ctx), p, detail, atKey ?? false);
        });
    }

    it("refuses git and registry secrets without the build feature (they are mounted into builds)", () => {
        expectRio(
            () =>
                checkBuildSecrets(
                    { gitcredential: { kind: "gitBasicAuth", username: "u", password: "p" } },
                    { ...ctx, build: false },
                ),
            ["buildSecrets", "gitcredential"],
            "is mounted into builds: it needs the build feature (the rio-build namespace builds run in)",
        );
    });

    it("a clone secret must fit its repository's scheme", () => {
        const declared = { ssh: "gitSshKeyAuth", basic: "gitBasicAuth" } as const;
        checkCloneSecretKind("git@github.com:acme/app.git", "ssh", declared);
        checkCloneSecretKind("https://github.com/acme/app", "basic", declared);
        checkCloneSecretKind("https://github.com/acme/app", "made-by-hand", declared);
        expectRio(
            () => checkCloneSecretKind("git@github.com:acme/app.git", "basic", declared),
            ["cloneSecretName"],
            '"basic" is a gitBasicAuth secret; cloning git@github.com:acme/app.git needs a gitSshKeyAuth secret',
        );
    });
});

describe("the build Job's credentials", () => {
    it("https: the clone secret's password is BuildKit's GIT_AUTH_TOKEN, and the URL gets the .git BuildKit needs", () => {
        assert.equal(gitContextUrl("https://github.com/rancher/rio-demo"), "https://github.com/rancher/rio-demo.git");
        assert.equal(gitContextUrl("https://github.com/rancher/rio-demo/"), "https://github.com/rancher/rio-demo.git");
        assert.equal(gitContextUrl("https://gitlab.com/a/b.git"), "https://gitlab.com/a/b.git");
        assert.equal(gitContextUrl("git@github.com:a/b"), "git@github.com:a/b");
        const [job] = render(
            `services:\n  web:\n    build:\n      repo: https://github.com/acme/private\n      revision: ${SHA}\n      cloneSecretName: gitcredential\n    ports: 8080/http\n`,
        );
        const spec = job.spec.template.spec;
        assert.equal(spec.initContainers, undefined);
        assert.equal(spec.securityContext, undefined);
        const c = spec.containers[0];
        assert.deepEqual(c.args.slice(0, 9), [
            "build",
            "--frontend",
            "dockerfile.v0",
            "--opt",
            `context=https://github.com/acme/private.git#${SHA}`,
            "--opt",
            "filename=Dockerfile",
            "--secret",
            "id=GIT_AUTH_TOKEN,env=GIT_AUTH_TOKEN",
        ]);
        assert.deepEqual(c.env, [
            { name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox" },
            { name: "GIT_AUTH_TOKEN", valueFrom: { secretKeyRef: { name: "gitcredential", key: "password" } } },
        ]);
        assert.deepEqual(spec.volumes, [{ name: "buildkitd", emptyDir: {} }]);
        validateObject(job);
    });

    it("SSH: an init container clones with the key and the pinned host keys; BuildKit builds the checkout and never sees the key", () => {
        const [job, deployment] = render(
            [
                "services:",
                "  web:",
                "    build:",
                "      repo: git@github.com:acme/private.git",
                `      revision: ${SHA}`,
                "      context: ./svc",
                "      dockerfile: svc/Dockerfile",
                "      cloneSecretName: gitcredential-ssh",
                "    ports: 8080/http",
            ].join("\n"),
        );
        const spec = job.spec.template.spec;
        assert.deepEqual(spec.securityContext, { fsGroup: 1000 });
        assert.deepEqual(spec.initContainers, [
            {
                name: "clone",
                image: "moby/buildkit:v0.32.2-rootless",
                command: ["sh", "-c", CLONE_SCRIPT],
                env: [
                    { name: "REPO", value: "git@github.com:acme/private.git" },
                    { name: "COMMIT", value: SHA },
                    { name: "HOME", value: "/workspace" },
                    {
                        name: "GIT_SSH_COMMAND",
                        value: "ssh -F /dev/null -i /etc/rio/git-ssh/ssh-privatekey -o IdentitiesOnly=yes -o UserKnownHostsFile=/etc/rio/git-ssh/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes",
                    },
                ],
                securityContext: {
                    runAsUser: 1000,
                    runAsGroup: 1000,
                    runAsNonRoot: true,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                },
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
                volumeMounts: [
                    { name: "source", mountPath: "/workspace" },
                    { name: "git-ssh", mountPath: "/etc/rio/git-ssh", readOnly: true },
                ],
            },
        ]);
        const c = spec.containers[0];
        assert.deepEqual(c.args.slice(0, 9), [
            "build",
            "--frontend",
            "dockerfile.v0",
            "--local",
            "context=/workspace/src/svc",
            "--local",
            "dockerfile=/workspace/src/svc",
            "--opt",
            "filename=Dockerfile",
        ]);
        assert.equal(
            c.args.some((a: string) => a.includes("GIT_AUTH_TOKEN")),
            false,
        );
        assert.deepEqual(c.env, [{ name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox" }]);
        assert.deepEqual(c.volumeMounts, [
            { name: "buildkitd", mountPath: "/home/user/.local/share/buildkit" },
            { name: "source", mountPath: "/workspace", readOnly: true },
        ]);
        assert.deepEqual(spec.volumes, [
            { name: "buildkitd", emptyDir: {} },
            { name: "source", emptyDir: {} },
            {
                name: "git-ssh",
                secret: {
                    secretName: "gitcredential-ssh",
                    defaultMode: 0o440,
                    items: [
                        { key: "ssh-privatekey", path: "ssh-privatekey" },
                        { key: "known_hosts", path: "known_hosts" },
                    ],
                },
            },
        ]);
        assert.equal(job.metadata.annotations["rio.pulumi-rio.dev/repo"], "git@github.com:acme/private.git");
        assert.match(
            deployment.spec.template.spec.containers[0].image,
            new RegExp(`^localhost:30500/shop/web:${SHA.slice(0, 12)}-[0-9a-f]{8}$`),
        );
        validateObject(job);
    });

    it("refuses an SSH repository without a clone secret (no key, and no host keys to pin)", () => {
        assert.throws(
            () =>
                render(
                    `services:\n  web:\n    build:\n      repo: ssh://git@git.example.com/acme/app.git\n      revision: ${SHA}\n`,
                ),
            (e: unknown) =>
                e instanceof Error &&
                e.message ===
                    "Riofile:4:7 services.web.build.cloneSecretName: cloning ssh://git@git.example.com/acme/app.git over SSH needs a clone secret of kind gitSshKeyAuth (its ssh-privatekey, and known_hosts pinning the host's keys)",
        );
    });
});

describe("the clone step and deploy-time resolution, with real git", () => {
    let dir: string;
    let url: string;
    let first: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-clone-"));
        git(dir, "init", "--quiet", "--bare", "--initial-branch=main", "app.git");
        const work = path.join(dir, "work");
        git(dir, "init", "--quiet", "--initial-branch=main", work);
        git(work, "remote", "add", "origin", path.join(dir, "app.git"));
        fs.mkdirSync(path.join(work, "svc"));
        fs.writeFileSync(path.join(work, "svc", "Dockerfile"), "FROM nginx:1.27-alpine\n");
        git(work, "add", "-A");
        git(work, "commit", "--quiet", "-m", "first");
        first = git(work, "rev-parse", "HEAD");
        fs.writeFileSync(path.join(work, "later"), "later\n");
        git(work, "add", "-A");
        git(work, "commit", "--quiet", "-m", "second");
        git(work, "push", "--quiet", "origin", "HEAD:refs/heads/main");
        url = `file://${path.join(dir, "app.git")}`;
    });

    it("the clone script checks out exactly the resolved commit, without .git, over file:// as over SSH", () => {
        assert.equal(
            gitResolver(url, { kind: "branch", name: "main" }),
            git(path.join(dir, "work"), "rev-parse", "HEAD"),
        );
        const workspace = path.join(dir, "workspace");
        fs.mkdirSync(workspace);
        execFileSync("sh", ["-c", CLONE_SCRIPT.replaceAll("/workspace", workspace)], {
            env: { ...GIT_ENV, REPO: url, COMMIT: first, HOME: workspace },
            stdio: "pipe",
        });
        assert.deepEqual(fs.readdirSync(path.join(workspace, "src")).sort(), ["svc"]);
        assert.equal(
            fs.readFileSync(path.join(workspace, "src", "svc", "Dockerfile"), "utf8"),
            "FROM nginx:1.27-alpine\n",
        );
    });

    it("a commit the server will not serve by itself falls back to a full fetch", () => {
        const workspace = path.join(dir, "workspace-v0");
        fs.mkdirSync(workspace);
        // Protocol v0 refuses a fetch of an unadvertised commit; the script then fetches everything.
        execFileSync("sh", ["-c", CLONE_SCRIPT.replaceAll("/workspace", workspace)], {
            env: {
                ...GIT_ENV,
                REPO: url,
                COMMIT: first,
                HOME: workspace,
                GIT_CONFIG_PARAMETERS: "'protocol.version=0'",
            },
            stdio: "pipe",
        });
        assert.deepEqual(fs.readdirSync(path.join(workspace, "src")).sort(), ["svc"]);
    });

    it("resolving over SSH uses this machine's ssh, fails fast without a terminal, and says so", () => {
        const repo = "ssh://git@127.0.0.1:1/acme/app.git";
        const started = Date.now();
        const err = rioError(() => gitResolver(repo, { kind: "branch", name: "main" }));
        assert.deepEqual(err.path, ["repo"]);
        // ssh's own words differ between versions (and without ssh, git says it cannot run it): what is fixed is
        // that its complaint comes first, not git's generic "Could not read from remote repository", then the hint.
        const hint =
            "(over SSH, the program uses this machine's ssh: its agent or ~/.ssh keys, ~/.ssh/config and known_hosts)";
        assert.ok(err.detail.startsWith(`cannot read ${repo}: `) && err.detail.endsWith(` ${hint}`), err.detail);
        const complaint = err.detail.slice(`cannot read ${repo}: `.length, -hint.length - 1);
        assert.match(complaint, /ssh/);
        assert.doesNotMatch(complaint, /Could not read from remote repository/);
        assert.ok(Date.now() - started < 20_000);
    });
});

describe("continuous deployment from a private infrastructure repository", () => {
    it("the operator's Stack clones with the githubWebhook token (PKO gitAuth.accessToken, in its own namespace)", () => {
        const plan = planSystem(
            resolveSettings({
                domain: "apps.example.com",
                features: { continuousDeployment: true },
                continuousDeployment: cd,
            }),
        );
        const stack = plan.objects.find((o) => o.object.kind === "Stack")!.object as any;
        assert.deepEqual(stack.spec.gitAuth, {
            accessToken: { type: "Secret", secret: { name: "githubtoken", key: "accessToken" } },
        });
        const without = planSystem(
            resolveSettings({
                domain: "apps.example.com",
                features: { continuousDeployment: true },
                continuousDeployment: { ...cd, gitAuthSecret: undefined },
            }),
        );
        assert.equal((without.objects.find((o) => o.object.kind === "Stack")!.object as any).spec.gitAuth, undefined);
    });

    it("refuses a token for an SSH repository, and a name that is not a Secret name", () => {
        expectRio(
            () =>
                resolveSettings({
                    features: { continuousDeployment: true },
                    continuousDeployment: { ...cd, repo: "git@github.com:acme/platform.git" },
                }),
            ["continuousDeployment", "gitAuthSecret"],
            "is a token, which the operator sends over https; git@github.com:acme/platform.git is not an https URL",
        );
        expectRio(
            () =>
                resolveSettings({
                    features: { continuousDeployment: true },
                    continuousDeployment: { ...cd, gitAuthSecret: "GitHub Token" },
                }),
            ["continuousDeployment", "gitAuthSecret"],
            "Secret name \"GitHub Token\" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')",
        );
    });
});

describe("buildSecrets under the mock engine", () => {
    let rio: typeof import("../components");
    let mocks: typeof import("./support/mocks");
    before(async () => {
        mocks = await import("./support/mocks");
        await mocks.installMocks("credentials", false, (type) =>
            type === "kubernetes:gateway.networking.k8s.io/v1:Gateway"
                ? { status: { addresses: [{ value: "203.0.113.10" }] } }
                : undefined,
        );
        rio = await import("../components");
    });
    beforeEach(() => mocks.reset());

    it("registers each Secret with its type, keys, name and namespace, every value a Pulumi secret", async () => {
        const sys = new rio.RioSystem("sys", {
            domain: "apps.example.com",
            features: { build: true, continuousDeployment: true },
            continuousDeployment: cd,
            buildSecrets: {
                gitcredential: { kind: "gitBasicAuth", username: "bot", password: pulumi.secret("token") },
                "gitcredential-ssh": { kind: "gitSshKeyAuth", privateKey: pulumi.secret(KEY), knownHosts: KNOWN_HOSTS },
                dockerconfig: { kind: "docker", server: "ghcr.io", username: "bot", password: "pat" },
                githubtoken: { kind: "githubWebhook", token: "ghp_x" },
            },
        });
        await mocks.settle(sys);
        const builder = {
            "app.kubernetes.io/name": "builder",
            "app.kubernetes.io/part-of": "rio-system",
            "app.kubernetes.io/managed-by": "pulumi-rio",
        };
        const expected: [string, Record<string, unknown>][] = [
            [
                "sys-secret-gitcredential",
                {
                    metadata: { name: "gitcredential", namespace: "rio-build", labels: builder },
                    type: "kubernetes.io/basic-auth",
                    stringData: { username: "bot", password: "token" },
                },
            ],
            [
                "sys-secret-gitcredential-ssh",
                {
                    metadata: { name: "gitcredential-ssh", namespace: "rio-build", labels: builder },
                    type: "kubernetes.io/ssh-auth",
                    stringData: { "ssh-privatekey": `${KEY}\n`, known_hosts: `${KNOWN_HOSTS}\n` },
                },
            ],
            [
                "sys-secret-dockerconfig",
                {
                    metadata: { name: "dockerconfig", namespace: "rio-build", labels: builder },
                    type: "kubernetes.io/dockerconfigjson",
                    stringData: { ".dockerconfigjson": dockerConfigJson("ghcr.io", "bot", "pat") },
                },
            ],
            [
                "sys-secret-githubtoken",
                {
                    metadata: {
                        name: "githubtoken",
                        namespace: "rio-system",
                        labels: { ...builder, "app.kubernetes.io/name": "continuous-deployment" },
                    },
                    type: "Opaque",
                    stringData: { accessToken: "ghp_x" },
                },
            ],
        ];
        for (const [name, inputs] of expected) {
            const secret = mocks.one("kubernetes:core/v1:Secret", name);
            assert.deepEqual(secret.inputs, { apiVersion: "v1", kind: "Secret", ...inputs }, name);
            assert.deepEqual(secret.secretInputs, ["stringData"], name);
            validateObject(secret.inputs);
        }
        const stack = mocks.kubeObjects().find((o) => o.kind === "Stack")!;
        assert.deepEqual(stack.spec.gitAuth, {
            accessToken: { type: "Secret", secret: { name: "githubtoken", key: "accessToken" } },
        });
        mocks.assertUniqueUrns();
    });

    it("refuses bad buildSecrets before registering anything", () => {
        assert.throws(
            () =>
                new rio.RioSystem("bad", {
                    domain: "apps.example.com",
                    features: { build: true },
                    buildSecrets: { "gitcredential-ssh": { kind: "gitSshKeyAuth", privateKey: KEY } as any },
                }),
            (e: unknown) =>
                e instanceof pulumi.ResourceError &&
                e.message === 'RioSystem "bad": buildSecrets.gitcredential-ssh.knownHosts: is required',
        );
        assert.equal(mocks.registered.length, 0);
    });
});
