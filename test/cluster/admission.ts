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

/** `rio render` through the real process: its objects, or its one-line refusal. */
export function tryRender(args: string[]): { objects: Obj[] } | { refused: string } {
    const r = spawnSync(process.execPath, [RIO, "render", ...args], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) return { refused: r.stderr };
    return { objects: parsed(r.stdout) };
}

/** `rio render` through the real process; its stdout parsed, comment-only documents dropped. */
export function render(args: string[]): Obj[] {
    const r = tryRender(args);
    if ("refused" in r) assert.fail(`rio render ${args.join(" ")}: ${r.refused}`);
    return r.objects;
}

function parsed(stdout: string): Obj[] {
    return parseAllDocuments(stdout)
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
        it("creates the namespaces the objects render into (the app's, RioSystem's and the builder's)", () => {
            const names = [NS, "rio-system", "rio-build"];
            cluster().kube.apply(names.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })));
            assert.deepEqual(
                names.map((n) => cluster().kube.getObject("namespace", n).status.phase),
                ["Active", "Active", "Active"],
            );
        });

        for (const file of riofiles()) {
            const name = path.relative(ROOT, file);
            it(`${name}: every object`, async () => {
                const r = tryRender(["-f", file, ...gw, "--allow", ...ALLOW]);
                if ("refused" in r) {
                    // Per-route timeouts and the like: refused by name on Traefik, before anything is applied.
                    assert.equal(implementation, "traefik", r.refused);
                    assert.match(
                        r.refused,
                        /^rio: .*Riofile:\d+:\d+ \S+: Traefik cannot .*use gatewayImplementation: envoy/,
                    );
                    return;
                }
                assert.ok(r.objects.length > 0, "renders objects");
                assert.deepEqual(await refusals(cluster(), r.objects), []);
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

        // Gateway API caps an HTTPRoute at 16 rules and 16 hostnames: what we plan past that is split across routes
        // or refused with a located error naming the limit, never handed to the API server to refuse.
        const beyondLimits: [string, string][] = [
            [
                "a router with 20 routes",
                "services:\n  web:\n    image: nginx\n    ports: 80:8080/http\nrouters:\n  front:\n    routes:\n" +
                    Array.from(
                        { length: 20 },
                        (_, i) =>
                            `      - match:\n          path:\n            exact: /p${i}\n        to:\n          - app: web\n`,
                    ).join(""),
            ],
            [
                "a service with 20 hostnames",
                "services:\n  web:\n    image: nginx\n    ports: 80:8080/http\n    hostnames:\n" +
                    Array.from({ length: 20 }, (_, i) => `      - h${i}.apps.example.com\n`).join(""),
            ],
        ];
        for (const [what, text] of beyondLimits) {
            it(`${what}: admitted, or refused with the limit named`, async () => {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-limits-"));
                const file = path.join(dir, "Riofile");
                fs.writeFileSync(file, text);
                const r = spawnSync(process.execPath, [RIO, "render", "-f", file, ...gw], { encoding: "utf8" });
                fs.rmSync(dir, { recursive: true, force: true });
                if (r.status !== 0) {
                    assert.match(r.stderr, /^rio: .*Riofile:\d+:\d+ .*16/);
                    return;
                }
                assert.deepEqual(await refusals(cluster(), parsed(r.stdout)), []);
            });
        }

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
