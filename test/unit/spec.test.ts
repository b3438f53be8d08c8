import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { KeyPath } from "../../components/errors";
import { SERVICE_ALIASES } from "../../components/service/keys";
import { NormalizedService, normalizeService, parseServiceSpec } from "../../components/service/spec";
import { rioError, expectRio } from "../support/rioError";

const http80 = { name: "http-80", port: 80, targetPort: 80, protocol: "http", expose: true, hostPort: false } as const;

/** What `normalizeService(name, { image })` gives: every default. */
function defaults(name: string, image: string): NormalizedService {
    return {
        name,
        app: name,
        version: "v0",
        image,
        ports: [],
        env: [],
        mounts: [],
        command: undefined,
        args: undefined,
        workingDir: undefined,
        cpus: "50m",
        memory: "64Mi",
        scale: 1,
        labels: {},
        annotations: {},
        readinessProbe: undefined,
        livenessProbe: undefined,
        imagePullPolicy: undefined,
        imagePullSecrets: [],
        hostnames: [],
        weight: 100,
        pod: {},
        container: {},
        security: {},
        rollout: { maxUnavailable: 0, maxSurge: 1 },
        volumes: [],
        workload: "Deployment",
        volumeTemplates: [],
        sidecars: [],
        hostNetwork: false,
        permissions: [],
        globalPermissions: [],
    };
}

