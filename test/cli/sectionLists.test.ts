/**
 * The listings of the stack's other sections — `rio route ls`, `external ls`, `domain ls`, `secret ls`, `config ls`
 * — their rows from a Riofile (and the stack's URLs, RioSystem's domains, the build secrets' plans), Rio's tables
 * exactly, and the data formats; a secret's listing never holds a value or a ciphertext.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { checkBuildSecrets } from "../../components/build/credentials";
import { parseRiofile } from "../../components/riofile/load";
import { hostnamesIn } from "../../components/cli/domainEdit";
import { contentOf } from "../../components/cli/riofileEdit";
import {
    configRows,
    domainRows,
    externalRows,
    formatConfigs,
    formatDomains,
    formatExternals,
    formatListRows,
    formatRoutes,
    formatSecrets,
    humanSize,
    routeRows,
    secretRows,
} from "../../components/cli/sectionLists";

const RIOFILE = `
services:
  hello-world:
    image: rancher/hello-world
    ports: 80
    hostnames: [www.example.org]
  api:
    image: api
    ports: 8080
  api-v2:
    image: api:2
    app: api
    version: v2
    ports: 8080
configs:
  site:
    labels: {team: web}
    nginx.conf: "server {}\\n"
    index.html: "<h1>héllo</h1>"
  empty.conf: {}
routers:
  myroute:
    hostnames: [shop.example.org]
    routes:
      - match: {path: {prefix: /v2}}
        to: [{app: hello-world, port: 80, weight: 3}, {app: api, version: v2, weight: 1}]
      - match: {path: {exact: /path}, methods: [GET, POST], headers: [{name: X-User, value: {exact: bob}}, {name: X-Env, value: {prefix: pro}}]}
        to: [{app: hello-world}]
        mirror: {app: api, port: 8080}
        rewrite: {host: inner.example.org, path: /v1}
        headers: {add: [{name: X-A, value: "1"}], set: {X-S: two}, remove: [X-R]}
        timeoutSeconds: 5
        retry: {attempts: 3, timeoutSeconds: 2}
        fault: {percentage: 10, delayMillis: 100, abortHTTPStatus: 503}
      - match: {path: {regexp: "^/r[0-9]+$"}}
        redirect: {host: example.com, path: /new, toHTTPS: true}
      - redirect: {toHTTPS: true}
externalservices:
  db: {fqdn: db.example.com}
  legacy: {ipAddresses: [10.0.0.5, 10.0.0.6]}
  pg: {targetApp: postgres, targetVersion: v2, targetServiceNamespace: data}
  local: {targetApp: api}
  front: {targetRouter: front, targetServiceNamespace: shop}
  docs: {service: data/docs@v1}
`;

const riofile = parseRiofile(RIOFILE, "Riofile", { namespace: "default" });
const URLS = {
    myroute: ["http://myroute-default.apps.io", "https://myroute-default.apps.io", "https://shop.example.org"],
};

describe("rio route ls", () => {
    it("a row per route in the order they match, Rio's table exactly", () => {
        const rows = routeRows(riofile, "default", URLS);
        assert.equal(
            formatRoutes(rows.filter((_, i) => i !== 1)),
            [
                "NAME             URL                                                                OPTS             ACTION     TARGET",
                "router/myroute   https://myroute-default.apps.io/v2*,https://shop.example.org/v2*                    to         hello-world,port=80,weight=3 api@v2,weight=1",
                "router/myroute   https://myroute-default.apps.io,https://shop.example.org           https-redirect   redirect   example.com/new",
                "router/myroute   https://myroute-default.apps.io,https://shop.example.org           https-redirect   redirect",
                "",
            ].join("\n"),
        );
    });

    it("OPTS: the match's headers and methods, then the route's other keys, as rio route add's flags name them", () => {
        const row = routeRows(riofile, "default", URLS)[1]!;
        assert.deepEqual(row.urls, ["https://myroute-default.apps.io/path", "https://shop.example.org/path"]);
        assert.deepEqual(row.opts, [
            "header=X-User=bob",
            "header=X-Env=pro*",
            "method=GET",
            "method=POST",
            "mirror=api,port=8080",
            "rewrite-host=inner.example.org",
            "rewrite-path=/v1",
            "add-header=X-A=1",
            "set-header=X-S=two",
            "remove-header=X-R",
            "timeout-seconds=5",
            "retry-attempts=3",
            "retry-timeout-seconds=2",
            "fault-percentage=10",
            "fault-delay-milli-seconds=100",
            "fault-httpcode=503",
        ]);
        assert.equal(
            formatRoutes([row]).split("\n")[1],
            `router/myroute   ${row.urls.join(",")}   ${row.opts.join(" ")}   to       hello-world`,
        );
    });

    it("before an update has served the router, no URL; as data, the route as the Riofile keeps it", () => {
        const rows = routeRows(riofile, "default", undefined);
        assert.deepEqual(
            rows.map((r) => r.urls),
            [[], [], [], []],
        );
        const data = JSON.parse(formatListRows(rows.slice(0, 1), "json"));
        assert.deepEqual(data, [
            {
                name: "myroute",
                namespace: "default",
                urls: [],
                action: "to",
                target: "hello-world,port=80,weight=3 api@v2,weight=1",
                opts: [],
                route: {
                    match: { path: { prefix: "/v2" } },
                    to: [
                        { app: "hello-world", port: 80, weight: 3 },
                        { app: "api", version: "v2", weight: 1 },
                    ],
                },
            },
        ]);
        assert.deepEqual(parse(formatListRows(rows.slice(0, 1), "yaml")), data);
        assert.equal(formatRoutes([]), "NAME   URL   OPTS   ACTION   TARGET\n");
    });
});

describe("rio external ls", () => {
    it("by name, with Rio's TARGET: the DNS name, the addresses, ns:app[@version], ns:router/NAME", () => {
        assert.equal(
            formatExternals(externalRows(riofile, "default")),
            [
                "NAME                     TARGET",
                "externalservice/db       db.example.com",
                "externalservice/docs     data:docs@v1",
                "externalservice/front    shop:router/front",
                "externalservice/legacy   10.0.0.5,10.0.0.6",
                "externalservice/local    default:api",
                "externalservice/pg       data:postgres@v2",
                "",
            ].join("\n"),
        );
        assert.deepEqual(JSON.parse(formatListRows(externalRows(riofile, "default").slice(0, 1), "json")), [
            { name: "db", namespace: "default", target: "db.example.com" },
        ]);
    });
});

describe("rio domain ls", () => {
    it("every namespace's hostnames and what serves each, and RioSystem's domains nothing targets", () => {
        const team = contentOf(
            "routers:\n  front:\n    hostnames: [a.example.org]\n    routes:\n      - to: [{app: web, namespace: other}]\n",
            "team",
        );
        const hostnames = [
            ...hostnamesIn(contentOf(RIOFILE, "default")).map((h) => ({ namespace: "default", ...h })),
            ...hostnamesIn(team).map((h) => ({ namespace: "team", ...h })),
        ];
        const rows = domainRows({ domains: ["www.example.org", "shop.example.org", "spare.example.org"] }, hostnames);
        assert.equal(
            formatDomains(rows),
            [
                "NAME                             TARGET",
                "publicdomain/a.example.org       team:router/front",
                "publicdomain/shop.example.org    default:router/myroute",
                "publicdomain/spare.example.org",
                "publicdomain/www.example.org     default:hello-world",
                "",
            ].join("\n"),
        );
        assert.deepEqual(JSON.parse(formatListRows(rows, "json")), [
            { name: "a.example.org", target: "team:router/front", gateway: false },
            { name: "shop.example.org", target: "default:router/myroute", gateway: true },
            { name: "spare.example.org", gateway: true },
            { name: "www.example.org", target: "default:hello-world", gateway: true },
        ]);
        assert.equal(formatDomains(domainRows({}, [])), "NAME   TARGET\n");
    });
});

describe("rio secret ls", () => {
    // As the stack file keeps them: the credentials are ciphertexts, which a listing never shows.
    const stored = {
        dockerconfig: {
            kind: "docker",
            server: "ghcr.io",
            username: { secure: "v1:AAAAusername" },
            password: { secure: "v1:AAAApassword" },
        },
        gitcredential: { kind: "gitBasicAuth", username: { secure: "v1:BBBB" }, password: { secure: "v1:CCCC" } },
        "gitcredential-ssh": {
            kind: "gitSshKeyAuth",
            privateKey: { secure: "v1:DDDD" },
            knownHosts: { secure: "v1:EEEE" },
        },
    };
    const rows = secretRows(checkBuildSecrets(stored, { build: true, systemNamespace: "rio-system" }));

    it("by name: Rio's id, the Secret's type and how many keys it has", () => {
        assert.equal(
            formatSecrets(rows, "default"),
            [
                "NAME                                 TYPE                             DATA",
                "rio-build:secret/dockerconfig        kubernetes.io/dockerconfigjson   1",
                "rio-build:secret/gitcredential       kubernetes.io/basic-auth         2",
                "rio-build:secret/gitcredential-ssh   kubernetes.io/ssh-auth           2",
                "",
            ].join("\n"),
        );
        // Listed from the namespace they are in, the namespace is not written (Rio's ids).
        assert.match(formatSecrets(rows, "rio-build"), /^secret\/dockerconfig {3}/m);
    });

    it("as data: the kind and the keys, never a value or a ciphertext", () => {
        const json = formatListRows(rows, "json");
        assert.deepEqual(JSON.parse(json), [
            {
                name: "dockerconfig",
                namespace: "rio-build",
                kind: "docker",
                type: "kubernetes.io/dockerconfigjson",
                keys: [".dockerconfigjson"],
            },
            {
                name: "gitcredential",
                namespace: "rio-build",
                kind: "gitBasicAuth",
                type: "kubernetes.io/basic-auth",
                keys: ["username", "password"],
            },
            {
                name: "gitcredential-ssh",
                namespace: "rio-build",
                kind: "gitSshKeyAuth",
                type: "kubernetes.io/ssh-auth",
                keys: ["ssh-privatekey", "known_hosts"],
            },
        ]);
        for (const text of [json, formatListRows(rows, "yaml"), formatSecrets(rows, "default")])
            assert.doesNotMatch(text, /v1:|secure|AAAA|BBBB/);
    });
});

describe("rio config ls", () => {
    it("by name: its keys and the bytes of its contents, as Rio's HumanSize wrote them", () => {
        const rows = configRows(riofile, "default");
        assert.equal(
            formatConfigs(rows),
            [
                "NAME                   KEYS                    SIZE",
                "configmap/empty.conf                           0B",
                "configmap/site         index.html,nginx.conf   25B",
                "",
            ].join("\n"),
        );
        assert.deepEqual(JSON.parse(formatListRows(rows, "json")), [
            { name: "empty.conf", namespace: "default", keys: [], size: 0, labels: {} },
            {
                name: "site",
                namespace: "default",
                keys: ["index.html", "nginx.conf"],
                size: 25,
                labels: { team: "web" },
            },
        ]);
    });

    it("sizes in decimal units, four significant digits (docker/go-units HumanSize)", () => {
        assert.deepEqual([0, 999, 1000, 1234, 12345, 999_999, 1_500_000, 2_000_000_000].map(humanSize), [
            "0B",
            "999B",
            "1kB",
            "1.234kB",
            "12.35kB",
            "1000kB",
            "1.5MB",
            "2GB",
        ]);
    });
});
