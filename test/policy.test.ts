/**
 * The policy pack (policy/): each policy against resources that keep and break it, with its exact message; the
 * objects pulumi-rio itself plans keeping every policy; and the pack served by the policy SDK as the CLI serves it,
 * where a stack's policy config sets each policy's enforcement level and allow list.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { ResourceValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { POLICIES } from "../components/policy/policies";
import { WORKLOAD_TYPES } from "../components/policy/workloads";
import { loadRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { systemObjects } from "../components/render/system";
import { planSystem } from "../components/system/plan";
import { resolveSettings } from "../components/system/settings";
import { AnalyzedResource, secret, servePolicyPack, ServedPack, UNKNOWN } from "./support/policyPack";

const ROOT = path.resolve(__dirname, "../..");
const PACK = path.join(ROOT, "components/policy");

interface Resource {
    type: string;
    props: Record<string, unknown>;
    providerProps?: Record<string, unknown>;
}

/**
 * What one policy reports on a resource, called with the arguments the policy SDK gives validateResource
 * (@pulumi/policy 1.21 server.js): the inputs behind its unknown-checking proxy, the stack's config for the
 * policy from getConfig, the provider's inputs. The SDK exports no test harness; the served pack is tested below.
 */
async function report(name: string, r: Resource, config: Record<string, unknown> = {}): Promise<string[]> {
    const policy = POLICIES.find((p) => p.name === name) as ResourceValidationPolicy;
    assert.ok(policy, name);
    const out: string[] = [];
    const args = {
        type: r.type,
        props: unknownCheckingProxy(r.props),
        urn: `urn:pulumi:test::policy::${r.type}::r`,
        name: "r",
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: {}, additionalSecretOutputs: [] },
        stackTags: new Map<string, string>(),
        isType: () => false,
        asType: () => undefined,
        getConfig: () => config,
        notApplicable: () => {
            throw new Error("not applicable");
        },
        ...(r.providerProps && {
            provider: { type: "pulumi:providers:kubernetes", name: "p", urn: "urn:p", props: r.providerProps },
        }),
    } as any;
    for (const validate of [policy.validateResource!].flat()) await validate(args, (m) => out.push(String(m)));
    return out;
}

const fine = { name: "web", image: "nginx", resources: { requests: { cpu: "50m", memory: "64Mi" } } };

function deployment(pod: Record<string, unknown>, spec: Record<string, unknown> = {}, namespace?: string): Resource {
    return {
        type: "kubernetes:apps/v1:Deployment",
        props: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "web", ...(namespace && { namespace }) },
            spec: {
                selector: { matchLabels: { app: "web" } },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                ...spec,
                template: { metadata: { labels: { app: "web" } }, spec: pod },
            },
        },
    };
}

/** The same pod spec under each kind the pack reads. */
function asKind(type: string, pod: Record<string, unknown>): Resource {
    const template = { metadata: { labels: { app: "web" } }, spec: pod };
    const kind = type.split(":")[2]!;
    const spec: Record<string, unknown> =
        kind === "Pod"
            ? pod
            : kind === "CronJob"
              ? { schedule: "* * * * *", jobTemplate: { spec: { template } } }
              : { template };
    return {
        type,
        props: {
            kind,
            metadata: { name: "web", namespace: "shop" },
            ...(kind === "PodTemplate" ? { template } : { spec }),
        },
    };
}

const ADVICE = (policy: string, id: string) =>
    `allow ${id} by name in the policy config ({"${policy}":{"allow":["${id}"]}}) — its namespace then needs Pod Security privileged`;

