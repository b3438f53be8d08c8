/**
 * Riofiles of our own written the way Rio's documentation writes them, one per area of rio.md §1
 * (test/compat/<area>/Riofile, each naming its section on its first line): each loads with loadRiofile, plans
 * with planRiofile into namespace "compat" behind apps.example.com, gives schema-valid objects, exactly the
 * objects listed here with the fields that carry the area's meaning, and round-trips through `rio export`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { KubeObject, PlannedObject } from "../components/kube/object";
import { planObjects, planRiofile, RiofileTarget } from "../components/render/plan";
import { exportRiofile } from "../components/riofile/export";
import { loadRiofile, parseRiofile, Riofile, RiofileOptions } from "../components/riofile/load";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";

const COMPAT = path.resolve(__dirname, "../../test/compat");
const NAMESPACE = "compat";
const DOMAIN = "apps.example.com";
const GATEWAY_REF = {
    group: "gateway.networking.k8s.io",
    kind: "Gateway",
    name: "rio-gateway",
    namespace: "rio-system",
};

interface Area {
    riofile: Riofile;
    target: RiofileTarget;
    planned: PlannedObject[];
    objects: any[];
}

function fileOf(area: string): string {
    return path.join(COMPAT, area, "Riofile");
}

/** Loads and plans an area's Riofile; every object it plans must be schema-valid. */
function area(name: string, target: Omit<RiofileTarget, "namespace"> = {}, options: RiofileOptions = {}): Area {
    const riofile = loadRiofile(fileOf(name), { namespace: NAMESPACE, ...options });
    const full: RiofileTarget = { namespace: NAMESPACE, gateway: { domain: DOMAIN }, ...target };
    const planned = planObjects(planRiofile(riofile, full));
    for (const { object } of planned) validateObject(object);
    return { riofile, target: full, planned, objects: planned.map((p) => p.object) };
}

const ids = (a: Area) => a.objects.map((o: KubeObject) => `${o.kind}/${o.metadata.name}`);

function get(a: Area, id: string): any {
    const found = a.objects.filter((o: KubeObject) => `${o.kind}/${o.metadata.name}` === id);
    assert.equal(found.length, 1, `${id}: expected exactly one, found ${found.length}`);
    return found[0];
}

const pod = (a: Area, id: string) => get(a, id).spec.template.spec;
const container = (a: Area, id: string, i = 0) => pod(a, id).containers[i];
const backend = (name: string, port: number, weight?: number) => ({
    group: "",
    kind: "Service",
    name,
    port,
    ...(weight !== undefined && { weight }),
});

/**
 * `rio export` of the Riofile, loaded again as the same file, plans the same objects at the same target; the
 * export's text is returned for checks of its own.
 */
function assertRoundTrip(a: Area): string {
    const exported = exportRiofile(a.riofile);
    const reloaded = parseRiofile(exported, a.riofile.file);
    assert.deepEqual(planObjects(planRiofile(reloaded, a.target)), a.planned);
    return exported;
}

/** Each area's folder, and the rio.md section its first line names. */
const AREAS: Record<string, string> = {
    services: "§1.1",
    riofile: "§1.2",
    builds: "§1.3",
    versions: "§1.5/§1.6",
    autoscaling: "§1.7",
    routers: "§1.8",
    external: "§1.9",
    rbac: "§1.12",
    volumes: "§1.13",
    pod: "§1.1",
};

describe("the compat Riofiles", () => {
    it("are one folder per area, each tested here, each naming its rio.md section on its first line", () => {
        const folders = fs
            .readdirSync(COMPAT)
            .filter((d) => fs.statSync(path.join(COMPAT, d)).isDirectory())
            .sort();
        assert.deepEqual(folders, Object.keys(AREAS).sort());
        for (const [folder, section] of Object.entries(AREAS)) {
            const first = fs.readFileSync(fileOf(folder), "utf8").split("\n")[0]!;
            assert.ok(first.startsWith(`# rio.md ${section} `), `${folder}/Riofile starts "${first}"`);
        }
    });
});

