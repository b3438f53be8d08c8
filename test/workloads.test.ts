/**
 * Rio's pod-shaping keys: sidecars and init containers, `global` (DaemonSet), `volumeTemplates` (StatefulSet),
 * host-reaching settings behind the stack's allow list, and `permissions` wired to RBAC. Planner tests with exact
 * objects, every object schema-checked, and RioService under the mock engine.
 */
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { normalizeApp } from "../components/service/app";
import { Allowable, resolveContext } from "../components/service/context";
import { planApp } from "../components/service/plan";
import { parseRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";
import { assertUniqueUrns, installMocks, one, registered, reset, settle } from "./support/mocks";

const plan = (spec: unknown, allow: Allowable[] = []) => {
    const p = planApp(normalizeApp("web", spec), resolveContext("shop", { domain: "apps.example.com" }, { allow }));
    p.objects.forEach((o) => validateObject(o.object));
    return p;
};
const kinds = (p: ReturnType<typeof plan>) => p.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`);
const workload = (p: ReturnType<typeof plan>) =>
    p.objects.find((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.object.kind))!.object as any;

describe("containers: sidecars and init containers", () => {
    const spec = {
        image: "ghcr.io/acme/web:1",
        ports: "8080",
        volumes: "shared:/srv/shared",
        containers: [
            {
                name: "migrate",
                init: true,
                image: "ghcr.io/acme/migrate:1",
                command: "migrate up",
                env: ["DB=config://db/url"],
            },
            {
                name: "proxy",
                image: "envoyproxy/envoy:v1.33.0",
                port: "9901/tcp",
                volume: ["shared:/shared"],
                mem: "32Mi",
                readiness: "tcp://:9901",
                configs: "envoy/envoy.yaml:/etc/envoy/envoy.yaml",
            },
        ],
    };
    it("puts sidecars after the main container and init containers first, each with Rio's container keys and defaults", () => {
        const pod = workload(plan(spec)).spec.template.spec;
        assert.deepEqual(pod.initContainers, [
            {
                name: "migrate",
                image: "ghcr.io/acme/migrate:1",
                command: ["migrate", "up"],
                env: [{ name: "DB", valueFrom: { configMapKeyRef: { name: "db", key: "url" } } }],
                resources: { requests: { cpu: "50m", memory: "64Mi" } },
                securityContext: { allowPrivilegeEscalation: false },
            },
        ]);
        assert.deepEqual(
            pod.containers.map((c: any) => c.name),
            ["web", "proxy"],
        );
        assert.deepEqual(pod.containers[1], {
            name: "proxy",
            image: "envoyproxy/envoy:v1.33.0",
            ports: [{ name: "tcp-9901", containerPort: 9901, protocol: "TCP" }],
            resources: { requests: { cpu: "50m", memory: "32Mi" } },
            readinessProbe: { tcpSocket: { port: 9901 } },
            volumeMounts: [
                { name: "config-envoy", mountPath: "/etc/envoy/envoy.yaml", subPath: "envoy.yaml", readOnly: true },
                { name: "vol-shared", mountPath: "/shared" },
            ],
            securityContext: { allowPrivilegeEscalation: false },
        });
        // The main container keeps its own ports and default probe; the pod has each volume once.
        assert.deepEqual(pod.containers[0].ports, [{ name: "http-8080", containerPort: 8080, protocol: "TCP" }]);
        assert.deepEqual(pod.containers[0].readinessProbe, { tcpSocket: { port: 8080 } });
        assert.deepEqual(pod.volumes, [
            { name: "config-envoy", configMap: { name: "envoy" } },
            { name: "vol-shared", emptyDir: {} },
        ]);
    });
    it("a sidecar's ports are the pod's: the app's Service carries them", () => {
        const svc = plan(spec).objects.find((o) => o.object.kind === "Service")!.object as any;
        assert.deepEqual(svc.spec.ports, [
            { name: "http-8080", port: 8080, targetPort: 8080, protocol: "TCP", appProtocol: "http" },
            { name: "tcp-9901", port: 9901, targetPort: 9901, protocol: "TCP" },
        ]);
    });
    const bad: [string, unknown, (string | number)[], string, boolean?][] = [
        ["a sidecar without a name", [{ image: "x" }], ["containers", 0, "name"], "required"],
        ["a sidecar without an image", [{ name: "x" }], ["containers", 0], "a container needs an image"],
        [
            "a sidecar named like the service",
            [{ name: "web", image: "x" }],
            ["containers", 0, "name"],
            'container name "web" is already used by the service\'s own container',
        ],
        [
            "two sidecars of one name",
            [
                { name: "a", image: "x" },
                { name: "a", image: "y" },
            ],
            ["containers", 1, "name"],
            'container name "a" is already used',
        ],
        [
            "a pod-level key in a sidecar",
            [{ name: "a", image: "x", scale: 2 }],
            ["containers", 0, "scale"],
            "unknown key",
            true,
        ],
        [
            "a typo in a sidecar",
            [{ name: "a", image: "x", comand: "run" }],
            ["containers", 0, "comand"],
            'unknown key; did you mean "command"?',
            true,
        ],
        [
            "a probe on an init container",
            [{ name: "a", image: "x", init: true, readiness: "tcp://:80" }],
            ["containers", 0, "readiness"],
            "an init container runs to completion before the others start: it takes no probes or ports",
            true,
        ],
        [
            "a sidecar port clashing with the service's",
            [{ name: "a", image: "x", ports: "8080/tcp" }],
            ["containers", 0, "ports", 0],
            "port 8080 (tcp-8080) clashes with the service's port 8080 (http-8080)",
        ],
        [
            "a built sidecar",
            [{ name: "a", image: "https://github.com/acme/a.git" }],
            ["containers", 0, "image"],
            "a sidecar runs an image that is already built: build it as a service of its own (or in CI) and give its image here",
        ],
        [
            "a volume declared differently",
            [{ name: "a", image: "x", volumes: "shared:/s,persistent=true" }],
            ["containers", 0, "volumes", 0],
            'volume "shared" is declared differently by another container',
        ],
    ];
    for (const [what, containers, at, detail, atKey] of bad) {
        it(`refuses ${what}`, () =>
            void expectRio(
                () => plan({ image: "nginx", ports: "8080", volumes: "shared:/srv", containers }),
                at,
                detail,
                atKey,
            ));
    }
});

describe("global: one pod per node (DaemonSet)", () => {
    it("becomes a DaemonSet without replicas, rolling one node at a time", () => {
        const p = plan({ image: "fluent/fluent-bit:3.2", global: true, cpus: "20m" });
        assert.deepEqual(kinds(p), ["DaemonSet/web"]);
        const ds = workload(p);
        assert.equal(ds.spec.replicas, undefined);
        assert.deepEqual(ds.spec.updateStrategy, {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
        });
        assert.deepEqual(ds.spec.selector, {
            matchLabels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web" },
        });
    });
    it("keeps explicit rollout bounds", () => {
        assert.deepEqual(
            workload(plan({ image: "x", global: true, maxSurge: "10%", maxUnavailable: 0 })).spec.updateStrategy
                .rollingUpdate,
            { maxUnavailable: 0, maxSurge: "10%" },
        );
    });
    for (const key of ["scale", "autoscale"]) {
        it(`refuses ${key} next to it`, () => {
            expectRio(
                () => plan({ image: "x", global: true, [key]: key === "scale" ? 2 : { cpu: 80, max: 3 } }),
                [key],
                "a global service runs one pod on every node: it has no scale",
                true,
            );
        });
    }
    it("refuses volumeTemplates next to it", () => {
        expectRio(
            () => plan({ image: "x", global: true, volumeTemplates: [{ name: "d" }], volumes: "d:/d" }),
            ["volumeTemplates"],
            "a global service runs one pod per node (a DaemonSet), which cannot have per-replica claims; use volumes",
            true,
        );
    });
});

describe("volumeTemplates: a claim per replica (StatefulSet)", () => {
    const spec = {
        image: "postgres:16",
        ports: "5432/tcp",
        scale: 3,
        volumes: ["data:/var/lib/postgresql/data", "tmp:/tmp"],
        volumeTemplates: [
            { name: "data", storage: "5Gi", storageClassName: "civo-volume", labels: { backup: "daily" } },
        ],
    };
    it("becomes a StatefulSet whose template volume comes from its claim template vol-<name>", () => {
        const p = plan(spec);
        assert.deepEqual(kinds(p), ["StatefulSet/web", "Service/web", "PodDisruptionBudget/web"]);
        const sts = workload(p);
        assert.equal(sts.spec.replicas, 3);
        assert.equal(sts.spec.serviceName, "web");
        assert.deepEqual(sts.spec.volumeClaimTemplates, [
            {
                metadata: {
                    name: "vol-data",
                    labels: {
                        "app.kubernetes.io/name": "web",
                        "app.kubernetes.io/managed-by": "pulumi-rio",
                        "app.kubernetes.io/instance": "web",
                        "app.kubernetes.io/version": "v0",
                        backup: "daily",
                    },
                },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    resources: { requests: { storage: "5Gi" } },
                    storageClassName: "civo-volume",
                },
            },
        ]);
        // No pod volume for the claim: the StatefulSet provides it per replica.
        assert.deepEqual(sts.spec.template.spec.volumes, [{ name: "vol-tmp", emptyDir: {} }]);
        assert.deepEqual(sts.spec.template.spec.containers[0].volumeMounts, [
            { name: "vol-data", mountPath: "/var/lib/postgresql/data" },
            { name: "vol-tmp", mountPath: "/tmp" },
        ]);
    });
    it("defaults to 20Gi ReadWriteOnce of the default StorageClass", () => {
        const t = workload(plan({ image: "x", volumes: "d:/d", volumeTemplates: [{ name: "d" }] })).spec
            .volumeClaimTemplates[0];
        assert.deepEqual(t.spec, { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } });
    });
    it("autoscales the StatefulSet itself", () => {
        const p = plan({ ...spec, scale: undefined, autoscale: { cpu: 70, min: 1, max: 4 } });
        const hpa = p.objects.find((o) => o.object.kind === "HorizontalPodAutoscaler")!.object as any;
        assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "StatefulSet", name: "web" });
        assert.equal(workload(p).spec.replicas, undefined);
    });
    const bad: [string, unknown, (string | number)[], string, boolean?][] = [
        [
            "a template nobody mounts",
            { volumeTemplates: [{ name: "d" }] },
            ["volumeTemplates", 0, "name"],
            'volume template "d" is mounted by no container: add volumes: d:/path',
        ],
        [
            "a bad size",
            { volumes: "d:/d", volumeTemplates: [{ name: "d", storage: "lots" }] },
            ["volumeTemplates", 0, "storage"],
            '"lots" is not a size like 10Gi',
        ],
        [
            "a bad access mode",
            { volumes: "d:/d", volumeTemplates: [{ name: "d", accessModes: ["RWO"] }] },
            ["volumeTemplates", 0, "accessModes", 0],
            '"RWO" is not an access mode (ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod)',
        ],
        [
            "a template listed twice",
            { volumes: "d:/d", volumeTemplates: [{ name: "d" }, { name: "d" }] },
            ["volumeTemplates", 1, "name"],
            'volume template "d" is listed twice',
        ],
        [
            "maxSurge on a StatefulSet",
            { volumes: "d:/d", volumeTemplates: [{ name: "d" }], maxSurge: 2 },
            ["maxSurge"],
            "a service with volumeTemplates is a StatefulSet, which replaces its pods one at a time",
            true,
        ],
        [
            "an unknown template key",
            { volumes: "d:/d", volumeTemplates: [{ name: "d", storag: "1Gi" }] },
            ["volumeTemplates", 0, "storag"],
            'unknown key; did you mean "storage"?',
            true,
        ],
    ];
    for (const [what, extra, at, detail, atKey] of bad) {
        it(`refuses ${what}`, () =>
            void expectRio(() => plan({ image: "x", ...(extra as object) }), at, detail, atKey));
    }
});

describe("what reaches into the node is allowed by name (Rio's admission verbs)", () => {
    const how = (feature: string) =>
        `; allow it by name (RioService allow: [${feature}], stack config rio:allow, rio render --allow ${feature}) — the namespace then needs Pod Security privileged`;
    const cases: [string, Allowable, unknown, (string | number)[], string][] = [
        [
            "hostNetwork",
            "hostNetwork",
            { image: "x", hostNetwork: true },
            ["hostNetwork"],
            "hostNetwork puts the pod on the node's own network",
        ],
        [
            "Rio's net: host",
            "hostNetwork",
            { image: "x", net: "host" },
            ["hostNetwork"],
            "hostNetwork puts the pod on the node's own network",
        ],
        [
            "privileged",
            "privileged",
            { image: "x", privileged: true },
            ["privileged"],
            "a privileged container is root on the node",
        ],
        [
            "a privileged sidecar",
            "privileged",
            { image: "x", containers: [{ name: "s", image: "y", privileged: true }] },
            ["containers", 0, "privileged"],
            "a privileged container is root on the node",
        ],
        [
            "a hostPath",
            "hostPath",
            { image: "x", volumes: ["/var/log:/host/log,hosttype=directory"] },
            ["volumes", 0],
            "a hostPath volume reads and writes the node's /var/log",
        ],
        [
            "a sidecar's hostPath",
            "hostPath",
            { image: "x", containers: [{ name: "s", image: "y", volumes: ["a:/a", "/run/x.sock:/x.sock"] }] },
            ["containers", 0, "volumes", 1],
            "a hostPath volume reads and writes the node's /run/x.sock",
        ],
        [
            "a sidecar's hostport",
            "hostPort",
            { image: "x", containers: [{ name: "s", image: "y", ports: ["9000/tcp", "9100/tcp,hostport"] }] },
            ["containers", 0, "ports", 1],
            "hostport binds a port on every node the pod runs on",
        ],
    ];
    for (const [what, feature, spec, at, detail] of cases) {
        it(`refuses ${what} unless ${feature} is allowed`, () => {
            expectRio(() => plan(spec), at, detail + how(feature));
            // Allowing something else does not help.
            expectRio(
                () =>
                    plan(
                        spec,
                        (["hostPort", "hostNetwork", "hostPath", "privileged"] as Allowable[]).filter(
                            (f) => f !== feature,
                        ),
                    ),
                at,
                detail + how(feature),
            );
            assert.ok(plan(spec, [feature]).objects.length > 0);
        });
    }
    it("allowed, each lands in the pod exactly", () => {
        const pod = workload(
            plan(
                {
                    image: "x",
                    net: "host",
                    privileged: true,
                    volumes: ["/var/log:/host/log,hosttype=directory", "/etc/ssl:/ssl"],
                },
                ["hostNetwork", "privileged", "hostPath"],
            ),
        ).spec.template.spec;
        assert.equal(pod.hostNetwork, true);
        // On the node's network the pod still resolves cluster names.
        assert.equal(pod.dnsPolicy, "ClusterFirstWithHostNet");
        assert.deepEqual(pod.containers[0].securityContext, { allowPrivilegeEscalation: true, privileged: true });
        assert.deepEqual(pod.volumes, [
            // Named from a hash of the host path, so the name is stable and distinct (sha256("/var/log") = 9a6a409e…).
            { name: "vol-host-9a6a409e", hostPath: { path: "/var/log", type: "Directory" } },
            { name: "vol-host-8b6554cf", hostPath: { path: "/etc/ssl" } },
        ]);
    });
    it("an explicit DNS policy wins on the node's network", () => {
        assert.equal(
            workload(plan({ image: "x", hostNetwork: true, dns: { policy: "Default" } }, ["hostNetwork"])).spec.template
                .spec.dnsPolicy,
            "Default",
        );
    });
    it("hostAliases next to hostNetwork reach the pod (the kubelet appends them to the node's hosts file), as in Rio's Reference", () => {
        const pod = workload(plan({ image: "x", hostNetwork: true, hostAliases: ["db=10.0.0.5"] }, ["hostNetwork"]))
            .spec.template.spec;
        assert.deepEqual([pod.hostNetwork, pod.hostAliases], [true, [{ ip: "10.0.0.5", hostnames: ["db"] }]]);
    });
});

describe("permissions → ServiceAccount, roles and bindings", () => {
    it("no permission: no ServiceAccount token in the pod", () => {
        const pod = workload(plan({ image: "x" })).spec.template.spec;
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(pod.serviceAccountName, undefined);
    });
    it("permissions give the pod its own ServiceAccount, a Role and a binding, declared before the workload", () => {
        const p = plan({
            image: "x",
            permissions: ["get,list configmaps", "role=view"],
            global_permissions: "read nodes",
        });
        assert.deepEqual(kinds(p), [
            "ServiceAccount/web",
            "Role/rio-web",
            "RoleBinding/rio-web",
            "RoleBinding/rio-web.view",
            "ClusterRole/rio-shop.web",
            "ClusterRoleBinding/rio-shop.web",
            "Deployment/web",
        ]);
        const pod = workload(p).spec.template.spec;
        assert.equal(pod.serviceAccountName, "web");
        assert.equal(pod.automountServiceAccountToken, true);
        assert.deepEqual((p.objects[1]!.object as any).rules, [
            { verbs: ["get", "list"], apiGroups: [""], resources: ["configmaps"] },
        ]);
        assert.deepEqual((p.objects[4]!.object as any).rules, [
            { verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["nodes"] },
        ]);
        assert.deepEqual(p.objects.find((o) => o.object.kind === "Deployment")!.after, ["ServiceAccount"]);
        // Pulumi names stay distinct per object.
        const suffixes = p.objects.map((o) => `${o.object.kind}${o.suffix}`);
        assert.equal(new Set(suffixes).size, suffixes.length);
    });
    it("each version runs as its own ServiceAccount", () => {
        const p = plan({ image: "x", permissions: "* pods", versions: { v1: { weight: 90 }, v2: { weight: 10 } } });
        assert.deepEqual(
            kinds(p).filter((k) => k.startsWith("ServiceAccount")),
            ["ServiceAccount/web-v1", "ServiceAccount/web-v2"],
        );
        assert.deepEqual(
            p.objects.find((o) => o.object.metadata.name === "web-v2" && o.object.kind === "Deployment")!.after,
            ["ServiceAccount-v2"],
        );
    });
    it("a URL in a namespaced permission is refused at its key", () => {
        expectRio(
            () => plan({ image: "x", permissions: ["get url=/healthz"] }),
            ["permissions", 0],
            "url= grants a non-resource URL, which only a cluster-wide role can: move it to globalPermissions",
        );
    });
});

describe("a Riofile with all of it", () => {
    const text = [
        "services:",
        "  logs:",
        "    image: fluent/fluent-bit:3.2",
        "    global: true",
        "    globalPermission: read pods",
        "    volumes: /var/log:/var/log,hosttype=directory",
        "  db:",
        "    image: postgres:16",
        "    ports: 5432/tcp",
        "    volumes: data:/var/lib/postgresql/data",
        "    volumeTemplates:",
        "    - name: data",
        "      storage: 1Gi",
        "    containers:",
        "    - name: init-perms",
        "      init: true",
        "      image: busybox:1.37",
        "      command: chown -R 999 /var/lib/postgresql/data",
        "      volumes: data:/var/lib/postgresql/data",
        "      runAsUser: 0",
    ].join("\n");
    it("renders schema-valid objects, and names where the guard stopped it", () => {
        const riofile = parseRiofile(text, "Riofile");
        const err = expectRio(
            () => planRiofile(riofile, { namespace: "ops" }),
            ["services", "logs", "volumes", 0],
            "a hostPath volume reads and writes the node's /var/log; allow it by name (RioService allow: [hostPath], stack config rio:allow, rio render --allow hostPath) — the namespace then needs Pod Security privileged",
        );
        assert.equal(err.message.split(" ")[0], "Riofile:6:14");
        const objects = planObjects(planRiofile(riofile, { namespace: "ops", allow: ["hostPath"] })).map(
            (p) => p.object,
        );
        objects.forEach(validateObject);
        assert.deepEqual(
            objects.map((o) => `${o.kind}/${o.metadata.name}`),
            [
                "ServiceAccount/logs",
                "ClusterRole/rio-ops.logs",
                "ClusterRoleBinding/rio-ops.logs",
                "DaemonSet/logs",
                "StatefulSet/db",
                "Service/db",
            ],
        );
    });
});

describe("RioService under the mock engine", () => {
    before(async () => installMocks());
    beforeEach(() => reset());
    it("registers the StatefulSet, the RBAC objects and the DaemonSet with their typed resources", async () => {
        const { RioService } = await import("../components/service/rioService");
        const db = new RioService("db", {
            image: "postgres:16",
            ports: "5432/tcp",
            volumes: "data:/data",
            volumeTemplates: [{ name: "data" }],
            permissions: "get secrets db-password",
            namespace: "shop",
        });
        const agent = new RioService("agent", {
            image: "x",
            global: true,
            hostNetwork: true,
            allow: ["hostNetwork"],
            namespace: "shop",
        });
        await settle(db);
        await settle(agent);
        assertUniqueUrns();
        assert.equal(
            one("kubernetes:apps/v1:StatefulSet", "db").inputs.spec.volumeClaimTemplates[0].metadata.name,
            "vol-data",
        );
        assert.deepEqual(one("kubernetes:rbac.authorization.k8s.io/v1:Role", "db-rio-db").inputs.rules, [
            { verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["db-password"] },
        ]);
        assert.equal(one("kubernetes:core/v1:ServiceAccount", "db").inputs.metadata.namespace, "shop");
        assert.equal(one("kubernetes:apps/v1:DaemonSet", "agent").inputs.spec.template.spec.hostNetwork, true);
        assert.equal(registered.filter((r) => r.type === "kubernetes:apps/v1:Deployment").length, 0);
    });
    it("refuses a host setting the component does not allow, before registering anything", async () => {
        const { RioService } = await import("../components/service/rioService");
        assert.throws(
            () => new RioService("agent", { image: "x", privileged: true }),
            /RioService "agent": privileged: a privileged container is root on the node/,
        );
        assert.equal(registered.length, 0);
    });
});

describe("previews of these services", () => {
    it("a global service stays one pod per node in a preview (no scale is forced on it)", async () => {
        const { previewRiofile } = await import("../components/preview/riofile");
        const riofile = previewRiofile(
            parseRiofile(
                "services:\n  agent:\n    image: x\n    global: true\n  web:\n    image: y\n    scale: 4\n",
                "Riofile",
            ),
            {},
        );
        assert.deepEqual(
            riofile.services.map((s) => [s.name, s.spec.scale]),
            [
                ["agent", undefined],
                ["web", 1],
            ],
        );
        const objects = planObjects(planRiofile(riofile, { namespace: "preview-pr-1" })).map((p) => p.object);
        assert.deepEqual(
            objects.map((o) => o.kind),
            ["DaemonSet", "Deployment"],
        );
    });
});
