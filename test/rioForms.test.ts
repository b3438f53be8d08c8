/**
 * What Rio's parser took in a Riofile that pulumi-rio's own keys refuse or read differently (Rio's Reference and
 * docs write these): taken with Rio's meaning, each with a warning located at its key.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRiofile, Riofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { formatWarning } from "../components/riofile/warnings";
import { validateObject } from "./support/schema";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

function load(lines: string[]): Riofile {
    return parseRiofile(lines.join("\n"), "Riofile");
}

function render(riofile: Riofile): any[] {
    const objects = planObjects(
        planRiofile(riofile, {
            namespace: "shop",
            gateway: { domain: "apps.example.com" },
            resolveCommit: () => COMMIT,
        }),
    ).map((p) => p.object);
    // Flagger's Canary has no schema here (test/cluster checks it against Flagger's CRD).
    objects.filter((o) => o.kind !== "Canary").forEach(validateObject);
    return objects;
}

const warnings = (r: Riofile) => (r.warnings ?? []).map(formatWarning);

describe("Rio's forms in a Riofile", () => {
    it("an image together with a build: the service runs the built image, as Rio ended up doing", () => {
        const r = load([
            "services:",
            "  web:",
            "    image: nginx",
            "    build:",
            "      repo: https://github.com/rancher/rio-demo",
            "      revision: v0.1.0",
            "    ports: 8080/http",
        ]);
        assert.deepEqual(warnings(r), [
            "Riofile:3:5 services.web.image: is ignored: the service runs the image its build makes (Rio ran this one only until the build first succeeded)",
        ]);
        const objects = render(r);
        assert.deepEqual(
            objects.map((o) => o.kind),
            ["Job", "Deployment", "Service", "HTTPRoute"],
        );
        const image: string = objects[1].spec.template.spec.containers[0].image;
        assert.match(image, new RegExp(`^localhost:30500/shop/web:${COMMIT.slice(0, 12)}-[0-9a-f]{8}$`));
    });

    it("a rollout interval under Flagger's 10 s is raised to 10 s, the increment growing so the traffic moves as fast", () => {
        const r = load([
            "services:",
            "  web:",
            "    image: nginx",
            "    ports: 8080/http",
            "    rollout:",
            "      increment: 5",
            "      interval: 2",
        ]);
        assert.deepEqual(warnings(r), [
            "Riofile:7:7 services.web.rollout.interval: 2 seconds is raised to 10, the shortest step Flagger takes (it analyses a canary at most every 10 s); increment 5 becomes 25, so the traffic moves as fast as Rio moved it",
        ]);
        const canary = render(r).find((o) => o.kind === "Canary");
        assert.deepEqual(canary.spec.analysis, { interval: "10s", threshold: 5, stepWeight: 25, maxWeight: 100 });
        // Without an increment, the step already follows the rollout's duration (Rio's default 60 s).
        const plain = load([
            "services:",
            "  web:",
            "    image: nginx",
            "    ports: 8080/http",
            "    rollout: {intervalSeconds: 4}",
        ]);
        assert.deepEqual(warnings(plain), [
            "Riofile:5:15 services.web.rollout.intervalSeconds: 4 seconds is raised to 10, the shortest step Flagger takes (it analyses a canary at most every 10 s)",
        ]);
        assert.equal(render(plain).find((o) => o.kind === "Canary").spec.analysis.stepWeight, 17);
    });
});