describe("rio-privileged, rio-hostnetwork, rio-hostpath, rio-hostport: Rio's admission verbs", () => {
    const everything = {
        hostNetwork: true,
        containers: [
            { ...fine, securityContext: { privileged: true }, ports: [{ containerPort: 80, hostPort: 8080 }] },
        ],
        volumes: [{ name: "logs", hostPath: { path: "/var/log" } }],
    };

    it("are named after Rio's verbs, then pulumi-rio's defaults follow; none sets a level of its own (the pack's applies)", () => {
        assert.deepEqual(
            POLICIES.map((p) => [p.name, p.enforcementLevel]),
            [
                ["rio-hostport", undefined],
                ["rio-hostnetwork", undefined],
                ["rio-hostpath", undefined],
                ["rio-privileged", undefined],
                ["rio-pod-requests", undefined],
                ["rio-rolling-update", undefined],
                ["rio-pod-security", undefined],
                ["rio-secret-plaintext", undefined],
            ],
        );
    });

    for (const type of WORKLOAD_TYPES) {
        it(`find each use in a ${type.split(":")[2]}'s pod, named by its namespace/name`, async () => {
            const r = asKind(type, everything);
            assert.deepEqual(await report("rio-privileged", r), [
                `container "web" (privileged: true) is root on the node: ${ADVICE("rio-privileged", "shop/web")}`,
            ]);
            assert.deepEqual(await report("rio-hostnetwork", r), [
                `hostNetwork: true puts the pod on the node's own network: ${ADVICE("rio-hostnetwork", "shop/web")}`,
            ]);
            assert.deepEqual(await report("rio-hostpath", r), [
                `volume "logs" reads and writes the node's /var/log: ${ADVICE("rio-hostpath", "shop/web")}`,
            ]);
            assert.deepEqual(await report("rio-hostport", r), [
                `container "web" hostPort 8080 binds a port on every node the pod runs on: ${ADVICE("rio-hostport", "shop/web")}`,
            ]);
        });
    }

    it("read a …Patch resource too: a patch can turn privileged on", async () => {
        const r = {
            ...asKind("kubernetes:apps/v1:Deployment", everything),
            type: "kubernetes:apps/v1:DeploymentPatch",
        };
        assert.equal((await report("rio-privileged", r)).length, 1);
    });

    it("pass a pod that uses none of them, and any other kind", async () => {
        const pod = { hostNetwork: false, containers: [{ ...fine, ports: [{ containerPort: 80, hostPort: 0 }] }] };
        const cm = { type: "kubernetes:core/v1:ConfigMap", props: { metadata: { name: "web" }, data: {} } };
        for (const p of ["rio-privileged", "rio-hostnetwork", "rio-hostpath", "rio-hostport"]) {
            assert.deepEqual(await report(p, deployment(pod)), [], p);
            assert.deepEqual(await report(p, cm), [], p);
        }
    });

    it("report every use: init and ephemeral containers, each volume and port", async () => {
        const pod = {
            containers: [
                { ...fine, securityContext: { privileged: true }, ports: [{ hostPort: 80 }, { hostPort: 443 }] },
            ],
            initContainers: [{ ...fine, name: "setup", securityContext: { privileged: true } }],
            ephemeralContainers: [{ name: "debug", securityContext: { privileged: true } }],
            volumes: [
                { name: "a", hostPath: { path: "/a" } },
                { name: "tmp", emptyDir: {} },
                { name: "b", hostPath: { path: "/b", type: "Directory" } },
            ],
        };
        const adv = ADVICE("rio-privileged", "default/web");
        assert.deepEqual(await report("rio-privileged", deployment(pod)), [
            `container "web" (privileged: true) is root on the node: ${adv}`,
            `init container "setup" (privileged: true) is root on the node: ${adv}`,
            `ephemeral container "debug" (privileged: true) is root on the node: ${adv}`,
        ]);
        assert.deepEqual(
            (await report("rio-hostpath", deployment(pod))).map((m) => m.split(":")[0]),
            ['volume "a" reads and writes the node\'s /a', 'volume "b" reads and writes the node\'s /b'],
        );
        assert.deepEqual(
            (await report("rio-hostport", deployment(pod))).map((m) => m.split(":")[0]),
            [
                'container "web" hostPort 80 binds a port on every node the pod runs on',
                'container "web" hostPort 443 binds a port on every node the pod runs on',
            ],
        );
    });

    it("let through a workload allowed by name (namespace/name or namespace/*), in that policy's list only", async () => {
        const r = deployment(everything, {}, "shop");
        assert.deepEqual(await report("rio-privileged", r, { allow: ["shop/web"] }), []);
        assert.deepEqual(await report("rio-privileged", r, { allow: ["shop/*"] }), []);
        assert.equal((await report("rio-privileged", r, { allow: ["other/web", "shop/web2"] })).length, 1);
        assert.equal((await report("rio-hostnetwork", r, { allow: [] })).length, 1);
    });

    it("name the workload by its namespace, else its provider's, else default", async () => {
        const r = deployment(everything);
        assert.match((await report("rio-hostnetwork", r))[0]!, /allow default\/web by name/);
        assert.match(
            (await report("rio-hostnetwork", { ...r, providerProps: { namespace: "team-a" } }))[0]!,
            /allow team-a\/web by name/,
        );
        const own = deployment(everything, {}, "shop");
        assert.match(
            (await report("rio-hostnetwork", { ...own, providerProps: { namespace: "team-a" } }))[0]!,
            /allow shop\/web by name/,
        );
    });

    it("refuse a malformed allow entry rather than ignore it", async () => {
        await assert.rejects(report("rio-privileged", deployment(everything), { allow: ["web"] }), {
            message: 'allow entry "web" is not "namespace/name" or "namespace/*"',
        });
        await assert.rejects(report("rio-privileged", deployment(everything), { allow: "default/web" }), {
            message: 'allow must be a list, not "default/web"',
        });
    });
});

