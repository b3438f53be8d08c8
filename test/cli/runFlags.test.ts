/**
 * `rio run`'s flags → a Riofile service, in Rio's grammar: each case is the flags, the Riofile service they give,
 * and what the Riofile loader makes of it — the same as the Riofile keys written by hand, so flags and Riofile
 * keys cannot disagree.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { checkRiofile, parseRiofile } from "../../components/riofile/load";
import { normalizeApp } from "../../components/service/app";
import { checkContent, textOf } from "../../components/cli/riofileEdit";
import { checkRunService, isGitRepository, parseEnvFile, RunFlags, runService } from "../../components/cli/runFlags";
import { parseServiceName, randomName } from "../../components/cli/serviceName";

const NO_INPUTS = {
    lookupEnv: () => undefined,
    readFile: (f: string): string => {
        throw Object.assign(new Error(`ENOENT: ${f}`), { code: "ENOENT" });
    },
};

/** The loader's view of one service (what RioService plans from). */
const loaded = (service: Record<string, unknown>) => {
    const riofile = checkRiofile({ services: { app: service } }, "test");
    return normalizeApp("app", riofile.services[0]!.spec).versions[0]!;
};

const CASES: { name: string; flags: RunFlags; args?: string[]; service: Record<string, unknown>; riofile: string }[] = [
    {
        name: "-p 8080: one HTTP port, the container's 8080 behind Service port 8080",
        flags: { ports: ["8080"] },
        service: { image: "nginx", ports: ["8080"] },
        riofile: "image: nginx\nports: 8080",
    },
    {
        name: "-p 80:8080/http: Service port 80 to container port 8080",
        flags: { ports: ["80:8080/http"] },
        service: { image: "nginx", ports: ["80:8080/http"] },
        riofile: "image: nginx\nports: 80:8080/http",
    },
    {
        name: "several -p, with names and an internal port",
        flags: { ports: ["80:8080/http,web", "9090/http,metrics,internal"] },
        service: { image: "nginx", ports: ["80:8080/http,web", "9090/http,metrics,internal"] },
        riofile: "image: nginx\nports:\n  - 80:8080/http,web\n  - 9090/http,metrics,internal",
    },
    {
        name: "--scale 3: a count",
        flags: { scale: "3" },
        service: { image: "nginx", scale: 3 },
        riofile: "image: nginx\nscale: 3",
    },
    {
        name: "--scale 1-10: autoscaling between 1 and 10 (on concurrency, Rio's default)",
        flags: { ports: ["8080"], scale: "1-10" },
        service: { image: "nginx", ports: ["8080"], scale: "1-10" },
        riofile: "image: nginx\nports: 8080\nscale: 1-10",
    },
    {
        name: "-e K=V twice and --cpus/--memory",
        flags: { env: ["A=1", "B=two words"], cpus: "250m", memory: "128Mi" },
        service: { image: "nginx", env: ["A=1", "B=two words"], cpus: "250m", memory: "128Mi" },
        riofile: "image: nginx\nenv:\n  - A=1\n  - B=two words\ncpus: 250m\nmemory: 128Mi",
    },
    {
        name: "trailing arguments replace the image's command arguments",
        flags: {},
        args: ["-g", "daemon off;"],
        service: { image: "nginx", args: ["-g", "daemon off;"] },
        riofile: 'image: nginx\nargs: ["-g", "daemon off;"]',
    },
];