describe("§1.1 services: ports, env, mounts, command, resources, probes, dns, hosts, labels", () => {
    const a = area("services");

    it("plans the configs, then each service's objects", () => {
        assert.deepEqual(ids(a), [
            "ConfigMap/conf",
            "ConfigMap/flags",
            "Deployment/web",
            "Service/web",
            "HTTPRoute/web",
            "PodDisruptionBudget/web",
            "Deployment/worker",
        ]);
        assert.deepEqual(get(a, "ConfigMap/flags").data, { features: "search,cart" });
        assert.equal(get(a, "ConfigMap/conf").metadata.namespace, NAMESPACE);
    });

    it("ports: container ports, the Service's ports, and only the exposed http port on the gateway", () => {
        assert.deepEqual(container(a, "Deployment/web").ports, [
            { name: "web", containerPort: 80, protocol: "TCP" },
            { name: "admin", containerPort: 9090, protocol: "TCP" },
            { name: "dns", containerPort: 5353, protocol: "UDP" },
        ]);
        assert.deepEqual(get(a, "Service/web").spec, {
            type: "ClusterIP",
            selector: { "app.kubernetes.io/name": "web", "app.kubernetes.io/managed-by": "pulumi-rio" },
            ports: [
                { name: "web", port: 8080, targetPort: 80, protocol: "TCP", appProtocol: "http" },
                { name: "admin", port: 9090, targetPort: 9090, protocol: "TCP", appProtocol: "http" },
                { name: "dns", port: 5353, targetPort: 5353, protocol: "UDP" },
            ],
        });
        assert.deepEqual(get(a, "HTTPRoute/web").spec, {
            parentRefs: [GATEWAY_REF],
            hostnames: ["web-compat.apps.example.com"],
            rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [backend("web", 8080)] }],
        });
        // worker has no ports: private, no Service and no route.
        assert.equal(container(a, "Deployment/worker").ports, undefined);
    });

    it("environment: plain values, secret://, config:// and $(self/...)", () => {
        assert.deepEqual(container(a, "Deployment/web").env, [
            { name: "LOG_LEVEL", value: "info" },
            { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
            { name: "FEATURES", valueFrom: { configMapKeyRef: { name: "flags", key: "features" } } },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
            { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
            { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        ]);
        assert.deepEqual(container(a, "Deployment/worker").env, [{ name: "QUEUE", value: "orders" }]);
    });

    it("configs and secrets: volumes config-<name> and secret-<name>, a key mounted as a file, read-only", () => {
        assert.deepEqual(pod(a, "Deployment/web").volumes, [
            { name: "config-conf", configMap: { name: "conf" } },
            { name: "secret-certs", secret: { secretName: "certs" } },
        ]);
        assert.deepEqual(container(a, "Deployment/web").volumeMounts, [
            { name: "config-conf", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf", readOnly: true },
            { name: "config-conf", mountPath: "/etc/site", readOnly: true },
            { name: "secret-certs", mountPath: "/etc/ssl/tls.crt", subPath: "tls.crt", readOnly: true },
        ]);
    });

    it("command and args (a string split like a shell), workingDir, requests only (no limits), scale", () => {
        const web = container(a, "Deployment/web");
        assert.deepEqual(
            [web.command, web.args, web.workingDir],
            [["nginx"], ["-g", "daemon off;"], "/usr/share/nginx/html"],
        );
        assert.deepEqual(web.resources, { requests: { cpu: "500m", memory: "100Mi" } });
        assert.equal(get(a, "Deployment/web").spec.replicas, 2);
        const worker = container(a, "Deployment/worker");
        assert.deepEqual(worker.command, ["sh", "-c", "while true; do sleep 30; done"]);
        assert.deepEqual(worker.resources, { requests: { cpu: "100m", memory: "32Mi" } });
        assert.equal(get(a, "Deployment/worker").spec.replicas, 1);
    });

    it("probes: Kubernetes Probe objects as written, and Rio's tcp:// shorthand", () => {
        const web = container(a, "Deployment/web");
        assert.deepEqual(web.livenessProbe, { httpGet: { path: "/ping", port: 80 }, initialDelaySeconds: 10 });
        assert.deepEqual(web.readinessProbe, { httpGet: { path: "/ready", port: 80 }, failureThreshold: 7 });
        assert.deepEqual(container(a, "Deployment/worker").readinessProbe, { tcpSocket: { port: 9000 } });
    });

    it("dns and hostAliases (hosts: host=ip) on the pod", () => {
        const web = pod(a, "Deployment/web");
        assert.equal(web.dnsPolicy, "None");
        assert.deepEqual(web.dnsConfig, {
            nameservers: ["1.1.1.1"],
            searches: ["svc.cluster.local"],
            options: [{ name: "ndots", value: "2" }],
        });
        assert.deepEqual(web.hostAliases, [{ ip: "127.0.0.1", hostnames: ["example.com"] }]);
        assert.deepEqual(pod(a, "Deployment/worker").hostAliases, [{ ip: "10.0.0.5", hostnames: ["db.internal"] }]);
    });

    it("labels and annotations on the workload and its pods; pull policy, stdin, tty, user", () => {
        const web = get(a, "Deployment/web");
        assert.equal(web.metadata.labels.tier, "frontend");
        assert.deepEqual(web.metadata.annotations, { owner: "web-team" });
        assert.deepEqual(web.spec.template.metadata.labels, {
            tier: "frontend",
            "app.kubernetes.io/name": "web",
            "app.kubernetes.io/instance": "web",
            "app.kubernetes.io/managed-by": "pulumi-rio",
            "app.kubernetes.io/version": "v0",
            app: "web",
            version: "v0",
        });
        assert.deepEqual(web.spec.template.metadata.annotations, { owner: "web-team" });
        const worker = container(a, "Deployment/worker");
        assert.deepEqual([worker.imagePullPolicy, worker.stdin, worker.tty], ["Always", true, true]);
        assert.deepEqual(worker.securityContext, { allowPrivilegeEscalation: false, runAsUser: 1000 });
    });

    it("round-trips through rio export", () => {
        const exported = assertRoundTrip(a);
        // Rio's aliases come out canonical.
        assert.doesNotMatch(exported, /^\s+(environment|cpu|mem|hosts|pullPolicy|readiness):/m);
    });
});

describe("§1.2 the Riofile schema: configs, routers, externalservices, kubernetes.manifest, template", () => {
    const a = area("riofile");

    it("plans configs, services, routers, external services, then the manifest's objects", () => {
        assert.deepEqual(ids(a), [
            "ConfigMap/conf",
            "Deployment/nginx",
            "Service/nginx",
            "HTTPRoute/nginx",
            "PodDisruptionBudget/nginx",
            "HTTPRoute/nginx-router",
            "Service/upstream",
            "ConfigMap/redis-config",
            "Service/redis-master",
        ]);
    });

    it("answers from Riofile-answers beat the questions' defaults; NAMESPACE is built in; ${v,,} and ${v:-def} apply", () => {
        assert.equal(
            get(a, "ConfigMap/conf").data["index.html"],
            "<!DOCTYPE html>\n<html>\n<body>\n\n<h1>Hello Rio</h1>\n\n</body>\n</html>",
        );
        const nginx = container(a, "Deployment/nginx");
        assert.equal(nginx.image, "nginx:1.27-alpine");
        assert.equal(get(a, "Deployment/nginx").spec.replicas, 3);
        assert.deepEqual(nginx.env, [
            { name: "MYNAMESPACE", value: "compat" },
            { name: "TIER", value: "frontend" },
        ]);
        assert.deepEqual(get(a, "Service/upstream").spec, { type: "ExternalName", externalName: "www.example.com" });
        assert.deepEqual(get(a, "ConfigMap/redis-config").data, { maxmemory: "64mb" });
    });

    it("the caller's answers beat Riofile-answers", () => {
        const b = area("riofile", {}, { answers: { GREETING: "Pulumi", REPLICAS: "2" } });
        assert.match(get(b, "ConfigMap/conf").data["index.html"], /<h1>Hello Pulumi<\/h1>/);
        assert.equal(get(b, "Deployment/nginx").spec.replicas, 2);
        assert.equal(container(b, "Deployment/nginx").image, "nginx:1.27-alpine");
    });

    it("without Riofile-answers, the required question without a default is refused at its place", () => {
        const text = fs.readFileSync(fileOf("riofile"), "utf8");
        const err = expectRio(
            () => parseRiofile(text, "Riofile", { namespace: NAMESPACE }),
            ["template", "questions", 1],
            "NGINX_TAG is required and has no answer or default: answer it in an --answers file (rio render), in rio:answers (stack config) or in a Riofile-answers file next to the Riofile",
        );
        assert.equal(err.location?.line, 69);
    });

    it("a router and an external service from the top level", () => {
        assert.deepEqual(get(a, "HTTPRoute/nginx-router").spec.hostnames, ["nginx-router-compat.apps.example.com"]);
        assert.deepEqual(get(a, "HTTPRoute/nginx-router").spec.rules, [
            {
                name: "route-0",
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                backendRefs: [backend("nginx", 80)],
            },
        ]);
    });

    it("kubernetes.manifest: the objects as written, in the namespace", () => {
        assert.deepEqual(get(a, "Service/redis-master"), {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "redis-master", labels: { app: "redis", role: "master" }, namespace: NAMESPACE },
            spec: { ports: [{ port: 6379, targetPort: 6379 }], selector: { app: "redis", role: "master" } },
        });
        assert.deepEqual(get(a, "ConfigMap/redis-config").metadata, {
            name: "redis-config",
            labels: { app: "redis" },
            namespace: NAMESPACE,
        });
    });

    it("round-trips through rio export, which writes the rendered Riofile (no template left)", () => {
        const exported = assertRoundTrip(a);
        assert.doesNotMatch(exported, /^template:/m);
        assert.ok(!exported.includes("${"), "the export still holds ${...}");
    });
});

describe("§1.3 builds: a git build pinned to a revision, with args, dockerfile and context", () => {
    const a = area("builds");
    const job = (id: string) => get(a, id).spec.template.spec.containers[0];

    it("plans each build's Job in the builder namespace before its workload", () => {
        assert.deepEqual(ids(a), [
            "Job/demo-compat-f8fab97-0e2f74",
            "Deployment/demo",
            "Service/demo",
            "HTTPRoute/demo",
            "Job/api-compat-0123456-d856d6",
            "Deployment/api",
            "Service/api",
            "HTTPRoute/api",
        ]);
        assert.equal(get(a, "Job/demo-compat-f8fab97-0e2f74").metadata.namespace, "rio-build");
        assert.deepEqual(
            a.planned.filter((p) => p.object.kind === "Deployment").map((p) => p.after),
            [["Job-build"], ["Job-build"]],
        );
    });

    it("builds the revision with the build args, the Dockerfile relative to the context, no cache, the timeout", () => {
        assert.deepEqual(job("Job/demo-compat-f8fab97-0e2f74").args, [
            "build",
            "--frontend",
            "dockerfile.v0",
            "--opt",
            "context=https://github.com/rancher/rio-demo.git#f8fab97f8fab97f8fab97f8fab97f8fab97f8fab:docker",
            "--opt",
            "filename=Dockerfile",
            "--opt",
            "build-arg:foo=bar",
            "--opt",
            "build-arg:VERSION=1.2",
            "--no-cache",
            "--output",
            "type=image,name=rio-registry.rio-system.svc.cluster.local:5000/compat/demo:f8fab97f8fab-69f65820,push=true,registry.insecure=true",
            "--export-cache",
            "type=registry,ref=rio-registry.rio-system.svc.cluster.local:5000/compat/demo:buildcache,mode=max,registry.insecure=true",
            "--import-cache",
            "type=registry,ref=rio-registry.rio-system.svc.cluster.local:5000/compat/demo:buildcache,registry.insecure=true",
        ]);
        assert.equal(get(a, "Job/demo-compat-f8fab97-0e2f74").spec.activeDeadlineSeconds, 600);
        assert.deepEqual(get(a, "Job/demo-compat-f8fab97-0e2f74").metadata.annotations, {
            "rio.pulumi-rio.dev/commit": "f8fab97f8fab97f8fab97f8fab97f8fab97f8fab",
            "rio.pulumi-rio.dev/repo": "https://github.com/rancher/rio-demo",
        });
        // The workload runs what the Job pushes, pulled node-locally.
        assert.equal(container(a, "Deployment/demo").image, "localhost:30500/compat/demo:f8fab97f8fab-69f65820");
    });

    it("imageName and pushRegistry name the image; the clone secret and push secret reach the build", () => {
        const c = job("Job/api-compat-0123456-d856d6");
        assert.ok(c.args.includes("context=https://github.com/acme/api.git#0123456789abcdef0123456789abcdef01234567"));
        assert.ok(c.args.includes("type=image,name=ghcr.io/acme/api:0123456789ab-15f0d862,push=true"));
        assert.deepEqual(c.env.slice(1), [
            { name: "GIT_AUTH_TOKEN", valueFrom: { secretKeyRef: { name: "gitcredential", key: "password" } } },
            { name: "DOCKER_CONFIG", value: "/home/user/.docker" },
        ]);
        assert.deepEqual(get(a, "Job/api-compat-0123456-d856d6").spec.template.spec.volumes[1], {
            name: "docker-config",
            secret: { secretName: "ghcr-push", items: [{ key: ".dockerconfigjson", path: "config.json" }] },
        });
        assert.equal(get(a, "Job/api-compat-0123456-d856d6").spec.activeDeadlineSeconds, 900);
        assert.equal(container(a, "Deployment/api").image, "ghcr.io/acme/api:0123456789ab-15f0d862");
        assert.deepEqual(get(a, "Service/api").spec.ports, [
            { name: "http-8080", port: 8080, targetPort: 3000, protocol: "TCP", appProtocol: "http" },
        ]);
    });

    it("round-trips through rio export", () => void assertRoundTrip(a));
});

describe("§1.5/§1.6 versions and weights: services sharing an app", () => {
    const a = area("versions");

    it("plans a workload and a Service per version, the app's Service and route, and a route per version", () => {
        assert.deepEqual(ids(a), [
            "Deployment/demo",
            "Deployment/demo-v3",
            "Deployment/demo-v4",
            "Service/demo",
            "Service/demo-v1",
            "Service/demo-v3",
            "Service/demo-v4",
            "HTTPRoute/demo",
            "HTTPRoute/demo-v1",
            "HTTPRoute/demo-v3",
            "HTTPRoute/demo-v4",
        ]);
    });

    it("splits the app's hostname by the versions' weights, the staged one at 0", () => {
        assert.deepEqual(get(a, "HTTPRoute/demo").spec, {
            parentRefs: [GATEWAY_REF],
            hostnames: ["demo-compat.apps.example.com"],
            rules: [
                {
                    matches: [{ path: { type: "PathPrefix", value: "/" } }],
                    backendRefs: [backend("demo-v1", 80, 80), backend("demo-v3", 80, 20), backend("demo-v4", 80, 0)],
                },
            ],
        });
        assert.deepEqual(get(a, "HTTPRoute/demo-v4").spec.hostnames, ["demo-v4-compat.apps.example.com"]);
        assert.deepEqual(get(a, "HTTPRoute/demo-v4").spec.rules[0].backendRefs, [backend("demo-v4", 80)]);
    });

    it("each version keeps its own image and settings, labelled app and version; its Service selects it", () => {
        assert.deepEqual(
            ["Deployment/demo", "Deployment/demo-v3", "Deployment/demo-v4"].map((id) => [
                container(a, id).image,
                container(a, id).env,
            ]),
            [
                ["ibuildthecloud/demo:v1", undefined],
                ["ibuildthecloud/demo:v3", [{ name: "VERSION", value: "v3" }]],
                ["ibuildthecloud/demo:v4", undefined],
            ],
        );
        const labels = get(a, "Deployment/demo-v3").spec.template.metadata.labels;
        assert.deepEqual([labels.app, labels.version, labels["app.kubernetes.io/name"]], ["demo", "v3", "demo"]);
        assert.deepEqual(get(a, "Service/demo-v3").spec.selector, {
            "app.kubernetes.io/name": "demo",
            "app.kubernetes.io/managed-by": "pulumi-rio",
            "app.kubernetes.io/version": "v3",
        });
        assert.deepEqual(get(a, "Service/demo").spec.selector, {
            "app.kubernetes.io/name": "demo",
            "app.kubernetes.io/managed-by": "pulumi-rio",
        });
    });

    it("round-trips through rio export, each version its own service again", () => {
        const exported = assertRoundTrip(a);
        assert.match(exported, /^ {2}demo-v3:$/m);
        assert.match(exported, /^ {2}demo-v4:$/m);
    });
});

describe("§1.7 autoscaling: concurrency with min/max, to zero, and CPU", () => {
    const a = area("autoscaling");

    it("plans KEDA's HTTP scaling for concurrency, an HPA for CPU", () => {
        assert.deepEqual(ids(a), [
            "Deployment/autoscale",
            "Service/autoscale",
            "HTTPRoute/autoscale",
            "InterceptorRoute/autoscale",
            "ScaledObject/autoscale",
            "PodDisruptionBudget/autoscale",
            "ReferenceGrant/rio-compat-autoscale",
            "Deployment/zero",
            "Service/zero",
            "HTTPRoute/zero",
            "InterceptorRoute/zero",
            "ScaledObject/zero",
            "PodDisruptionBudget/zero",
            "ReferenceGrant/rio-compat-zero",
            "Deployment/busy",
            "Service/busy",
            "HTTPRoute/busy",
            "HorizontalPodAutoscaler/busy",
            "PodDisruptionBudget/busy",
        ]);
        // The autoscaler owns the replica count.
        for (const id of ["Deployment/autoscale", "Deployment/zero", "Deployment/busy"])
            assert.equal(get(a, id).spec.replicas, undefined, id);
    });

    it("concurrency 20 (Rio's default 10 when unset) between minReplicas and maxReplicas", () => {
        assert.deepEqual(get(a, "InterceptorRoute/autoscale").spec, {
            target: { service: "autoscale", port: 8080 },
            rules: [{ hosts: ["autoscale-compat.apps.example.com"] }],
            scalingMetric: { concurrency: { targetValue: 20 } },
            timeouts: { readiness: "60s" },
        });
        assert.deepEqual(get(a, "InterceptorRoute/zero").spec.scalingMetric, { concurrency: { targetValue: 10 } });
        const scaled = (name: string) => {
            const s = get(a, `ScaledObject/${name}`).spec;
            return [s.scaleTargetRef, s.minReplicaCount, s.maxReplicaCount, s.triggers];
        };
        const trigger = (name: string) => [
            {
                type: "external-push",
                metadata: {
                    interceptorRoute: name,
                    scalerAddress: "keda-add-ons-http-external-scaler.rio-system:9090",
                },
            },
        ];
        const target = (name: string) => ({ apiVersion: "apps/v1", kind: "Deployment", name });
        assert.deepEqual(scaled("autoscale"), [target("autoscale"), 1, 10, trigger("autoscale")]);
        assert.deepEqual(scaled("zero"), [target("zero"), 0, 10, trigger("zero")]);
    });

    it("the app's hostname goes through the interceptor (which wakes a service at zero), granted across namespaces", () => {
        assert.deepEqual(get(a, "HTTPRoute/zero").spec.rules[0].backendRefs, [
            {
                group: "",
                kind: "Service",
                name: "keda-add-ons-http-interceptor-proxy",
                namespace: "rio-system",
                port: 8080,
            },
        ]);
        const grant = get(a, "ReferenceGrant/rio-compat-zero");
        assert.equal(grant.metadata.namespace, "rio-system");
        assert.deepEqual(grant.spec, {
            from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: NAMESPACE }],
            to: [{ group: "", kind: "Service", name: "keda-add-ons-http-interceptor-proxy" }],
        });
    });

    it("cpu: an HPA on average utilization", () => {
        assert.deepEqual(get(a, "HorizontalPodAutoscaler/busy").spec, {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "busy" },
            minReplicas: 2,
            maxReplicas: 6,
            metrics: [
                {
                    type: "Resource",
                    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
                },
            ],
        });
        assert.deepEqual(get(a, "HTTPRoute/busy").spec.rules[0].backendRefs, [backend("busy", 8080)]);
    });

    it("round-trips through rio export", () => void assertRoundTrip(a));
});

