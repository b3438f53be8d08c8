/** rio stage: a copy of a service as a new version of its app, at weight 0. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { checkContent } from "../../components/cli/riofileEdit";
import { mergeEnv, randomVersion, stageVersion } from "../../components/cli/stage";

const throwsMessage = (fn: () => unknown, message: string) =>
    assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof RioInputError);
        assert.equal(e.message, message);
        return true;
    });

const HELLO = { services: { "hello-world": { image: "rancher/hello-world", ports: ["80"], scale: 2 } } };

describe("rio stage", () => {
    it("copies the spec as <app>-<version>, app and version set, at weight 0; --image replaces the image", () => {
        const staged = stageVersion(
            HELLO,
            { app: "hello-world" },
            "v2",
            { image: "rancher/hello-world:v0.1.2", env: [] },
            "default",
        );
        assert.deepEqual(staged, {
            key: "hello-world-v2",
            name: { app: "hello-world", version: "v2" },
            content: {
                services: {
                    "hello-world": { image: "rancher/hello-world", ports: ["80"], scale: 2 },
                    "hello-world-v2": {
                        image: "rancher/hello-world:v0.1.2",
                        ports: ["80"],
                        scale: 2,
                        weight: 0,
                        app: "hello-world",
                        version: "v2",
                    },
                },
            },
        });
        // Loaded, one app of two versions: all of the traffic still on the first.
        const riofile = checkContent(staged.content, "default");
        const versions = riofile.services[0]!.spec.versions!;
        assert.deepEqual(
            Object.entries(versions).map(([v, s]) => [v, s.name, s.weight]),
            [
                ["v0", "hello-world", undefined],
                ["v2", "hello-world-v2", 0],
            ],
        );
    });

    it("copies a named version (app@version), without its weight or the app's hostnames", () => {
        const content = {
            services: {
                shop: { image: "shop:1", version: "v1", weight: 90, hostnames: ["shop.example.com"] },
                "shop-v2": { image: "shop:2", app: "shop", version: "v2", weight: 10 },
            },
        };
        const staged = stageVersion(content, { app: "shop", version: "v2" }, "v3", { env: [] }, "default");
        assert.deepEqual(staged.content.services, {
            ...content.services,
            "shop-v3": { image: "shop:2", app: "shop", version: "v3", weight: 0 },
        });
    });

    it("-e and --env-file replace the copy's variables of those names and add the others, last", () => {
        assert.deepEqual(mergeEnv(["A=1", "B=2", "C=3"], ["B=20", "D=4"]), ["A=1", "C=3", "B=20", "D=4"]);
        assert.deepEqual(mergeEnv({ A: "1", B: 2 }, ["A=10"]), ["B=2", "A=10"]);
        assert.deepEqual(mergeEnv(undefined, ["A=1"]), ["A=1"]);
        assert.deepEqual(mergeEnv({ A: "1" }, []), { A: "1" }, "no staged variables: the copy's as written");
    });

    it("gives the other versions the full weight when none had traffic, as Rio did", () => {
        const content = { services: { web: { image: "web:1", weight: 0 } } };
        const staged = stageVersion(content, { app: "web" }, "v2", { env: [] }, "default");
        assert.deepEqual(staged.content.services, {
            web: { image: "web:1", weight: 100 },
            "web-v2": { image: "web:1", app: "web", version: "v2", weight: 0 },
        });
    });

    it("refuses a missing service, a version there is, a taken name and a bad version", () => {
        throwsMessage(
            () => stageVersion(HELLO, { app: "hello" }, "v2", { env: [] }, "default"),
            'stage: no service "hello" in namespace default (services: hello-world)',
        );
        const staged = stageVersion(HELLO, { app: "hello-world" }, "v2", { env: [] }, "default").content;
        throwsMessage(
            () => stageVersion(staged, { app: "hello-world" }, "v2", { env: [] }, "default"),
            "stage: hello-world@v2 exists already; rio weight or rio promote give it traffic, rio rm hello-world@v2 removes it",
        );
        const taken = { services: { ...HELLO.services, "hello-world-v3": { image: "other" } } };
        throwsMessage(
            () => stageVersion(taken, { app: "hello-world" }, "v3", { env: [] }, "default"),
            'stage: service "hello-world-v3", which hello-world@v3 would be, is another service; choose another version',
        );
        throwsMessage(
            () => stageVersion(HELLO, { app: "hello-world" }, "V2", { env: [] }, "default"),
            `stage: version "V2" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
        );
    });

    it("a version left out is v and five digits, as Rio made one", () => {
        assert.equal(
            randomVersion(() => 0.01234),
            "v01234",
        );
        assert.match(randomVersion(), /^v\d{5}$/);
    });
});
