import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RioInputError } from "../../components/errors";
import { EnvVar, resolveEnv } from "../../components/service/env";
import { expectRio } from "../support/rioError";

describe("resolveEnv: list form", () => {
    it("undefined is no variables", () => {
        assert.deepEqual(resolveEnv(undefined), []);
    });
    it("an empty list is no variables", () => {
        assert.deepEqual(resolveEnv([]), []);
    });
    it("K=V and a bare K (empty value)", () => {
        assert.deepEqual(resolveEnv(["A=1", "B"]), [
            { name: "A", value: "1" },
            { name: "B", value: "" },
        ]);
    });
    it("K= is an empty value", () => {
        assert.deepEqual(resolveEnv(["A="]), [{ name: "A", value: "" }]);
    });
    it("splits at the first '=' only", () => {
        assert.deepEqual(resolveEnv(["URL=http://x/?a=b=c"]), [{ name: "URL", value: "http://x/?a=b=c" }]);
    });
    it("keeps the order given", () => {
        assert.deepEqual(resolveEnv(["Z=1", "A=2", "M=3"]), [
            { name: "Z", value: "1" },
            { name: "A", value: "2" },
            { name: "M", value: "3" },
        ]);
    });
    it("keeps spaces in values and names as given", () => {
        assert.deepEqual(resolveEnv(["GREETING= hello world "]), [{ name: "GREETING", value: " hello world " }]);
    });
});

describe("resolveEnv: map form", () => {
    it("stringifies numbers and booleans", () => {
        assert.deepEqual(resolveEnv({ A: 1, B: true, C: "x", D: false, E: 2.5 }), [
            { name: "A", value: "1" },
            { name: "B", value: "true" },
            { name: "C", value: "x" },
            { name: "D", value: "false" },
            { name: "E", value: "2.5" },
        ]);
    });
    it("an empty map is no variables", () => {
        assert.deepEqual(resolveEnv({}), []);
    });
    it("an error is reported at the variable's name", () => {
        expectRio(
            () => resolveEnv({ A: "1", PASSWORD: "secret://db" }),
            ["PASSWORD"],
            '"secret://db" must name a Secret and a key: secret://<name>/<key>',
        );
    });
});