describe("§1.8 routers: matches, weights, redirect, rewrite, headers, mirror, fault, timeout, retries", () => {
    // Mirror, per-route timeouts, faults and retry timeouts need Envoy Gateway (Traefik has none of them).
    const a = area("routers", { gateway: { domain: DOMAIN, implementation: "envoy" } });

    it("plans the apps, then the router's HTTPRoute and a policy per route that needs one", () => {
        assert.deepEqual(ids(a), [
            "Deployment/myapp",
            "Deployment/myapp-v2",
            "Service/myapp",
            "Service/myapp-v1",
            "Service/myapp-v2",
            "HTTPRoute/myapp",
            "HTTPRoute/myapp-v1",
            "HTTPRoute/myapp-v2",
            "Deployment/api",
            "Service/api",
            "HTTPRoute/api",
            "HTTPRoute/foo",
            "BackendTrafficPolicy/foo-route-2",
            "BackendTrafficPolicy/foo-route-3",
        ]);
    });

    it("keeps Rio's first-match order as Gateway API rules", () => {
        const route = get(a, "HTTPRoute/foo");
        assert.deepEqual(
            [route.spec.parentRefs, route.spec.hostnames],
            [[GATEWAY_REF], ["foo-compat.apps.example.com"]],
        );
        assert.deepEqual(route.spec.rules, [
            {
                name: "route-0",
                matches: [{ path: { type: "Exact", value: "/v0" }, method: "GET" }],
                backendRefs: [backend("myapp-v1", 80)],
            },
            {
                name: "route-1",
                matches: [{ path: { type: "PathPrefix", value: "/old" } }],
                filters: [
                    {
                        type: "RequestRedirect",
                        requestRedirect: {
                            scheme: "https",
                            hostname: "www.foo.bar",
                            path: { type: "ReplaceFullPath", replaceFullPath: "/redirect" },
                            statusCode: 301,
                        },
                    },
                ],
            },
            {
                name: "route-2",
                matches: [{ path: { type: "PathPrefix", value: "/api" } }],
                filters: [
                    {
                        type: "URLRewrite",
                        urlRewrite: {
                            hostname: "api.internal",
                            path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/v2" },
                        },
                    },
                    {
                        type: "RequestHeaderModifier",
                        requestHeaderModifier: {
                            add: [{ name: "foo", value: "bar" }],
                            set: [{ name: "x-env", value: "prod" }],
                            remove: ["x-debug"],
                        },
                    },
                ],
                backendRefs: [backend("api", 80)],
                timeouts: { request: "10s" },
            },
            // The docs' regxp spelling is Rio's regexp.
            {
                name: "route-3",
                matches: [{ path: { type: "RegularExpression", value: "^/beta/.*" } }],
                backendRefs: [backend("myapp-v2", 80)],
            },
            {
                name: "route-4",
                matches: [
                    {
                        path: { type: "PathPrefix", value: "/" },
                        headers: [{ type: "RegularExpression", name: "FOO", value: "/bar.*" }],
                    },
                ],
                backendRefs: [backend("myapp-v2", 80)],
            },
            {
                name: "route-5",
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                filters: [{ type: "RequestMirror", requestMirror: { backendRef: backend("api", 80) } }],
                backendRefs: [backend("myapp-v1", 80, 50), backend("myapp-v2", 80, 50)],
            },
        ]);
    });

    it("retries and faults as Envoy Gateway policies on their rule", () => {
        assert.deepEqual(get(a, "BackendTrafficPolicy/foo-route-2").spec, {
            targetRefs: [
                { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "foo", sectionName: "route-2" },
            ],
            retry: { numRetries: 3, perRetry: { timeout: "2s" } },
        });
        assert.deepEqual(get(a, "BackendTrafficPolicy/foo-route-3").spec, {
            targetRefs: [
                { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "foo", sectionName: "route-3" },
            ],
            faultInjection: {
                delay: { fixedDelay: "100ms", percentage: 80 },
                abort: { httpStatus: 502, percentage: 80 },
            },
        });
    });

    it("on Traefik (the default gateway), the first route feature it lacks is refused at its place", () => {
        const err = expectRio(
            () => area("routers"),
            ["routers", "foo", "routes", 2, "timeoutSeconds"],
            "Traefik cannot time out requests per route (no HTTPRoute request timeouts); use gatewayImplementation: envoy (Envoy Gateway) for it",
        );
        assert.equal(err.location?.line, 55);
    });

    it("round-trips through rio export (regxp written as regexp)", () => {
        const exported = assertRoundTrip(a);
        assert.doesNotMatch(exported, /regxp/);
        assert.match(exported, /regexp: \^\/beta\/\.\*/);
    });
});