describe("normalizeService: defaults and canonical keys", () => {
    it("an image alone gets Rio's defaults", () => {
        assert.deepEqual(normalizeService("web", { image: "nginx" }), defaults("web", "nginx"));
    });

    it("every canonical key", () => {
        const out = normalizeService("api", {
            image: "ghcr.io/acme/api:1.2",
            ports: ["80:8080/http,name=web", "9090/grpc,internal"],
            env: { LOG_LEVEL: "debug", WORKERS: 4, DB_PASSWORD: "secret://db/password" },
            configs: ["api-config/app.yaml:/etc/api/app.yaml"],
            secrets: [
                { name: "tls", target: "/etc/tls" },
                { name: "db", key: "ca.crt", target: "/etc/db/ca.crt" },
            ],
            command: "api serve",
            args: ["--port", 8080],
            workingDir: "/srv",
            cpus: 0.25,
            memory: "256Mi",
            scale: 3,
            labels: { team: "core", "acme.io/tier": "backend" },
            annotations: { "acme.io/owner": "Jane Doe <jane@acme.io>" },
            readinessProbe: "http://:8080/ready",
            livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 20 },
            imagePullPolicy: "Always",
            imagePullSecrets: "regcred",
            app: "acme-api",
            version: "v2",
            hostnames: ["api.acme.io", "*.api.acme.io"],
            weight: 30,
        });
        assert.deepEqual(out, {
            name: "api",
            app: "acme-api",
            version: "v2",
            image: "ghcr.io/acme/api:1.2",
            ports: [
                { name: "web", port: 80, targetPort: 8080, protocol: "http", expose: true, hostPort: false },
                { name: "grpc-9090", port: 9090, targetPort: 9090, protocol: "grpc", expose: false, hostPort: false },
            ],
            env: [
                { name: "LOG_LEVEL", value: "debug" },
                { name: "WORKERS", value: "4" },
                { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
            ],
            mounts: [
                { source: "config", name: "api-config", key: "app.yaml", target: "/etc/api/app.yaml" },
                { source: "secret", name: "tls", key: undefined, target: "/etc/tls" },
                { source: "secret", name: "db", key: "ca.crt", target: "/etc/db/ca.crt" },
            ],
            command: ["api", "serve"],
            args: ["--port", "8080"],
            workingDir: "/srv",
            cpus: "250m",
            memory: "256Mi",
            scale: 3,
            labels: { team: "core", "acme.io/tier": "backend" },
            annotations: { "acme.io/owner": "Jane Doe <jane@acme.io>" },
            readinessProbe: { httpGet: { path: "/ready", port: 8080, scheme: "HTTP" } },
            livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 20 },
            imagePullPolicy: "Always",
            imagePullSecrets: ["regcred"],
            hostnames: ["api.acme.io", "*.api.acme.io"],
            weight: 30,
            pod: {},
            container: {},
            security: {},
            rollout: { maxUnavailable: 0, maxSurge: 1 },
            volumes: [],
            workload: "Deployment",
            volumeTemplates: [],
            sidecars: [],
            hostNetwork: false,
            permissions: [],
            globalPermissions: [],
        });
    });

    it("Rio's aliases", () => {
        const out = normalizeService("web", {
            image: "nginx",
            port: "80",
            environment: ["A=1"],
            replicas: 3,
            cpu: 0.5,
            mem: "128Mi",
            readiness: "http://:80/",
            liveness: "tcp://:80",
            pullPolicy: "not-present",
            pullSecrets: ["regcred"],
            config: "cm:/etc/cm",
            secret: ["s/k:/etc/s/k"],
            arg: "-v",
        });
        assert.deepEqual(out, {
            ...defaults("web", "nginx"),
            ports: [http80],
            env: [{ name: "A", value: "1" }],
            scale: 3,
            cpus: "500m",
            memory: "128Mi",
            readinessProbe: { httpGet: { path: "/", port: 80, scheme: "HTTP" } },
            livenessProbe: { tcpSocket: { port: 80 } },
            imagePullPolicy: "IfNotPresent",
            imagePullSecrets: ["regcred"],
            mounts: [
                { source: "config", name: "cm", key: undefined, target: "/etc/cm" },
                { source: "secret", name: "s", key: "k", target: "/etc/s/k" },
            ],
            args: ["-v"],
        });
    });

    it("cpuMillis: 250 is cpus 250m", () => {
        assert.deepEqual(normalizeService("web", { image: "nginx", cpuMillis: 250 }), {
            ...defaults("web", "nginx"),
            cpus: "250m",
        });
    });
    it("memoryBytes is memory", () => {
        assert.equal(normalizeService("web", { image: "nginx", memoryBytes: 1048576 }).memory, "1048576");
    });

    const pullPolicies: [string, string][] = [
        ["Always", "Always"],
        ["always", "Always"],
        ["IfNotPresent", "IfNotPresent"],
        ["ifnotpresent", "IfNotPresent"],
        ["not-present", "IfNotPresent"],
        ["Never", "Never"],
        ["never", "Never"],
    ];
    for (const [input, expected] of pullPolicies) {
        it(`imagePullPolicy ${input} → ${expected}`, () => {
            assert.equal(normalizeService("web", { image: "x", imagePullPolicy: input }).imagePullPolicy, expected);
        });
    }

    const scales: [number | string, number][] = [
        [0, 0],
        [1, 1],
        ["3", 3],
        [" 4 ", 4],
        [10000, 10000],
    ];
    for (const [input, expected] of scales) {
        it(`scale ${JSON.stringify(input)} → ${expected}`, () => {
            assert.equal(normalizeService("web", { image: "x", scale: input }).scale, expected);
        });
    }

    it("undefined values are as if absent", () => {
        assert.deepEqual(
            normalizeService("web", { image: "nginx", ports: undefined, port: undefined }),
            defaults("web", "nginx"),
        );
    });
});

