/**
 * RioSystem under Pulumi's mock engine: which children each feature registers, with exactly which inputs,
 * and that credentials stay secret. A live cluster is not involved: the Gateway's published address is mocked.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { before, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
    assertUniqueUrns,
    byType,
    CLOUDFLARE_RANGES,
    installMocks,
    kubeObjects,
    one,
    registered,
    reset,
    settle,
    value,
} from "../support/mocks";
import { validateObject } from "../support/schema";

const ADDRESS = "203.0.113.10";
let rio: typeof import("../../components");

before(async () => {
    await installMocks("system", false, (type) =>
        type === "kubernetes:gateway.networking.k8s.io/v1:Gateway"
            ? { status: { addresses: [{ type: "IPAddress", value: ADDRESS }] } }
            : undefined,
    );
    rio = await import("../../components");
});
beforeEach(reset);

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile";

function releases(): Record<string, Record<string, any>> {
    return Object.fromEntries(byType(RELEASE).map((r) => [r.inputs.name, r.inputs]));
}

function object(kind: string, name: string): Record<string, any> {
    const found = kubeObjects().filter((o) => o.kind === kind && o.metadata.name === name);
    assert.equal(found.length, 1, `${kind}/${name}`);
    return found[0]!;
}

/** Every Kubernetes object is schema-valid (EnvoyProxy has no published schema package). */
function validateAll(): void {
    for (const o of kubeObjects()) if (o.kind !== "EnvoyProxy") validateObject(o);
}

