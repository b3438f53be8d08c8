/**
 * The rio commands that write a Riofile's other sections, and credentials, as the real `rio` process against the
 * local control plane (the fixture is rioCli.ts): rio route add → the router's HTTPRoute, rio external create →
 * its Service and EndpointSlice, rio domain register → the route's hostname and the Gateway's listener, rio secret
 * create --docker with answers on stdin → the Secret, kept in the stack only encrypted; route, external, domain
 * and secret ls print Rio's tables of them (never a secret's value); rio export --live prints what rio up takes
 * back unchanged; rio ps -a lists every namespace; rio config create|update of a file or stdin → the ConfigMap's
 * exact data and labels, rio cat prints it, rio config rm and rio external rm → gone from the API server. After
 * each command `pulumi preview` of the stack finds nothing to change, and a bad flag changes nothing.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { desiredOfFile } from "../../components/cli/desired";
import { riofileLabel } from "../../components/cli/riofileEdit";
import { exportRiofile } from "../../components/riofile/export";
import { parseRiofile } from "../../components/riofile/load";
import { useCluster } from "./harness";
import { useRioCli } from "./rioCli";

const GATEWAY_ADDRESS = "10.0.0.11";
const DOMAIN = `${GATEWAY_ADDRESS}.sslip.io`;
const HTTPROUTES = "httproutes.gateway.networking.k8s.io";
const PASSWORD = "hunter2-s3cret-Zq9";
const NGINX_CONF = "server {\n  listen 8080;\n}\n";

// Only what kube-apiserver serves: every CRD comes from RioSystem's bundles and the stand-in charts.
const cluster = useCluster({ crds: [] });

/** Every file under a folder, as text. */
function filesUnder(dir: string): { file: string; text: string }[] {
    return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((d) => {
        if (!d.isFile()) return [];
        const file = path.join(d.parentPath, d.name);
        return [{ file, text: fs.readFileSync(file, "latin1") }];
    });
}

