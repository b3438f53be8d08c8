/**
 * A Riofile edit that changes an app's shape — `rio stage` (a second version), `rio promote` (weights), `rio rm` of
 * either version, a lone `web-v2: {app: web}` joined by `web` — keeps every Kubernetes object that is in both
 * shapes under the same Pulumi resource: the same URN (type chain and name) under the same parent. A new URN for an
 * object that keeps its Kubernetes name would be created (or adopted) first and the old one deleted after, taking
 * the live object with it; for a PersistentVolumeClaim, its data.
 *
 * Each shape is deployed through the mock engine with `deployRiofile`, as the rio stack's program deploys a
 * namespace's Riofile, and each shape after the first is made by the rio commands' own edits of the Riofile.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { checkContent, contentOf, removeNames, RiofileContent } from "../components/cli/riofileEdit";
import { stageVersion } from "../components/cli/stage";
import { applyWeight } from "../components/cli/weights";
import { installMocks, reset, value } from "./support/mocks";

const NS = "shop";

const SINGLE = `
services:
  hello-world:
    image: rancher/hello-world
    ports: 80
    scale: 2
    permissions: ["* configmaps"]
`;
const DB = `
services:
  db:
    image: postgres
    ports: 5432/tcp
    env: [PGDATA=/var/lib/postgresql/data/pg]
    volumes: data:/var/lib/postgresql/data,persistent=true
`;
/** A one-version app whose only service is a version (`rio rm web` after `rio promote web@v2`, say). */
const WEB_V2 = `
services:
  web-v2:
    app: web
    version: v2
    image: nginx:2
    ports: 80
`;
const WEB_BOTH = `${WEB_V2}
  web:
    image: nginx:1
    ports: 80
    weight: 0
`;

/** One registration as the engine sees it: its URN's type chain and name, its parent, its aliases' names. */
interface Registration {
    type: string;
    name: string;
    /** Its parent's URN (the mock engine's), if any. */
    parent: string;
    aliases: string[];
    inputs: Record<string, any>;
}

const registrations: Registration[] = [];

/** Records what each registerResource call carries (the mock's own record has no parent and no aliases). */
function watchMonitor(): void {
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        registrations.push({
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            // The SDK's own aliases (no name: the resource's own, under another parent or type) are left out.
            aliases: req
                .getAliasesList()
                .map((a: any) => a.getSpec()?.getName() ?? a.getUrn())
                .filter((n: string) => n !== ""),
            inputs: pulumi.runtime.deserializeProperties(req.getObject()),
        });
        return register(req, callback);
    };
}

let deployRiofile: typeof import("../components/riofile/deploy").deployRiofile;

/**
 * Each Kubernetes object of a Riofile deployed through the mock engine, by kind and Kubernetes name: its resource
 * as `type::name` links from the root, parent first (the URN is the types and the last name; the parent is the
 * rest).
 */
async function deployed(content: RiofileContent): Promise<Map<string, { chain: string; aliases: string[] }>> {
    reset();
    registrations.length = 0;
    const riofile = checkContent(content, NS);
    const { services } = deployRiofile(riofile, { namespace: NS, gateway: { domain: "example.com" } });
    // A RioService's URLs resolve once every object it declared exists.
    await Promise.all(Object.values(services).map((s) => value(s.urls)));
    const chain = (r: Registration): string => {
        if (!r.parent) return `${r.type}::${r.name}`;
        const parent = registrations.find((p) => p !== r && mockUrn(p, registrations) === r.parent);
        assert.ok(parent, `the parent of ${r.type}::${r.name} was registered`);
        return `${chain(parent)} / ${r.type}::${r.name}`;
    };
    const objects = new Map<string, { chain: string; aliases: string[] }>();
    for (const r of registrations) {
        if (!r.type.startsWith("kubernetes:") || r.inputs.kind === undefined) continue;
        const key = `${r.inputs.kind} ${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`;
        assert.ok(!objects.has(key), `${key} is declared once`);
        objects.set(key, { chain: chain(r), aliases: r.aliases });
    }
    return objects;
}

/** The URN the mock engine gave a registration: its parent's type, `$`, its own type (mocks.js newUrn). */
function mockUrn(r: Registration, all: readonly Registration[]): string {
    let type = r.type;
    if (r.parent) {
        const parent = all.find((p) => p !== r && r.parent === mockUrn(p, all));
        if (parent) type = `${parent.type.split("$").pop()}$${type}`;
    }
    return `urn:pulumi:test::rio::${type}::${r.name}`;
}

/** The objects in both shapes whose resource (URN or parent) differs: `object: before → after`. */
async function moved(from: RiofileContent, to: RiofileContent): Promise<string[]> {
    const before = await deployed(from);
    const after = await deployed(to);
    return [...after].flatMap(([object, { chain }]) => {
        const old = before.get(object);
        return old && old.chain !== chain ? [`${object}: ${old.chain} → ${chain}`] : [];
    });
}

const content = (text: string) => contentOf(text, NS);
/** `rio stage --image IMAGE APP[@FROM] VERSION`. */
const stage = (c: RiofileContent, app: string, version: string, image: string, from?: string) =>
    stageVersion(c, { app, ...(from !== undefined && { version: from }) }, version, { image, env: [] }, NS).content;