describe("rio-pod-requests: no pod without requests", () => {
    const advice = (id: string) =>
        `so the scheduler places it as if it used nothing: request cpu and memory (pulumi-rio's default: 50m and 64Mi), or allow ${id} by name in the policy config ({"rio-pod-requests":{"allow":["${id}"]}})`;

    it("names each container and what it leaves unrequested", async () => {
        const pod = {
            containers: [
                { name: "web", image: "nginx" },
                { name: "side", resources: { requests: { cpu: "10m" } } },
                { name: "zero", resources: { requests: { cpu: "0", memory: 0 } } },
                fine,
            ],
            initContainers: [{ name: "setup", resources: { requests: { memory: "1Mi" } } }],
        };
        assert.deepEqual(await report("rio-pod-requests", deployment(pod)), [
            `container "web" requests no cpu and no memory, ${advice("default/web")}`,
            `container "side" requests no memory, ${advice("default/web")}`,
            `container "zero" requests "0" cpu and 0 memory, ${advice("default/web")}`,
            `init container "setup" requests no cpu, ${advice("default/web")}`,
        ]);
    });

    it("counts a limit as the request Kubernetes takes from it, and pod-level requests for every container", async () => {
        assert.deepEqual(
            await report(
                "rio-pod-requests",
                deployment({ containers: [{ name: "web", resources: { limits: { cpu: 1, memory: "1Gi" } } }] }),
            ),
            [],
        );
        assert.deepEqual(
            await report(
                "rio-pod-requests",
                deployment({ resources: { requests: { cpu: "1", memory: "1Gi" } }, containers: [{ name: "web" }] }),
            ),
            [],
        );
        assert.equal(
            (
                await report(
                    "rio-pod-requests",
                    deployment({ resources: { requests: { cpu: "1" } }, containers: [{ name: "web" }] }),
                )
            ).length,
            1,
        );
    });

    it("holds every kind of workload, and lets one through by name", async () => {
        for (const type of WORKLOAD_TYPES)
            assert.equal((await report("rio-pod-requests", asKind(type, { containers: [{ name: "w" }] }))).length, 1);
        const bare = asKind("kubernetes:batch/v1:Job", { containers: [{ name: "w" }] });
        assert.deepEqual(await report("rio-pod-requests", bare, { allow: ["shop/web"] }), []);
        assert.deepEqual(await report("rio-pod-requests", deployment({ containers: [fine] })), []);
    });
});

