/**
 * Construction tests: the real RioService under Pulumi's mock engine. They prove which children are
 * registered and with exactly which inputs; they do not prove parentage, await behaviour or what a cluster
 * accepts (see the README).
 */
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
    applied,
    assertUniqueUrns,
    byType,
    installMocks,
    one,
    registered,
    reset,
    settle,
    value,
} from "./support/mocks";
import { validateObject } from "./support/schema";

type Components = typeof import("../components");
let rio: Components;
let planning: typeof import("../components/service/plan") &
    typeof import("../components/service/spec") &
    typeof import("../components/service/context");

before(async () => {
    await installMocks();
    rio = await import("../components");
    planning = {
        ...(await import("../components/service/plan")),
        ...(await import("../components/service/spec")),
        ...(await import("../components/service/context")),
    };
});
beforeEach(reset);

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const gateway = { domain: "apps.example.com" };

describe("RioService", () => {
    it("deploys rancher/hello-world as the walkthrough does: 2 replicas behind https://hello-world-demo.<domain>", async () => {
        const svc = new rio.RioService("hello-world", {
            image: "rancher/hello-world",
            ports: "80",
            scale: 2,
            namespace: "demo",
            gateway,
        });
        await settle(svc);

        assert.deepEqual(
            registered.filter((r) => !r.custom).map((r) => [r.type, r.name]),
            [["pulumi-rio:index:RioService", "hello-world"]],
        );
        assert.deepEqual(
            applied().map((r) => [r.type, r.name]),
            [
                [DEPLOYMENT, "hello-world"],
                [SERVICE, "hello-world"],
                [ROUTE, "hello-world"],
                ["kubernetes:policy/v1:PodDisruptionBudget", "hello-world"],
            ],
        );
        // Two replicas: drains and upgrades take one at a time.
        assert.deepEqual(one("kubernetes:policy/v1:PodDisruptionBudget", "hello-world").inputs.spec, {
            maxUnavailable: 1,
            selector: {
                matchLabels: { "app.kubernetes.io/name": "hello-world", "app.kubernetes.io/instance": "hello-world" },
            },
        });
        const deployment = one(DEPLOYMENT, "hello-world").inputs;
        assert.equal(deployment.metadata.name, "hello-world");
        assert.equal(deployment.metadata.namespace, "demo");
        assert.equal(deployment.spec.replicas, 2);
        assert.deepEqual(deployment.spec.strategy, {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
        });
        assert.deepEqual(deployment.spec.selector, {
            matchLabels: { "app.kubernetes.io/name": "hello-world", "app.kubernetes.io/instance": "hello-world" },
        });
        const pod = deployment.spec.template;
        for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels))
            assert.equal(pod.metadata.labels[k], v);
        assert.equal(pod.spec.automountServiceAccountToken, false);
        assert.deepEqual(pod.spec.securityContext, { seccompProfile: { type: "RuntimeDefault" } });
        assert.deepEqual(pod.spec.containers, [
            {
                name: "hello-world",
                image: "rancher/hello-world",
                ports: [{ name: "http-80", containerPort: 80, protocol: "TCP" }],
                resources: { requests: { cpu: "50m", memory: "64Mi" } },
                readinessProbe: { tcpSocket: { port: 80 } },
                securityContext: { allowPrivilegeEscalation: false },
            },
        ]);

        const service = one(SERVICE, "hello-world").inputs;
        assert.deepEqual(service.spec, {
            type: "ClusterIP",
            selector: { "app.kubernetes.io/name": "hello-world", "app.kubernetes.io/managed-by": "pulumi-rio" },
            ports: [{ name: "http-80", port: 80, targetPort: 80, protocol: "TCP", appProtocol: "http" }],
        });
        // The Service selects the Deployment's pods.
        for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(pod.metadata.labels[k], v);

        const route = one(ROUTE, "hello-world").inputs;
        assert.equal(route.apiVersion, "gateway.networking.k8s.io/v1");
        assert.equal(route.kind, "HTTPRoute");
        assert.deepEqual(route.spec, {
            parentRefs: [
                { group: "gateway.networking.k8s.io", kind: "Gateway", name: "rio-gateway", namespace: "rio-system" },
            ],
            hostnames: ["hello-world-demo.apps.example.com"],
            rules: [
                {
                    matches: [{ path: { type: "PathPrefix", value: "/" } }],
                    backendRefs: [{ group: "", kind: "Service", name: "hello-world", port: 80 }],
                },
            ],
        });

        assert.equal(await value(svc.url), "https://hello-world-demo.apps.example.com");
        assert.deepEqual(await value(svc.urls), ["https://hello-world-demo.apps.example.com"]);
        assert.deepEqual(await value(svc.hostnames), ["hello-world-demo.apps.example.com"]);
        assert.equal(await value(svc.namespace), "demo");
        assert.equal(await value(svc.serviceName), "hello-world");
        for (const r of registered.filter((r) => r.custom)) validateObject(r.inputs);
    });

    it("registers exactly what the planner plans, for every key at once (one implementation for pulumi up and rio render)", async () => {
        const args = {
            image: "nginx:1.27-alpine",
            app: "shop",
            version: "v2",
            ports: [
                "80:8080/http,name=web",
                "9090/http,internal",
                { port: 8443, protocol: "grpc" as const, name: "rpc" },
                "53/udp",
            ],
            env: { LOG_LEVEL: "info", DB_PASSWORD: "secret://shop-db/password", FLAGS: "config://flags/all" },
            configs: ["site/index.html:/usr/share/nginx/html/index.html"],
            secrets: ["shop-tls:/etc/shop/tls"],
            command: "nginx",
            args: '-g "daemon off;"',
            workingDir: "/srv",
            cpus: 0.25,
            memory: "128Mi",
            scale: 3,
            labels: { team: "storefront" },
            annotations: { "example.com/owner": "storefront" },
            readinessProbe: "http://:8080/healthz",
            livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 20 },
            imagePullPolicy: "not-present" as const,
            imagePullSecrets: ["registry-credentials"],
            hostnames: ["shop.example.com"],
        };
        const svc = new rio.RioService("web", { ...args, namespace: "prod", gateway });
        await settle(svc);

        const plan = planning.planService(
            planning.normalizeService("web", args),
            planning.resolveContext("prod", gateway),
        );
        const objects = applied();
        assert.equal(objects.length, plan.objects.length);
        plan.objects.forEach((planned, i) => {
            assert.deepEqual(objects[i]!.inputs, planned.object);
            assert.equal(objects[i]!.name, `web${planned.suffix}`);
        });
        assert.deepEqual(
            objects.map((r) => [r.type, r.name]),
            [
                [DEPLOYMENT, "web"],
                [SERVICE, "web"],
                [ROUTE, "web"],
                [ROUTE, "web-8443"],
                ["kubernetes:policy/v1:PodDisruptionBudget", "web"],
            ],
        );
        const container = one(DEPLOYMENT, "web").inputs.spec.template.spec.containers[0];
        assert.equal(container.imagePullPolicy, "IfNotPresent");
        assert.deepEqual(container.env[1], {
            name: "DB_PASSWORD",
            valueFrom: { secretKeyRef: { name: "shop-db", key: "password" } },
        });
        assert.deepEqual(container.resources, { requests: { cpu: "250m", memory: "128Mi" } });
        assert.deepEqual(container.readinessProbe, { httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" } });
        assert.deepEqual(one(ROUTE, "web").inputs.spec.hostnames, ["shop-prod.apps.example.com", "shop.example.com"]);
        assert.deepEqual(one(ROUTE, "web-8443").inputs.spec.hostnames, ["shop-8443-prod.apps.example.com"]);
        assert.deepEqual(await value(svc.urls), [
            "https://shop-prod.apps.example.com",
            "https://shop.example.com",
            "https://shop-8443-prod.apps.example.com",
        ]);
        for (const r of objects) validateObject(r.inputs);
        assertUniqueUrns();
    });

    it("accepts Outputs and secrets for every key but the structural ones, and plans the same objects once they resolve", async () => {
        const plainArgs = { image: "nginx", ports: ["8080"], env: ["TOKEN=s3cr3t"], scale: 2, cpus: "100m" };
        const svc = new rio.RioService("outputs", {
            image: pulumi.output("nginx"),
            ports: ["8080"],
            env: pulumi.secret(["TOKEN=s3cr3t"]),
            scale: 2,
            cpus: Promise.resolve("100m"),
            namespace: pulumi.output("team-a"),
            gateway: pulumi.output(gateway),
        });
        assert.equal(await value(svc.url), "https://outputs-team-a.apps.example.com");
        await settle(svc);
        const plan = planning.planService(
            planning.normalizeService("outputs", plainArgs),
            planning.resolveContext("team-a", gateway),
        );
        assert.deepEqual(
            applied().map((r) => r.inputs),
            plan.objects.map((p) => p.object),
        );
        // A secret arg makes the service's whole plan secret: over-marking hides a diff, never leaks a value.
        for (const r of applied()) assert.deepEqual(r.secretInputs.sort(), ["metadata", "spec"], r.type);
    });

    it("is a private service without ports: a Deployment only, no Service, no route, no URL", async () => {
        const svc = new rio.RioService("worker", { image: "busybox", command: ["sleep", "3600"], namespace: "jobs" });
        await settle(svc);
        assert.deepEqual(
            applied().map((r) => r.type),
            [DEPLOYMENT],
        );
        const container = one(DEPLOYMENT, "worker").inputs.spec.template.spec.containers[0];
        assert.equal(container.readinessProbe, undefined);
        assert.equal(await value(svc.url), undefined);
        assert.deepEqual(await value(svc.urls), []);
        assert.equal(await value(svc.serviceName), undefined);
    });

    it("keeps two services apart: their own names, selectors and routes", async () => {
        const a = new rio.RioService("api", { image: "api:1", ports: "8080", gateway });
        const b = new rio.RioService("web", { image: "web:1", ports: "80", gateway });
        await Promise.all([settle(a), settle(b)]);
        assertUniqueUrns();
        assert.equal(byType(DEPLOYMENT).length, 2);
        assert.notDeepEqual(one(DEPLOYMENT, "api").inputs.spec.selector, one(DEPLOYMENT, "web").inputs.spec.selector);
        assert.deepEqual(one(ROUTE, "api").inputs.spec.hostnames, ["api-default.apps.example.com"]);
    });

    describe("rejects bad input before registering anything", () => {
        const cases: [string, Record<string, unknown>, string][] = [
            [
                "bad-port",
                { image: "x", ports: ["80", "abc"], gateway },
                'RioService "bad-port": ports[1]: port "abc" is not a number',
            ],
            [
                "bad-scale",
                { image: "x", scale: -1 },
                'RioService "bad-scale": scale: scale must be a whole number of replicas ≥ 0, not "-1"',
            ],
            [
                "bad-scale2",
                { image: "x", scale: "two" },
                'RioService "bad-scale2": scale: scale must be a whole number of replicas ≥ 0, not "two"',
            ],
            [
                "bad-secret",
                { image: "x", env: ["PW=secret://db"] },
                'RioService "bad-secret": env[0]: "secret://db" must name a Secret and a key: secret://<name>/<key>',
            ],
            ["no-image", { ports: "80", gateway }, 'RioService "no-image": a service needs an image (or a build)'],
            [
                "no-domain",
                { image: "x", ports: "80" },
                'RioService "no-domain": ports: exposed ports need a cluster domain (gateway.domain, or --domain for rio render)',
            ],
            [
                "Bad_Name",
                { image: "x" },
                'RioService "Bad_Name": service name "Bad_Name" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit',
            ],
            [
                "typo",
                { image: "x", imagePullPolicyy: "Always" },
                'RioService "typo": imagePullPolicyy: unknown key; did you mean "imagePullPolicy"?',
            ],
        ];
        for (const [name, args, message] of cases) {
            it(`${name}: ${message}`, () => {
                assert.throws(
                    () => new rio.RioService(name, args as any),
                    (e: unknown) => e instanceof pulumi.ResourceError && e.message === message,
                );
                assert.equal(registered.length, 0);
            });
        }

        for (const key of ["ports", "scale", "autoscale"] as const) {
            it(`refuses ${key} given as an Output, since it decides which objects exist`, () => {
                const value = { ports: ["80"], scale: 2, autoscale: { maxReplicas: 3 } }[key];
                assert.throws(
                    () =>
                        new rio.RioService("late", {
                            image: pulumi.output("x"),
                            ports: "80",
                            [key]: pulumi.output(value),
                        } as any),
                    (e: unknown) =>
                        e instanceof pulumi.ResourceError &&
                        e.message ===
                            `RioService "late": ${key} must be a plain value, not an Output: it decides which objects are created`,
                );
                assert.equal(registered.length, 0);
            });
        }
    });
});
