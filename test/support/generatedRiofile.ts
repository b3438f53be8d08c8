/**
 * Small valid Riofiles of the fuzz seeds' shapes, in any spelling Rio takes: the round-trip property test and the
 * cluster tier's admission check both draw from it.
 */
import fc from "fast-check";
import { stringify } from "yaml";

/** Text that stresses YAML: newlines, indentation, quotes, comment and document markers, any Unicode. */
const text: fc.Arbitrary<string> = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: "binary", maxLength: 8 }),
    fc
        .array(
            fc.constantFrom(
                "a",
                "b c",
                " ",
                "  ",
                "\n",
                "\t",
                "#",
                ": ",
                "- ",
                "---",
                "'",
                '"',
                "\\",
                "|",
                ">",
                "%",
                "&x",
                "*x",
                "!!str",
                "\u2028",
                "é",
            ),
            { maxLength: 10 },
        )
        .map((a) => a.join("")),
);
/** Env values that are plain text (not Rio's secret://, config:// or $(self/…) references). */
const envValue = text.filter((v) => !/^(secret|config):\/\/|^\$\(self\//.test(v));

function spelled<T>(spellings: string[], value: fc.Arbitrary<T>): fc.Arbitrary<[string, T]> {
    return fc.tuple(fc.constantFrom(...spellings), value);
}

/** A service's keys (every one with an exposed port, so a scale range is allowed), each in one of its spellings. */
const serviceKeys: fc.Arbitrary<[string, unknown][]> = fc
    .record(
        {
            ports: spelled(
                ["ports", "port"],
                fc.constantFrom<unknown>(
                    "80/http",
                    8080,
                    ["80:8080/http,name=web", "9000/tcp,internal"],
                    [{ port: 80, targetPort: 8080, protocol: "http" }],
                ),
            ),
            env: spelled(
                ["env", "environment"],
                fc.oneof(
                    fc.dictionary(
                        fc.constantFrom("MODE", "LOG_LEVEL", "A_1", "path"),
                        fc.oneof(envValue, fc.integer(), fc.boolean()),
                        { maxKeys: 3 },
                    ),
                    fc
                        .uniqueArray(fc.tuple(fc.constantFrom("MODE", "B", "C_2"), envValue), {
                            selector: ([k]) => k,
                            maxLength: 3,
                        })
                        .map((l) => l.map(([k, v]) => `${k}=${v}`)),
                ),
            ),
            scale: spelled(["scale", "replicas"], fc.oneof(fc.nat(5), fc.constantFrom("1-3", "0-5"))),
            cpus: fc.oneof(
                spelled(["cpus", "cpu"], fc.constantFrom<unknown>(0.25, "100m", 2)),
                spelled(["cpuMillis"], fc.integer({ min: 1, max: 4000 })),
            ),
            memory: spelled(["memory", "mem", "memoryBytes"], fc.constantFrom<unknown>("64Mi", "1Gi", 268435456)),
            command: spelled(
                ["command"],
                fc.oneof(
                    fc.constant<unknown>("sh -c 'echo hi'"),
                    fc.array(
                        text.filter((s) => s !== ""),
                        { minLength: 1, maxLength: 3 },
                    ),
                ),
            ),
            args: spelled(["args", "arg"], fc.array(text, { maxLength: 3 })),
            labels: spelled(
                ["labels"],
                fc.dictionary(
                    fc.constantFrom("team", "tier", "example.com/owner"),
                    fc.constantFrom("a", "backend", "x-1"),
                    { maxKeys: 2 },
                ),
            ),
            annotations: spelled(
                ["annotations"],
                fc.dictionary(fc.constantFrom("note", "example.com/docs"), text, { maxKeys: 2 }),
            ),
            pull: spelled(
                ["imagePullPolicy", "pullPolicy"],
                fc.constantFrom("Always", "IfNotPresent", "never", "not-present"),
            ),
            readiness: spelled(
                ["readinessProbe", "readiness"],
                fc.constantFrom<unknown>("http://:80/healthz", "tcp://:80", {
                    httpGet: { path: "/ready", port: 80 },
                    periodSeconds: 5,
                }),
            ),
            mounts: spelled(
                ["configs", "config"],
                fc.constantFrom<unknown>("site/index.html:/srv/index.html", [
                    { name: "site", key: "app.yaml", target: "/etc/app.yaml" },
                ]),
            ),
        },
        { requiredKeys: ["ports"] },
    )
    .map((r) => Object.values(r));

export interface Generated {
    content: Record<string, unknown>;
}

export const riofile: fc.Arbitrary<Generated> = fc
    .record({
        names: fc.uniqueArray(fc.constantFrom("web", "api", "worker", "docs", "cache"), { minLength: 1, maxLength: 3 }),
        services: fc.array(
            fc.tuple(
                fc.constantFrom("nginx", "ghcr.io/acme/api:1.0", "busybox:1.36", "registry.example.com:5000/team/app"),
                serviceKeys,
            ),
            { minLength: 3, maxLength: 3 },
        ),
        canary: fc.option(
            fc.record({
                weights: fc.tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 })),
                hostnames: fc.boolean(),
            }),
        ),
        configs: fc.dictionary(
            fc.constantFrom("site", "settings"),
            fc.dictionary(
                fc.constantFrom("index.html", "app.yaml", "a.conf", "n"),
                fc.oneof(text, fc.integer(), fc.boolean()),
                { minKeys: 1, maxKeys: 3 },
            ),
            { maxKeys: 2 },
        ),
        routes: fc.array(
            fc.record({
                path: fc.constantFrom("exact", "prefix", "regexp", "regxp"),
                methods: fc.option(fc.constantFrom<string | string[]>("GET", ["GET", "post"])),
                port: fc.option(fc.constantFrom(80, 8080)),
                add: fc.option(
                    // Gateway API takes header values only as printable ASCII (refused at its key: test/gatewayLimits.test.ts).
                    fc.dictionary(fc.constantFrom("x-a", "regxp"), fc.stringMatching(/^[!-~]{1,5}$/), {
                        maxKeys: 2,
                    }),
                ),
            }),
            { maxLength: 3 },
        ),
        catchAll: fc.boolean(),
        external: fc.dictionary(
            fc.constantFrom("db", "payments", "legacy"),
            fc.constantFrom<unknown>(
                { fqdn: "db.example.net" },
                { ipAddresses: ["10.0.0.1", "fd00::1"] },
                { targetApp: "web", targetServiceNamespace: "other" },
            ),
            { maxKeys: 2 },
        ),
        manifest: fc.array(fc.dictionary(fc.constantFrom("a", "b.txt", "multi"), text, { maxKeys: 3 }), {
            maxLength: 2,
        }),
    })
    .map(({ names, services, canary, configs, routes, catchAll, external, manifest }): Generated => {
        const svc: Record<string, Record<string, unknown>> = {};
        names.forEach((name, i) => {
            const [image, keys] = services[i]!;
            svc[name] = { image, ...Object.fromEntries(keys) };
        });
        const first = names[0]!;
        if (canary) {
            // A second version of the first app: the same ports (an app serves one set), its own weight.
            svc[first] = {
                ...svc[first],
                version: "v1",
                weight: canary.weights[0],
                ...(canary.hostnames && { hostnames: [`${first}.example.com`] }),
            };
            const portKey = Object.keys(svc[first]!).find((k) => k === "ports" || k === "port")!;
            svc[`${first}-v2`] = {
                image: "nginx:next",
                app: first,
                version: "v2",
                port: svc[first]![portKey],
                weight: canary.weights[1],
                ...(canary.hostnames && { hostnames: [`${first}-next.example.com`] }),
            };
        }
        const to = (port?: number | null) => [
            { app: first, ...(canary ? { version: "v2" } : {}), ...(port ? { port } : {}) },
        ];
        // Routes on paths no other route shares, and a catch-all only last: Gateway API's precedence is Rio's order.
        const all = [
            ...routes.map((r, i) => ({
                match: {
                    path: { [r.path]: r.path.startsWith("reg") ? `^/r${i}` : `/r${i}` },
                    ...(r.methods !== null ? { methods: r.methods } : {}),
                },
                ...(r.add && { headers: { add: r.add } }),
                to: to(r.port),
            })),
            ...(catchAll ? [{ to: to() }] : []),
        ];
        const routers = all.length === 0 ? {} : { front: { routes: all } };
        const ext = Object.fromEntries(
            Object.entries(external).map(([k, v]) => [
                k,
                (v as { targetApp?: string }).targetApp ? { targetApp: first, targetServiceNamespace: "other" } : v,
            ]),
        );
        const objects = manifest.map((data, i) =>
            stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `extra-${i}` }, data }),
        );
        return {
            content: {
                services: svc,
                ...(Object.keys(configs).length > 0 && { configs }),
                ...(Object.keys(routers).length > 0 && { routers }),
                ...(Object.keys(ext).length > 0 && { externalservices: ext }),
                ...(objects.length > 0 && { kubernetes: { manifest: objects.join("---\n") } }),
            },
        };
    });
