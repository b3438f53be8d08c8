/**
 * Runs every Riofile of a rio-compat folder (its top-level *.yaml, Rio's integration-test fixtures, and its
 * rio-repo/ folder, every other Riofile of Rio's repository) through load and render, with what Rio supplied at
 * run time (the folder's README), and checks Rio's meaning where the README gives one. Not part of `npm test`
 * (the folder is not in the repository):
 *
 *     node dist/test/support/compatRepo.js ../shared/rio-compat
 *
 * Prints one line per file and `N passed, N failed`; exits 1 naming the file and the reason on any failure. A
 * Rio key pulumi-rio does not support yet is a known gap: the file must be refused with exactly that reason, and
 * is then checked again without the key; a known gap that no longer applies fails, so the list stays true.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RioInputError } from "../../components/errors";
import { parseRiofile, Riofile, RiofileOptions } from "../../components/riofile/load";
import { planObjects, planRiofile } from "../../components/render/plan";
import { toYaml } from "../../components/render/yaml";
import { KubeObject } from "../../components/kube/object";

const NAMESPACE = "rio-compat";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const ALLOW = ["hostPort", "hostNetwork", "hostPath", "privileged"];

interface Case {
    /** Answers Rio's user or controller gave. */
    answers?: Record<string, string>;
    /** Folders the Riofile's local builds name, made (each with a Dockerfile) next to a copy of it. */
    folders?: string[];
    /**
     * Keys pulumi-rio refuses today (its own gaps, tracked in issues): the refusal, and the text without them to
     * check the rest; without `without`, nothing more of the file is checked.
     */
    gaps?: { refusal: string; without?: (text: string) => string }[];
    /** The gateway rendered for: Envoy Gateway where the file uses what only it does (mirrors, faults). Default Traefik. */
    implementation?: "envoy";
    /** Rio's meaning: what the objects must show. */
    check?: (objects: KubeObject[], riofile: Riofile) => void;
}

const find = (objects: KubeObject[], kind: string, name: string) => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    assert.ok(o, `no ${kind} ${name}`);
    return o as any;
};
const env = (o: any) =>
    Object.fromEntries((o.spec.template.spec.containers[0].env ?? []).map((e: any) => [e.name, e.value]));