describe("normalizeService: key errors", () => {
    it("an unknown key suggests the nearest one", () => {
        const err = expectRio(
            () => normalizeService("web", { imag: "nginx" }),
            ["imag"],
            'unknown key; did you mean "image"?',
            true,
        );
        assert.ok(err.detail.includes('did you mean "image"?'));
        assert.equal(err.message, 'imag: unknown key; did you mean "image"?');
    });
    it("an unsupported key is refused by name, with the reason", () => {
        expectRio(
            () => normalizeService("web", { image: "nginx", stageOnly: true }),
            ["stageOnly"],
            "is not supported: pulumi-rio makes no staged service per commit; pull requests get a PreviewEnv",
            true,
        );
    });
    it("port and ports together are refused", () => {
        expectRio(
            () => normalizeService("web", { image: "x", port: "80", ports: "81" }),
            ["ports"],
            'sets the same thing as "port"; keep one',
            true,
        );
    });
    it("an unknown key in a port object is at that key", () => {
        expectRio(
            () => normalizeService("web", { image: "x", ports: [{ port: 80, bogus: 1 }] }),
            ["ports", 0, "bogus"],
            "unknown key",
            true,
        );
    });
    it("... in the user's spelling of ports", () => {
        expectRio(
            () => normalizeService("web", { image: "x", port: [{ port: 80, bogus: 1 }] }),
            ["port", 0, "bogus"],
            "unknown key",
            true,
        );
    });
    it("an unknown key in a probe object is at that key", () => {
        expectRio(
            () => normalizeService("web", { image: "x", readiness: { httpGet: { port: 80, paht: "/" } } }),
            ["readiness", "httpGet", "paht"],
            'unknown key; did you mean "path"?',
            true,
        );
    });
});