describe("rio-rolling-update: rollouts that keep the desired count", () => {
    const rio = "(pulumi-rio's default: maxUnavailable 0, maxSurge 1)";
    const allow = `; or allow default/web by name in the policy config ({"rio-rolling-update":{"allow":["default/web"]}})`;
    const strategy = (s: unknown) => deployment({ containers: [fine] }, { strategy: s });

    it("refuses Recreate, an unset maxUnavailable (Kubernetes' 25%), and any maxUnavailable above 0", async () => {
        assert.deepEqual(await report("rio-rolling-update", strategy({ type: "Recreate" })), [
            `strategy Recreate stops every pod before starting new ones: use RollingUpdate with maxUnavailable 0 ${rio}${allow}`,
        ]);
        for (const s of [undefined, { type: "RollingUpdate" }, { rollingUpdate: { maxSurge: 2 } }]) {
            assert.deepEqual(await report("rio-rolling-update", strategy(s)), [
                `maxUnavailable is unset, so Kubernetes' 25% lets a rollout take down a quarter of the pods: set it to 0 ${rio}${allow}`,
            ]);
        }
        for (const [u, shown] of [
            [1, "1"],
            ["10%", '"10%"'],
        ] as const) {
            assert.deepEqual(await report("rio-rolling-update", strategy({ rollingUpdate: { maxUnavailable: u } })), [
                `maxUnavailable ${shown} lets a rollout take pods down before their replacements are ready: set it to 0 ${rio}${allow}`,
            ]);
        }
    });

    it("says what pulumi-rio says of bounds that never roll or are not bounds", async () => {
        assert.deepEqual(
            await report("rio-rolling-update", strategy({ rollingUpdate: { maxUnavailable: 0, maxSurge: "0%" } })),
            [`maxSurge: maxUnavailable and maxSurge cannot both be 0: the rollout could never start ${rio}${allow}`],
        );
        assert.deepEqual(await report("rio-rolling-update", strategy({ rollingUpdate: { maxUnavailable: "half" } })), [
            `maxUnavailable: "half" must be a number or a percentage like 25% ${rio}${allow}`,
        ]);
    });

    it("passes maxUnavailable 0 with a surge, StatefulSets and DaemonSets, and a Deployment allowed by name", async () => {
        for (const ru of [
            { maxUnavailable: 0, maxSurge: 1 },
            { maxUnavailable: "0%", maxSurge: "25%" },
            { maxUnavailable: 0 },
        ])
            assert.deepEqual(
                await report("rio-rolling-update", strategy({ rollingUpdate: ru })),
                [],
                JSON.stringify(ru),
            );
        assert.deepEqual(await report("rio-rolling-update", asKind("kubernetes:apps/v1:DaemonSet", {})), []);
        assert.deepEqual(await report("rio-rolling-update", asKind("kubernetes:apps/v1:StatefulSet", {})), []);
        assert.deepEqual(
            await report("rio-rolling-update", strategy({ type: "Recreate" }), { allow: ["default/web"] }),
            [],
        );
    });
});

