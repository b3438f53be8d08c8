/**
 * The rio commands that write a Riofile's other sections, and credentials, as the real `rio` process against the
 * local control plane (the fixture is rioCli.ts): rio route add → the router's HTTPRoute, rio external create →
 * its Service and EndpointSlice, rio domain register → the route's hostname and the Gateway's listener, rio secret
 * create --docker with answers on stdin → the Secret, kept in the stack only encrypted; rio export --live prints
 * what rio up takes back unchanged; rio ps -a lists every namespace. After each command `pulumi preview` of the
 * stack finds nothing to change, and a bad flag changes nothing.
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

describe("rio route add, external create, domain register, secret create, export --live and ps -a", () => {
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
});