const promote = (c: RiofileContent, app: string, version: string) =>
    applyWeight(c, { app, version }, 100, { namespace: NS, what: "promote", refuseUnchanged: true }).content;
const rm = (c: RiofileContent, app: string, version?: string) =>
    removeNames(c, [{ name: { app, ...(version !== undefined && { version }) } }], NS);

describe("an app's objects across a change of its shape (mock engine)", () => {
    before(async () => {
        await installMocks();
        watchMonitor();
        ({ deployRiofile } = await import("../components/riofile/deploy"));
    });

    const single = content(SINGLE);
    const staged = stage(single, "hello-world", "v2", "rancher/hello-world:v0.1.2");
    const promoted = promote(staged, "hello-world", "v2");
    const v2Only = rm(promoted, "hello-world");
    const db = content(DB);
    const dbStaged = stage(db, "db", "v2", "postgres:17");
    const dbV2Only = rm(promote(dbStaged, "db", "v2"), "db");

    it("the edits make the shapes this file is about", () => {
        assert.deepEqual(Object.keys(staged.services as object), ["hello-world", "hello-world-v2"]);
        // rio rm hello-world after rio promote hello-world@v2: the app's only service is its version v2.
        assert.deepEqual(
            Object.entries(v2Only.services as Record<string, any>).map(([k, s]) => [k, s.app, s.version, s.weight]),
            [["hello-world-v2", "hello-world", "v2", 100]],
        );
        assert.deepEqual(Object.keys(dbV2Only.services as object), ["db-v2"]);
    });

    const cases: [string, RiofileContent, RiofileContent][] = [
        ["rio stage hello-world v2", single, staged],
        ["rio promote hello-world@v2 (weights only)", staged, promoted],
        ["rio rm hello-world after the promotion (only hello-world-v2 left)", promoted, v2Only],
        ["rio rm hello-world without a promotion", staged, rm(staged, "hello-world")],
        ["rio rm hello-world@v2 (back to one version)", staged, rm(staged, "hello-world", "v2")],
        [
            "rio stage hello-world@v2 v3 on the one-version app hello-world-v2",
            v2Only,
            stage(v2Only, "hello-world", "v3", "rancher/hello-world:v3", "v2"),
        ],
        ["web added beside the one-version app web-v2", content(WEB_V2), content(WEB_BOTH)],
        ["web-v2 left alone again (web removed)", content(WEB_BOTH), content(WEB_V2)],
        ["rio stage db v2 (a persistent volume)", db, dbStaged],
        ["rio promote db@v2, then rio rm db (a persistent volume)", dbStaged, dbV2Only],
        ["rio rm db@v2 (a persistent volume)", dbStaged, rm(dbStaged, "db", "v2")],
    ];
    for (const [what, from, to] of cases)
        it(`${what}: every object kept keeps its URN and parent`, async () =>
            assert.deepEqual(await moved(from, to), []));

    it("the app's Service, route and claim are the app's RioService's, named after the app, in every shape", async () => {
        for (const shape of [single, staged, promoted, v2Only]) {
            const objects = await deployed(shape);
            assert.deepEqual(
                ["Service shop/hello-world", "HTTPRoute shop/hello-world"].map((k) => objects.get(k)?.chain),
                [
                    "pulumi-rio:index:RioService::hello-world / kubernetes:core/v1:Service::hello-world",
                    "pulumi-rio:index:RioService::hello-world / kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::hello-world",
                ],
            );
        }
        for (const shape of [db, dbStaged, dbV2Only])
            assert.equal(
                (await deployed(shape)).get("PersistentVolumeClaim shop/data")?.chain,
                "pulumi-rio:index:RioService::db / kubernetes:core/v1:PersistentVolumeClaim::db-vol-data",
            );
    });

    it("a version's objects are named after its workload: hello-world-v2's are hello-world-v2 with one version or two", async () => {
        for (const shape of [staged, v2Only]) {
            const objects = await deployed(shape);
            assert.equal(
                objects.get("Deployment shop/hello-world-v2")?.chain,
                "pulumi-rio:index:RioService::hello-world / kubernetes:apps/v1:Deployment::hello-world-v2",
            );
            assert.equal(
                objects.get("ServiceAccount shop/hello-world-v2")?.chain,
                "pulumi-rio:index:RioService::hello-world / kubernetes:core/v1:ServiceAccount::hello-world-v2",
            );
        }
    });

    it("aliases name what stacks deployed before this naming gave each version's objects", async () => {
        // Beside another version, the first was hello-world-v0; the only version of a RioService with `versions`
        // was the component's name (the Riofile's lone hello-world-v2 was its own component, so the same name).
        const objects = await deployed(staged);
        assert.deepEqual(objects.get("Deployment shop/hello-world")?.aliases, ["hello-world-v0"]);
        assert.deepEqual(objects.get("PodDisruptionBudget shop/hello-world")?.aliases, ["hello-world-v0"]);
        assert.deepEqual(objects.get("Deployment shop/hello-world-v2")?.aliases, []);
        assert.deepEqual(objects.get("Service shop/hello-world")?.aliases, []);
        assert.deepEqual((await deployed(v2Only)).get("Deployment shop/hello-world-v2")?.aliases, ["hello-world"]);
    });
});
