/** More of Rio's service keys: DNS, extra hosts, hostname, stdin/tty, user and group, read-only root, affinity, rollout bounds. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveContext } from "../components/service/context";
import { planWorkload } from "../components/service/workload";
import { normalizeService } from "../components/service/spec";
import { parseRiofile } from "../components/riofile/load";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";

describe("pod and container keys", () => {
    it("takes affinity keys written empty, as Rio's Reference writes them, as no affinity", () => {
        const riofile = parseRiofile(
            [
                "services:",
                "  web:",
                "    image: nginx",
                "    nodeAffinity:",
                "    podAffinity:",
                "    podAntiAffinity:",
                "",
            ].join("\n"),
            "Riofile",
        );
        assert.deepEqual(riofile.warnings ?? [], []);
        const spec = riofile.services[0]!.spec as Record<string, unknown>;
        assert.deepEqual(
            ["nodeAffinity", "podAffinity", "podAntiAffinity"].filter((k) => k in spec),
            [],
        );
        const deployment = planWorkload(normalizeService("web", spec), "shop");
        assert.equal((deployment.spec as any).template.spec.affinity, undefined);
    });

    it("map onto the Deployment as Kubernetes takes them, with Rio's spellings", () => {
        const svc = normalizeService("web", {
            image: "nginx",
            dns: {
                policy: "host",
                nameservers: ["1.1.1.1"],
                searches: ["svc.example.com"],
                options: ["ndots:2", { name: "edns0" }],
            },
            hosts: ["db.local=10.0.0.5", { ip: "10.0.0.6", hostnames: ["cache.local"] }],
            hostname: "web-0",
            stdinOpen: true,
            tty: true,
            user: 1000,
            group: 3000,
            readOnlyRootFilesystem: true,
            podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                        weight: 100,
                        podAffinityTerm: {
                            topologyKey: "kubernetes.io/hostname",
                            labelSelector: { matchLabels: { app: "web" } },
                        },
                    },
                ],
            },
            maxUnavailable: "25%",
            maxSurge: 2,
        });
        const d = planWorkload(svc, resolveContext("shop", undefined).namespace) as any;
        validateObject(d);
        const pod = d.spec.template.spec;
        assert.equal(pod.dnsPolicy, "Default");
        assert.deepEqual(pod.dnsConfig, {
            nameservers: ["1.1.1.1"],
            searches: ["svc.example.com"],
            options: [{ name: "ndots", value: "2" }, { name: "edns0" }],
        });
        assert.deepEqual(pod.hostAliases, [
            { ip: "10.0.0.5", hostnames: ["db.local"] },
            { ip: "10.0.0.6", hostnames: ["cache.local"] },
        ]);
        assert.equal(pod.hostname, "web-0");
        assert.deepEqual(Object.keys(pod.affinity), ["podAntiAffinity"]);
        const c = pod.containers[0];
        assert.deepEqual([c.stdin, c.tty], [true, true]);
        assert.deepEqual(c.securityContext, {
            allowPrivilegeEscalation: false,
            runAsUser: 1000,
            runAsGroup: 3000,
            readOnlyRootFilesystem: true,
        });
        assert.deepEqual(d.spec.strategy.rollingUpdate, { maxUnavailable: "25%", maxSurge: 2 });
    });

    const bad: [string, Record<string, unknown>, (string | number)[], string][] = [
        [
            "an unknown DNS policy",
            { dns: { policy: "Google" } },
            ["dns", "policy"],
            '"Google" is not a DNS policy (ClusterFirst, Default or host, None, ClusterFirstWithHostNet)',
        ],
        ["policy None without nameservers", { dns: { policy: "None" } }, ["dns", "policy"], "None needs nameservers"],
        [
            "a nameserver that is not an IP",
            { dns: { nameservers: ["dns.google"] } },
            ["dns", "nameservers", 0],
            '"dns.google" is not an IP address',
        ],
        [
            "an extra host without =",
            { hostAliases: ["db.local"] },
            ["hostAliases", 0],
            '"db.local" must be host[,host]=ip',
        ],
        [
            "a rollout that can never start",
            { maxUnavailable: 0, maxSurge: "0%" },
            ["maxSurge"],
            "maxUnavailable and maxSurge cannot both be 0: the rollout could never start",
        ],
        [
            "a rollout bound that is neither number nor percentage",
            { maxSurge: "two" },
            ["maxSurge"],
            '"two" must be a number or a percentage like 25%',
        ],
        ["a negative user", { runAsUser: -1 }, ["runAsUser"], "number must be greater than or equal to 0"],
    ];
    for (const [what, spec, p, detail] of bad) {
        it(`refuses ${what}`, () => {
            expectRio(() => normalizeService("web", { image: "nginx", ...spec }), p, detail);
        });
    }
});

describe("$(self/…) environment values (Rio's downward API)", () => {
    it("become fieldRefs", () => {
        const svc = normalizeService("web", {
            image: "nginx",
            env: { POD: "$(self/name)", NODE: "$(self/node)", POD_IP: "$(self/ip)", NS: "$(self/namespace)" },
        });
        assert.deepEqual(svc.env, [
            { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
            { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
            { name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
        ]);
        validateObject(planWorkload(svc, "shop"));
    });
    it("refuse what the downward API cannot put in a variable", () => {
        expectRio(
            () => normalizeService("web", { image: "nginx", env: ["L=$(self/labels)"] }),
            ["env", 0],
            '"$(self/labels)": $(self/…) takes name, namespace, node, serviceAccount, hostIp, nodeIp, ip (labels and annotations only reach a pod through a volume)',
        );
    });
});

describe("requestTimeoutSeconds", () => {
    const { planApp } = require("../components/service/plan") as typeof import("../components/service/plan");
    const { normalizeApp } = require("../components/service/app") as typeof import("../components/service/app");
    it("is an HTTPRoute request timeout on Envoy Gateway", () => {
        const plan = planApp(
            normalizeApp("web", { image: "nginx", ports: "80", requestTimeoutSeconds: 30 }),
            resolveContext("shop", { domain: "apps.example.com", implementation: "envoy" }),
        );
        const route = plan.objects.find((o) => o.object.kind === "HTTPRoute")!.object as any;
        assert.deepEqual(route.spec.rules[0].timeouts, { request: "30s" });
        validateObject(route);
    });
    it("is refused on Traefik, naming the gateway that can", () => {
        expectRio(
            () =>
                planApp(
                    normalizeApp("web", { image: "nginx", ports: "80", requestTimeoutSeconds: 30 }),
                    resolveContext("shop", { domain: "apps.example.com" }),
                ),
            ["requestTimeoutSeconds"],
            "Traefik cannot time out requests per route (no HTTPRoute request timeouts); use gatewayImplementation: envoy (Envoy Gateway) for it",
        );
    });
});

describe("the hostPort guard (Rio's rio-hostport verb)", () => {
    const { planApp } = require("../components/service/plan") as typeof import("../components/service/plan");
    const { normalizeApp } = require("../components/service/app") as typeof import("../components/service/app");
    const app = () => normalizeApp("dns", { image: "coredns", ports: ["53/udp,hostport", "8080"] });
    it("refuses a hostport unless the stack allows hostPort by name", () => {
        expectRio(
            () => planApp(app(), resolveContext("infra", { domain: "apps.example.com" })),
            ["ports", 0],
            "hostport binds a port on every node the pod runs on; allow it by name (RioService allow: [hostPort], stack config rio:allow, rio render --allow hostPort) — the namespace then needs Pod Security privileged",
        );
    });
    it("binds it when allowed", () => {
        const plan = planApp(app(), resolveContext("infra", { domain: "apps.example.com" }, { allow: ["hostPort"] }));
        const c = (plan.objects[0]!.object as any).spec.template.spec.containers[0];
        assert.deepEqual(c.ports[0], { name: "udp-53", containerPort: 53, protocol: "UDP", hostPort: 53 });
    });
    it("refuses allowing what cannot be allowed", () => {
        expectRio(
            () => resolveContext("infra", undefined, { allow: ["sysAdmin"] }),
            ["allow", 0],
            '"sysAdmin" cannot be allowed (only hostPort, hostNetwork, hostPath, privileged)',
        );
    });
});
