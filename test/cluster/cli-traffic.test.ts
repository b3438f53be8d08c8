/**
 * Rio's traffic commands as the real `rio` process against the local control plane (the fixture is rioCli.ts):
 * rio stage puts a second version next to hello-world at weight 0, rio weight and rio promote move the shares on
 * the app's HTTPRoute (read from the API server), as does rio run --weight, a bad weight changes nothing, rio rm of
 * a version leaves the others as they were, rio rm of the first version after promoting another leaves that one the
 * app's only version with the app's Service and route kept (the same objects), and rio uninstall removes RioSystem
 * and the stack itself.
 * After each change `pulumi preview` of the stack must find nothing to change.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { useCluster } from "./harness";
import { STACK, useRioCli } from "./rioCli";

const GATEWAY_ADDRESS = "10.0.0.10";
const DOMAIN = `${GATEWAY_ADDRESS}.sslip.io`;
const DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";
const SERVICE = "/api/v1/namespaces/default/services/hello-world";
const ROUTES = "httproutes.gateway.networking.k8s.io";
const ROUTE_CRD = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${ROUTES}`;

// Only what kube-apiserver serves: every CRD comes from RioSystem's bundles and the stand-in charts.
const cluster = useCluster({ crds: [] });

/** The app route's backends as the API server holds them: Service name and weight. */
function backends(): { name: string; weight: number | undefined }[] {
    const route = cluster().kube.getObject(ROUTES, "hello-world", "default");
    assert.ok(route, "the HTTPRoute hello-world exists");
    const [rule, ...rest] = route.spec.rules;
    assert.equal(rest.length, 0);
    return rule.backendRefs.map((b: { name: string; weight?: number }) => ({ name: b.name, weight: b.weight }));
}