describe("rio run flags → Riofile service", () => {
    for (const c of CASES) {
        it(c.name, () => {
            const service = runService("nginx", c.args ?? [], c.flags, NO_INPUTS);
            assert.deepEqual(service, c.service);
            const fromText = parseRiofile(`services:\n  app:\n${c.riofile.replace(/^/gm, "    ")}\n`, "Riofile");
            assert.deepEqual(loaded(service), normalizeApp("app", fromText.services[0]!.spec).versions[0]);
        });
    }

    it("-p 8080 is Rio's: HTTP, exposed, Service port = container port", () => {
        const v = loaded(runService("nginx", [], { ports: ["8080"] }, NO_INPUTS));
        assert.deepEqual(v.ports, [
            { name: "http-8080", port: 8080, targetPort: 8080, protocol: "http", expose: true, hostPort: false },
        ]);
    });

    it("--scale 1-10 autoscales on concurrency between 1 and 10", () => {
        const v = loaded(runService("nginx", [], { ports: ["8080"], scale: "1-10" }, NO_INPUTS));
        assert.deepEqual(v.autoscale, { kind: "concurrency", concurrency: 10, min: 1, max: 10 });
    });

    it("env files first, then -e, the last of a name winning; a bare NAME takes rio's own variable or nothing", () => {
        const files: Record<string, string> = { "app.env": "\uFEFF# comment\n\nA=from-file\n  B=b\nHOME\nUNSET\n" };
        const service = runService(
            "nginx",
            [],
            { envFile: ["app.env"], env: ["A=from-flag", "USER", "NOPE", "C=x=y"] },
            {
                lookupEnv: (n) => ({ HOME: "/home/rio", USER: "rio" })[n],
                readFile: (f) => files[f]!,
            },
        );
        assert.deepEqual(service.env, ["B=b", "HOME=/home/rio", "A=from-flag", "USER=rio", "C=x=y"]);
    });

    it("an env file's bad line is located; a missing file is named", () => {
        assert.throws(
            () => parseEnvFile("A=1\nBAD NAME=2\n", "app.env", () => undefined),
            (e: RioInputError) => e.message === '--env-file app.env:2: "BAD NAME" is not a variable name',
        );
        assert.throws(
            () => runService("nginx", [], { envFile: ["missing.env"] }, NO_INPUTS),
            (e: RioInputError) => e.message === "--env-file missing.env: no such file",
        );
    });
});

describe("rio run: errors name the flag", () => {
    const bad: [string, RunFlags, string][] = [
        ["-p abc", { ports: ["abc"] }, '--ports: port "abc" is not a number'],
        ["-p 80:99999", { ports: ["80:99999"] }, "--ports: target port 99999 is out of range (1-65535)"],
        ["--scale 5-2", { scale: "5-2" }, "--scale: the minimum (5) is above the maximum (2)"],
        [
            "--scale 1-10 without a port",
            { scale: "1-10" },
            "--scale: autoscaling on concurrency counts requests through the gateway, so it needs an exposed port; expose one, or scale on cpu/memory",
        ],
        ["--scale -1", { scale: "-1" }, '--scale: scale must be a whole number of replicas ≥ 0, not "-1"'],
    ];
    for (const [name, flags, message] of bad)
        it(name, () => {
            assert.throws(
                () => checkRunService("hello-world", runService("nginx", [], flags, NO_INPUTS)),
                (e: RioInputError) => e instanceof RioInputError && e.message === message,
            );
        });
});

