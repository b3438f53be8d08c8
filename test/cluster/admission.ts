/**
 * Every object `rio render` prints, admitted (or not) by a real API server with the real CRDs and their CEL rules:
 * the examples, the compatibility suite, RioSystem's own objects and a few hundred generated Riofiles, on one
 * gateway implementation. Server-side apply with `dryRun=All`, so nothing is stored.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseAllDocuments, stringify } from "yaml";
import { parseRiofile } from "../../components/riofile/load";
import { planObjects, planRiofile } from "../../components/render/plan";
import { riofile as generatedRiofile } from "../support/generatedRiofile";
import { ControlPlane } from "./controlPlane";

const ROOT = path.resolve(__dirname, "../../..");
const RIO = path.join(ROOT, "dist/components/cli/main.js");
const NS = "admission";
const DOMAIN = "apps.example.com";
/** Every host-reaching feature allowed, so the pod-shape Riofiles render too. */
const ALLOW = ["hostPort", "hostNetwork", "hostPath", "privileged"];

type Obj = { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } };

/** The Riofiles of the examples and of the compatibility suite. */
export function riofiles(): string[] {
    const dirs = [path.join(ROOT, "examples"), path.join(ROOT, "test/compat")];
    return dirs
        .flatMap((d) => fs.readdirSync(d).map((e) => path.join(d, e, "Riofile")))
        .filter((f) => fs.existsSync(f))
        .sort();
}

/** `rio render` through the real process; its stdout parsed, comment-only documents dropped. */
export function render(args: string[]): Obj[] {
    const r = spawnSync(process.execPath, [RIO, "render", ...args], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, `rio render ${args.join(" ")}: ${r.stderr}`);
    return parseAllDocuments(r.stdout)
        .map((d) => d.toJS() as Obj | null)
        .filter((o): o is Obj => o !== null && typeof o === "object" && "kind" in o);
}

/** The refusals of a set of objects, as `Kind name: message` lines. */
export async function refusals(cp: ControlPlane, objects: Obj[]): Promise<string[]> {
    const out: string[] = [];
    for (const o of objects) {
        const why = await cp.kube.dryRunApply(o);
        if (why !== undefined) out.push(`${o.kind} ${o.metadata.name}: ${why}`);
    }
    return out;
}

/** The admission suite for one gateway implementation, on a cluster with that implementation's CRDs. */
export function admissionSuite(cluster: () => ControlPlane, implementation: "traefik" | "envoy"): void {
    const gw = ["--domain", DOMAIN, "-n", NS, "--gateway-implementation", implementation];

    describe(`what rio render prints is admitted by the API server (${implementation})`, () => {
        it("creates the namespace the objects render into", () => {
            cluster().kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
            assert.equal(cluster().kube.getObject("namespace", NS).metadata.name, NS);
        });

        for (const file of riofiles()) {
            const name = path.relative(ROOT, file);
            it(`${name}: every object`, async () => {
                const objects = render(["-f", file, ...gw, "--allow", ...ALLOW]);
                assert.ok(objects.length > 0, "renders objects");
                assert.deepEqual(await refusals(cluster(), objects), []);
            });
        }

        it("RioSystem's own objects, every feature on, with a Cloudflare zone", async () => {
            // Helm releases print as k3s HelmChart objects; the releases themselves run in rioSystem.test.
            const objects = render([
                "--system",
                "--domain",
                DOMAIN,
                "--cloudflare",
                "--email",
                "ops@example.com",
                "--gateway-implementation",
                implementation,
                "--enable",
                "build",
                "autoscaling",
                "metrics",
                "dashboard",
                "registry",
            ]).filter((o) => o.kind !== "HelmChart");
            assert.ok(
                objects.some((o) => o.kind === "ValidatingAdmissionPolicy"),
                "the builder's admission policy",
            );
            assert.deepEqual(await refusals(cluster(), objects), []);
        });

        it("300 generated Riofiles: every object", async () => {
            const samples = fc.sample(generatedRiofile, { numRuns: 300, seed: 1 });
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-admission-"));
            const failures: string[] = [];
            for (const [i, { content }] of samples.entries()) {
                const text = stringify(content);
                const riofile = parseRiofile(text, path.join(dir, "Riofile"));
                const plan = planRiofile(riofile, {
                    namespace: NS,
                    gateway: { domain: DOMAIN, implementation },
                    allow: ALLOW,
                });
                const objects = planObjects(plan).map((p) => p.object as Obj);
                for (const r of await refusals(cluster(), objects)) failures.push(`#${i}: ${r}\n${text}`);
            }
            fs.rmSync(dir, { recursive: true, force: true });
            assert.deepEqual(failures.slice(0, 5), []);
        });
    });
}