describe("rio-pod-security: Pod Security labels on namespaces", () => {
    const ns = (labels?: Record<string, string>) => ({
        type: "kubernetes:core/v1:Namespace",
        props: { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", ...(labels && { labels }) } },
    });
    const L = "pod-security.kubernetes.io/";

    it("refuses a namespace without an enforce label, or with a level Kubernetes does not know", async () => {
        const none = `namespace "shop" has no ${L}enforce label, so Pod Security admission admits any pod into it: label it enforce: baseline (pulumi-rio's namespaces enforce baseline and warn restricted)`;
        assert.deepEqual(await report("rio-pod-security", ns()), [none]);
        assert.deepEqual(await report("rio-pod-security", ns({ [`${L}warn`]: "restricted" })), [none]);
        assert.deepEqual(
            await report("rio-pod-security", ns({ [`${L}enforce`]: "strict", [`${L}audit`]: "Baseline" })),
            [
                `label ${L}enforce is "strict", not one of privileged, baseline, restricted`,
                `label ${L}audit is "Baseline", not one of privileged, baseline, restricted`,
            ],
        );
    });

    it("lets privileged through only for a namespace allowed by name", async () => {
        const priv = ns({ [`${L}enforce`]: "privileged" });
        assert.deepEqual(await report("rio-pod-security", priv), [
            `namespace "shop" enforces privileged, which admits any pod, even one that is root on the node: enforce baseline, or allow shop by name in the policy config ({"rio-pod-security":{"allow":["shop"]}})`,
        ]);
        assert.deepEqual(await report("rio-pod-security", priv, { allow: ["shop"] }), []);
        await assert.rejects(report("rio-pod-security", priv, { allow: ["shop/*"] }), {
            message: 'allow entry "shop/*" is not a namespace name',
        });
    });

    it("passes baseline and restricted, and other kinds", async () => {
        assert.deepEqual(
            await report("rio-pod-security", ns({ [`${L}enforce`]: "baseline", [`${L}warn`]: "restricted" })),
            [],
        );
        assert.deepEqual(await report("rio-pod-security", ns({ [`${L}enforce`]: "restricted" })), []);
        assert.deepEqual(await report("rio-pod-security", deployment({ containers: [fine] })), []);
    });
});

describe("rio-secret-plaintext: no Secret value in plain text", () => {
    const secretOf = (metadata: Record<string, unknown>, values: Record<string, unknown>) => ({
        type: "kubernetes:core/v1:Secret",
        props: { apiVersion: "v1", kind: "Secret", metadata: { name: "db", ...metadata }, ...values },
    });
    const LAST = "kubectl.kubernetes.io/last-applied-configuration";
    const b64 = (s: string) => Buffer.from(s).toString("base64");

    it("refuses kubectl's last-applied-configuration, which holds the whole Secret", async () => {
        const exported = JSON.stringify({ apiVersion: "v1", kind: "Secret", data: { pw: b64("hunter2") } });
        assert.deepEqual(await report("rio-secret-plaintext", secretOf({ annotations: { [LAST]: exported } }, {})), [
            `annotation ${LAST} holds the Secret's data in plain text (annotations are not secret in Pulumi's state): remove it`,
        ]);
    });

    it("refuses a label or annotation repeating a value, as written or decoded from data's base64", async () => {
        const r = secretOf(
            { labels: { app: "db", token: "s3cr3t-t0ken" }, annotations: { note: "hunter2", raw: b64("hunter2") } },
            { data: { pw: b64("hunter2") }, stringData: { token: "s3cr3t-t0ken" } },
        );
        assert.deepEqual(await report("rio-secret-plaintext", r), [
            `annotation note holds the Secret's pw in plain text (annotations are not secret in Pulumi's state): remove it`,
            `annotation raw holds the Secret's pw in plain text (annotations are not secret in Pulumi's state): remove it`,
            `label token holds the Secret's token in plain text (labels are not secret in Pulumi's state): remove it`,
        ]);
    });

    it("passes labels that are not values, values not known yet (preview), and other kinds", async () => {
        const r = secretOf({ labels: { app: "db" } }, { data: { pw: b64("hunter2"), other: UNKNOWN } });
        assert.deepEqual(await report("rio-secret-plaintext", r), []);
        assert.deepEqual(
            await report("rio-secret-plaintext", secretOf({ labels: { app: "db" } }, { data: UNKNOWN })),
            [],
        );
        const cm = {
            type: "kubernetes:core/v1:ConfigMap",
            props: { metadata: { labels: { a: "x" } }, data: { a: "x" } },
        };
        assert.deepEqual(await report("rio-secret-plaintext", cm), []);
    });
});

/** The Pulumi type token of a Kubernetes object, as the provider's resources carry it. */
function typeOf(o: { apiVersion: string; kind: string }): string {
    const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["core", o.apiVersion];
    return `kubernetes:${group}/${version}:${o.kind}`;
}

describe("pulumi-rio's own objects keep the pack", () => {
    it("every object of the shipped examples, in default and another namespace", async () => {
        const examples = path.join(ROOT, "examples");
        for (const dir of fs.readdirSync(examples)) {
            const file = path.join(examples, dir, "Riofile");
            if (!fs.existsSync(file)) continue;
            for (const namespace of ["default", "team-a"]) {
                const objects = planObjects(
                    planRiofile(loadRiofile(file, { namespace }), {
                        namespace,
                        gateway: { domain: "apps.example.com" },
                    }),
                );
                for (const { object } of objects) {
                    for (const p of POLICIES) {
                        const r = { type: typeOf(object), props: object as unknown as Record<string, unknown> };
                        assert.deepEqual(await report(p.name, r), [], `${dir} ${object.kind}/${object.metadata.name}`);
                    }
                }
            }
        }
    });

    it("RioSystem's objects, with its builder's namespace and its registry (on a ReadWriteOnce volume) allowed by name", async () => {
        const plan = planSystem(
            resolveSettings({
                domain: "apps.example.com",
                email: "ops@example.com",
                cloudflare: { hasZone: true, hasToken: true },
                features: { build: true, autoscaling: true, dashboard: true },
            }),
        );
        const found = async (config: Record<string, Record<string, unknown>>) => {
            const out: string[] = [];
            for (const object of systemObjects(plan, "apps.example.com")) {
                const r = { type: typeOf(object), props: object as unknown as Record<string, unknown> };
                for (const p of POLICIES) {
                    for (const m of await report(p.name, r, config[p.name]))
                        out.push(`${p.name} ${object.kind}/${object.metadata.name}: ${m}`);
                }
            }
            return out;
        };
        assert.deepEqual(await found({}), [
            `rio-rolling-update Deployment/rio-registry: strategy Recreate stops every pod before starting new ones: use RollingUpdate with maxUnavailable 0 (pulumi-rio's default: maxUnavailable 0, maxSurge 1); or allow rio-system/rio-registry by name in the policy config ({"rio-rolling-update":{"allow":["rio-system/rio-registry"]}})`,
            `rio-pod-security Namespace/rio-build: namespace "rio-build" enforces privileged, which admits any pod, even one that is root on the node: enforce baseline, or allow rio-build by name in the policy config ({"rio-pod-security":{"allow":["rio-build"]}})`,
        ]);
        const rioSystemStack = {
            "rio-rolling-update": { allow: ["rio-system/rio-registry"] },
            "rio-pod-security": { allow: ["rio-build"] },
        };
        assert.deepEqual(await found(rioSystemStack), []);
    });
});

describe("the pack served by the policy SDK, as the CLI starts it", () => {
    let pack: ServedPack;
    before(async () => {
        pack = await servePolicyPack(PACK);
    });
    after(() => pack?.close());

    const privileged: AnalyzedResource = {
        name: "web",
        ...deployment({ hostNetwork: true, containers: [{ name: "web", securityContext: { privileged: true } }] }),
    };
    const description = (name: string) => POLICIES.find((p) => p.name === name)!.description;

    it("declares its name, the root package's version, every policy mandatory and its allow list's schema", async () => {
        const info = await pack.info();
        const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.deepEqual([info.name, info.version], ["pulumi-rio", root.version]);
        assert.deepEqual(
            info.policies.map((p) => [p.name, p.enforcementLevel, p.description]),
            POLICIES.map((p) => [p.name, "mandatory", p.description]),
        );
        const schema = info.policies.find((p) => p.name === "rio-privileged")!.configSchema as any;
        assert.deepEqual(schema.allow.items, {
            type: "string",
            pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?/(\\*|[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$",
        });
        assert.equal(info.policies.find((p) => p.name === "rio-secret-plaintext")!.configSchema, undefined);
    });

    it("reports each violation with the policy's description, mandatory by default", async () => {
        const found = await pack.analyze(privileged);
        assert.deepEqual(
            found.map((d) => [d.policyName, d.enforcementLevel]),
            [
                ["rio-hostnetwork", "mandatory"],
                ["rio-privileged", "mandatory"],
                ["rio-pod-requests", "mandatory"],
            ],
        );
        assert.equal(
            found[1]!.message,
            `${description("rio-privileged")}\ncontainer "web" (privileged: true) is root on the node: ${ADVICE("rio-privileged", "default/web")}`,
        );
    });

    it("takes each policy's enforcement level and allow list from the stack's policy config", async () => {
        await pack.configure({
            "rio-privileged": { enforcementLevel: "advisory" },
            "rio-hostnetwork": { enforcementLevel: "mandatory", allow: ["default/web"] },
            "rio-pod-requests": { enforcementLevel: "disabled" },
        });
        assert.deepEqual(
            (await pack.analyze(privileged)).map((d) => [d.policyName, d.enforcementLevel]),
            [["rio-privileged", "advisory"]],
        );
        await pack.configure({});
        assert.equal((await pack.analyze(privileged)).length, 3);
    });

    it("sees a Secret's values the engine sends as secrets, and the provider's namespace", async () => {
        const found = await pack.analyze({
            type: "kubernetes:core/v1:Secret",
            name: "db",
            props: {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "db", annotations: { note: "hunter2" } },
                data: secret({ pw: Buffer.from("hunter2").toString("base64") }),
            },
        });
        assert.deepEqual(
            found.map((d) => d.message.split("\n")[1]),
            [
                `annotation note holds the Secret's pw in plain text (annotations are not secret in Pulumi's state): remove it`,
            ],
        );
        const inTeam = await pack.analyze({ ...privileged, providerProps: { namespace: "team-a" } });
        assert.match(inTeam[0]!.message, /allow team-a\/web by name/);
    });

    it("downgrades a policy that reads a value not known at preview to an advisory saying so", async () => {
        const found = await pack.analyze({
            name: "web",
            ...deployment({ containers: [{ ...fine, securityContext: UNKNOWN }] }),
        });
        assert.deepEqual(found, [
            {
                policyName: "rio-privileged",
                enforcementLevel: "advisory",
                message:
                    "can't run policy 'rio-privileged' from policy pack 'pulumi-rio@v0.1.0' during preview: string value at .spec.template.spec.containers.0.securityContext can't be known during preview",
            },
        ]);
    });
});