const CASES: Record<string, Case> = {
    "riofile-export.yaml": {
        check: (objects) => {
            const scaled = objects.filter((o) => o.kind === "ScaledObject") as any[];
            assert.equal(scaled.length, 2, "each version autoscales");
            for (const s of scaled) assert.deepEqual([s.spec.minReplicaCount, s.spec.maxReplicaCount], [1, 10]);
            const rules = objects.filter((o) => o.kind === "HTTPRoute").flatMap((r: any) => r.spec.rules);
            const weights = rules.find((r: any) => r.backendRefs?.length === 2)?.backendRefs.map((b: any) => b.weight);
            assert.ok(weights && weights[0] === weights[1], `equal weights split evenly: ${JSON.stringify(weights)}`);
            const exact = rules.filter((r: any) => r.matches?.some((m: any) => m.path?.type === "Exact"));
            assert.deepEqual(exact.map((r: any) => r.matches[0].path.value).sort(), ["/v0", "/v3"]);
            assert.equal(find(objects, "Service", "es-foo").spec.externalName, "www.example.com");
            assert.ok(
                objects.some((o: any) => o.kind === "EndpointSlice" && o.endpoints?.[0]?.addresses?.[0] === "1.1.1.1"),
            );
        },
    },
    "riofile-with-K8s-manifests-before.yaml": {},
    "riofile-with-K8s-manifests-after.yaml": {},
    "docs-riofile-md-06.yaml": {
        answers: { FOO: "bar" },
        check: (objects) =>
            assert.deepEqual(env(find(objects, "Deployment", "demo")), { FOO: "bar", MYNAMESPACE: NAMESPACE }),
    },
    "docs-riofile-md-13.yaml": {
        answers: { REVISION: COMMIT, MAX_SCALE: "5" },
        folders: ["src/web1"],
        check: (objects) => {
            assert.deepEqual(env(find(objects, "Deployment", "web1")), { NAMESPACE, REVISION: COMMIT });
            assert.equal(find(objects, "ScaledObject", "web1").spec.maxReplicaCount, 5);
        },
    },
    "docs-riofile-md-02-part-services.yaml": {
        // Rio's Reference writes every key once, some as placeholders: what Rio ignored or could not do here is
        // ignored with a warning at its key (issue 16, item 12); its empty affinity keys are no affinity, as in Rio.
        check: (objects, riofile) => {
            const pod = find(objects, "Deployment", "service-foo").spec.template.spec;
            // The built image, not the image beside the build; hostAliases on the node's network.
            assert.match(pod.containers[0].image, /^docker\.io\/myname\/image:0123456789ab-[0-9a-f]{8}$/);
            assert.deepEqual(pod.hostAliases, [{ ip: "127.0.0.1", hostnames: ["example.com"] }]);
            // Rio's Service kept the first port on 8080.
            assert.deepEqual(
                find(objects, "Service", "my-app").spec.ports.map((p: any) => [p.name, p.port, p.targetPort]),
                [["web", 8080, 80]],
            );
            const scaled = find(objects, "ScaledObject", "service-foo").spec;
            assert.deepEqual([scaled.minReplicaCount, scaled.maxReplicaCount], [1, 10]);
            assert.ok(!objects.some((o) => o.kind === "Canary"), "autoscaling on concurrency keeps the route");
            assert.deepEqual(
                riofile.warnings?.map((w) => w.path.join(".")),
                [
                    "services.service-foo.image",
                    "services.service-foo.ports.1",
                    "services.service-foo.build.webhookSecretName",
                    "services.service-foo.build.stageOnly",
                    "services.service-foo.build.pr",
                    "services.service-foo.build.tagInclude",
                    "services.service-foo.build.tagExclude",
                    "services.service-foo.build.cloneSecretName",
                    "services.service-foo.build.pushRegistrySecretName",
                    "services.service-foo.rollout",
                ],
            );
        },
    },
    "docs-riofile-md-02-part-routers.yaml": {
        implementation: "envoy",
        check: (objects, riofile) => {
            // Rio's gateway sent to the destinations, not the redirect; the Reference puts them in namespace default.
            const [rule] = find(objects, "HTTPRoute", "foo").spec.rules;
            assert.deepEqual(
                rule.backendRefs.map((b: any) => [b.namespace, b.name, b.port, b.weight]),
                [
                    ["default", "myapp-v1", 80, 50],
                    ["default", "myapp-v2", 80, 50],
                ],
            );
            assert.deepEqual(
                rule.filters.map((f: any) => f.type),
                ["URLRewrite", "RequestHeaderModifier", "RequestMirror"],
            );
            const grant = find(objects, "ReferenceGrant", "rio-router-rio-compat-foo");
            assert.equal(grant.metadata.namespace, "default");
            assert.deepEqual(
                grant.spec.to.map((t: any) => t.name),
                ["myapp-v1", "myapp-v2", "q-v0"],
            );
            assert.deepEqual(
                riofile.warnings?.map((w) => w.path.join(".")),
                ["routers.foo.routes.0.redirect"],
            );
        },
    },
    "docs-riofile-md-02-part-externalservices.yaml": {
        // Rio used the first of fqdn, ipAddresses, the targets (populate.go): the DNS name; the rest it ignored.
        check: (objects, riofile) => {
            assert.equal(find(objects, "Service", "foo").spec.externalName, "www.foo.bar");
            assert.deepEqual(
                riofile.warnings?.map((w) => w.path.join(".")),
                ["externalservices.foo.ipAddresses", "externalservices.foo.service"],
            );
        },
    },
    "stacks-build-stack.yaml": { answers: { PERSISTENT: "true" } },
    "stacks-cert-manager-stack.yaml": {
        answers: { TAG: "v0.11.0" },
        check: (objects) => assert.ok(!toYaml(objects).includes("${"), "every variable substituted"),
    },
    "stacks-rio-controller-stack.yaml": {
        answers: {
            RIO_DEBUG: "true",
            IMAGE: "rancher/rio-controller:v0.7.0",
            MESH_MODE: "linkerd",
            RUN_API_VALIDATOR: "",
        },
        check: (objects) => {
            const args = find(objects, "Deployment", "rio-controller").spec.template.spec.containers[0].args;
            assert.deepEqual(args.slice(0, 2), ["rio-controller", "--debug"], "the Go template's if, taken");
        },
    },
    "stacks-linkerd-install-stack.yaml": {
        check: (objects) => assert.ok(objects.some((o: any) => o.kind === "Job" && o.metadata.generateName)),
    },
    "pkg-riofile-riofile_test-go-file.yaml": {
        check: (_, riofile) =>
            assert.ok(riofile.warnings?.some((w) => w.path.join(".") === "kubernetes.custom_resource_definitions")),
    },
};