describe("RioSystem", () => {
    it("local defaults: Traefik, cert-manager with a self-signed CA, registry and metrics-server, for a given domain", async () => {
        const sys = new rio.RioSystem("local", { domain: "apps.example.com" });
        await settle(sys);
        assert.deepEqual(await value(sys.ref), {
            gateway: {
                name: "rio-gateway",
                namespace: "rio-system",
                scheme: "https",
                listener: "https",
                implementation: "traefik",
                customDomains: [],
                domain: "apps.example.com",
            },
            registry: { push: "rio-registry.rio-system.svc.cluster.local:5000", pull: "localhost:30500" },
            issuer: "rio-ca",
        });
        assert.equal(await value(sys.address), ADDRESS);
        assert.equal(await value(sys.kubeconfig), undefined);

        assert.deepEqual(
            byType(CONFIG_FILE)
                .map((r) => r.inputs.file)
                .sort(),
            [
                "https://github.com/cert-manager/cert-manager/releases/download/v1.21.1/cert-manager.crds.yaml",
                "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml",
            ],
        );
        const rel = releases();
        assert.deepEqual(Object.keys(rel).sort(), ["cert-manager", "metrics-server", "traefik"]);
        assert.deepEqual(
            [rel.traefik!.chart, rel.traefik!.version, rel.traefik!.repositoryOpts, rel.traefik!.namespace],
            ["traefik", "41.3.0", { repo: "https://traefik.github.io/charts" }, "rio-system"],
        );
        assert.deepEqual(rel.traefik!.values.providers.kubernetesGateway, { enabled: true });
        assert.deepEqual(rel.traefik!.values.resources, {
            requests: { cpu: "100m", memory: "96Mi" },
            limits: { cpu: "1", memory: "256Mi" },
        });
        assert.deepEqual(
            [rel["cert-manager"]!.chart, rel["cert-manager"]!.version],
            ["oci://quay.io/jetstack/charts/cert-manager", "v1.21.1"],
        );
        assert.equal(rel["cert-manager"]!.values.crds.enabled, false);
        // The release waits for cert-manager's API (its post-install check); skipCrds, which does nothing here, is gone.
        assert.equal(rel["cert-manager"]!.values.startupapicheck.enabled, true);
        for (const r of Object.values(rel)) assert.equal(r.skipCrds, undefined, r.name);

        const gw = object("Gateway", "rio-gateway");
        assert.deepEqual(gw.spec.listeners, [
            {
                name: "http",
                protocol: "HTTP",
                port: 8000,
                hostname: "*.apps.example.com",
                allowedRoutes: { namespaces: { from: "All" } },
            },
            {
                name: "https",
                protocol: "HTTPS",
                port: 8443,
                hostname: "*.apps.example.com",
                tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "rio-wildcard-tls" }] },
                allowedRoutes: { namespaces: { from: "All" } },
            },
        ]);
        assert.equal(gw.metadata.annotations["pulumi.com/waitFor"], "jsonpath={.status.addresses[0].value}");
        assert.deepEqual(object("GatewayClass", "rio-traefik").spec, {
            controllerName: "traefik.io/gateway-controller",
        });
        assert.deepEqual(object("HTTPRoute", "rio-https-redirect").spec.rules, [
            { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
        ]);
        assert.deepEqual(object("Certificate", "rio-wildcard").spec, {
            secretName: "rio-wildcard-tls",
            dnsNames: ["*.apps.example.com", "apps.example.com"],
            issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "rio-ca" },
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        });
        assert.deepEqual(object("ClusterIssuer", "rio-ca").spec, { ca: { secretName: "rio-ca-tls" } });
        const registry = object("Deployment", "rio-registry").spec.template.spec;
        assert.deepEqual(registry.securityContext, {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.equal(registry.containers[0].image, "registry:3.0.0");
        assert.deepEqual(object("Service", "rio-registry").spec.ports, [
            { name: "registry", port: 5000, targetPort: 5000, nodePort: 30500, protocol: "TCP" },
        ]);
        assert.deepEqual(object("PersistentVolumeClaim", "rio-registry").spec.resources, {
            requests: { storage: "20Gi" },
        });
        assert.equal(byType("cloudflare:index/dnsRecord:DnsRecord").length, 0);
        assert.equal(byType("civo:index/kubernetesCluster:KubernetesCluster").length, 0);
        assert.equal(byType("civo:index/firewall:Firewall").length, 0);
        assert.deepEqual(rel.traefik!.values.service, { spec: { type: "LoadBalancer" } });
        validateAll();
        assertUniqueUrns();
    });

    it("derives an sslip.io domain from the gateway address when none is given (Rio's on-rio.io, without a service)", async () => {
        const sys = new rio.RioSystem("derived", {});
        assert.equal(await value(sys.domain), "203.0.113.10.sslip.io");
        await settle(sys);
        assert.deepEqual(object("Certificate", "rio-wildcard").spec.dnsNames, [
            "*.203.0.113.10.sslip.io",
            "203.0.113.10.sslip.io",
        ]);
        // Listeners cannot name a domain that is not known yet: they take any host.
        assert.equal(object("Gateway", "rio-gateway").spec.listeners[0].hostname, undefined);
    });

    it("Civo + Cloudflare: a k3s cluster without marketplace apps, Let's Encrypt over DNS-01, proxied records, secrets kept secret", async () => {
        const sys = new rio.RioSystem("prod", {
            civo: { region: "FRA1", nodeSize: "g4s.kube.small", nodeCount: 3 },
            domain: "apps.example.com",
            email: "ops@example.com",
            cloudflare: { zoneId: "zone-123", apiToken: pulumi.secret("cf-token") },
        });
        await settle(sys);
        const cluster = one("civo:index/kubernetesCluster:KubernetesCluster", "prod-cluster");
        assert.deepEqual(cluster.inputs, {
            name: "prod",
            region: "FRA1",
            networkId: "prod-network-id",
            numTargetNodes: 3,
            targetNodesSize: "g4s.kube.small",
            applications: "-traefik2-nodeport,-metrics-server",
            tags: "pulumi-rio",
        });
        assert.deepEqual(one("civo:index/network:Network", "prod-network").inputs, { label: "prod", region: "FRA1" });
        // The gateway's load balancer: its own firewall, web ports from Cloudflare only, attached by annotation.
        assert.deepEqual(one("civo:index/firewall:Firewall", "prod-gateway-firewall").inputs, {
            name: "prod-gateway",
            networkId: "prod-network-id",
            region: "FRA1",
        });
        for (const [label, port] of [
            ["http", "80"],
            ["https", "443"],
        ]) {
            assert.deepEqual(one("civo:index/firewallRule:FirewallRule", `prod-gateway-firewall-${label}`).inputs, {
                firewallId: "prod-gateway-firewall-id",
                region: "FRA1",
                direction: "ingress",
                protocol: "tcp",
                startPort: port,
                endPort: port,
                cidrs: CLOUDFLARE_RANGES.ipv4Cidrs,
                label,
            });
        }
        const traefik = byType(RELEASE).find((r) => r.inputs.name === "traefik")!.inputs;
        assert.deepEqual(traefik.values.service, {
            spec: { type: "LoadBalancer" },
            annotations: { "kubernetes.civo.com/firewall-id": "prod-gateway-firewall-id" },
        });
        const provider = one("pulumi:providers:kubernetes", "prod-k8s");
        assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
        assert.ok(pulumi.Output.isInstance(sys.kubeconfig));
        assert.equal(await new Promise((r) => (sys.kubeconfig as any).isSecret.then(r)), true);

        const token = one("kubernetes:core/v1:Secret", "prod-cloudflare-token");
        assert.deepEqual(token.secretInputs, ["stringData"]);
        assert.deepEqual(token.inputs.stringData, { "api-token": "cf-token" });
        assert.deepEqual(token.inputs.metadata, { name: "rio-cloudflare-api-token", namespace: "rio-system" });
        assert.deepEqual(one("pulumi:providers:cloudflare", "prod-cloudflare").secretInputs, ["apiToken"]);

        const le = object("ClusterIssuer", "rio-letsencrypt").spec.acme;
        assert.deepEqual(le, {
            server: "https://acme-v02.api.letsencrypt.org/directory",
            email: "ops@example.com",
            privateKeySecretRef: { name: "rio-letsencrypt-account-key" },
            solvers: [
                {
                    selector: { dnsZones: ["apps.example.com"] },
                    dns01: {
                        cloudflare: { apiTokenSecretRef: { name: "rio-cloudflare-api-token", key: "api-token" } },
                    },
                },
            ],
        });
        assert.equal(
            object("ClusterIssuer", "rio-letsencrypt-staging").spec.acme.server,
            "https://acme-staging-v02.api.letsencrypt.org/directory",
        );
        assert.equal(object("Certificate", "rio-wildcard").spec.issuerRef.name, "rio-letsencrypt");

        const records = byType("cloudflare:index/dnsRecord:DnsRecord")
            .map((r) => r.inputs)
            .sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(records, [
            {
                zoneId: "zone-123",
                name: "*.apps.example.com",
                type: "A",
                content: ADDRESS,
                proxied: true,
                ttl: 1,
                comment: "pulumi-rio: the gateway of RioSystem",
            },
            {
                zoneId: "zone-123",
                name: "apps.example.com",
                type: "A",
                content: ADDRESS,
                proxied: true,
                ttl: 1,
                comment: "pulumi-rio: the gateway of RioSystem",
            },
        ]);
        assert.deepEqual(one("cloudflare:index/zoneSetting:ZoneSetting", "prod-ssl-strict").inputs, {
            zoneId: "zone-123",
            settingId: "ssl",
            value: "strict",
        });
        validateAll();
    });

    it("unproxied records get a TTL and no zone SSL setting", async () => {
        const sys = new rio.RioSystem("direct", {
            domain: "apps.example.com",
            email: "ops@example.com",
            cloudflare: { zoneId: "z", apiToken: pulumi.secret("t"), proxied: false },
        });
        await settle(sys);
        assert.deepEqual(
            byType("cloudflare:index/dnsRecord:DnsRecord").map((r) => [r.inputs.proxied, r.inputs.ttl]),
            [
                [false, 300],
                [false, 300],
            ],
        );
        assert.equal(byType("cloudflare:index/zoneSetting:ZoneSetting").length, 0);
    });

    it("the civo stack asks for a token that can do what a proxied zone plans: records, DNS-01, and the zone's SSL mode", () => {
        // DnsRecord and cert-manager's DNS-01 need DNS edit and zone read; the ZoneSetting (ssl: strict) needs
        // Zone Settings edit, without which the first `pulumi up` fails on it.
        const header = readFileSync(path.join(__dirname, "../../../stacks/Pulumi.civo.yaml"), "utf8")
            .split("\n")
            .filter((l) => l.startsWith("#"))
            .join("\n");
        assert.match(
            header,
            /rio:cloudflareApiToken <token with Zone → DNS → Edit, Zone → Zone → Read and Zone → Zone Settings → Edit>/,
        );
    });

    it("each feature can be switched off: gateway only", async () => {
        const sys = new rio.RioSystem("bare", {
            domain: "apps.example.com",
            features: { tls: false, registry: false, metrics: false },
        });
        await settle(sys);
        assert.deepEqual(Object.keys(releases()), ["traefik"]);
        assert.deepEqual(
            kubeObjects()
                .map((o) => `${o.kind}/${o.metadata.name}`)
                .sort(),
            ["Gateway/rio-gateway", "GatewayClass/rio-traefik", "Namespace/rio-system"],
        );
        assert.deepEqual(
            object("Gateway", "rio-gateway").spec.listeners.map((l: any) => l.name),
            ["http"],
        );
        assert.deepEqual((await value(sys.ref)).gateway, {
            name: "rio-gateway",
            namespace: "rio-system",
            scheme: "http",
            listener: "http",
            implementation: "traefik",
            customDomains: [],
            domain: "apps.example.com",
        });
    });

    it("build, autoscaling and dashboard: BuildKit's namespace fenced by an admission policy, KEDA cut to one small replica each, Headlamp without cluster-admin", async () => {
        const sys = new rio.RioSystem("full", {
            domain: "apps.example.com",
            features: { build: true, autoscaling: true, dashboard: true },
        });
        await settle(sys);
        const rel = releases();
        assert.deepEqual(Object.keys(rel).sort(), [
            "cert-manager",
            "headlamp",
            "keda",
            "keda-add-ons-http",
            "metrics-server",
            "traefik",
        ]);
        assert.deepEqual(rel["keda-add-ons-http"]!.values.scaler.replicas, 1);
        assert.deepEqual(rel["keda-add-ons-http"]!.values.interceptor.replicas, { min: 1, max: 3 });
        assert.deepEqual(rel.headlamp!.values.clusterRoleBinding, { create: false });
        assert.deepEqual(rel.headlamp!.values.httpRoute, {
            enabled: true,
            parentRefs: [{ name: "rio-gateway", namespace: "rio-system", sectionName: "https" }],
            hostnames: ["dashboard.apps.example.com"],
        });
        assert.deepEqual(object("ClusterRoleBinding", "rio-dashboard-viewer").roleRef, {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "view",
        });
        assert.deepEqual(
            object("Namespace", "rio-build").metadata.labels["pod-security.kubernetes.io/enforce"],
            "privileged",
        );
        const vap = object("ValidatingAdmissionPolicy", "rio-builder-rootless-only").spec;
        assert.deepEqual(
            vap.validations.map((v: any) => v.message),
            [
                "privileged containers are not allowed in the builder namespace",
                "hostNetwork is not allowed in the builder namespace",
                "hostPID is not allowed in the builder namespace",
                "hostIPC is not allowed in the builder namespace",
                "hostPath volumes are not allowed in the builder namespace",
                "added capabilities are not allowed in the builder namespace",
                "builder pods must run as a non-root user (rootless BuildKit runs as 1000)",
                "host ports are not allowed in the builder namespace",
                "an unmasked /proc is not allowed in the builder namespace",
            ],
        );
        assert.deepEqual(object("ValidatingAdmissionPolicyBinding", "rio-builder-rootless-only").spec.matchResources, {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "rio-build" } },
        });
        assert.equal(object("ServiceAccount", "rio-builder").automountServiceAccountToken, false);
        validateAll();
        assertUniqueUrns();
    });

    it("a Civo cluster without Cloudflare: the gateway firewall opens the web ports to everyone; Envoy's proxy Service carries the annotation", async () => {
        const sys = new rio.RioSystem("open", {
            civo: {},
            domain: "apps.example.com",
            gatewayImplementation: "envoy",
            features: { tls: false, registry: false, metrics: false },
        });
        await settle(sys);
        for (const label of ["http", "https"]) {
            assert.deepEqual(
                one("civo:index/firewallRule:FirewallRule", `open-gateway-firewall-${label}`).inputs.cidrs,
                ["0.0.0.0/0"],
            );
        }
        assert.deepEqual(object("EnvoyProxy", "rio-envoy-proxy").spec.provider.kubernetes.envoyService, {
            annotations: { "kubernetes.civo.com/firewall-id": "open-gateway-firewall-id" },
        });
    });

    it("Envoy Gateway: its chart, its class and an EnvoyProxy sizing the proxy; the chart brings the Gateway API CRDs", async () => {
        const sys = new rio.RioSystem("envoy", {
            domain: "apps.example.com",
            gatewayImplementation: "envoy",
            features: { tls: false, registry: false, metrics: false },
        });
        await settle(sys);
        assert.deepEqual(Object.keys(releases()), ["envoy-gateway"]);
        assert.deepEqual(
            [releases()["envoy-gateway"]!.chart, releases()["envoy-gateway"]!.version],
            ["oci://docker.io/envoyproxy/gateway-helm", "v1.9.0"],
        );
        assert.equal(byType(CONFIG_FILE).length, 0);
        assert.deepEqual(object("GatewayClass", "rio-envoy").spec, {
            controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
            parametersRef: {
                group: "gateway.envoyproxy.io",
                kind: "EnvoyProxy",
                name: "rio-envoy-proxy",
                namespace: "rio-system",
            },
        });
        assert.equal(object("Gateway", "rio-gateway").spec.listeners[0].port, 80);
        assert.deepEqual(
            object("EnvoyProxy", "rio-envoy-proxy").spec.provider.kubernetes.envoyDeployment.container.resources,
            {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "1", memory: "512Mi" },
            },
        );
        validateAll();
    });

    it("merges the Helm values escape hatch over its own", async () => {
        const sys = new rio.RioSystem("tuned", {
            domain: "apps.example.com",
            helmValues: { traefik: { deployment: { replicas: 2 }, logs: { general: { level: "DEBUG" } } } },
        });
        await settle(sys);
        const v = releases().traefik!.values;
        assert.deepEqual(v.deployment, { replicas: 2 });
        assert.deepEqual(v.logs, { general: { level: "DEBUG" } });
        assert.deepEqual(v.providers.kubernetesGateway, { enabled: true });
    });

    it("installs each release from its chart source and each CRD bundle from its file, every other input kept", async () => {
        const args = { domain: "apps.example.com", helmValues: { traefik: { logs: { general: { level: "DEBUG" } } } } };
        await settle(new rio.RioSystem("pinned", args));
        const pinned = releases();
        const pinnedFiles = byType(CONFIG_FILE).map((r) => [r.name.replace("pinned-", ""), r.inputs.file]);
        reset();
        await settle(
            new rio.RioSystem("pinned", {
                ...args,
                charts: {
                    traefik: { chart: "/tmp/charts/traefik" },
                    certManager: { chart: "oci://mirror.internal/jetstack/cert-manager", version: "v1.21.1" },
                },
                crdBundles: { gatewayApi: "/tmp/crds/gateway-api-standard.yaml" },
            }),
        );
        const mirrored = releases();
        const { chart, version, repositoryOpts, ...traefik } = pinned.traefik!;
        assert.deepEqual(
            [chart, version, repositoryOpts],
            ["traefik", "41.3.0", { repo: "https://traefik.github.io/charts" }],
        );
        // A local chart: no version, no repository; the release name, namespace, values and timeout as pinned.
        assert.deepEqual(mirrored.traefik!.values.logs, { general: { level: "DEBUG" } }); // the escape hatch too
        assert.deepEqual(mirrored.traefik, { ...traefik, chart: "/tmp/charts/traefik" });
        assert.deepEqual(mirrored["cert-manager"], {
            ...pinned["cert-manager"],
            chart: "oci://mirror.internal/jetstack/cert-manager",
            version: "v1.21.1",
        });
        assert.deepEqual(mirrored["metrics-server"], pinned["metrics-server"]);
        assert.deepEqual(
            byType(CONFIG_FILE).map((r) => [r.name.replace("pinned-", ""), r.inputs.file]),
            pinnedFiles.map(([n, f]) => [n, n === "crds-gatewayApi" ? "/tmp/crds/gateway-api-standard.yaml" : f]),
        );
        assert.deepEqual(
            byType(CONFIG_FILE)
                .map((r) => r.inputs.file)
                .sort(),
            [
                "/tmp/crds/gateway-api-standard.yaml",
                "https://github.com/cert-manager/cert-manager/releases/download/v1.21.1/cert-manager.crds.yaml",
            ],
        );
    });

    describe("rejects bad input before registering anything", () => {
        const cases: [string, Record<string, unknown>, string][] = [
            [
                "a bad domain",
                { domain: "bad domain" },
                'RioSystem "x": domain: domain "bad domain" is not a valid hostname (for example "app.example.com")',
            ],
            ["an email without @", { email: "nope" }, 'RioSystem "x": email: "nope" is not an email address'],
            [
                "an unknown feature",
                { features: { registy: false } },
                'RioSystem "x": features.registy: unknown key; did you mean "registry"?',
            ],
            [
                "Cloudflare without a token",
                { domain: "a.example.com", email: "a@b.co", cloudflare: { zoneId: "z" } },
                'RioSystem "x": cloudflare.apiToken: is required when cloudflare is set (a Pulumi secret)',
            ],
            [
                "no nodes",
                { civo: { nodeCount: 0 } },
                'RioSystem "x": civo.nodeCount: must be a whole number from 1 to 100, not 0',
            ],
            [
                "a misspelt chart key",
                { charts: { trafik: { chart: "./traefik" } } },
                'RioSystem "x": charts.trafik: unknown key; did you mean "traefik"?',
            ],
            [
                "an empty CRD bundle",
                { crdBundles: { gatewayApi: "" } },
                'RioSystem "x": crdBundles.gatewayApi: must be a file path or URL, not empty',
            ],
        ];
        for (const [what, args, message] of cases) {
            it(what, () => {
                assert.throws(
                    () => new rio.RioSystem("x", args as any),
                    (e: unknown) => e instanceof pulumi.ResourceError && e.message === message,
                );
                assert.equal(registered.length, 0);
            });
        }
    });
});
