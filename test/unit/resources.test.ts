import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RioInputError } from "../../components/errors";
import { DEFAULT_CPU, DEFAULT_MEMORY, resolveCpus, resolveMemory } from "../../components/service/resources";
import { expectRio } from "../support/rioError";

const notCpuQuantity = (t: string) => `cpus "${t}" is not a Kubernetes quantity (e.g. "500m" or 0.5)`;
const notMemQuantity = (t: string) => `memory "${t}" is not a Kubernetes quantity (e.g. "128Mi")`;

describe("defaults", () => {
    it("are Rio's requests", () => {
        assert.equal(DEFAULT_CPU, "50m");
        assert.equal(DEFAULT_MEMORY, "64Mi");
        assert.equal(resolveCpus(undefined), "50m");
        assert.equal(resolveMemory(undefined), "64Mi");
    });
});

describe("resolveCpus", () => {
    const table: [string | number, string][] = [
        [0.5, "500m"],
        [2, "2"],
        [1, "1"],
        [1.5, "1500m"],
        [0.25, "250m"],
        [0.001, "1m"],
        [0.1, "100m"],
        [16, "16"],
        ["250m", "250m"],
        ["2", "2"],
        ["0.5", "0.5"],
        [" 250m ", "250m"],
        ["1k", "1k"],
        ["1e3", "1e3"],
        [".5", ".5"],
    ];
    for (const [input, expected] of table) {
        it(`${JSON.stringify(input)} → ${expected}`, () => {
            assert.equal(resolveCpus(input), expected);
        });
    }

    const errors: [string | number, string][] = [
        ["0", 'cpus must be greater than zero, not "0"'],
        ["0m", 'cpus must be greater than zero, not "0m"'],
        ["0.000", 'cpus must be greater than zero, not "0.000"'],
        ["0e5", 'cpus must be greater than zero, not "0e5"'],
        [0, "cpus must be greater than zero, not 0"],
        [-1, "cpus must be greater than zero, not -1"],
        [-0.5, "cpus must be greater than zero, not -0.5"],
        [NaN, "cpus must be greater than zero, not NaN"],
        [Infinity, "cpus must be greater than zero, not Infinity"],
        [0.0001, "cpus 0.0001 is below the smallest unit (1m)"],
        ["abc", notCpuQuantity("abc")],
        ["", notCpuQuantity("")],
        ["-1", notCpuQuantity("-1")],
        ["500 m", notCpuQuantity("500 m")],
        ["1.5.2", notCpuQuantity("1.5.2")],
        ["1mi", notCpuQuantity("1mi")],
        ["m", notCpuQuantity("m")],
        [".", notCpuQuantity(".")],
    ];
    for (const [input, detail] of errors) {
        it(`${JSON.stringify(input)} is rejected`, () => {
            expectRio(() => resolveCpus(input), [], detail);
        });
    }
});

describe("resolveMemory", () => {
    const table: [string | number, string][] = [
        ["128Mi", "128Mi"],
        ["1G", "1G"],
        ["1Gi", "1Gi"],
        ["512Ki", "512Ki"],
        [" 256Mi ", "256Mi"],
        ["1e9", "1e9"],
        ["1000", "1000"],
        [1048576, "1048576"],
        [1, "1"],
    ];
    for (const [input, expected] of table) {
        it(`${JSON.stringify(input)} → ${expected}`, () => {
            assert.equal(resolveMemory(input), expected);
        });
    }

    const errors: [string | number, string][] = [
        ["12XB", notMemQuantity("12XB")],
        ["128MB", notMemQuantity("128MB")],
        ["128 Mi", notMemQuantity("128 Mi")],
        ["lots", notMemQuantity("lots")],
        ["", notMemQuantity("")],
        ["0", 'memory must be greater than zero, not "0"'],
        ["0Mi", 'memory must be greater than zero, not "0Mi"'],
        ["0.0", 'memory must be greater than zero, not "0.0"'],
        [0, "memory must be a positive whole number of bytes, not 0"],
        [-1, "memory must be a positive whole number of bytes, not -1"],
        [1.5, "memory must be a positive whole number of bytes, not 1.5"],
        [NaN, "memory must be a positive whole number of bytes, not NaN"],
    ];
    for (const [input, detail] of errors) {
        it(`${JSON.stringify(input)} is rejected`, () => {
            expectRio(() => resolveMemory(input), [], detail);
        });
    }
});

describe("resource properties", () => {
    it("resolveCpus and resolveMemory on any string return or throw a RioInputError, nothing else", () => {
        for (const arb of [fc.string(), fc.fullUnicodeString()]) {
            for (const [what, fn] of [
                ["resolveCpus", resolveCpus],
                ["resolveMemory", resolveMemory],
            ] as const) {
                fc.assert(
                    fc.property(arb, (s) => {
                        try {
                            assert.equal(fn(s), s.trim());
                        } catch (e) {
                            assert.ok(e instanceof RioInputError, `${what}(${JSON.stringify(s)}) threw ${String(e)}`);
                        }
                    }),
                    { numRuns: 1000 },
                );
            }
        }
    });

    it("a number of cores becomes whole cores or millicores", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 1_000_000 }), (millis) => {
                const expected = millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
                assert.equal(resolveCpus(millis / 1000), expected);
            }),
            { numRuns: 1000 },
        );
    });

    it("a millicore string is kept as is", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 1_000_000 }), (millis) => {
                assert.equal(resolveCpus(`${millis}m`), `${millis}m`);
            }),
            { numRuns: 500 },
        );
    });

    it("any positive whole number of bytes is kept", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
                assert.equal(resolveMemory(n), String(n));
            }),
            { numRuns: 500 },
        );
    });
});

describe("huge numbers (regressions)", () => {
    it("refuses cpus and memory that would not print as a Kubernetes quantity", () => {
        assert.throws(
            () => resolveCpus(1e21),
            (e: unknown) => e instanceof RioInputError && e.detail === "cpus 1e+21 is out of range",
        );
        assert.throws(
            () => resolveMemory(2 ** 60),
            (e: unknown) => e instanceof RioInputError && /positive whole number of bytes/.test(e.detail),
        );
    });
});
