/** Every object `rio render` plans for the shipped examples is valid against the Kubernetes and Gateway API schemas. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { validateObject } from "./support/schema";
import { commitAll } from "./support/git";

const EXAMPLES = path.resolve(__dirname, "../../examples");
const riofiles = fs
    .readdirSync(EXAMPLES)
    .map((d) => path.join(EXAMPLES, d, "Riofile"))
    .filter((f) => fs.existsSync(f));

describe("examples", () => {
    it("has the walkthrough's hello-world, the every-key example, a canary, the traffic example and a template", () => {
        assert.deepEqual(riofiles.map((f) => path.basename(path.dirname(f))).sort(), [
            "all-keys",
            "canary",
            "hello-world",
            "templated",
            "traffic",
        ]);
    });
    for (const file of riofiles) {
        for (const namespace of ["default", "team-a"]) {
            it(`${path.relative(EXAMPLES, file)} in ${namespace}: every object is schema-valid`, () => {
                const objects = planObjects(
                    planRiofile(loadRiofile(file, { namespace }), {
                        namespace,
                        gateway: { domain: "apps.example.com" },
                    }),
                );
                assert.ok(objects.length >= 3);
                for (const { object } of objects) {
                    // A ReferenceGrant lives where the Service it opens up lives: KEDA's interceptor, in rio-system.
                    assert.equal(
                        object.metadata.namespace,
                        object.kind === "ReferenceGrant" ? "rio-system" : namespace,
                    );
                    validateObject(object);
                }
            });
        }
    }

    it("all-keys: the objects a Rio user expects, with Rio's defaults and aliases applied", () => {
        const objects = planObjects(
            planRiofile(loadRiofile(path.join(EXAMPLES, "all-keys/Riofile")), {
                gateway: { domain: "apps.example.com" },
            }),
        ).map((p) => p.object);
        assert.deepEqual(
            objects.map((o) => `${o.kind}/${o.metadata.name}`),
            [
                "ConfigMap/site",
                "Deployment/web",
                "Service/shop",
                "HTTPRoute/shop",
                "HTTPRoute/shop-8443",
                "PodDisruptionBudget/web",
                "Deployment/worker",
                "Deployment/cache",
                "Service/cache",
            ],
        );
        const worker = objects.find((o) => o.metadata.name === "worker") as any;
        const c = worker.spec.template.spec.containers[0];
        assert.deepEqual(c.env, [
            { name: "QUEUE", value: "orders" },
            { name: "BATCH", value: "10" },
        ]);
        assert.deepEqual(c.resources, { requests: { cpu: "100m", memory: "32Mi" } });
        assert.equal(worker.spec.replicas, 1);
        const cache = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "cache") as any;
        assert.deepEqual(cache.spec.template.spec.containers[0].readinessProbe, { tcpSocket: { port: 6379 } });
        assert.equal(cache.spec.template.spec.containers[0].imagePullPolicy, "Always");
        const cacheSvc = objects.find((o) => o.kind === "Service" && o.metadata.name === "cache") as any;
        assert.deepEqual(cacheSvc.spec.ports, [{ name: "tcp-6379", port: 6379, targetPort: 6379, protocol: "TCP" }]);
    });
});

describe("examples/traffic: two versions at 90/10, a router, a scale-to-zero service and external services", () => {
    const objects = () =>
        planObjects(
            planRiofile(loadRiofile(path.join(EXAMPLES, "traffic/Riofile")), {
                namespace: "shop",
                gateway: { domain: "apps.example.com", listener: "https" },
            }),
        ).map((p) => p.object as any);
    const get = (kind: string, name: string) => objects().find((o) => o.kind === kind && o.metadata.name === name);

    it("splits shop 90/10 across its versions", () => {
        assert.deepEqual(
            get("HTTPRoute", "shop").spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
            [
                ["shop-v1", 90],
                ["shop-v2", 10],
            ],
        );
    });

    it("scales api to zero through KEDA's interceptor", () => {
        assert.deepEqual(
            [get("ScaledObject", "api").spec.minReplicaCount, get("ScaledObject", "api").spec.maxReplicaCount],
            [0, 5],
        );
        assert.equal(get("HTTPRoute", "api").spec.rules[0].backendRefs[0].name, "keda-add-ons-http-interceptor-proxy");
        // The router front reaches api too: through the interceptor, which routes by host.
        assert.deepEqual(get("InterceptorRoute", "api").spec.rules, [
            { hosts: ["api-shop.apps.example.com", "front-shop.apps.example.com"] },
        ]);
    });

    const INTERCEPTOR = "keda-add-ons-http-interceptor-proxy";
    it("routes front in Rio's order: health, API (rewritten, retried), redirect, beta header, then the canary split", () => {
        const rules = get("HTTPRoute", "front").spec.rules;
        assert.deepEqual(
            rules.map((r: any) => [
                r.matches.map(
                    (m: any) =>
                        `${m.method ?? "*"} ${m.path.type}:${m.path.value}${m.headers ? ` ${m.headers[0].name}=${m.headers[0].value}` : ""}`,
                ),
                (r.filters ?? []).map((f: any) => f.type),
                (r.backendRefs ?? []).map(
                    (b: any) => `${b.name}:${b.port}${b.weight !== undefined ? `@${b.weight}` : ""}`,
                ),
            ]),
            [
                // api scales to zero: reached through KEDA's interceptor, as its own route is.
                [["* Exact:/healthz"], [], [`${INTERCEPTOR}:8080`]],
                // A prefix rewrite takes exactly one PathPrefix match (the HTTPRoute CRD's CEL rule): a rule per method.
                [
                    ["GET PathPrefix:/api"],
                    ["URLRewrite", "RequestHeaderModifier", "ExtensionRef"],
                    [`${INTERCEPTOR}:8080`],
                ],
                [
                    ["POST PathPrefix:/api"],
                    ["URLRewrite", "RequestHeaderModifier", "ExtensionRef"],
                    [`${INTERCEPTOR}:8080`],
                ],
                [["* PathPrefix:/old"], ["RequestRedirect"], []],
                [["* PathPrefix:/ x-beta=1"], [], ["shop-v2:80"]],
                [["* PathPrefix:/"], [], ["shop-v1:80@90", "shop-v2:80@10"]],
            ],
        );
        assert.deepEqual(
            rules.map((r: any) => r.name),
            ["route-0", "route-1-get", "route-1-post", "route-2", "route-3", "route-4"],
        );
        assert.deepEqual(get("Middleware", "front-route-1-retry").spec, { retry: { attempts: 3 } });
    });

    it("names the outside world: an ExternalName and a headless Service with its EndpointSlice", () => {
        assert.deepEqual(get("Service", "payments").spec, {
            type: "ExternalName",
            externalName: "payments.example.net",
        });
        assert.deepEqual(get("EndpointSlice", "legacy-db-ipv4").endpoints, [
            { addresses: ["10.20.0.15"], conditions: { ready: true } },
        ]);
    });
});

describe("examples/templated: a Riofile template answered by its Riofile-answers", () => {
    // REVISION is the commit of the repository the Riofile is in: a copy in a repository of its own makes it known
    // (this checkout may be a tarball, without .git), and a copy in no repository leaves it to its default.
    let inRepo: string;
    let outside: string;
    let commit: string;
    before(() => {
        inRepo = fs.mkdtempSync(path.join(os.tmpdir(), "rio-templated-"));
        outside = fs.mkdtempSync(path.join(os.tmpdir(), "rio-templated-"));
        for (const dir of [inRepo, outside]) fs.cpSync(path.join(EXAMPLES, "templated"), dir, { recursive: true });
        commit = commitAll(inRepo);
    });
    after(() => {
        for (const dir of [inRepo, outside]) fs.rmSync(dir, { recursive: true, force: true });
    });
    const objects = (answers?: Record<string, string>, dir = inRepo) =>
        planObjects(
            planRiofile(loadRiofile(path.join(dir, "Riofile"), { namespace: "shop", ...(answers && { answers }) }), {
                namespace: "shop",
                gateway: { domain: "apps.example.com" },
            }),
        ).map((p) => p.object as any);

    it("takes VERSION, REPLICAS and MODE from Riofile-answers, the rest from defaults and built-ins", () => {
        const all = objects();
        const deployment = all.find((o) => o.kind === "Deployment");
        const c = deployment.spec.template.spec.containers[0];
        assert.equal(c.image, "ghcr.io/acme/shop:1.5.0");
        assert.equal(deployment.spec.replicas, 3);
        assert.equal(deployment.metadata.labels.tier, "production");
        assert.deepEqual(
            c.ports.map((p: any) => p.containerPort),
            [8080],
        );
        const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
        assert.equal(env.MODE, "production");
        assert.equal(env.DB_HOST, "db.shop.svc.cluster.local");
        assert.match(commit, /^[0-9a-f]{40}$/);
        assert.equal(env.COMMIT, commit);
        assert.equal(env.GREETING, "Welcome to Shop");
        assert.equal(env.PRICE_FORMAT, "${AMOUNT} EUR");
        assert.deepEqual(all.find((o) => o.kind === "ConfigMap").data, { "banner.txt": "SHOP 1.5.0" });
        for (const o of all) validateObject(o);
    });

    it("outside a git repository, COMMIT is the template's default for REVISION", () => {
        const deployment = objects(undefined, outside).find((o) => o.kind === "Deployment");
        assert.equal(
            deployment.spec.template.spec.containers[0].env.find((e: any) => e.name === "COMMIT").value,
            "unknown",
        );
    });

    it("lets explicit answers win over Riofile-answers", () => {
        const deployment = objects({ REPLICAS: "2", APP_NAME: "boutique" }).find((o) => o.kind === "Deployment");
        assert.equal(deployment.spec.replicas, 2);
        assert.equal(
            deployment.spec.template.spec.containers[0].env.find((e: any) => e.name === "GREETING").value,
            "Welcome to Boutique",
        );
    });
});