describe("rio stage, weight, promote and uninstall on the local control plane", () => {
    const cli = useRioCli(cluster, GATEWAY_ADDRESS, "rio-traffic-");
    const { rio, agrees, stackFile } = cli;
    let uid = "";

    it("rio install, then rio run -p 80 -n hello-world rancher/hello-world: one version, all the traffic", async () => {
        const install = await rio("install", "--settings", cli.settings);
        assert.equal(install.code, 0, install.stderr);
        const run = await rio("run", "-p", "80", "-n", "hello-world", "rancher/hello-world");
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, `hello-world   https://hello-world-default.${DOMAIN}\n`);
        uid = (await cluster().kube.get(`${DEPLOYMENTS}/hello-world`)).metadata.uid;
        // One backend, given no weight: the API server defaults it to 1 (the HTTPRoute CRD's default).
        assert.deepEqual(backends(), [{ name: "hello-world", weight: 1 }]);
        await agrees();
    });

    it("rio stage --image rancher/hello-world:v0.1.2 hello-world v2: a second Deployment, at weight 0", async () => {
        const r = await rio("stage", "--image", "rancher/hello-world:v0.1.2", "hello-world", "v2");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `hello-world@v2   https://hello-world-v2-default.${DOMAIN}   (weight 0)\n`);
        const v2 = await cluster().kube.get(`${DEPLOYMENTS}/hello-world-v2`);
        assert.equal(v2.spec.template.spec.containers[0].image, "rancher/hello-world:v0.1.2");
        assert.deepEqual(
            { app: v2.spec.template.metadata.labels.app, version: v2.spec.template.metadata.labels.version },
            { app: "hello-world", version: "v2" },
        );
        const v0 = await cluster().kube.get(`${DEPLOYMENTS}/hello-world`);
        assert.equal(v0.metadata.uid, uid, "the first version's Deployment is the same one, updated in place");
        assert.equal(v0.spec.template.spec.containers[0].image, "rancher/hello-world");
        assert.deepEqual(backends(), [
            { name: "hello-world-v0", weight: 100 },
            { name: "hello-world-v2", weight: 0 },
        ]);
        assert.ok(cluster().kube.getObject(ROUTES, "hello-world-v2", "default"), "the revision's own route");
        assert.match(stackFile(), /^ {8}hello-world-v2:$/m);
        await agrees();
    });

    it("rio weight hello-world@v2=40: 60/40 on the route", async () => {
        const r = await rio("weight", "hello-world@v2=40");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "hello-world@v0   60%\nhello-world@v2   40%\n");
        assert.deepEqual(backends(), [
            { name: "hello-world-v0", weight: 60 },
            { name: "hello-world-v2", weight: 40 },
        ]);
        await agrees();
    });

    it("a bad weight exits 1 with one line and changes neither the stack file nor the route", async () => {
        const config = stackFile();
        const version = cluster().kube.getObject(ROUTES, "hello-world", "default").metadata.resourceVersion;
        const cases: [string[], string][] = [
            [
                ["weight", "hello-world@v2=140"],
                'weight "hello-world@v2=140": "140" is not a percentage (a whole number from 0 to 100)',
            ],
            [
                ["weight", "hello-world@v2=abc"],
                'weight "hello-world@v2=abc": "abc" is not a percentage (a whole number from 0 to 100)',
            ],
            [
                ["weight", "hello-world@v3=10"],
                'weight "hello-world@v3=10": app "hello-world" has no version "v3" (versions: v0, v2)',
            ],
            [
                ["weight", "hello-world@v2=40"],
                'weight "hello-world@v2=40": hello-world@v2 already receives 40% of hello-world\'s traffic; nothing to change',
            ],
            [
                ["weight", "--duration", "5m", "hello-world@v2=50"],
                "--duration: rio cannot shift traffic between versions gradually: its gradual rollouts (the Riofile's rollout and rolloutDuration, on Flagger) roll one service's new image or spec out, and versions are separate workloads; leave --duration out to set the weights at once",
            ],
        ];
        for (const [args, message] of cases) {
            const r = await rio(...args);
            assert.deepEqual(r, { code: 1, stdout: "", stderr: `rio: ${message}\n` }, args.join(" "));
        }
        assert.equal(stackFile(), config);
        assert.equal(cluster().kube.getObject(ROUTES, "hello-world", "default").metadata.resourceVersion, version);
    });

    it("rio run --weight 20 -n hello-world@v3: a third version with 20%, the others sharing the rest 48/32", async () => {
        const r = await rio("run", "-p", "80", "-n", "hello-world@v3", "--weight", "20", "rancher/hello-world:v0.1.2");
        assert.equal(r.code, 0, r.stderr);
        assert.ok(await cluster().kube.get(`${DEPLOYMENTS}/hello-world-v3`));
        assert.deepEqual(backends(), [
            { name: "hello-world-v0", weight: 48 },
            { name: "hello-world-v2", weight: 32 },
            { name: "hello-world-v3", weight: 20 },
        ]);
        await agrees();
    });

    it("rio promote hello-world@v2: all of the traffic to v2, the others kept at 0", async () => {
        const r = await rio("promote", "hello-world@v2");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(
            r.stdout,
            "hello-world@v2 promoted\nhello-world@v0   0%\nhello-world@v2   100%\nhello-world@v3   0%\n",
        );
        assert.deepEqual(backends(), [
            { name: "hello-world-v0", weight: 0 },
            { name: "hello-world-v2", weight: 100 },
            { name: "hello-world-v3", weight: 0 },
        ]);
        assert.equal((await cluster().kube.get(`${DEPLOYMENTS}/hello-world`)).metadata.uid, uid, "v0 stays");
        await agrees();
    });

    it("rio rm hello-world@v3: v0 and v2 left, v2 with all the traffic", async () => {
        const r = await rio("rm", "hello-world@v3");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(await cluster().kube.get(`${DEPLOYMENTS}/hello-world-v3`), undefined);
        assert.equal((await cluster().kube.get(`${DEPLOYMENTS}/hello-world`)).metadata.uid, uid);
        assert.deepEqual(backends(), [
            { name: "hello-world-v0", weight: 0 },
            { name: "hello-world-v2", weight: 100 },
        ]);
        await agrees();
    });

    it("rio rm hello-world after the promotion: v2 is the app's only version, its Deployment, Service and route kept", async () => {
        const uidOf = async (p: string) => (await cluster().kube.get(p)).metadata.uid as string;
        const before = {
            v2: await uidOf(`${DEPLOYMENTS}/hello-world-v2`),
            service: await uidOf(SERVICE),
            route: cluster().kube.getObject(ROUTES, "hello-world", "default").metadata.uid,
        };
        const r = await rio("rm", "hello-world");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "removed hello-world\n");
        assert.match(stackFile(), /^ {8}hello-world-v2:$/m);
        assert.doesNotMatch(stackFile(), /^ {8}hello-world:$/m);
        assert.equal(await cluster().kube.get(`${DEPLOYMENTS}/hello-world`), undefined);
        // Replaced objects would have new uids: these are the same objects, updated in place.
        assert.deepEqual(
            {
                v2: await uidOf(`${DEPLOYMENTS}/hello-world-v2`),
                service: await uidOf(SERVICE),
                route: cluster().kube.getObject(ROUTES, "hello-world", "default").metadata.uid,
            },
            before,
        );
        // One version: the route sends to the app's Service (which selects the app's pods, now v2's only), and
        // the per-version Services and routes are gone.
        assert.deepEqual(backends(), [{ name: "hello-world", weight: 1 }]);
        for (const gone of ["hello-world-v0", "hello-world-v2"]) {
            assert.equal(await cluster().kube.get(`/api/v1/namespaces/default/services/${gone}`), undefined, gone);
            assert.equal(cluster().kube.getObject(ROUTES, gone, "default"), undefined, gone);
        }
        await agrees();
    });

    it("rio ps: the app's one row is hello-world@v2 (a version other than v0, as Rio named it), with the app's URL", async () => {
        const json = await rio("ps", "--format", "json");
        assert.equal(json.code, 0, json.stderr);
        const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
        // v2's pod has been Ready on kwok's node since rio stage waited for it.
        assert.ok(rows[0]?.created, "the Deployment's creation time");
        assert.deepEqual(
            rows.map((row) => ({ ...row, created: undefined })),
            [
                {
                    name: "hello-world@v2",
                    namespace: "default",
                    app: "hello-world",
                    version: "v2",
                    workload: "hello-world-v2",
                    kind: "Deployment",
                    image: "rancher/hello-world:v0.1.2",
                    endpoint: `https://hello-world-default.${DOMAIN}`,
                    ready: 1,
                    desired: 1,
                    weight: 100,
                    created: undefined,
                    detail: "",
                },
            ],
        );
        const table = await rio("ps");
        assert.equal(table.code, 0, table.stderr);
        const lines = table.stdout.trimEnd().split("\n");
        assert.equal(lines.length, 2, table.stdout);
        assert.match(
            lines[1]!,
            new RegExp(
                `^hello-world@v2 +rancher/hello-world:v0\\.1\\.2 +https://hello-world-default\\.${DOMAIN.replace(/\./g, "\\.")} +1/1 +100% +(now|\\d+ \\w+ ago)$`,
            ),
        );
    });

    it("rio uninstall --preview lists the deletions and changes nothing", async () => {
        const config = stackFile();
        const r = await rio("uninstall", "--preview");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /^ {2}- delete RioSystem rio$/m);
        assert.match(r.stderr, /^ {2}- delete Deployment hello-world-v2$/m);
        assert.match(r.stderr, /^rio: --preview: nothing was changed$/m);
        assert.equal(stackFile(), config);
        assert.ok(await cluster().kube.get("/api/v1/namespaces/rio-system"));
        await agrees();
    });

    it("rio uninstall --yes: no rio-system, no app, no stack; a second one says there is nothing to uninstall", async () => {
        const r = await rio("uninstall", "--yes");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `rio is uninstalled: stack ${STACK} and everything it deployed are removed\n`);
        assert.equal(await cluster().kube.get("/api/v1/namespaces/rio-system"), undefined);
        assert.equal(await cluster().kube.get(`${DEPLOYMENTS}/hello-world-v2`), undefined);
        // RioSystem's Gateway API CRDs went with it, and every route with them.
        assert.equal(await cluster().kube.get(ROUTE_CRD), undefined);
        assert.deepEqual(await cli.listStacks(), []);
        assert.equal(fs.existsSync(path.join(cli.rioHome, "workspace", `Pulumi.${STACK}.yaml`)), false);
        const again = await rio("uninstall", "--yes");
        assert.deepEqual(again, {
            code: 1,
            stdout: "",
            stderr: `rio: rio is not installed on stack ${STACK} (kube context ${STACK}): there is nothing to uninstall\n`,
        });
    });
});