describe("§1.9 external services: IP addresses, an FQDN, an app in another namespace, a router", () => {
    const a = area("external");
    const labels = (name: string) => ({
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": "external-service",
        "app.kubernetes.io/managed-by": "pulumi-rio",
    });

    it("plans the service, then each external service's objects", () => {
        assert.deepEqual(ids(a), [
            "Deployment/client",
            "Service/ext-ips",
            "EndpointSlice/ext-ips-ipv4",
            "Service/ext-db",
            "Service/ext-demo",
            "Service/ext-demo-app",
            "Service/ext-prod",
        ]);
    });

    it("IP addresses: a headless Service and its EndpointSlice", () => {
        assert.deepEqual(get(a, "Service/ext-ips").spec, { clusterIP: "None" });
        assert.deepEqual(get(a, "Service/ext-ips").metadata, {
            name: "ext-ips",
            namespace: NAMESPACE,
            labels: labels("ext-ips"),
        });
        const slice = get(a, "EndpointSlice/ext-ips-ipv4");
        assert.deepEqual(
            [slice.addressType, slice.endpoints, slice.metadata.labels["kubernetes.io/service-name"]],
            [
                "IPv4",
                [
                    { addresses: ["1.1.1.1"], conditions: { ready: true } },
                    { addresses: ["2.2.2.2"], conditions: { ready: true } },
                ],
                "ext-ips",
            ],
        );
    });

    it("an FQDN, an app (version) in another namespace and a router: ExternalName Services", () => {
        assert.deepEqual(
            ["ext-db", "ext-demo", "ext-demo-app", "ext-prod"].map((n) => get(a, `Service/${n}`).spec),
            [
                { type: "ExternalName", externalName: "mydb.example.com" },
                { type: "ExternalName", externalName: "demo-v1.foo.svc.cluster.local" },
                { type: "ExternalName", externalName: "demo.foo.svc.cluster.local" },
                { type: "ExternalName", externalName: "prod-compat.apps.example.com" },
            ],
        );
    });

    it("round-trips through rio export", () => void assertRoundTrip(a));
});