describe("normalizeService: value errors", () => {
    const table: [string, Record<string, unknown>, KeyPath, string][] = [
        ["no image", {}, [], "a service needs an image (or a build)"],
        ["empty image", { image: "" }, ["image"], "image may not be empty"],
        ["image of the wrong type", { image: 5 }, ["image"], "expected string, received number"],
        [
            "a bad port in a list, in the alias spelling",
            { image: "x", port: ["80", "abc"] },
            ["port", 1],
            'port "abc" is not a number',
        ],
        ["a bad port in a list", { image: "x", ports: ["80", "abc"] }, ["ports", 1], 'port "abc" is not a number'],
        [
            "a duplicate port",
            { image: "x", ports: ["80", "80/grpc"] },
            ["ports", 1],
            "port 80 is already declared by ports[0]",
        ],
        [
            "an L4 port exposed",
            { image: "x", ports: ["5432/tcp,expose"] },
            ["ports", 0],
            "a tcp port cannot be exposed through the gateway (only http, http2 and grpc are); remove expose or use an HTTP protocol",
        ],
        [
            "env set twice, in the alias spelling",
            { image: "x", environment: ["A=1", "A=2"] },
            ["environment", 1],
            'environment variable "A" is set twice',
        ],
        [
            "a bad env reference in map form",
            { image: "x", env: { P: "secret://db" } },
            ["env", "P"],
            '"secret://db" must name a Secret and a key: secret://<name>/<key>',
        ],
        [
            "a relative config target",
            { image: "x", configs: ["cm:/a", "cm:rel"] },
            ["configs", 1],
            "mount target \"rel\" must be an absolute path without '..'",
        ],
        [
            "two mounts on one target, in the alias spelling",
            { image: "x", config: ["a:/x"], secret: ["b:/y", "c:/x"] },
            ["secret", 1],
            'another mount already targets "/x"',
        ],
        [
            "a shell operator in command",
            { image: "x", command: "a | b" },
            ["command"],
            '"a | b" uses shell syntax ("|"); give a list, or ["sh", "-c", "..."] to run a shell',
        ],
        [
            "a shell operator in args, in the alias spelling",
            { image: "x", arg: "a && b" },
            ["arg"],
            '"a && b" uses shell syntax ("&&"); give a list, or ["sh", "-c", "..."] to run a shell',
        ],
        [
            "cpu not a quantity",
            { image: "x", cpu: "abc" },
            ["cpu"],
            'cpus "abc" is not a Kubernetes quantity (e.g. "500m" or 0.5)',
        ],
        ["cpus zero", { image: "x", cpus: "0" }, ["cpus"], 'cpus must be greater than zero, not "0"'],
        ["cpus negative", { image: "x", cpus: -1 }, ["cpus"], "cpus must be greater than zero, not -1"],
        ["cpuMillis zero", { image: "x", cpuMillis: 0 }, ["cpuMillis"], 'cpus must be greater than zero, not "0m"'],
        [
            "mem not a quantity",
            { image: "x", mem: "12XB" },
            ["mem"],
            'memory "12XB" is not a Kubernetes quantity (e.g. "128Mi")',
        ],
        [
            "memory fractional bytes",
            { image: "x", memory: 1.5 },
            ["memory"],
            "memory must be a positive whole number of bytes, not 1.5",
        ],
        ["scale -1", { image: "x", scale: -1 }, ["scale"], 'scale must be a whole number of replicas ≥ 0, not "-1"'],
        [
            "scale two",
            { image: "x", scale: "two" },
            ["scale"],
            'scale must be a whole number of replicas ≥ 0, not "two"',
        ],
        ["scale 1.5", { image: "x", scale: 1.5 }, ["scale"], 'scale must be a whole number of replicas ≥ 0, not "1.5"'],
        [
            "scale 1-10 without an exposed port",
            { image: "x", scale: "1-10" },
            ["scale"],
            "autoscaling on concurrency counts requests through the gateway, so it needs an exposed port; expose one, or scale on cpu/memory",
        ],
        [
            "replicas 1 - 10 on an internal port",
            { image: "x", replicas: "1 - 10", ports: "80,internal" },
            ["replicas"],
            "autoscaling on concurrency counts requests through the gateway, so it needs an exposed port; expose one, or scale on cpu/memory",
        ],
        ["scale 10001", { image: "x", scale: 10001 }, ["scale"], "scale 10001 is out of range (0-10000)"],
        [
            "a bad readiness probe",
            { image: "x", readiness: "http://:0/" },
            ["readiness"],
            "health check port 0 is out of range (1-65535)",
        ],
        [
            "a probe with two handlers",
            { image: "x", livenessProbe: { httpGet: { port: 80 }, exec: { command: ["true"] } } },
            ["livenessProbe"],
            "a probe takes exactly one of httpGet, tcpSocket, exec or grpc, not httpGet and exec",
        ],
        [
            "a probe with no handler",
            { image: "x", readinessProbe: { periodSeconds: 5 } },
            ["readinessProbe"],
            "a probe needs one of httpGet, tcpSocket, exec or grpc (or a shorthand like http://:8080/healthz)",
        ],
        [
            "an unknown pull policy",
            { image: "x", pullPolicy: "sometimes" },
            ["pullPolicy"],
            '"sometimes" is not a pull policy: use Always, IfNotPresent or Never',
        ],
        [
            "a bad pull secret name",
            { image: "x", pullSecrets: ["ok", "Bad"] },
            ["pullSecrets", 1],
            "Secret name \"Bad\" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')",
        ],
        [
            "a bad hostname",
            { image: "x", hostnames: ["api.acme.io", "localhost"] },
            ["hostnames", 1],
            'hostname "localhost" is not a valid hostname (for example "app.example.com")',
        ],
        [
            "a bad app",
            { image: "x", app: "My_App" },
            ["app"],
            "app \"My_App\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        ],
        [
            "a bad version",
            { image: "x", version: "1.0" },
            ["version"],
            "version \"1.0\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        ],
        [
            "reserved label app",
            { image: "x", labels: { app: "other" } },
            ["labels", "app"],
            '"app" is set by pulumi-rio (selectors use it); use app and version instead',
        ],
        [
            "reserved label version",
            { image: "x", labels: { version: "v9" } },
            ["labels", "version"],
            '"version" is set by pulumi-rio (selectors use it); use app and version instead',
        ],
        [
            "reserved label app.kubernetes.io/name",
            { image: "x", labels: { "app.kubernetes.io/name": "y" } },
            ["labels", "app.kubernetes.io/name"],
            '"app.kubernetes.io/name" is set by pulumi-rio (selectors use it); use app and version instead',
        ],
        [
            "reserved label app.kubernetes.io/managed-by",
            { image: "x", labels: { "app.kubernetes.io/managed-by": "me" } },
            ["labels", "app.kubernetes.io/managed-by"],
            '"app.kubernetes.io/managed-by" is set by pulumi-rio (selectors use it); use app and version instead',
        ],
        [
            "a bad label key",
            { image: "x", labels: { "-team": "core" } },
            ["labels", "-team"],
            '"-team" is not a valid label key',
        ],
        [
            "a bad label value",
            { image: "x", labels: { team: "core team" } },
            ["labels", "team"],
            "label value \"core team\" must be at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric",
        ],
        [
            "a label value too long",
            { image: "x", labels: { team: "a".repeat(64) } },
            ["labels", "team"],
            `label value "${"a".repeat(64)}" must be at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
        ],
        [
            "a bad annotation key",
            { image: "x", annotations: { "a b": "c" } },
            ["annotations", "a b"],
            '"a b" is not a valid annotation key',
        ],
    ];
    for (const [title, input, path, detail] of table) {
        it(title, () => {
            expectRio(() => normalizeService("web", input), path, detail);
        });
    }

    it("a reserved label's message names the key path", () => {
        const err = rioError(() => normalizeService("web", { image: "x", labels: { "app.kubernetes.io/name": "y" } }));
        assert.equal(
            err.message,
            'labels["app.kubernetes.io/name"]: "app.kubernetes.io/name" is set by pulumi-rio (selectors use it); use app and version instead',
        );
    });
    it("annotation values are free text; reserved label keys are fine as annotations", () => {
        assert.deepEqual(
            normalizeService("web", { image: "x", annotations: { app: "any value at all!" } }).annotations,
            {
                app: "any value at all!",
            },
        );
    });
    it("an empty label value is allowed", () => {
        assert.deepEqual(normalizeService("web", { image: "x", labels: { team: "" } }).labels, { team: "" });
    });
});

describe("normalizeService: service names", () => {
    const bad: [string, string][] = [
        [
            "Web",
            "service name \"Web\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        ],
        [
            "web_1",
            "service name \"web_1\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        ],
        [
            "-web",
            "service name \"-web\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        ],
        [
            "web.api",
            "service name \"web.api\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        ],
        [
            "",
            "service name \"\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        ],
        ["a".repeat(64), `service name "${"a".repeat(64)}" is 64 characters long; at most 63 are allowed`],
    ];
    for (const [name, detail] of bad) {
        it(`rejects ${JSON.stringify(name)}`, () => {
            expectRio(() => normalizeService(name, { image: "nginx" }), [], detail);
        });
    }
    it("checks the name before the body", () => {
        expectRio(
            () => normalizeService("Bad", { imag: "x" }),
            [],
            "service name \"Bad\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        );
    });
    for (const name of ["web", "a", "1", "web-2", "a".repeat(63)]) {
        it(`accepts ${JSON.stringify(name)}`, () => {
            assert.equal(normalizeService(name, { image: "nginx" }).name, name);
        });
    }
    it("a body that is not a map is rejected", () => {
        expectRio(() => normalizeService("web", ["image"]), [], "a service must be a map of keys, not a list");
        expectRio(() => normalizeService("web", null), [], "a service must be a map of keys, not null");
    });
});

describe("parseServiceSpec", () => {
    it("maps aliases to canonical keys without parsing grammars", () => {
        assert.deepEqual(parseServiceSpec({ image: "x", port: "not-a-port", cpuMillis: 250, replicas: "two" }), {
            image: "x",
            ports: "not-a-port",
            cpus: "250m",
            scale: "two",
        });
    });
    it("wraps a single pull secret in a list, keeps a single mount as written, and stringifies scalars", () => {
        assert.deepEqual(
            parseServiceSpec({
                image: "x",
                config: "cm:/c",
                pullSecrets: "regcred",
                env: { N: 1 },
                args: ["a", 2, true],
            }),
            {
                image: "x",
                configs: "cm:/c",
                imagePullSecrets: ["regcred"],
                env: { N: "1" },
                args: ["a", "2", "true"],
            },
        );
    });
    it("lowercases a structured port's protocol", () => {
        assert.deepEqual(parseServiceSpec({ ports: [{ port: 80, protocol: "GRPC" }] }), {
            ports: [{ port: 80, protocol: "grpc" }],
        });
    });
    it("reports type errors in the user's spelling", () => {
        expectRio(
            () => parseServiceSpec({ mem: true }),
            ["mem"],
            "has the wrong type (expected string or number, received boolean)",
        );
    });
});

describe("normalizeService properties", () => {
    it("every alias reports a bad value under the alias, and the canonical key under its own name", () => {
        // null is the wrong type for every key.
        const bad = null;
        fc.assert(
            fc.property(fc.constantFrom(...Object.keys(SERVICE_ALIASES)), fc.boolean(), (alias, useAlias) => {
                const key = useAlias ? alias : SERVICE_ALIASES[alias]!;
                const err = rioError(() => normalizeService("web", { image: "x", [key]: bad }));
                assert.equal(err.path[0], key);
            }),
            { numRuns: 500 },
        );
    });

    it("any whole number of replicas from 0 to 10000 is kept, as a number or a string", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 10000 }), fc.boolean(), (n, asString) => {
                assert.equal(normalizeService("web", { image: "x", replicas: asString ? String(n) : n }).scale, n);
            }),
            { numRuns: 500 },
        );
    });

    it("any DNS label is accepted as a service name and becomes the default app", () => {
        fc.assert(
            fc.property(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/), (name) => {
                const s = normalizeService(name, { image: "x" });
                assert.equal(s.name, name);
                assert.equal(s.app, name);
            }),
            { numRuns: 500 },
        );
    });
});

describe("regressions found by the property tests", () => {
    it("reports a single scalar port or mount at its key, with no index that is not in the file", () => {
        expectRio(() => normalizeService("web", { image: "x", port: "abc" }), ["port"], 'port "abc" is not a number');
        expectRio(
            () => normalizeService("web", { image: "x", config: "a:relative" }),
            ["config"],
            "mount target \"relative\" must be an absolute path without '..'",
        );
    });
    it("treats Object.prototype names as unknown keys, not as aliases", () => {
        for (const key of ["constructor", "toString", "valueOf", "hasOwnProperty"]) {
            expectRio(() => normalizeService("web", { image: "x", [key]: 1 }), [key], "unknown key", true);
        }
    });
    it("reports a command shell-quote cannot split as a RioInputError", () => {
        assert.deepEqual(normalizeService("web", { image: "x", command: "echo ${" }).command, ["echo", "${"]);
    });
});

describe("images Rio would build", () => {
    for (const image of ["./", "./app", "../app", "/srv/app"]) {
        it(`takes the local folder ${image} as a folder build, as rio up did`, () => {
            const svc = normalizeService("web", { image });
            assert.deepEqual(svc.localBuild, {
                context: image,
                dockerfile: "Dockerfile",
                args: {},
                noCache: false,
                declaredAt: "image",
            });
            assert.equal(svc.build, undefined);
        });
    }
    for (const image of ["https://github.com/rancher/rio-demo", "git@github.com:rancher/rio-demo.git"]) {
        it(`takes the git URL ${image} as a build of its default branch, as rio run did`, () => {
            const svc = normalizeService("web", { image });
            assert.deepEqual(
                [svc.build?.repo, svc.build?.ref, svc.build?.declaredAt],
                [image, { kind: "branch" }, "image"],
            );
        });
    }
    it("accepts registry references, including ports and digests", () => {
        for (const image of ["nginx", "localhost:5000/app:1", "ghcr.io/acme/api@sha256:" + "a".repeat(64)]) {
            assert.equal(normalizeService("web", { image }).image, image);
        }
    });
});
