/** The Riofile loader: what it accepts, and exactly where it says bad input is. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../components/errors";
import { parseRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { exportRiofile } from "../components/riofile/export";

function error(text: string): string {
    try {
        parseRiofile(text, "Riofile");
    } catch (e) {
        assert.ok(e instanceof RioInputError, `expected a RioInputError, got ${e}`);
        return e.message;
    }
    assert.fail("the Riofile was accepted");
}

describe("Riofile loader", () => {
    it("loads services and configs in file order, with Rio's aliases mapped to canonical keys", () => {
        const riofile = parseRiofile(
            [
                "configs:",
                "  conf:",
                "    index.html: <h1>hi</h1>",
                "    workers: 4",
                "services:",
                "  web:",
                "    image: nginx",
                "    port: 80/http",
                "    environment:",
                "      A: 1",
                "    replicas: 2",
                "  db:",
                "    image: postgres",
                "    pullPolicy: always",
            ].join("\n"),
            "Riofile",
        );
        assert.deepEqual(
            riofile.services.map((s) => [s.name, s.spec]),
            [
                ["web", { image: "nginx", ports: "80/http", env: { A: "1" }, scale: 2 }],
                ["db", { image: "postgres", imagePullPolicy: "always" }],
            ],
        );
        assert.deepEqual(riofile.configs, [{ name: "conf", data: { "index.html": "<h1>hi</h1>", workers: "4" } }]);
    });

    it("treats an empty file as an empty Riofile", () => {
        const riofile = parseRiofile("", "Riofile");
        assert.deepEqual([riofile.services, riofile.configs], [[], []]);
    });

    const cases: [string, string[], string][] = [
        [
            "a port that is not a number",
            ["services:", "  web:", "    image: nginx", "    ports:", "      - 80", "      - abc"],
            'Riofile:6:9 services.web.ports[1]: port "abc" is not a number',
        ],
        [
            "an unknown key, with a suggestion",
            ["services:", "  web:", "    imagee: nginx"],
            'Riofile:3:5 services.web.imagee: unknown key; did you mean "image"?',
        ],
        [
            "an unknown top-level key",
            ["service:", "  web:", "    image: nginx"],
            'Riofile:1:1 service: unknown key; did you mean "services"?',
        ],
        [
            "a Rio key pulumi-rio does not support",
            ["services:", "  web:", "    image: nginx", "    stageOnly: true"],
            "Riofile:4:5 services.web.stageOnly: is not supported: pulumi-rio makes no staged service per commit; pull requests get a PreviewEnv",
        ],
        [
            "a rollout faster than Flagger steps",
            ["services:", "  web:", "    image: nginx", "    ports: 80/http", "    rolloutDuration: 5s"],
            "Riofile:5:22 services.web.rolloutDuration: is shorter than one step (10s); Flagger moves the traffic at most every 10 seconds",
        ],
        ["a router without routes", ["routers:", "  r: {}"], "Riofile:2:3 routers.r: a router needs routes"],
        [
            "a Go template outside the part Rio's docs and stacks use",
            [
                "template:",
                "  goTemplate: true",
                "services:",
                "  web:",
                '    image: nginx:{{ .Values.TAG | default "1.27" }}',
            ],
            "Riofile:5:33 a pipe (|) is not in the part of Go templates pulumi-rio runs (what Rio's docs and stacks use: if, else if, else and end, eq, ne, and, or, not, .Values.NAME, quoted strings, true, false, parentheses)",
        ],
        [
            "a negative scale",
            ["services:", "  web:", "    image: nginx", "    scale: -1"],
            'Riofile:4:12 services.web.scale: scale must be a whole number of replicas ≥ 0, not "-1"',
        ],
        [
            "a scale in words",
            ["services:", "  web:", "    image: nginx", "    replicas: two"],
            'Riofile:4:15 services.web.replicas: scale must be a whole number of replicas ≥ 0, not "two"',
        ],
        [
            "a service name that is not a DNS label",
            ["services:", "  Web_1:", "    image: nginx"],
            "Riofile:2:3 services.Web_1: service name \"Web_1\" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit",
        ],
        [
            "a secret reference without a key",
            ["services:", "  web:", "    image: nginx", "    env:", "      - PW=secret://db"],
            'Riofile:5:9 services.web.env[0]: "secret://db" must name a Secret and a key: secret://<name>/<key>',
        ],
        [
            "a wrong type",
            ["services:", "  web:", "    image: [nginx]"],
            "Riofile:3:5 services.web.image: expected string, received array",
        ],
        [
            "a service without an image",
            ["services:", "  web:", "    ports: 80"],
            "Riofile:2:3 services.web: a service needs an image (or a build)",
        ],
        [
            "a key given twice under two spellings",
            ["services:", "  web:", "    image: nginx", "    port: 80", "    ports: 81"],
            'Riofile:5:5 services.web.ports: sets the same thing as "port"; keep one',
        ],
        [
            "a duplicate key",
            ["services:", "  web:", "    image: nginx", "    image: httpd"],
            "Riofile:4:5 invalid YAML: Map keys must be unique",
        ],
        [
            "broken YAML",
            ["services:", "  web:", "    image: nginx", "   ports: [80"],
            "Riofile:4:1 invalid YAML: All mapping items must start at the same column",
        ],
        [
            "two services as the same version of one app",
            ["services:", "  a:", "    image: x", "    app: shop", "  b:", "    image: y", "    app: shop"],
            'Riofile:5:3 services.b: version "v0" of app "shop" is already service "a"',
        ],
        [
            "versions of one app on different ports",
            [
                "services:",
                "  a:",
                "    image: x",
                "    app: shop",
                "    ports: 80",
                "  b:",
                "    image: y",
                "    app: shop",
                "    version: v2",
                "    ports: 8080",
            ],
            "Riofile:10:12 services.b.ports: every version of an app serves the same ports (v0 differs)",
        ],
        [
            "versions of one app that all weigh 0",
            [
                "services:",
                "  a:",
                "    image: x",
                "    weight: 0",
                "  b:",
                "    image: y",
                "    app: a",
                "    version: v2",
                "    weight: 0",
            ],
            'Riofile:2:3 services.a: app "a" (services a, b): no version receives traffic: give at least one a weight above 0',
        ],
        [
            "a negative weight",
            ["services:", "  a:", "    image: x", "    weight: -5"],
            "Riofile:4:13 services.a.weight: weight may not be negative",
        ],
        [
            "a config that is not a map",
            ["configs:", "  conf: hello"],
            "Riofile:2:9 configs.conf: a config must be a map of keys to contents",
        ],
        [
            "a config's labels that are not a map (labels is not a file name)",
            ["configs:", "  conf:", "    labels: team=web"],
            "Riofile:3:13 configs.conf.labels: is the ConfigMap's labels (a map of keys to values), as Rio read it; a config key cannot be named labels",
        ],
        [
            "a config label value Kubernetes refuses",
            ["configs:", "  conf:", "    labels:", "      team: web team"],
            `Riofile:4:13 configs.conf.labels.team: label value "web team" must be at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
        ],
        [
            "a config label pulumi-rio sets itself",
            ["configs:", "  conf:", "    labels:", "      app.kubernetes.io/managed-by: me"],
            'Riofile:4:37 configs.conf.labels["app.kubernetes.io/managed-by"]: "app.kubernetes.io/managed-by" is set by pulumi-rio',
        ],
        [
            "plain Kubernetes YAML without a name",
            ["apiVersion: v1", "kind: ConfigMap"],
            "Riofile:1:1 [0].metadata.name: is required (or metadata.generateName)",
        ],
        ["a list at the top", ["- services"], "Riofile:1:1 a Riofile must be a map with services and configs"],
        [
            "an unknown port option",
            ["services:", "  web:", "    image: x", '    ports: "80,exposed=true"'],
            'Riofile:4:12 services.web.ports: unknown port option "exposed" (expected name, expose, internal or hostport)',
        ],
    ];
    for (const [what, lines, message] of cases) {
        it(`rejects ${what}`, () => {
            const got = error(lines.join("\n"));
            assert.equal(got, message);
        });
    }

    it("points into the file for errors that depend on where it is deployed", () => {
        const riofile = parseRiofile(
            ["services:", "  web:", "    image: nginx", "    ports: 80"].join("\n"),
            "Riofile",
        );
        assert.throws(
            () => planRiofile(riofile, { namespace: "x".repeat(60), gateway: { domain: "example.com" } }),
            (e: unknown) =>
                e instanceof RioInputError &&
                e.message ===
                    `Riofile:2:3 services.web: the hostname label "web-${"x".repeat(60)}" is 64 characters long (at most 63); shorten the app name or the namespace`,
        );
    });

    it("a lone service of another app is that app's one version, named after the app; one of its own app stays as written", () => {
        const riofile = parseRiofile(
            [
                "services:",
                "  hello-world-v2:",
                "    app: hello-world",
                "    version: v2",
                "    image: rancher/hello-world:v0.1.2",
                "    weight: 0",
                "  web:",
                "    app: web",
                "    image: nginx",
            ].join("\n"),
            "Riofile",
        );
        assert.deepEqual(
            riofile.services.map((s) => [s.name, s.spec]),
            [
                [
                    "hello-world",
                    {
                        app: "hello-world",
                        versions: { v2: { name: "hello-world-v2", image: "rancher/hello-world:v0.1.2", weight: 0 } },
                    },
                ],
                ["web", { app: "web", image: "nginx" }],
            ],
        );
        // Written back, it is the file's own service again.
        assert.match(exportRiofile(riofile), /^ {2}hello-world-v2:\n {4}image: rancher\/hello-world:v0\.1\.2\n/m);
    });

    it("plans configs before services, in the namespace given", () => {
        const riofile = parseRiofile(
            ["services:", "  web:", "    image: nginx", "configs:", "  c:", "    k: v"].join("\n"),
            "Riofile",
        );
        const objects = planObjects(planRiofile(riofile, { namespace: "apps" })).map((p) => p.object);
        assert.deepEqual(
            objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace]),
            [
                ["ConfigMap", "c", "apps"],
                ["Deployment", "web", "apps"],
            ],
        );
    });
});

describe("a config's labels (Rio's labels key of a config entry)", () => {
    it("are the ConfigMap's labels, after pulumi-rio's own, and not a file of it", () => {
        const riofile = parseRiofile(
            ["configs:", "  site:", "    labels:", "      team: web", "      tier: 1", "    index.html: hi"].join("\n"),
            "Riofile",
        );
        assert.deepEqual(riofile.configs, [
            { name: "site", data: { "index.html": "hi" }, labels: { team: "web", tier: "1" } },
        ]);
        const objects = planObjects(planRiofile(riofile, { namespace: "apps" })).map((p) => p.object);
        assert.deepEqual(objects, [
            {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: {
                    name: "site",
                    namespace: "apps",
                    labels: { "app.kubernetes.io/managed-by": "pulumi-rio", team: "web", tier: "1" },
                },
                data: { "index.html": "hi" },
            },
        ]);
    });

    it("empty labels are none", () => {
        const riofile = parseRiofile(["configs:", "  site:", "    labels: {}", "    a: b"].join("\n"), "Riofile");
        assert.deepEqual(riofile.configs, [{ name: "site", data: { a: "b" } }]);
    });
});

describe("names that are JavaScript object members", () => {
    it("a version called constructor is just a version", () => {
        const r = parseRiofile(
            [
                "services:",
                "  web:",
                "    image: x",
                "    version: v1",
                "  web-next:",
                "    app: web",
                "    image: y",
                "    version: constructor",
            ].join("\n"),
            "Riofile",
        );
        assert.deepEqual(Object.keys(r.services[0]!.spec.versions!), ["v1", "constructor"]);
    });
});