describe("§1.12 RBAC: permissions, global_permissions, role=", () => {
    const a = area("rbac");
    const sa = (name: string) => [{ kind: "ServiceAccount", name, namespace: NAMESPACE }];

    it("plans each service's ServiceAccount, roles and bindings before its workload", () => {
        assert.deepEqual(ids(a), [
            "ServiceAccount/cert-manager",
            "Role/rio-cert-manager",
            "RoleBinding/rio-cert-manager",
            "ClusterRole/rio-compat.cert-manager",
            "ClusterRoleBinding/rio-compat.cert-manager",
            "Deployment/cert-manager",
            "ServiceAccount/dashboard",
            "ClusterRoleBinding/rio-compat.dashboard.cluster-admin",
            "Deployment/dashboard",
            "Service/dashboard",
            "HTTPRoute/dashboard",
            "ServiceAccount/reader",
            "Role/rio-reader",
            "RoleBinding/rio-reader",
            "RoleBinding/rio-reader.config-editor",
            "Deployment/reader",
        ]);
        assert.deepEqual(
            a.planned.filter((p) => p.object.kind === "Deployment").map((p) => p.after),
            [["ServiceAccount"], ["ServiceAccount"], ["ServiceAccount"]],
        );
    });

    it("permissions: a Role in the namespace with the grammar's verbs, groups, resources and names", () => {
        assert.deepEqual(get(a, "Role/rio-cert-manager").rules, [
            { verbs: ["create", "get", "list"], apiGroups: ["certmanager.k8s.io"], resources: ["*"] },
            { verbs: ["*"], apiGroups: [""], resources: ["configmaps"] },
            {
                verbs: ["get", "update"],
                apiGroups: [""],
                resources: ["secrets"],
                resourceNames: ["cert-manager-webhook-ca"],
            },
        ]);
        assert.deepEqual(get(a, "Role/rio-reader").rules, [
            { verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods"] },
            {
                verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
                apiGroups: ["apps"],
                resources: ["deployments"],
            },
        ]);
        const binding = get(a, "RoleBinding/rio-cert-manager");
        assert.deepEqual(
            [binding.metadata.namespace, binding.subjects, binding.roleRef],
            [
                NAMESPACE,
                sa("cert-manager"),
                { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "rio-cert-manager" },
            ],
        );
    });

    it("global_permissions: a ClusterRole with URLs and subresources, bound cluster-wide", () => {
        assert.deepEqual(get(a, "ClusterRole/rio-compat.cert-manager").rules, [
            { verbs: ["create", "get", "list"], apiGroups: ["certmanager.k8s.io"], resources: ["*"] },
            { verbs: ["get"], nonResourceURLs: ["/metrics"] },
            { verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"] },
        ]);
        const binding = get(a, "ClusterRoleBinding/rio-compat.cert-manager");
        assert.deepEqual(
            [binding.subjects, binding.roleRef],
            [
                sa("cert-manager"),
                { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "rio-compat.cert-manager" },
            ],
        );
    });

    it("role=: binds the named ClusterRole (global) or Role (namespaced) instead of making rules", () => {
        assert.deepEqual(get(a, "ClusterRoleBinding/rio-compat.dashboard.cluster-admin").roleRef, {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "cluster-admin",
        });
        const binding = get(a, "RoleBinding/rio-reader.config-editor");
        assert.deepEqual(
            [binding.subjects, binding.roleRef],
            [sa("reader"), { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "config-editor" }],
        );
    });

    it("the pods run as their ServiceAccount, with its token", () => {
        for (const name of ["cert-manager", "dashboard", "reader"]) {
            const p = pod(a, `Deployment/${name}`);
            assert.deepEqual([p.serviceAccountName, p.automountServiceAccountToken], [name, true], name);
        }
    });

    it("round-trips through rio export", () => void assertRoundTrip(a));
});

describe("§1.13 volumes and state: scratch, persistent, volumeTemplates", () => {
    const a = area("volumes");

    it("plans a claim for the persistent volume, and a StatefulSet for volumeTemplates", () => {
        assert.deepEqual(ids(a), [
            "Deployment/nginx",
            "Service/nginx",
            "HTTPRoute/nginx",
            "PersistentVolumeClaim/site",
            "StatefulSet/db",
            "Service/db",
            "PodDisruptionBudget/db",
        ]);
    });

    it("name:/path is an emptyDir vol-<name>; persistent=true a 20Gi ReadWriteOnce claim <name>", () => {
        assert.deepEqual(pod(a, "Deployment/nginx").volumes, [
            { name: "vol-cache", emptyDir: {} },
            { name: "vol-site", persistentVolumeClaim: { claimName: "site" } },
        ]);
        assert.deepEqual(container(a, "Deployment/nginx").volumeMounts, [
            { name: "vol-cache", mountPath: "/var/cache/nginx" },
            { name: "vol-site", mountPath: "/usr/share/nginx/html" },
        ]);
        const claim = get(a, "PersistentVolumeClaim/site");
        assert.deepEqual(
            [claim.metadata.namespace, claim.spec],
            [NAMESPACE, { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } }],
        );
    });

    it("volumeTemplates: claim templates vol-<name>, mounted by name, the rest of the volumes in the pod", () => {
        const sts = get(a, "StatefulSet/db");
        assert.deepEqual([sts.spec.replicas, sts.spec.serviceName], [3, "db"]);
        assert.deepEqual(sts.spec.volumeClaimTemplates, [
            {
                metadata: {
                    name: "vol-data",
                    labels: {
                        "app.kubernetes.io/name": "db",
                        "app.kubernetes.io/managed-by": "pulumi-rio",
                        "app.kubernetes.io/instance": "db",
                        "app.kubernetes.io/version": "v0",
                        backup: "daily",
                    },
                    annotations: { "backup.example.com/schedule": "@daily" },
                },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    resources: { requests: { storage: "5Gi" } },
                    storageClassName: "fast",
                },
            },
        ]);
        assert.deepEqual(sts.spec.template.spec.volumes, [{ name: "vol-run", emptyDir: {} }]);
        assert.deepEqual(sts.spec.template.spec.containers[0].volumeMounts, [
            { name: "vol-data", mountPath: "/var/lib/postgresql/data" },
            { name: "vol-run", mountPath: "/var/run/postgresql" },
        ]);
    });

    it("round-trips through rio export", () => void assertRoundTrip(a));
});

