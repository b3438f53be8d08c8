import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RioInputError } from "../../components/errors";
import { Mount, parseMount, resolveMounts } from "../../components/service/mounts";
import { expectRio } from "../support/rioError";

const badTarget = (t: string) => `mount target "${t}" must be an absolute path without '..'`;

describe("parseMount", () => {
    it("name/key:/target mounts one key as a file", () => {
        const m = parseMount("config", "cm/app.conf:/etc/app/app.conf");
        assert.deepEqual(m, { source: "config", name: "cm", key: "app.conf", target: "/etc/app/app.conf" });
        assert.equal(m.key, "app.conf");
    });
    it("name:/dir mounts the whole object as a directory (no key)", () => {
        const m = parseMount("secret", "tls:/etc/tls");
        assert.deepEqual(m, { source: "secret", name: "tls", key: undefined, target: "/etc/tls" });
        assert.equal(m.key, undefined);
    });

    const table: [Mount["source"], string, Mount][] = [
        ["config", " cm : /dir ", { source: "config", name: "cm", key: undefined, target: "/dir" }],
        ["config", "cm:/etc//app/./conf", { source: "config", name: "cm", key: undefined, target: "/etc/app/conf" }],
        [
            "secret",
            "my.secret/tls.key:/certs/tls.key",
            { source: "secret", name: "my.secret", key: "tls.key", target: "/certs/tls.key" },
        ],
        ["secret", "db/Pass_Word-1:/run/pw", { source: "secret", name: "db", key: "Pass_Word-1", target: "/run/pw" }],
        ["config", "cm:/", { source: "config", name: "cm", key: undefined, target: "/" }],
        // a target may itself contain ':' (only the first one separates)
        ["config", "cm:/a:b", { source: "config", name: "cm", key: undefined, target: "/a:b" }],
        // '..' inside a segment is just a name
        ["config", "cm:/a/..b/c..", { source: "config", name: "cm", key: undefined, target: "/a/..b/c.." }],
    ];
    for (const [source, spec, expected] of table) {
        it(`${source} ${JSON.stringify(spec)}`, () => {
            assert.deepEqual(parseMount(source, spec), expected);
        });
    }
});

describe("parseMount: errors", () => {
    const table: [Mount["source"], string, string][] = [
        ["config", "cm", '"cm" must be <name>[/<key>]:<absolute path>'],
        ["config", "", '"" must be <name>[/<key>]:<absolute path>'],
        ["config", ":/x", '":/x" names no ConfigMap'],
        ["secret", "/key:/x", '"/key:/x" names no Secret'],
        [
            "config",
            "Cm:/x",
            "ConfigMap name \"Cm\" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')",
        ],
        [
            "secret",
            "my_secret:/x",
            "Secret name \"my_secret\" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')",
        ],
        ["config", "cm/a b:/x", "ConfigMap key \"a b\" may only contain letters, digits, '-', '_' and '.'"],
        ["secret", "s/:/x", "Secret key \"\" may only contain letters, digits, '-', '_' and '.'"],
        ["secret", "s/a/b:/x", "Secret key \"a/b\" may only contain letters, digits, '-', '_' and '.'"],
        ["config", "cm:etc/app", badTarget("etc/app")],
        ["config", "cm:./app", badTarget("./app")],
        ["config", "cm:", badTarget("")],
        ["config", "cm:/etc/../root", badTarget("/etc/../root")],
        ["secret", "s:/..", badTarget("/..")],
        ["secret", "s:/a/b/..", badTarget("/a/b/..")],
    ];
    for (const [source, spec, detail] of table) {
        it(`${source} ${JSON.stringify(spec)} → ${detail}`, () => {
            expectRio(() => parseMount(source, spec), [], detail);
        });
    }
});

