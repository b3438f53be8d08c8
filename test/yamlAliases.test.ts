/**
 * Anchors, aliases and merge keys in Riofiles, their template section and their manifests, as Rio's YAML
 * parser read them: reuse is fine however often; a value that never ends or expands without bound is a
 * located error, never a crash or a hang.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRiofile } from "../components/riofile/load";
import { planObjects, planRiofile } from "../components/render/plan";
import { rioError } from "./support/rioError";

describe("YAML aliases", () => {
    it("one anchor used 101 times is reuse, not an attack", () => {
        const text = [
            "services:",
            "  s0: {image: nginx, env: &env {LOG: info}}",
            ...Array.from({ length: 101 }, (_, i) => `  s${i + 1}: {image: nginx, env: *env}`),
        ].join("\n");
        const riofile = parseRiofile(text, "Riofile");
        assert.equal(riofile.services.length, 102);
        assert.deepEqual(riofile.services[100]!.spec.env, { LOG: "info" });
    });

    it("an alias inside the node it names is refused where it is, in the Riofile and in its manifest", () => {
        assert.equal(
            rioError(() => parseRiofile("services: &s\n  web: *s\n", "Riofile")).message,
            "Riofile:2:8 invalid YAML: the alias *s is inside the node &s it stands for, so its value would never end",
        );
        assert.equal(
            rioError(() =>
                parseRiofile(
                    "kubernetes:\n  manifest: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n    data: &d {a: *d}\n",
                    "Riofile",
                ),
            ).message,
            "Riofile:2:13 kubernetes.manifest[0]: invalid YAML (line 4 of the manifest): the alias *d is inside the node &d it stands for, so its value would never end",
        );
        assert.equal(
            rioError(() =>
                parseRiofile("apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: a\n  labels: *m\n", "k8s.yaml"),
            ).message,
            "k8s.yaml:5:11 invalid YAML: the alias *m is inside the node &m it stands for, so its value would never end",
        );
        assert.equal(
            rioError(() => parseRiofile("services: {}\ntemplate:\n  questions: &q\n  - variable: *q\n", "Riofile"))
                .message,
            "Riofile:4:15 invalid YAML: the alias *q is inside the node &q it stands for, so its value would never end",
        );
    });

    it("aliases expanding past a million values are refused, in a manifest too", () => {
        const bomb = (indent: string) => [
            `${indent}a0: &a0 [x, x, x, x, x, x, x, x, x, x]`,
            ...Array.from(
                { length: 6 },
                (_, i) => `${indent}a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]`,
            ),
        ];
        assert.equal(
            rioError(() =>
                parseRiofile(
                    [
                        "kubernetes:",
                        "  manifest: |-",
                        "    apiVersion: v1",
                        "    kind: ConfigMap",
                        "    metadata: {name: a}",
                        "    data:",
                        ...bomb("      "),
                    ].join("\n"),
                    "Riofile",
                ),
            ).message,
            "Riofile:2:13 kubernetes.manifest[0]: invalid YAML (line 1 of the manifest): its aliases expand to more than 1,000,000 values (an alias bomb?)",
        );
    });

    it("merge keys (<<: *base) merge, as Rio's parser did; what they merge is checked as written there", () => {
        const riofile = parseRiofile(
            [
                "services:",
                "  web: &base",
                "    image: nginx",
                "    ports: 80:8080/http",
                "    env: [A=1]",
                "  api:",
                "    <<: *base",
                "    scale: 2",
                "    env: [B=2]",
                "kubernetes:",
                "  manifest: |-",
                "    apiVersion: v1",
                "    kind: ConfigMap",
                "    metadata: {name: a, labels: &l {x: y}}",
                "    data: {<<: *l, z: w}",
            ].join("\n"),
            "Riofile",
        );
        assert.deepEqual(riofile.services[1], {
            name: "api",
            spec: { image: "nginx", ports: "80:8080/http", scale: 2, env: ["B=2"] },
        });
        assert.deepEqual(riofile.manifest[0]!.data, { x: "y", z: "w" });
        const objects = planObjects(planRiofile(riofile, { namespace: "ns", gateway: { domain: "example.com" } }));
        assert.ok(objects.some((o) => o.object.kind === "Deployment" && o.object.metadata.name === "api"));
        assert.equal(
            rioError(() => parseRiofile("services:\n  web:\n    <<: nginx\n", "Riofile")).message,
            "Riofile:3:9 invalid YAML: a merge key (<<) takes a map, an alias to one (<<: *base) or a list of them",
        );
    });
});