describe("rio run -n [ns:]name[@version]", () => {
    it("name alone, with a version, with a namespace, with both", () => {
        assert.deepEqual(parseServiceName("app", "--name"), { app: "app" });
        assert.deepEqual(parseServiceName("app@v2", "--name"), { app: "app", version: "v2" });
        assert.deepEqual(parseServiceName("team:app", "--name"), { namespace: "team", app: "app" });
        assert.deepEqual(parseServiceName("ns:app@v2", "--name"), { namespace: "ns", app: "app", version: "v2" });
    });
    it("refuses what Kubernetes would: names the flag and the part", () => {
        assert.throws(
            () => parseServiceName("ns:App@v2", "--name"),
            (e: RioInputError) =>
                e.message ===
                `--name: name "App" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
        );
        assert.throws(
            () => parseServiceName("a:b:c", "--name"),
            (e: RioInputError) => e.message === '--name: "a:b:c" is not [namespace:]name[@version]',
        );
        assert.throws(
            () => parseServiceName("app@", "--name"),
            (e: RioInputError) => /^--name: version "" is /.test(e.message),
        );
    });
    it("without -n, a random name not yet taken", () => {
        const seq = [0, 0, 0, 0, 0, 0.5];
        let i = 0;
        const random = () => seq[i++ % seq.length]!;
        assert.equal(randomName(new Set(), random), "brave-badger0");
        i = 0;
        assert.equal(randomName(new Set(["brave-badger0"]), random), "brave-badger5000");
    });
});

/** What `rio run` keeps in the stack for the service: the loader's normalized text of it. */
const kept = (service: Record<string, unknown>) =>
    textOf(checkContent({ services: { "cd-demo": service } }, "default"));

const REPO = "https://github.com/rancher/rio-demo";

const BUILD_CASES: {
    name: string;
    image?: string;
    flags: RunFlags;
    build: Record<string, unknown>;
    riofile: string;
}[] = [
    {
        name: "https:// (the walkthrough's rio run -n cd-demo -p 8080 https://github.com/rancher/rio-demo)",
        flags: { ports: ["8080"] },
        build: { repo: REPO },
        riofile: `ports:\n  - "8080"\nbuild:\n  repo: ${REPO}`,
    },
    {
        name: "http://",
        image: "http://127.0.0.1:8000/rio-demo.git",
        flags: {},
        build: { repo: "http://127.0.0.1:8000/rio-demo.git" },
        riofile: "build:\n  repo: http://127.0.0.1:8000/rio-demo.git",
    },
    {
        name: "git@host:org/repo with --build-clone-secret (the walkthrough's SSH form, with its colon)",
        image: "git@github.com:rancher/rio-demo",
        flags: { buildCloneSecret: "gitcredential-ssh" },
        build: { repo: "git@github.com:rancher/rio-demo", cloneSecretName: "gitcredential-ssh" },
        riofile: "build:\n  repo: git@github.com:rancher/rio-demo\n  cloneSecretName: gitcredential-ssh",
    },
    {
        name: "ssh://",
        image: "ssh://git@github.com/rancher/rio-demo.git",
        flags: {},
        build: { repo: "ssh://git@github.com/rancher/rio-demo.git" },
        riofile: "build:\n  repo: ssh://git@github.com/rancher/rio-demo.git",
    },
    {
        name: "--build-branch",
        flags: { buildBranch: "dev" },
        build: { repo: REPO, branch: "dev" },
        riofile: `build:\n  repo: ${REPO}\n  branch: dev`,
    },
    {
        name: "--build-revision",
        flags: { buildRevision: "v1.2.0" },
        build: { repo: REPO, revision: "v1.2.0" },
        riofile: `build:\n  repo: ${REPO}\n  revision: v1.2.0`,
    },
    {
        name: "--build-dockerfile and --build-context",
        flags: { buildDockerfile: "docker/Dockerfile.prod", buildContext: "docker" },
        build: { repo: REPO, dockerfile: "docker/Dockerfile.prod", context: "docker" },
        riofile: `build:\n  repo: ${REPO}\n  dockerfile: docker/Dockerfile.prod\n  context: docker`,
    },
    {
        name: "--build-registry, --build-image-name and --build-docker-push-secret",
        flags: { buildRegistry: "ghcr.io", buildImageName: "acme/demo:latest", buildDockerPushSecret: "dockerconfig" },
        build: {
            repo: REPO,
            pushRegistrySecretName: "dockerconfig",
            pushRegistry: "ghcr.io",
            imageName: "acme/demo:latest",
        },
        riofile: `build:\n  repo: ${REPO}\n  imageName: acme/demo:latest\n  pushRegistry: ghcr.io\n  pushRegistrySecretName: dockerconfig`,
    },
    {
        name: "--build-timeout: a Go duration, as whole seconds",
        flags: { buildTimeout: "1h30m" },
        build: { repo: REPO, timeout: 5400 },
        riofile: `build:\n  repo: ${REPO}\n  timeout: 5400`,
    },
    {
        name: "--build-timeout 90.5s: truncated to whole seconds, as Rio did",
        flags: { buildTimeout: "90.5s" },
        build: { repo: REPO, timeout: 90 },
        riofile: `build:\n  repo: ${REPO}\n  timeout: 90`,
    },
    {
        name: "--build-tag with --build-tag-include and --build-tag-exclude: the newest matching tag",
        flags: { buildTag: true, buildTagInclude: "^v1\\.", buildTagExclude: "-rc" },
        build: { repo: REPO, tag: true, tagInclude: "^v1\\.", tagExclude: "-rc" },
        riofile: `build:\n  repo: ${REPO}\n  tag: true\n  tagInclude: ^v1\\.\n  tagExclude: -rc`,
    },
    {
        name: "file:// (a local bare repository, as the Riofile takes it)",
        image: "file:///srv/git/rio-demo.git",
        flags: {},
        build: { repo: "file:///srv/git/rio-demo.git" },
        riofile: "build:\n  repo: file:///srv/git/rio-demo.git",
    },
];

describe("rio run GIT-URL: the service's build, each --build-* flag its Riofile key", () => {
    for (const c of BUILD_CASES)
        it(c.name, () => {
            const service = runService(c.image ?? REPO, [], c.flags, NO_INPUTS);
            assert.deepEqual(service, { build: c.build, ...(c.flags.ports && { ports: c.flags.ports }) });
            assert.deepEqual(checkRunService("cd-demo", service), { service, warnings: [] });
            assert.equal(kept(service), `services:\n  cd-demo:\n${c.riofile.replace(/^/gm, "    ")}\n`);
            const fromText = parseRiofile(`services:\n  app:\n${c.riofile.replace(/^/gm, "    ")}\n`, "Riofile");
            assert.deepEqual(loaded(service), normalizeApp("app", fromText.services[0]!.spec).versions[0]);
        });

    it("isGitRepository: Rio's test (.git, http:, https:, git@) and the Riofile's other git URLs; images are not", () => {
        for (const repo of [
            REPO,
            "http://h/r",
            "git@h:o/r",
            "git@h/o/r",
            "ssh://h/r",
            "git://h/r",
            "file:///r",
            "h/r.git",
        ])
            assert.equal(isGitRepository(repo), true, repo);
        for (const image of ["nginx", "rancher/hello-world:v0.1.2", "ghcr.io/acme/app@sha256:00", "localhost:5000/a"])
            assert.equal(isGitRepository(image), false, image);
    });

    it("the flags pulumi-rio ignores are dropped with the loader's own warnings, naming the flag", () => {
        const service = runService(
            REPO,
            [],
            { buildWebhookSecret: "githubtoken", buildPr: true, buildTagInclude: "^v", buildCloneSecret: "Git_Cred" },
            NO_INPUTS,
        );
        assert.deepEqual(service, {
            build: {
                repo: REPO,
                webhookSecretName: "githubtoken",
                cloneSecretName: "Git_Cred",
                pr: true,
                tagInclude: "^v",
            },
        });
        assert.deepEqual(checkRunService("cd-demo", service).warnings, [
            "--build-webhook-secret: is ignored: pulumi-rio registers no GitHub webhook; a new commit is built at the next pulumi up (the operator's resync, or the poll of rio cd github-workflow)",
            "--build-pr: is ignored: pulumi-rio builds no revision per pull request; a pull request of the stack's own repository gets a preview (PreviewEnv, rio cd preview-workflow) whose builds of it follow the pull request's branch",
            "--build-tag-include: is ignored, as Rio ignored it: it filters the tags of a tag build, and tag is not true",
            '--build-clone-secret: is ignored: no Secret can be named "Git_Cred" (Kubernetes names are lowercase DNS-1123 subdomains), so the build runs without it',
        ]);
        // The same as the Riofile's keys written by hand: the loader keeps none of them.
        assert.equal(kept(service), `services:\n  cd-demo:\n    build:\n      repo: ${REPO}\n`);
    });
});

/** Rio's docs' `rio run` lines, with the flags as commander gives them: the service, and what the loader warns. */
const COMMAND_LINES: {
    line: string;
    image: string;
    flags: RunFlags;
    service: Record<string, unknown>;
    warnings: string[];
    riofile: string;
}[] = [
    {
        line: `rio run -p 8080 -n example-cd --build-webhook-secret=githubtoken --build-pr --template ${REPO}`,
        image: REPO,
        flags: {
            ports: ["8080"],
            name: "example-cd",
            buildWebhookSecret: "githubtoken",
            buildPr: true,
            template: true,
        },
        service: { build: { repo: REPO, webhookSecretName: "githubtoken", pr: true }, ports: ["8080"], template: true },
        warnings: [
            "--build-webhook-secret: is ignored: pulumi-rio registers no GitHub webhook; a new commit is built at the next pulumi up (the operator's resync, or the poll of rio cd github-workflow)",
            "--build-pr: is ignored: pulumi-rio builds no revision per pull request; a pull request of the stack's own repository gets a preview (PreviewEnv, rio cd preview-workflow) whose builds of it follow the pull request's branch",
            "--template: is ignored: a new commit rolls the same workload in place at the next build, which is what Rio's template did from the user's side (the new commit gets all the traffic); pulumi-rio keeps no version per commit, and pull requests get a PreviewEnv",
        ],
        riofile: `services:\n  example-cd:\n    ports:\n      - "8080"\n    build:\n      repo: ${REPO}\n`,
    },
];

describe("rio run: the walkthrough's command lines, their service and the loader's warnings naming each flag", () => {
    for (const c of COMMAND_LINES)
        it(c.line, () => {
            const { app } = parseServiceName(c.flags.name!, "--name");
            const service = runService(c.image, [], c.flags, NO_INPUTS);
            assert.deepEqual(service, c.service);
            assert.deepEqual(checkRunService(app, service), { service, warnings: c.warnings });
            // What the stack keeps: the keys pulumi-rio ignores are gone, as when the Riofile is written by hand.
            assert.equal(textOf(checkContent({ services: { [app]: service } }, "default")), c.riofile);
        });
});

describe("rio run GIT-URL: refusals name the flag", () => {
    const bad: [string, string, RunFlags, string][] = [
        [
            "the walkthrough's git@github.com/rancher/rio-demo (no colon: git reads a folder)",
            "git@github.com/rancher/rio-demo",
            {},
            'IMAGE: "git@github.com/rancher/rio-demo" is not a git URL (https://…, ssh://…, git@host:path or file://…); over SSH a colon follows the host: git@github.com:rancher/rio-demo',
        ],
        [
            "a name ending in .git that is no URL",
            "rio-demo.git",
            {},
            'IMAGE: "rio-demo.git" is not a git URL (https://…, ssh://…, git@host:path or file://…)',
        ],
        [
            "--build-* with an image to run",
            "nginx",
            { buildBranch: "dev" },
            '--build-branch: IMAGE "nginx" is an image to run, not a git repository to build (https://…, http://…, git@host:path, ssh://…, or a name ending in .git)',
        ],
        [
            "--build-tag with --build-branch (Rio refused it too)",
            REPO,
            { buildTag: true, buildBranch: "dev" },
            "--build-branch: a tag build follows tags, not a branch or revision",
        ],
        [
            "--build-tag with --build-revision",
            REPO,
            { buildTag: true, buildRevision: "v1" },
            "--build-revision: a tag build follows tags, not a branch or revision",
        ],
        ["--build-branch a bad name", REPO, { buildBranch: "a b" }, '--build-branch: "a b" is not a branch name'],
        [
            "--build-revision a bad ref",
            REPO,
            { buildRevision: "v1..v2" },
            '--build-revision: "v1..v2" is not a tag or commit',
        ],
        [
            "--build-dockerfile outside the repository",
            REPO,
            { buildDockerfile: "/etc/Dockerfile" },
            `--build-dockerfile: dockerfile "/etc/Dockerfile" must be a path inside the repository (relative, without '..')`,
        ],
        [
            "--build-context outside the repository",
            REPO,
            { buildContext: "../x" },
            `--build-context: context "../x" must be a path inside the repository (relative, without '..')`,
        ],
        [
            "--build-image-name not an image name",
            REPO,
            { buildImageName: "Acme/Demo" },
            '--build-image-name: "Acme/Demo" is not an image name: lowercase path parts (a-z, 0-9, and . _ - between them) separated by /, then an optional :tag',
        ],
        [
            "--build-tag-include not a regular expression",
            REPO,
            { buildTag: true, buildTagInclude: "(" },
            '--build-tag-include: "(" is not a valid regular expression: Invalid regular expression: /(/: Unterminated group',
        ],
        [
            "--build-tag-exclude not a regular expression",
            REPO,
            { buildTag: true, buildTagExclude: "[" },
            '--build-tag-exclude: "[" is not a valid regular expression: Invalid regular expression: /[/: Unterminated character class',
        ],
        [
            "--build-registry empty",
            REPO,
            { buildRegistry: "" },
            "--build-registry: string must contain at least 1 character(s)",
        ],
        [
            "--build-timeout not a duration",
            REPO,
            { buildTimeout: "ten" },
            '--build-timeout: "ten" is not a duration (like 90s, 5m, 1h30m)',
        ],
        [
            "--build-timeout under a second",
            REPO,
            { buildTimeout: "500ms" },
            "--build-timeout: number must be greater than or equal to 1",
        ],
        [
            "--stage-only",
            REPO,
            { stageOnly: true },
            "--stage-only: is not supported: pulumi-rio makes no staged service per commit; pull requests get a PreviewEnv",
        ],
    ];
    for (const [name, image, flags, message] of bad)
        it(name, () => {
            assert.throws(
                () => checkRunService("cd-demo", runService(image, [], flags, NO_INPUTS)),
                (e: RioInputError) => e instanceof RioInputError && e.message === message,
            );
        });
});
