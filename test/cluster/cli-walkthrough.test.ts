/**
 * Rio's walkthrough as commands: the real `rio` process against the local control plane (the fixture is
 * rioCli.ts). After each command the stack is opened as any Pulumi user would and `pulumi preview` must find
 * nothing to change: the stack's config, its state and the cluster agree.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { useCluster } from "./harness";
import { useRioCli } from "./rioCli";

const GATEWAY_ADDRESS = "10.0.0.10";
const URL = `https://hello-world-default.${GATEWAY_ADDRESS}.sslip.io`;
const DEPLOYMENT = "/apis/apps/v1/namespaces/default/deployments/hello-world";

// Only what kube-apiserver serves: every CRD comes from RioSystem's bundles and the stand-in charts.
const cluster = useCluster({ crds: [] });

describe("the rio commands on the local control plane", () => {
    const cli = useRioCli(cluster, GATEWAY_ADDRESS, "rio-walkthrough-");
    const { rio, openStack, agrees, stackFile } = cli;

    it("rio install: RioSystem on the current context's stack, state in RIO_HOME with a 0600 passphrase", async () => {
        const r = await rio("install", "--settings", cli.settings);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(
            r.stdout,
            `rio is installed: apps are served at https://<app>-<namespace>.${GATEWAY_ADDRESS}.sslip.io (gateway ${GATEWAY_ADDRESS})\n`,
        );
        assert.match(r.stderr, /^rio: stack rio-local \(kube context rio-local\)$/m);
        assert.match(r.stderr, /^ {2}\+ created RioSystem rio( \(\d+s\))?$/m);
        assert.equal(fs.statSync(path.join(cli.rioHome, "passphrase")).mode & 0o777, 0o600);
        assert.ok(fs.statSync(path.join(cli.rioHome, "state")).isDirectory());
        const gateway = cluster().kube.getObject("gateways.gateway.networking.k8s.io", "rio-gateway", "rio-system");
        assert.deepEqual(gateway.status.addresses, [{ type: "IPAddress", value: GATEWAY_ADDRESS }]);
        assert.match(stackFile(), /^ {2}rio:context: rio-local$/m);
        await agrees();
    });

    it("rio run -p 80 -n hello-world rancher/hello-world: a Deployment, its Service and route, the URL printed", async () => {
        const r = await rio("run", "-p", "80", "-n", "hello-world", "rancher/hello-world");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `hello-world   ${URL}\n`);
        assert.match(r.stderr, /^ {2}\+ created Deployment hello-world( \(\d+s\))?$/m);
        const deploy = await cluster().kube.get(DEPLOYMENT);
        assert.equal(deploy.spec.replicas, 1);
        assert.equal(deploy.spec.template.spec.containers[0].image, "rancher/hello-world");
        assert.deepEqual(
            deploy.spec.template.spec.containers[0].ports.map((p: { containerPort: number }) => p.containerPort),
            [80],
        );
        const route = cluster().kube.getObject("httproutes.gateway.networking.k8s.io", "hello-world", "default");
        assert.deepEqual(route.spec.hostnames, [`hello-world-default.${GATEWAY_ADDRESS}.sslip.io`]);
        await agrees();
    });

    it("rio ps shows it ready with its URL, as a table and as JSON", async () => {
        const json = await rio("ps", "--format", "json");
        assert.equal(json.code, 0, json.stderr);
        const [row, ...rest] = JSON.parse(json.stdout);
        assert.equal(rest.length, 0);
        assert.ok(row.created, "the Deployment's creation time");
        assert.deepEqual(
            { ...row, created: undefined },
            {
                name: "hello-world",
                namespace: "default",
                app: "hello-world",
                version: "v0",
                workload: "hello-world",
                kind: "Deployment",
                image: "rancher/hello-world",
                endpoint: URL,
                ready: 1,
                desired: 1,
                weight: 100,
                created: undefined,
                detail: "",
            },
        );
        const table = await rio("ps");
        assert.equal(table.code, 0, table.stderr);
        const lines = table.stdout.trimEnd().split("\n");
        assert.match(lines[0]!, /^NAME +IMAGE +ENDPOINT +SCALE +WEIGHT +CREATED +DETAIL$/);
        assert.match(
            lines[1]!,
            new RegExp(
                `^hello-world +rancher/hello-world +${URL.replace(/\./g, "\\.")} +1/1 +100% +(now|\\d+ \\w+ ago)$`,
            ),
        );
        assert.equal(lines.length, 2);
    });

    it("rio scale hello-world=2: two replicas on the API server", async () => {
        const uid = (await cluster().kube.get(DEPLOYMENT)).metadata.uid;
        const r = await rio("scale", "hello-world=2");
        assert.equal(r.code, 0, r.stderr);
        const deploy = await cluster().kube.get(DEPLOYMENT);
        assert.equal(deploy.spec.replicas, 2);
        assert.equal(deploy.metadata.uid, uid, "the same Deployment");
        assert.match(r.stderr, /^ {2}~ updated Deployment hello-world/m);
        await agrees();
    });

    it("a second rio run of the same name updates the same Deployment in place", async () => {
        const before = await cluster().kube.get(DEPLOYMENT);
        const r = await rio(
            "run",
            "-p",
            "80",
            "-n",
            "hello-world",
            "-e",
            "GREETING=bonjour",
            "rancher/hello-world:v0.1.2",
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `hello-world   ${URL}\n`);
        const deploy = await cluster().kube.get(DEPLOYMENT);
        assert.equal(deploy.metadata.uid, before.metadata.uid, "updated, not replaced");
        const container = deploy.spec.template.spec.containers[0];
        assert.equal(container.image, "rancher/hello-world:v0.1.2");
        assert.deepEqual(container.env, [{ name: "GREETING", value: "bonjour" }]);
        // rio run describes the whole service: no --scale is Rio's default of one replica.
        assert.equal(deploy.spec.replicas, 1);
        await agrees();
    });

    it("a bad flag exits 1 with one line, before anything runs: the stack and the cluster are unchanged", async () => {
        const config = stackFile();
        const deploy = await cluster().kube.get(DEPLOYMENT);
        const history = (await (await openStack()).history()).length;
        const r = await rio("run", "-p", "abc", "-n", "hello-world", "nginx");
        assert.deepEqual(r, { code: 1, stdout: "", stderr: 'rio: --ports: port "abc" is not a number\n' });
        assert.equal(stackFile(), config);
        assert.equal((await cluster().kube.get(DEPLOYMENT)).metadata.resourceVersion, deploy.metadata.resourceVersion);
        assert.equal((await (await openStack()).history()).length, history);
        const missing = await rio("scale", "hello-wrld=3");
        assert.deepEqual(missing, {
            code: 1,
            stdout: "",
            stderr: 'rio: scale: no service "hello-wrld" in namespace default (services: hello-world)\n',
        });
        assert.equal(stackFile(), config);
    });

    it("rio rm --preview shows the deletions and changes nothing", async () => {
        const config = stackFile();
        const r = await rio("rm", "--preview", "hello-world");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /^ {2}- delete Deployment hello-world$/m);
        assert.match(r.stderr, /^rio: --preview: nothing was changed$/m);
        assert.equal(stackFile(), config);
        assert.ok(await cluster().kube.get(DEPLOYMENT));
        await agrees();
    });

    it("rio rm hello-world leaves nothing of it", async () => {
        const r = await rio("rm", "hello-world");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "removed hello-world\n");
        assert.equal(await cluster().kube.get(DEPLOYMENT), undefined);
        assert.equal(await cluster().kube.get("/api/v1/namespaces/default/services/hello-world"), undefined);
        assert.equal(
            cluster().kube.getObject("httproutes.gateway.networking.k8s.io", "hello-world", "default"),
            undefined,
        );
        assert.doesNotMatch(stackFile(), /rio:riofiles/);
        const ps = await rio("ps");
        assert.equal(ps.stdout, "NAME   IMAGE   ENDPOINT   SCALE   WEIGHT   CREATED   DETAIL\n");
        await agrees();
    });

    it("rio -n team up -f an example: its namespace and services; rio -n team rm takes both away", async () => {
        const riofile = path.resolve(__dirname, "../../../examples/hello-world/Riofile");
        const up = await rio("-n", "team", "up", "-f", riofile);
        assert.equal(up.code, 0, up.stderr);
        assert.equal(up.stdout, `hello-world   https://hello-world-team.${GATEWAY_ADDRESS}.sslip.io\n`);
        const ns = await cluster().kube.get("/api/v1/namespaces/team");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "baseline");
        const deploy = await cluster().kube.get("/apis/apps/v1/namespaces/team/deployments/hello-world");
        assert.equal(deploy.spec.replicas, 2, "the Riofile's scale: 2");
        assert.match(stackFile(), /^ {4}team: \|$/m);
        await agrees();
        const rm = await rio("-n", "team", "rm", "hello-world");
        assert.equal(rm.code, 0, rm.stderr);
        assert.equal(await cluster().kube.get("/apis/apps/v1/namespaces/team/deployments/hello-world"), undefined);
        assert.equal(await cluster().kube.get("/api/v1/namespaces/team"), undefined, "the namespace rio made is gone");
        await agrees();
    });
});