describe("resolveEnv: secret:// and config:// references", () => {
    const table: [string, EnvVar][] = [
        [
            "PASSWORD=secret://db/password",
            { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        ],
        ["LEVEL=config://cm/key", { name: "LEVEL", valueFrom: { configMapKeyRef: { name: "cm", key: "key" } } }],
        [
            "T=secret://my.tls-secret/tls.crt",
            { name: "T", valueFrom: { secretKeyRef: { name: "my.tls-secret", key: "tls.crt" } } },
        ],
        [
            "K=config://app-config/Some_Key-1.json",
            { name: "K", valueFrom: { configMapKeyRef: { name: "app-config", key: "Some_Key-1.json" } } },
        ],
        // Only a value that starts with the scheme is a reference.
        ["V= secret://db/password", { name: "V", value: " secret://db/password" }],
        ["V=Secret://db/password", { name: "V", value: "Secret://db/password" }],
        ["V=secrets://db/password", { name: "V", value: "secrets://db/password" }],
    ];
    for (const [entry, expected] of table) {
        it(entry, () => {
            assert.deepEqual(resolveEnv([entry]), [expected]);
        });
    }
    it("in map form too", () => {
        assert.deepEqual(resolveEnv({ PASSWORD: "secret://db/password" }), [
            { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        ]);
    });
});

describe("resolveEnv: errors", () => {
    const table: [string, string][] = [
        ["A=secret://db", '"secret://db" must name a Secret and a key: secret://<name>/<key>'],
        ["A=secret://db/", '"secret://db/" must name a Secret and a key: secret://<name>/<key>'],
        ["A=secret:///key", '"secret:///key" must name a Secret and a key: secret://<name>/<key>'],
        ["A=secret://", '"secret://" must name a Secret and a key: secret://<name>/<key>'],
        ["A=config://cm", '"config://cm" must name a ConfigMap and a key: config://<name>/<key>'],
        ["A=config:///k", '"config:///k" must name a ConfigMap and a key: config://<name>/<key>'],
        ["A=secret://Db/k", "Secret name \"Db\" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')"],
        [
            "A=config://my_cm/k",
            "ConfigMap name \"my_cm\" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')",
        ],
        ["A=secret://db/k/x", "Secret key \"k/x\" may only contain letters, digits, '-', '_' and '.'"],
        ["A=config://cm/a b", "ConfigMap key \"a b\" may only contain letters, digits, '-', '_' and '.'"],
        ["=1", "an environment variable needs a name"],
        ["", "an environment variable needs a name"],
        ["A\n=1", "environment variable name \"A\n\" may not contain '=' or control characters"],
        ["A\tB=1", "environment variable name \"A\tB\" may not contain '=' or control characters"],
        ["A\x7f=1", "environment variable name \"A\x7f\" may not contain '=' or control characters"],
    ];
    for (const [entry, detail] of table) {
        it(`${JSON.stringify(entry)} → ${detail}`, () => {
            expectRio(() => resolveEnv(["OK=1", entry]), [1], detail);
        });
    }
    it("a map key with '=' is rejected at that key", () => {
        expectRio(
            () => resolveEnv({ "A=B": "1" }),
            ["A=B"],
            "environment variable name \"A=B\" may not contain '=' or control characters",
        );
    });
    it("a map key that is empty is rejected at that key", () => {
        expectRio(() => resolveEnv({ "": "1" }), [""], "an environment variable needs a name");
    });
    it("rejects a name set twice, at the second one", () => {
        const err = expectRio(() => resolveEnv(["A=1", "B=2", "A=3"]), [2], 'environment variable "A" is set twice');
        assert.equal(err.message, '[2]: environment variable "A" is set twice');
    });
    it("a bare name counts as setting it", () => {
        expectRio(() => resolveEnv(["A", "A=1"]), [1], 'environment variable "A" is set twice');
    });
});

/** Names resolveEnv must accept: non-empty, no '=', no control characters. */
const envName = (s: fc.Arbitrary<string>) =>
    s.filter((n) => n.length > 0 && !n.includes("=") && !/[\x00-\x1f\x7f]/.test(n));
const plainValue = (s: fc.Arbitrary<string>) =>
    s.filter((v) => !v.startsWith("secret://") && !v.startsWith("config://"));

describe("resolveEnv properties", () => {
    it("any map of names to plain strings comes back with the same names and values, in order", () => {
        for (const str of [fc.string(), fc.fullUnicodeString()]) {
            fc.assert(
                fc.property(fc.dictionary(envName(str), plainValue(str)), (map) => {
                    const expected = Object.entries(map).map(([name, value]) => ({ name, value }));
                    assert.deepEqual(resolveEnv(map), expected);
                }),
                { numRuns: 500 },
            );
        }
    });

    it("the list spelling of such a map gives the same variables", () => {
        fc.assert(
            fc.property(fc.dictionary(envName(fc.string()), plainValue(fc.string())), (map) => {
                const list = Object.entries(map).map(([k, v]) => `${k}=${v}`);
                assert.deepEqual(resolveEnv(list), resolveEnv(map));
            }),
            { numRuns: 500 },
        );
    });

    it("resolveEnv([s]) on any string returns or throws a RioInputError, nothing else", () => {
        for (const arb of [fc.string(), fc.fullUnicodeString()]) {
            fc.assert(
                fc.property(arb, (s) => {
                    try {
                        const vars = resolveEnv([s]);
                        assert.equal(vars.length, 1);
                    } catch (e) {
                        assert.ok(e instanceof RioInputError, `resolveEnv([${JSON.stringify(s)}]) threw ${String(e)}`);
                    }
                }),
                { numRuns: 1000 },
            );
        }
    });

    it("secret:// and config:// references with valid names and keys always resolve to key refs", () => {
        const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
        const key = fc.stringMatching(/^[-._a-zA-Z0-9]{1,30}$/);
        fc.assert(
            fc.property(dnsLabel, key, fc.constantFrom("secret", "config"), (object, k, scheme) => {
                const ref = { name: object, key: k };
                assert.deepEqual(resolveEnv([`X=${scheme}://${object}/${k}`]), [
                    { name: "X", valueFrom: scheme === "secret" ? { secretKeyRef: ref } : { configMapKeyRef: ref } },
                ]);
            }),
            { numRuns: 500 },
        );
    });
});