describe("§1.1 pod shape: sidecars, init containers, global, and what reaches into the node", () => {
    const ALLOW = ["hostNetwork", "hostPath", "privileged", "hostPort"] as const;
    const a = area("pod", { allow: ALLOW });

    it("plans a Deployment with its sidecars, and a DaemonSet for the global service", () => {
        assert.deepEqual(ids(a), [
            "Deployment/web",
            "Service/web",
            "HTTPRoute/web",
            "DaemonSet/node-agent",
            "Service/node-agent",
        ]);
    });

    it("containers: init: true ones as initContainers, the others after the main container, sharing a volume", () => {
        const p = pod(a, "Deployment/web");
        assert.deepEqual(p.initContainers, [
            {
                name: "my-init",
                image: "ubuntu:24.04",
                args: ["echo", "hello world"],
                resources: { requests: { cpu: "50m", memory: "64Mi" } },
                securityContext: { allowPrivilegeEscalation: false },
            },
        ]);
        assert.deepEqual(
            p.containers.map((c: any) => c.name),
            ["web", "content"],
        );
        assert.deepEqual(p.containers[1], {
            name: "content",
            image: "alpine/git:2.47.1",
            command: ["sh", "-c", "while true; do git -C /site pull; sleep 60; done"],
            resources: { requests: { cpu: "50m", memory: "32Mi" } },
            volumeMounts: [{ name: "vol-shared", mountPath: "/site" }],
            securityContext: { allowPrivilegeEscalation: false },
        });
        assert.deepEqual(p.containers[0].volumeMounts, [{ name: "vol-shared", mountPath: "/usr/share/nginx/html" }]);
        assert.deepEqual(p.volumes, [{ name: "vol-shared", emptyDir: {} }]);
    });

    it("global: a DaemonSet without replicas, on the node's network, privileged, with hostPath volumes and a hostPort", () => {
        const ds = get(a, "DaemonSet/node-agent");
        assert.equal(ds.spec.replicas, undefined);
        assert.deepEqual(ds.spec.updateStrategy, {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
        });
        const p = ds.spec.template.spec;
        assert.deepEqual([p.hostNetwork, p.dnsPolicy], [true, "ClusterFirstWithHostNet"]);
        assert.deepEqual(p.volumes, [
            { name: "vol-host-71ad1dfa", hostPath: { path: "/proc", type: "Directory" } },
            { name: "vol-host-0bb7b4e4", hostPath: { path: "/sys" } },
        ]);
        const c = p.containers[0];
        assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: true, privileged: true });
        assert.deepEqual(c.ports, [{ name: "tcp-9100", containerPort: 9100, protocol: "TCP", hostPort: 9100 }]);
        assert.deepEqual(c.volumeMounts, [
            { name: "vol-host-71ad1dfa", mountPath: "/host/proc" },
            { name: "vol-host-0bb7b4e4", mountPath: "/host/sys" },
        ]);
        assert.deepEqual(c.args, ["--path.procfs=/host/proc", "--path.sysfs=/host/sys"]);
        assert.deepEqual(c.resources, { requests: { cpu: "20m", memory: "64Mi" } });
    });

    const how = (feature: string) =>
        `; allow it by name (RioService allow: [${feature}], stack config rio:allow, rio render --allow ${feature}) — the namespace then needs Pod Security privileged`;
    const refused: [string, (string | number)[], string][] = [
        [
            "hostNetwork",
            ["services", "node-agent", "hostNetwork"],
            "hostNetwork puts the pod on the node's own network",
        ],
        ["privileged", ["services", "node-agent", "privileged"], "a privileged container is root on the node"],
        ["hostPort", ["services", "node-agent", "ports", 0], "hostport binds a port on every node the pod runs on"],
        ["hostPath", ["services", "node-agent", "volumes", 0], "a hostPath volume reads and writes the node's /proc"],
    ];
    for (const [feature, at, detail] of refused) {
        it(`refuses ${feature} unless the target allows it by name, as Rio's rio-${feature.toLowerCase()} verb did`, () => {
            expectRio(() => area("pod", { allow: ALLOW.filter((f) => f !== feature) }), at, detail + how(feature));
        });
    }

    it("round-trips through rio export", () => void assertRoundTrip(a));
});
