/**
 * What Rio's parser took in a Riofile that pulumi-rio's own keys refuse or read differently (Rio's Reference and
 * docs write these): taken with Rio's meaning, each with a warning located at its key.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRiofile, Riofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { formatWarning } from "../components/riofile/warnings";
import { validateObject } from "./support/schema";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

function load(lines: string[]): Riofile {
    return parseRiofile(lines.join("\n"), "Riofile");
}

function render(riofile: Riofile): any[] {
    const objects = planObjects(
        planRiofile(riofile, {
            namespace: "shop",
            gateway: { domain: "apps.example.com" },
            resolveCommit: () => COMMIT,
        }),
    ).map((p) => p.object);
    // Flagger's Canary has no schema here (test/cluster checks it against Flagger's CRD).
    objects.filter((o) => o.kind !== "Canary").forEach(validateObject);
    return objects;
}

const warnings = (r: Riofile) => (r.warnings ?? []).map(formatWarning);

describe("Rio's forms in a Riofile", () => {
    it("an image together with a build: the service runs the built image, as Rio ended up doing", () => {
        const r = load([
            "services:",
            "  web:",
            "    image: nginx",
            "    build:",
            "      repo: https://github.com/rancher/rio-demo",
            "      revision: v0.1.0",
            "    ports: 8080/http",
        ]);
        assert.deepEqual(warnings(r), [
            "Riofile:3:5 services.web.image: is ignored: the service runs the image its build makes (Rio ran this one only until the build first succeeded)",
        ]);
        const objects = render(r);
        assert.deepEqual(
            objects.map((o) => o.kind),
            ["Job", "Deployment", "Service", "HTTPRoute"],
        );
        const image: string = objects[1].spec.template.spec.containers[0].image;
        assert.match(image, new RegExp(`^localhost:30500/shop/web:${COMMIT.slice(0, 12)}-[0-9a-f]{8}$`));
    });

    it("a rollout interval under Flagger's 10 s is raised to 10 s, the increment growing so the traffic moves as fast", () => {
        const r = load([
            "services:",
            "  web:",
            "    image: nginx",
            "    ports: 8080/http",
            "    rollout:",
            "      increment: 5",
            "      interval: 2",
        ]);
        assert.deepEqual(warnings(r), [
            "Riofile:7:7 services.web.rollout.interval: 2 seconds is raised to 10, the shortest step Flagger takes (it analyses a canary at most every 10 s); increment 5 becomes 25, so the traffic moves as fast as Rio moved it",
        ]);
        const canary = render(r).find((o) => o.kind === "Canary");
        assert.deepEqual(canary.spec.analysis, { interval: "10s", threshold: 5, stepWeight: 25, maxWeight: 100 });
        // Without an increment, the step already follows the rollout's duration (Rio's default 60 s).
        const plain = load([
            "services:",
            "  web:",
            "    image: nginx",
            "    ports: 8080/http",
            "    rollout: {intervalSeconds: 4}",
        ]);
        assert.deepEqual(warnings(plain), [
            "Riofile:5:15 services.web.rollout.intervalSeconds: 4 seconds is raised to 10, the shortest step Flagger takes (it analyses a canary at most every 10 s)",
        ]);
        assert.equal(render(plain).find((o) => o.kind === "Canary").spec.analysis.stepWeight, 17);
    });

    it("a git build's keys for what pulumi-rio does otherwise: each ignored with why, and the build still made", () => {
        const r = load([
            "services:",
            "  web:",
            "    build:",
            "      repo: https://github.com/rancher/rio",
            "      revision: v0.1.0",
            "      stageOnly: true",
            "      webhookSecretName: secretGithub",
            "      cloneSecretName: secretGit",
            "      pushRegistrySecretName: secretDocker",
            "      pr: true",
            "      tag: false",
            "      tagInclude: ^v",
            "      tagExclude: rc",
            "    ports: 8080/http",
        ]);
        assert.deepEqual(warnings(r), [
            "Riofile:7:7 services.web.build.webhookSecretName: is ignored: pulumi-rio registers no GitHub webhook; a new commit is built at the next pulumi up (the operator's resync, or the poll of rio cd github-workflow)",
            "Riofile:6:7 services.web.build.stageOnly: is ignored, as Rio ignored it: Rio's builds have no stageOnly (it is a service key there), and pulumi-rio stages no revision per commit",
            "Riofile:10:7 services.web.build.pr: is ignored: pulumi-rio builds no revision per pull request; a pull request of the stack's own repository gets a preview (PreviewEnv, rio cd preview-workflow) whose builds of it follow the pull request's branch",
            "Riofile:12:7 services.web.build.tagInclude: is ignored, as Rio ignored it: it filters the tags of a tag build, and tag is not true",
            "Riofile:13:7 services.web.build.tagExclude: is ignored, as Rio ignored it: it filters the tags of a tag build, and tag is not true",
            'Riofile:8:7 services.web.build.cloneSecretName: is ignored: no Secret can be named "secretGit" (Kubernetes names are lowercase DNS-1123 subdomains), so the build runs without it',
            'Riofile:9:7 services.web.build.pushRegistrySecretName: is ignored: no Secret can be named "secretDocker" (Kubernetes names are lowercase DNS-1123 subdomains), so the build runs without it',
        ]);
        assert.deepEqual(r.services[0]!.spec.build, {
            repo: "https://github.com/rancher/rio",
            revision: "v0.1.0",
            tag: false,
        });
        const job = render(r).find((o) => o.kind === "Job");
        assert.ok(
            job.spec.template.spec.containers[0].args.includes(`context=https://github.com/rancher/rio.git#${COMMIT}`),
        );
    });

    it("template: true (the walkthrough's service per commit): ignored with why, the same service and build made", () => {
        const lines = (template: string) => [
            "services:",
            "  example-cd:",
            "    build:",
            "      repo: https://github.com/rancher/rio-demo",
            `    template: ${template}`,
            "    ports: 8080/http",
        ];
        const r = load(lines("true"));
        assert.deepEqual(warnings(r), [
            "Riofile:5:5 services.example-cd.template: is ignored: a new commit rolls the same workload in place at the next build, which is what Rio's template did from the user's side (the new commit gets all the traffic); pulumi-rio keeps no version per commit, and pull requests get a PreviewEnv",
        ]);
        // template: false is Rio's default, accepted silently; with true dropped the two are the same Riofile.
        const plain = load(lines("false"));
        assert.deepEqual(warnings(plain), []);
        assert.deepEqual(r.services, plain.services);
        assert.deepEqual(render(r), render(plain));
        assert.equal(render(r).filter((o) => o.kind === "Deployment").length, 1);
    });

    it("keeps a build's secret names that a Secret can have, and pr: false, tag filters of a tag build", () => {
        const r = load([
            "services:",
            "  web:",
            "    build:",
            "      repo: https://github.com/rancher/rio",
            "      cloneSecretName: gitcredential",
            "      pr: false",
            "      tag: true",
            "      tagInclude: ^v",
        ]);
        assert.deepEqual(warnings(r), []);
        assert.deepEqual(r.services[0]!.spec.build, {
            repo: "https://github.com/rancher/rio",
            cloneSecretName: "gitcredential",
            pr: false,
            tag: true,
            tagInclude: "^v",
        });
    });

    it("the Reference's two ports on 8080: Rio's Service kept the first, so the second is ignored with a warning", () => {
        const r = load([
            "services:",
            "  web:",
            "    image: nginx",
            "    ports:",
            "    - 8080:80/http,web",
            "    - 8080/http,admin,internal=true",
            "    - 9090/tcp",
        ]);
        assert.deepEqual(warnings(r), [
            "Riofile:6:7 services.web.ports[1]: is ignored, as Rio ignored it: its Service port 8080 is already ports[0]'s, which Rio's Service kept",
        ]);
        const service = render(r).find((o) => o.kind === "Service");
        assert.deepEqual(
            service.spec.ports.map((p: any) => [p.name, p.port, p.targetPort, p.protocol]),
            [
                ["web", 8080, 80, "TCP"],
                ["tcp-9090", 9090, 9090, "TCP"],
            ],
        );
        // Rio's alias, port, too.
        assert.deepEqual(
            warnings(load(["services:", "  web:", "    image: nginx", "    port: [8080:80, 8080/http]"])).map(
                (w) => w.split(": ")[0],
            ),
            ["Riofile:4:21 services.web.port[1]"],
        );
    });

    it("a gradual rollout of a service that autoscales on concurrency: the autoscaling kept, the rollout ignored", () => {
        const r = load([
            "services:",
            "  web:",
            "    image: nginx",
            "    ports: 8080/http",
            "    autoscale: {concurrency: 10, minReplicas: 1, maxReplicas: 10}",
            "    rollout:",
            "      increment: 5",
            "      interval: 2",
        ]);
        assert.deepEqual(warnings(r), [
            "Riofile:6:5 services.web.rollout: is ignored: the service autoscales on concurrency, and KEDA's interceptor and a gradual rollout (Flagger) would both own its route; a new image rolls out as the Deployment rolls, as Rio rolled a service updated in place",
        ]);
        const kinds = render(r).map((o) => o.kind);
        assert.ok(kinds.includes("ScaledObject") && !kinds.includes("Canary"), kinds.join(","));
        // scale: MIN-MAX is concurrency too; cpu/memory targets (an HPA, which Flagger copies) keep the rollout.
        assert.equal(
            warnings(
                load([
                    "services:",
                    "  web:",
                    "    image: nginx",
                    "    ports: 8080/http",
                    "    scale: 1-3",
                    "    rolloutDuration: 1m",
                ]),
            ).length,
            1,
        );
        const hpa = load([
            "services:",
            "  web:",
            "    image: nginx",
            "    ports: 8080/http",
            "    autoscale: {cpu: 80, minReplicas: 1, maxReplicas: 3}",
            "    rolloutDuration: 1m",
        ]);
        assert.deepEqual(warnings(hpa), []);
        assert.ok(render(hpa).some((o) => o.kind === "Canary"));
    });

    it("the docs' relative host path (foo:/etc,hosttype=directoryorcreate) is taken from the node's root", () => {
        const r = load([
            "services:",
            "  web:",
            "    image: nginx",
            "    volume:",
            "    - foo:/etc,hosttype=directoryorcreate",
            "    - {name: logs, path: /logs, hostPath: var/log}",
            "    - scratch:/tmp",
        ]);
        assert.deepEqual(warnings(r), [
            'Riofile:5:7 services.web.volume[0]: host path "foo" is relative: taken from the node\'s root, as "/foo" (Kubernetes leaves a relative host path to the kubelet\'s working directory)',
            'Riofile:6:33 services.web.volume[1].hostPath: host path "var/log" is relative: taken from the node\'s root, as "/var/log" (Kubernetes leaves a relative host path to the kubelet\'s working directory)',
        ]);
        const objects = planObjects(planRiofile(r, { namespace: "shop", allow: ["hostPath"] })).map((p) => p.object);
        objects.forEach(validateObject);
        const pod = (objects[0] as any).spec.template.spec;
        assert.deepEqual(
            pod.volumes.map((v: any) => v.hostPath ?? v.emptyDir),
            [{ path: "/foo", type: "DirectoryOrCreate" }, { path: "/var/log" }, {}],
        );
    });
});

describe("a string where Rio takes a list (its parser took one string as a one-entry list)", () => {
    it("every list key of a service, and of a sidecar, takes one string", () => {
        const r = load([
            "services:",
            "  web:",
            "    image: nginx",
            '    env: "A=1"',
            "    hostAliases: db.local,db=10.0.0.5",
            "    dns: {options: ndots:2}",
            "    ports: 8080/http",
            "    configs: conf/nginx.conf:/etc/nginx/nginx.conf",
            "    secrets: tls/key:/etc/tls/key",
            "    volumes: cache:/cache",
            "    permissions: get configmaps",
            "    globalPermissions: get nodes",
            "    imagePullSecrets: registry",
            "    command: nginx -g 'daemon off;'",
            "    containers:",
            "    - name: side",
            "      image: busybox",
            "      environment: B=2",
            "      args: sleep 3600",
        ]);
        assert.deepEqual(warnings(r), []);
        const objects = render(r);
        const pod = objects.find((o) => o.kind === "Deployment").spec.template.spec;
        const [main, side] = pod.containers;
        assert.deepEqual(main.env, [{ name: "A", value: "1" }]);
        assert.deepEqual(side.env, [{ name: "B", value: "2" }]);
        assert.deepEqual(pod.hostAliases, [{ ip: "10.0.0.5", hostnames: ["db.local", "db"] }]);
        assert.deepEqual(pod.dnsConfig, { options: [{ name: "ndots", value: "2" }] });
        assert.deepEqual(
            main.ports.map((p: any) => p.containerPort),
            [8080],
        );
        assert.deepEqual(
            main.volumeMounts.map((m: any) => m.mountPath),
            ["/etc/nginx/nginx.conf", "/etc/tls/key", "/cache"],
        );
        assert.deepEqual(pod.imagePullSecrets, [{ name: "registry" }]);
        assert.deepEqual(
            [main.command, side.args],
            [
                ["nginx", "-g", "daemon off;"],
                ["sleep", "3600"],
            ],
        );
        assert.ok(objects.some((o) => o.kind === "Role") && objects.some((o) => o.kind === "ClusterRole"));
    });

    it("an error in a one-string list points at that string, not at an index the file lacks", () => {
        assert.throws(
            () => load(["services:", "  web:", "    image: nginx", "    hostAliases: db.local"]),
            (e: unknown) =>
                e instanceof Error &&
                e.message === 'Riofile:4:18 services.web.hostAliases: "db.local" must be host[,host]=ip',
        );
        assert.throws(
            () => load(["services:", "  web:", "    image: nginx", '    env: "=1"']),
            (e: unknown) =>
                e instanceof Error &&
                e.message === "Riofile:4:10 services.web.env: an environment variable needs a name",
        );
    });
});
