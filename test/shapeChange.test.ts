/**
 * An app gaining a second version (rio stage) or going back to one (rio rm of a version) keeps every Kubernetes
 * object that stays under one Pulumi resource: its Pulumi name in the new shape is its old one or aliases it, so
 * Pulumi updates it in place instead of creating the new name and then deleting the old one with the live object.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRiofile } from "../components/riofile/load";
import { planRiofile } from "../components/render/plan";

const SINGLE = `
services:
  hello-world:
    image: rancher/hello-world
    ports: 80
    scale: 2
    permissions: ["* configmaps"]
`;
const STAGED = `${SINGLE}
  hello-world-v2:
    app: hello-world
    version: v2
    image: rancher/hello-world:v0.1.2
    ports: 80
    scale: 2
    permissions: ["* configmaps"]
    weight: 0
`;
interface Resource {
    pulumiName: string;
    aliases: string[];
}

/** Each planned object by kind and Kubernetes name: its Pulumi name and the names it aliases. */
function resources(text: string): Map<string, Resource> {
    const plan = planRiofile(parseRiofile(text, "Riofile"), {
        namespace: "default",
        gateway: { domain: "example.com" },
    });
    return new Map(
        plan.services.flatMap(({ name, plan: p }) =>
            p.objects.map((o) => [
                `${o.object.kind}/${o.object.metadata.name}`,
                { pulumiName: `${name}${o.suffix}`, aliases: (o.formerly ?? []).map((s) => `${name}${s}`) },
            ]),
        ),
    );
}

/** The objects of `from` still in `to` whose Pulumi name in `to` neither is nor aliases the one in `from`. */
function lost(from: string, to: string): string[] {
    const before = resources(from);
    return [...resources(to)].flatMap(([object, r]) => {
        const old = before.get(object);
        if (!old || old.pulumiName === r.pulumiName || r.aliases.includes(old.pulumiName)) return [];
        return [`${object}: ${old.pulumiName} → ${r.pulumiName}`];
    });
}

describe("an app's objects across a change of its versions", () => {
    it("the first version's objects alias their one-version names once the app has two", () => {
        const staged = resources(STAGED);
        assert.deepEqual(staged.get("Deployment/hello-world"), {
            pulumiName: "hello-world-v0",
            aliases: ["hello-world"],
        });
        assert.deepEqual(staged.get("ServiceAccount/hello-world"), {
            pulumiName: "hello-world-v0",
            aliases: ["hello-world"],
        });
        assert.deepEqual(staged.get("PodDisruptionBudget/hello-world"), {
            pulumiName: "hello-world-v0",
            aliases: ["hello-world"],
        });
        // The new version's and the app's own objects need none: their names are the same in both shapes or new.
        assert.deepEqual(staged.get("Deployment/hello-world-v2"), { pulumiName: "hello-world-v2", aliases: [] });
        assert.deepEqual(staged.get("Service/hello-world"), { pulumiName: "hello-world", aliases: [] });
        assert.deepEqual(staged.get("HTTPRoute/hello-world"), { pulumiName: "hello-world", aliases: [] });
    });

    it("back to one version, they alias their names as a version", () => {
        assert.deepEqual(resources(SINGLE).get("Deployment/hello-world"), {
            pulumiName: "hello-world",
            aliases: ["hello-world-v0"],
        });
    });

    const cases: [string, string, string][] = [
        ["rio stage", SINGLE, STAGED],
        ["rio rm of the staged version", STAGED, SINGLE],
    ];
    for (const [what, from, to] of cases)
        it(`${what}: every object kept keeps its Pulumi resource`, () => assert.deepEqual(lost(from, to), []));
});