describe("resolveMounts", () => {
    it("nothing is no mounts", () => {
        assert.deepEqual(resolveMounts(undefined, undefined), []);
        assert.deepEqual(resolveMounts([], []), []);
    });
    it("configs first, then secrets, each in order", () => {
        assert.deepEqual(resolveMounts(["a:/a", "b/k:/b/k"], ["s:/s", "t/k:/t"]), [
            { source: "config", name: "a", key: undefined, target: "/a" },
            { source: "config", name: "b", key: "k", target: "/b/k" },
            { source: "secret", name: "s", key: undefined, target: "/s" },
            { source: "secret", name: "t", key: "k", target: "/t" },
        ]);
    });
    it('a bad config is reported at ["configs", i]', () => {
        expectRio(
            () => resolveMounts(["a:/a", "bad"], undefined),
            ["configs", 1],
            '"bad" must be <name>[/<key>]:<absolute path>',
        );
    });
    it('a bad secret is reported at ["secrets", i]', () => {
        expectRio(() => resolveMounts(["a:/a"], ["s:/s", "t:rel"]), ["secrets", 1], badTarget("rel"));
    });
    it("rejects two configs on one target", () => {
        const err = expectRio(
            () => resolveMounts(["a:/x", "b:/y", "c/k:/x"], undefined),
            ["configs", 2],
            'another mount already targets "/x"',
        );
        assert.equal(err.message, 'configs[2]: another mount already targets "/x"');
    });
    it("rejects two secrets on one target", () => {
        expectRio(
            () => resolveMounts(undefined, ["a:/x", "b:/x"]),
            ["secrets", 1],
            'another mount already targets "/x"',
        );
    });
    it("rejects a secret on a config's target, at the secret", () => {
        expectRio(
            () => resolveMounts(["a:/x"], ["s:/y", "t:/x"]),
            ["secrets", 1],
            'another mount already targets "/x"',
        );
    });
    it("compares targets after normalizing them", () => {
        expectRio(
            () => resolveMounts(["a:/data/./x"], ["b:/data//x"]),
            ["secrets", 0],
            'another mount already targets "/data/x"',
        );
    });
    it("the same object on two targets is fine", () => {
        assert.deepEqual(resolveMounts(["a:/x", "a:/y"], ["a:/z"]), [
            { source: "config", name: "a", key: undefined, target: "/x" },
            { source: "config", name: "a", key: undefined, target: "/y" },
            { source: "secret", name: "a", key: undefined, target: "/z" },
        ]);
    });
});

describe("mount properties", () => {
    it("parseMount on any string returns or throws a RioInputError, nothing else", () => {
        for (const arb of [fc.string(), fc.fullUnicodeString()]) {
            fc.assert(
                fc.property(arb, (s) => {
                    try {
                        const m = parseMount("config", s);
                        assert.ok(m.target.startsWith("/"));
                        assert.equal(m.source, "config");
                    } catch (e) {
                        assert.ok(e instanceof RioInputError, `parseMount(${JSON.stringify(s)}) threw ${String(e)}`);
                    }
                }),
                { numRuns: 1000 },
            );
        }
    });

    it("any valid name[/key]:/path parses back to its parts", () => {
        const segment = fc.stringMatching(/^[-_a-zA-Z0-9][-._a-zA-Z0-9]{0,10}$/).filter((s) => s !== "." && s !== "..");
        const target = fc.array(segment, { minLength: 1, maxLength: 5 }).map((segs) => `/${segs.join("/")}`);
        const name = fc.stringMatching(
            /^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?){0,2}$/,
        );
        const key = fc.option(fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/), { nil: undefined });
        fc.assert(
            fc.property(fc.constantFrom<Mount["source"]>("config", "secret"), name, key, target, (source, n, k, t) => {
                const spec = `${n}${k === undefined ? "" : `/${k}`}:${t}`;
                assert.deepEqual(parseMount(source, spec), { source, name: n, key: k, target: t });
            }),
            { numRuns: 500 },
        );
    });
});

describe("mount targets (regressions)", () => {
    it("treats /data and /data/ as one target", () => {
        assert.throws(
            () => resolveMounts(["a:/data"], ["b:/data/"]),
            (e: unknown) =>
                e instanceof RioInputError &&
                e.detail === 'another mount already targets "/data"' &&
                JSON.stringify(e.path) === '["secrets",0]',
        );
    });
});