/** Loads and renders one file (a copy next to the folders its local builds name), returning its objects. */
function render(file: string, text: string, c: Case): { objects: KubeObject[]; riofile: Riofile } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-compat-"));
    try {
        for (const f of c.folders ?? []) {
            fs.mkdirSync(path.join(dir, f), { recursive: true });
            fs.writeFileSync(path.join(dir, f, "Dockerfile"), "FROM scratch\n");
        }
        const copy = path.join(dir, path.basename(file));
        fs.writeFileSync(copy, text);
        const options: RiofileOptions = { namespace: NAMESPACE, dir, ...(c.answers && { answers: c.answers }) };
        const riofile = parseRiofile(text, copy, options);
        const plan = planRiofile(riofile, {
            namespace: NAMESPACE,
            allow: ALLOW,
            gateway: {
                domain: "rio-compat.example.com",
                ...(c.implementation && { implementation: c.implementation }),
            },
            registry: {
                push: "rio-registry.rio-system.svc.cluster.local:5000",
                pull: "localhost:30500",
                external: { host: "registry.rio-compat.example.com" },
            },
            // Offline: every branch and tag is one commit.
            resolveCommit: () => COMMIT,
        });
        return { objects: planObjects(plan).map((p) => p.object), riofile };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function checkFile(file: string): string {
    const name = path.basename(file);
    const c = CASES[name] ?? {};
    let text = fs.readFileSync(file, "utf8");
    const notes: string[] = [];
    for (const gap of c.gaps ?? []) {
        try {
            render(file, text, c);
        } catch (e) {
            if (!(e instanceof RioInputError) || !e.message.includes(gap.refusal)) throw e;
            notes.push(`known gap: ${gap.refusal}`);
            if (!gap.without) return notes.join("; ");
            text = gap.without(text);
            continue;
        }
        throw new Error(`renders now without the known gap "${gap.refusal}": remove it from compatRepo.ts`);
    }
    const { objects, riofile } = render(file, text, c);
    c.check?.(objects, riofile);
    const warnings = (riofile.warnings ?? []).length;
    return [`${objects.length} objects`, ...(warnings > 0 ? [`${warnings} warnings`] : []), ...notes].join(", ");
}

function main(folder: string | undefined): number {
    if (!folder) {
        process.stderr.write("usage: node dist/test/support/compatRepo.js <rio-compat folder>\n");
        return 2;
    }
    const yaml = (dir: string) =>
        fs.existsSync(dir)
            ? fs
                  .readdirSync(dir)
                  .filter((f) => f.endsWith(".yaml"))
                  .sort()
                  .map((f) => path.join(dir, f))
            : [];
    const files = [...yaml(folder), ...yaml(path.join(folder, "rio-repo"))];
    if (files.length === 0) {
        process.stderr.write(`compatRepo: no *.yaml in ${folder} or ${folder}/rio-repo\n`);
        return 1;
    }
    let passed = 0;
    let failed = 0;
    for (const file of files) {
        try {
            process.stdout.write(`ok ${path.relative(folder, file)}: ${checkFile(file)}\n`);
            passed += 1;
        } catch (e) {
            failed += 1;
            const reason = e instanceof RioInputError ? e.message : e instanceof Error ? e.message : String(e);
            process.stdout.write(`FAIL ${path.relative(folder, file)}: ${reason.split("\n")[0]}\n`);
            process.stderr.write(`compatRepo: ${file}: ${reason}\n`);
        }
    }
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv[2]);
