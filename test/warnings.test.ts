/**
 * Warnings: what the loader takes as Rio did but says, located like errors — returned with the Riofile, printed
 * by `rio render` on stderr (`rio: warning: file:line:col key: what`) next to the objects, and refused with
 * `strict` (`--strict`).
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parseRiofile } from "../components/riofile/load";
import { formatWarning } from "../components/riofile/warnings";
import { planObjects, planRiofile } from "../components/render/plan";
import { rioError } from "./support/rioError";

const RIO = path.resolve(__dirname, "../../dist/components/cli/main.js");
const LEGACY = [
    "kubernetes:",
    "  namespaced_custom_resource_definitions:",
    "  - Image.caching.internal.knative.dev/v1alpha1",
    "  manifest: |-",
    "    apiVersion: v1",
    "    kind: ConfigMap",
    "    metadata: {name: a}",
].join("\n");

describe("warnings", () => {
    it("Rio's legacy kubernetes keys are ignored with a warning; a typo of manifest is still an error", () => {
        const riofile = parseRiofile(LEGACY, "Riofile");
        assert.equal(riofile.manifest.length, 1);
        assert.deepEqual(riofile.warnings!.map(formatWarning), [
            "Riofile:2:3 kubernetes.namespaced_custom_resource_definitions: is ignored, as Rio ignored it: only kubernetes.manifest deploys anything",
        ]);
        assert.equal(
            rioError(() => parseRiofile(LEGACY, "Riofile", { strict: true })).message,
            "Riofile:2:3 kubernetes.namespaced_custom_resource_definitions: is ignored, as Rio ignored it: only kubernetes.manifest deploys anything",
        );
        assert.equal(
            rioError(() => parseRiofile("kubernetes:\n  manifests: x\n", "Riofile")).message,
            'Riofile:2:3 kubernetes.manifests: unknown key; did you mean "manifest"?',
        );
    });

    it("rio render prints them on stderr and the objects on stdout; --strict refuses them", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-warn-"));
        const file = path.join(dir, "Riofile");
        fs.writeFileSync(file, LEGACY);
        const run = spawnSync(process.execPath, [RIO, "render", "-f", file], { encoding: "utf8" });
        assert.equal(run.status, 0);
        assert.equal(
            run.stderr,
            `rio: warning: ${file}:2:3 kubernetes.namespaced_custom_resource_definitions: is ignored, as Rio ignored it: only kubernetes.manifest deploys anything\n`,
        );
        assert.match(run.stdout, /^kind: ConfigMap$/m);
        const strict = spawnSync(process.execPath, [RIO, "render", "--strict", "-f", file], { encoding: "utf8" });
        assert.deepEqual(
            [strict.status, strict.stdout, strict.stderr],
            [
                1,
                "",
                `rio: ${file}:2:3 kubernetes.namespaced_custom_resource_definitions: is ignored, as Rio ignored it: only kubernetes.manifest deploys anything\n`,
            ],
        );
        assert.match(
            execFileSync(process.execPath, [RIO, "export", "-f", file], { encoding: "utf8", stdio: "pipe" }),
            /manifest/,
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("Rio forms taken as Rio took them", () => {
    it("build.branch on a build without repo is ignored with a warning", () => {
        const riofile = parseRiofile(
            "services:\n  web:\n    build:\n      branch: master\n      context: ./src\n",
            "Riofile",
        );
        assert.deepEqual(riofile.services[0]!.spec.build, { context: "./src" });
        assert.deepEqual(riofile.warnings!.map(formatWarning), [
            "Riofile:4:7 services.web.build.branch: is ignored: a build without repo builds the Riofile's folder as it is on disk (Rio built the stack's repository at this branch)",
        ]);
    });

    it("a manifest object named by generateName (Rio's linkerd stack's Job) is planned and deployed under it", () => {
        const text = [
            "kubernetes:",
            "  manifest: |-",
            "    apiVersion: batch/v1",
            "    kind: Job",
            "    metadata: {generateName: linkerd-install-}",
            "    spec: {template: {spec: {restartPolicy: Never, containers: [{name: i, image: busybox}]}}}",
            "    ---",
            "    apiVersion: batch/v1",
            "    kind: Job",
            "    metadata: {generateName: linkerd-upgrade-}",
            "    spec: {template: {spec: {restartPolicy: Never, containers: [{name: i, image: busybox}]}}}",
        ].join("\n");
        const plan = planRiofile(parseRiofile(text, "Riofile"), {
            namespace: "ns",
            gateway: { domain: "example.com" },
        });
        assert.deepEqual(
            planObjects(plan).map((p) => [p.object.kind, p.object.metadata]),
            [
                ["Job", { generateName: "linkerd-install-", namespace: "ns" }],
                ["Job", { generateName: "linkerd-upgrade-", namespace: "ns" }],
            ],
        );
    });
});