describe("rio route add|ls, external create|ls|rm, domain register|ls, secret create|ls, config, cat, export --live and ps -a", () => {
    const cli = useRioCli(cluster, GATEWAY_ADDRESS, "rio-sections-");
    const { rio, rioWithInput, openStack, agrees, stackFile } = cli;

    /** Runs a command that must fail as a user error, and checks that nothing changed. */
    async function refused(expected: { code: number; stderr: string | RegExp }, run: () => Promise<unknown>) {
        const config = stackFile();
        const history = (await (await openStack()).history()).length;
        const r = (await run()) as { code: number | null; stdout: string; stderr: string };
        assert.equal(r.code, expected.code, r.stderr);
        assert.equal(r.stdout, "");
        if (typeof expected.stderr === "string") assert.equal(r.stderr, expected.stderr);
        else assert.match(r.stderr, expected.stderr);
        assert.equal(stackFile(), config, "the stack's config is unchanged");
        assert.equal((await (await openStack()).history()).length, history, "no update ran");
    }

    it("rio install, then rio run -p 80 -n hello-world rancher/hello-world", async () => {
        // rio secret create turns the builder on, and with it the registry: the control plane has no volume
        // provisioner, so its images are kept in the pod (as rioSystem.test.ts runs it).
        const settings = path.join(cli.home, "settings.yaml");
        fs.writeFileSync(
            settings,
            stringify({ ...parse(fs.readFileSync(cli.settings, "utf8")), registryPersistence: false }),
        );
        const install = await rio("install", "--settings", settings);
        assert.equal(install.code, 0, install.stderr);
        const run = await rio("run", "-p", "80", "-n", "hello-world", "rancher/hello-world");
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, `hello-world   https://hello-world-default.${DOMAIN}\n`);
        await agrees();
    });

    it("rio route add --header --method myroute/path to hello-world: the router's HTTPRoute matches and sends exactly that", async () => {
        const r = await rio(
            "route",
            "add",
            "--header",
            "X-User=bob",
            "--method",
            "GET",
            "myroute/path",
            "to",
            "hello-world",
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `myroute   https://myroute-${"default"}.${DOMAIN}\n`);
        const route = cluster().kube.getObject(HTTPROUTES, "myroute", "default");
        assert.deepEqual(route.spec.hostnames, [`myroute-default.${DOMAIN}`]);
        assert.deepEqual(
            route.spec.parentRefs.map((p: { name: string; namespace: string; sectionName: string }) => [
                p.name,
                p.namespace,
                p.sectionName,
            ]),
            [["rio-gateway", "rio-system", "https"]],
        );
        assert.deepEqual(route.spec.rules, [
            {
                name: "route-0",
                matches: [
                    {
                        path: { type: "Exact", value: "/path" },
                        headers: [{ type: "Exact", name: "X-User", value: "bob" }],
                        method: "GET",
                    },
                ],
                backendRefs: [{ group: "", kind: "Service", name: "hello-world", port: 80, weight: 1 }],
            },
        ]);
        await agrees();
    });

    it("rio route add --insert myroute/v2* to hello-world,weight=…: the new rule comes first", async () => {
        const r = await rio("route", "add", "--insert", "myroute/v2*", "to", "hello-world,port=80,weight=3");
        assert.equal(r.code, 0, r.stderr);
        const rules = cluster().kube.getObject(HTTPROUTES, "myroute", "default").spec.rules;
        assert.deepEqual(
            rules.map((rule: { name: string; matches: unknown[]; backendRefs: unknown[] }) => [
                rule.name,
                rule.matches,
                rule.backendRefs,
            ]),
            [
                [
                    "route-0",
                    [{ path: { type: "PathPrefix", value: "/v2" } }],
                    [{ group: "", kind: "Service", name: "hello-world", port: 80, weight: 3 }],
                ],
                [
                    "route-1",
                    [
                        {
                            path: { type: "Exact", value: "/path" },
                            headers: [{ type: "Exact", name: "X-User", value: "bob" }],
                            method: "GET",
                        },
                    ],
                    [{ group: "", kind: "Service", name: "hello-world", port: 80, weight: 1 }],
                ],
            ],
        );
        await agrees();
    });

    it("rio external create: a DNS name is an ExternalName Service; addresses a headless Service and its EndpointSlice", async () => {
        const byName = await rio("external", "create", "db", "db.example.com");
        assert.equal(byName.code, 0, byName.stderr);
        assert.equal(byName.stdout, "externalservice/db   db.default.svc.cluster.local\n");
        const db = await cluster().kube.get("/api/v1/namespaces/default/services/db");
        assert.deepEqual(
            { type: db.spec.type, externalName: db.spec.externalName, selector: db.spec.selector },
            { type: "ExternalName", externalName: "db.example.com", selector: undefined },
        );
        await agrees();
        const byAddress = await rio("external", "create", "legacy", "10.0.0.5", "10.0.0.6");
        assert.equal(byAddress.code, 0, byAddress.stderr);
        const legacy = await cluster().kube.get("/api/v1/namespaces/default/services/legacy");
        assert.deepEqual(
            { clusterIP: legacy.spec.clusterIP, selector: legacy.spec.selector, type: legacy.spec.type },
            { clusterIP: "None", selector: undefined, type: "ClusterIP" },
        );
        const slice = await cluster().kube.get(
            "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/legacy-ipv4",
        );
        assert.equal(slice.addressType, "IPv4");
        assert.equal(slice.metadata.labels["kubernetes.io/service-name"], "legacy");
        assert.deepEqual(
            slice.endpoints.map((e: { addresses: string[]; conditions: unknown }) => [e.addresses, e.conditions]),
            [
                [["10.0.0.5"], { ready: true }],
                [["10.0.0.6"], { ready: true }],
            ],
        );
        await agrees();
    });

    it("rio domain register www.example.org hello-world: the app's route serves it on the domain's own listener", async () => {
        const r = await rio("domain", "register", "www.example.org", "hello-world");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "hello-world   https://www.example.org\n");
        const route = cluster().kube.getObject(HTTPROUTES, "hello-world", "default");
        assert.deepEqual(route.spec.hostnames, [`hello-world-default.${DOMAIN}`, "www.example.org"]);
        assert.deepEqual(
            route.spec.parentRefs.map((p: { sectionName: string }) => p.sectionName),
            ["https", "https-www.example.org"],
        );
        const gateway = cluster().kube.getObject("gateways.gateway.networking.k8s.io", "rio-gateway", "rio-system");
        const listener = gateway.spec.listeners.find((l: { name: string }) => l.name === "https-www.example.org");
        assert.equal(listener.hostname, "www.example.org");
        assert.match(stackFile(), /^ {4}domains:\n {6}- www\.example\.org$/m);
        await agrees();
    });

    it("rio secret create --docker with answers on stdin: the Secret's exact docker config, kept only encrypted", async () => {
        const answers = `default\n\nhttps://ghcr.io/\nbob\n${PASSWORD}\n`;
        const r = await rioWithInput(answers, "secret", "create", "--docker");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "rio-build:secret/dockerconfig\n");
        assert.match(
            r.stderr,
            /^Select namespace\[default\]: \nName\[dockerconfig\]: \nRegistry URL\[https:\/\/index\.docker\.io\/v1\/\]: \nUsername\[\]: \nPassword\[\*{6}\]: \n/,
        );
        const secret = await cluster().kube.get("/api/v1/namespaces/rio-build/secrets/dockerconfig");
        assert.equal(secret.type, "kubernetes.io/dockerconfigjson");
        assert.deepEqual(Object.keys(secret.data), [".dockerconfigjson"]);
        const auth = Buffer.from(`bob:${PASSWORD}`).toString("base64");
        const config = `{"auths":{"ghcr.io":{"username":"bob","password":"${PASSWORD}","auth":"${auth}"}}}`;
        assert.equal(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString("utf8"), config);
        // The stack file holds the kind and registry in the clear, the credentials as ciphertexts only.
        const stored = (parse(stackFile()).config as Record<string, unknown>)["rio:buildSecrets"] as Record<
            string,
            Record<string, unknown>
        >;
        assert.deepEqual(Object.keys(stored), ["dockerconfig"]);
        assert.equal(stored.dockerconfig!.kind, "docker");
        assert.equal(stored.dockerconfig!.server, "ghcr.io");
        for (const field of ["username", "password"])
            assert.match((stored.dockerconfig![field] as { secure: string }).secure, /^v1:/, field);
        // No form of the password anywhere rio keeps state, nor in what it printed.
        const forms = [PASSWORD, auth, Buffer.from(config).toString("base64")];
        const kept = [
            { file: "Pulumi.rio-local.yaml", text: stackFile() },
            ...filesUnder(path.join(cli.rioHome, "state")),
            { file: "stdout", text: r.stdout },
            { file: "stderr", text: r.stderr },
        ];
        assert.ok(kept.length > 3, "the state has files");
        for (const { file, text } of kept)
            for (const form of forms) assert.ok(!text.includes(form), `${file} holds the password (as ${form})`);
        await agrees();
    });

    it("rio route ls, external ls, domain ls and secret ls: Rio's tables of what the stack keeps, never a secret's value", async () => {
        const routes = await rio("route", "ls");
        assert.equal(routes.code, 0, routes.stderr);
        assert.equal(
            routes.stdout,
            [
                "NAME             URL                                               OPTS                           ACTION   TARGET",
                `router/myroute   https://myroute-default.${DOMAIN}/v2*                                   to       hello-world,port=80,weight=3`,
                `router/myroute   https://myroute-default.${DOMAIN}/path   header=X-User=bob method=GET   to       hello-world`,
                "",
            ].join("\n"),
        );
        const externals = await rio("external", "ls");
        assert.equal(externals.code, 0, externals.stderr);
        assert.equal(
            externals.stdout,
            [
                "NAME                     TARGET",
                "externalservice/db       db.example.com",
                "externalservice/legacy   10.0.0.5,10.0.0.6",
                "",
            ].join("\n"),
        );
        const domains = await rio("domain", "ls");
        assert.equal(domains.code, 0, domains.stderr);
        assert.equal(
            domains.stdout,
            ["NAME                           TARGET", "publicdomain/www.example.org   default:hello-world", ""].join(
                "\n",
            ),
        );
        const secrets = await rio("secret", "ls");
        assert.equal(secrets.code, 0, secrets.stderr);
        assert.equal(
            secrets.stdout,
            [
                "NAME                            TYPE                             DATA",
                "rio-build:secret/dockerconfig   kubernetes.io/dockerconfigjson   1",
                "",
            ].join("\n"),
        );
        const json = await rio("secret", "ls", "--format", "json");
        assert.equal(json.code, 0, json.stderr);
        assert.deepEqual(JSON.parse(json.stdout), [
            {
                name: "dockerconfig",
                namespace: "rio-build",
                kind: "docker",
                type: "kubernetes.io/dockerconfigjson",
                keys: [".dockerconfigjson"],
            },
        ]);
        for (const r of [secrets, json]) {
            assert.ok(!r.stdout.includes(PASSWORD) && !r.stdout.includes("bob"), "no credential is listed");
            assert.doesNotMatch(r.stdout, /v1:|secure/, "no ciphertext is listed");
        }
    });

    it("rio export --live prints the stack's Riofile, which rio up takes back unchanged", async () => {
        const before = desiredOfFile(stackFile());
        const r = await rio("export", "--live");
        assert.equal(r.code, 0, r.stderr);
        const kept = before.riofiles.default!;
        assert.equal(r.stdout, exportRiofile(parseRiofile(kept, riofileLabel("default"), { namespace: "default" })));
        const content = parse(r.stdout);
        assert.deepEqual(Object.keys(content), ["services", "routers", "externalservices"]);
        assert.deepEqual(content.services["hello-world"].hostnames, ["www.example.org"]);
        assert.deepEqual(content.externalservices, {
            db: { fqdn: "db.example.com" },
            legacy: { ipAddresses: ["10.0.0.5", "10.0.0.6"] },
        });
        const file = path.join(cli.home, "exported.Riofile");
        fs.writeFileSync(file, r.stdout);
        const up = await rio("up", "-f", file);
        assert.equal(up.code, 0, up.stderr);
        assert.match(up.stderr, /^ {2}\d+ unchanged$/m, "the update changed nothing");
        assert.deepEqual(desiredOfFile(stackFile()), before, "the desired state is the same");
        await agrees();
    });

    it("rio ps -a lists every namespace's services, as namespace:name", async () => {
        const team = await rio("run", "-p", "80", "-n", "team:web", "nginx");
        assert.equal(team.code, 0, team.stderr);
        const r = await rio("ps", "-a");
        assert.equal(r.code, 0, r.stderr);
        const names = r.stdout
            .trimEnd()
            .split("\n")
            .map((l) => l.split(/ +/)[0]);
        assert.deepEqual(names, ["NAME", "default:hello-world", "team:web"]);
        const json = JSON.parse((await rio("ps", "-a", "--format", "json")).stdout) as {
            namespace: string;
            name: string;
        }[];
        assert.deepEqual(
            json.map((row) => [row.namespace, row.name]),
            [
                ["default", "hello-world"],
                ["team", "web"],
            ],
        );
        await agrees();
    });

    it("bad input exits with one line before anything runs: the stack and its history are unchanged", async () => {
        await refused(
            {
                code: 1,
                stderr: 'rio: route add: invalid action "send", action must be mirror, redirect or to (expected NAME[/PATH] to|redirect|mirror TARGET… (rio route add myroute/path to app@v1))\n',
            },
            () => rio("route", "add", "myroute", "send", "hello-world"),
        );
        await refused(
            {
                code: 1,
                stderr: 'rio: --method: "GETT" is not an HTTP method (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH)\n',
            },
            () => rio("route", "add", "--method", "GETT", "myroute/x", "to", "hello-world"),
        );
        await refused({ code: 2, stderr: /^error: unknown option '--bogus'/ }, () =>
            rio("route", "add", "--bogus", "myroute", "to", "hello-world"),
        );
        await refused(
            {
                code: 1,
                stderr: 'rio: TARGET "db.example.com": several targets are IP addresses only; a DNS name, an app or a router is one target\n',
            },
            () => rio("external", "create", "db2", "10.0.0.1", "db.example.com"),
        );
        await refused(
            {
                code: 1,
                stderr: "rio: www.example.org is registered to hello-world in namespace default already\n",
            },
            () => rio("domain", "register", "www.example.org", "hello-world"),
        );
        await refused({ code: 1, stderr: /^rio: --github-webhook: Rio's GitHub token is pulumi-rio's/ }, () =>
            rio("secret", "create", "--github-webhook"),
        );
        await refused(
            {
                code: 1,
                stderr: "Select namespace[default]: \nName[dockerconfig]: \nRegistry URL[https://index.docker.io/v1/]: \nUsername[]: \nPassword[******]: \nrio: Password: is required\n",
            },
            () => rioWithInput("\n\n\nbob\n\n", "secret", "create", "--docker"),
        );
        const secret = await cluster().kube.get("/api/v1/namespaces/rio-build/secrets/dockerconfig");
        assert.equal(
            Buffer.from(secret.data[".dockerconfigjson"], "base64").toString("utf8").includes(PASSWORD),
            true,
            "the Secret is as it was",
        );
        await agrees();
    });

    it("rio domain unregister www.example.org: off the route and the gateway", async () => {
        const r = await rio("domain", "unregister", "www.example.org");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "unregistered www.example.org\n");
        const route = cluster().kube.getObject(HTTPROUTES, "hello-world", "default");
        assert.deepEqual(route.spec.hostnames, [`hello-world-default.${DOMAIN}`]);
        const gateway = cluster().kube.getObject("gateways.gateway.networking.k8s.io", "rio-gateway", "rio-system");
        assert.equal(
            gateway.spec.listeners.some((l: { name: string }) => l.name.endsWith("www.example.org")),
            false,
        );
        assert.doesNotMatch(stackFile(), /www\.example\.org/);
        await agrees();
    });

    it("rio config create -l of a file: the ConfigMap's exact data and labels; rio cat and config ls print it", async () => {
        const file = path.join(cli.home, "nginx.conf");
        fs.writeFileSync(file, NGINX_CONF);
        const r = await rio("config", "create", "-l", "team=web", "-l", "tier=front", "site", file);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "configmap/site\n");
        const live = await cluster().kube.get("/api/v1/namespaces/default/configmaps/site");
        assert.deepEqual(live.data, { content: NGINX_CONF });
        assert.deepEqual(live.metadata.labels, {
            "app.kubernetes.io/managed-by": "pulumi-rio",
            team: "web",
            tier: "front",
        });
        await agrees();
        const all = await rio("cat", "configmap/site");
        assert.equal(all.code, 0, all.stderr);
        assert.equal(all.stdout, "content: |\n  server {\n    listen 8080;\n  }\n");
        const one = await rio("cat", "-k", "content", "configmap/site");
        assert.equal(one.code, 0, one.stderr);
        assert.equal(one.stdout, NGINX_CONF);
        const ls = await rio("config", "ls");
        assert.equal(ls.code, 0, ls.stderr);
        assert.equal(ls.stdout, ["NAME             KEYS      SIZE", "configmap/site   content   26B", ""].join("\n"));
        await refused(
            {
                code: 1,
                stderr: 'rio: config "site" exists in namespace default already; rio config update changes it\n',
            },
            () => rio("config", "create", "site", file),
        );
        await refused({ code: 1, stderr: 'rio: FILE "missing.conf": no such file\n' }, () =>
            rio("config", "create", "other", "missing.conf"),
        );
        await refused(
            {
                code: 1,
                stderr: `rio: --label tier: label value "front end" must be at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric\n`,
            },
            () => rio("config", "update", "-l", "tier=front end", "site", file),
        );
        await refused({ code: 1, stderr: 'rio: configmap/site has no key "index.html" (keys: content)\n' }, () =>
            rio("cat", "-k", "index.html", "configmap/site"),
        );
    });

    it("rio config update -k KEY NAME - reads stdin: the key added, the other and the labels kept", async () => {
        const r = await rioWithInput("<h1>hi</h1>\n", "config", "update", "-k", "index.html", "site", "-");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "configmap/site\n");
        const live = await cluster().kube.get("/api/v1/namespaces/default/configmaps/site");
        assert.deepEqual(live.data, { content: NGINX_CONF, "index.html": "<h1>hi</h1>\n" });
        assert.deepEqual(live.metadata.labels, {
            "app.kubernetes.io/managed-by": "pulumi-rio",
            team: "web",
            tier: "front",
        });
        await agrees();
        const ls = await rio("config", "ls", "--format", "json");
        assert.deepEqual(JSON.parse(ls.stdout), [
            {
                name: "site",
                namespace: "default",
                keys: ["content", "index.html"],
                size: 38,
                labels: { team: "web", tier: "front" },
            },
        ]);
    });

    it("rio config rm and rio external rm: gone from the stack and the API server", async () => {
        const config = await rio("config", "rm", "site");
        assert.equal(config.code, 0, config.stderr);
        assert.equal(config.stdout, "removed configmap/site\n");
        assert.equal(await cluster().kube.get("/api/v1/namespaces/default/configmaps/site"), undefined);
        await agrees();
        const external = await rio("external", "rm", "db");
        assert.equal(external.code, 0, external.stderr);
        assert.equal(external.stdout, "removed externalservice/db\n");
        assert.equal(await cluster().kube.get("/api/v1/namespaces/default/services/db"), undefined);
        assert.ok(await cluster().kube.get("/api/v1/namespaces/default/services/legacy"), "the other one stays");
        const ls = await rio("external", "ls");
        assert.equal(
            ls.stdout,
            ["NAME                     TARGET", "externalservice/legacy   10.0.0.5,10.0.0.6", ""].join("\n"),
        );
        await agrees();
        await refused(
            { code: 1, stderr: 'rio: no external service "db" in namespace default (external services: legacy)\n' },
            () => rio("external", "rm", "db"),
        );
    });
});
