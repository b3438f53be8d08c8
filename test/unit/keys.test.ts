import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RioInputError } from "../../components/errors";
import {
    checkKeys,
    PLANNED_SERVICE_KEYS,
    SERVICE_ALIASES,
    UNSUPPORTED_SERVICE_KEYS,
    SERVICE_KEYS,
    suggestKey,
    unknownKey,
} from "../../components/service/keys";
import { rioError, expectRio } from "../support/rioError";

describe("checkKeys: canonical keys and aliases", () => {
    it("keeps canonical keys and records their spelling", () => {
        const { value, spelling } = checkKeys({ image: "nginx", ports: "80" });
        assert.deepEqual(value, { image: "nginx", ports: "80" });
        assert.deepEqual(
            [...spelling],
            [
                ["image", "image"],
                ["ports", "ports"],
            ],
        );
    });
    it("skips keys whose value is undefined", () => {
        const { value, spelling } = checkKeys({ image: "nginx", ports: undefined, port: "80" });
        assert.deepEqual(value, { image: "nginx", ports: "80" });
        assert.equal(spelling.get("ports"), "port");
    });
    it("an empty map is fine", () => {
        const { value, spelling } = checkKeys({});
        assert.deepEqual(value, {});
        assert.equal(spelling.size, 0);
    });

    const aliases: [string, string][] = [
        ["port", "ports"],
        ["environment", "env"],
        ["config", "configs"],
        ["secret", "secrets"],
        ["arg", "args"],
        ["cpu", "cpus"],
        ["mem", "memory"],
        ["memoryBytes", "memory"],
        ["replicas", "scale"],
        ["readiness", "readinessProbe"],
        ["liveness", "livenessProbe"],
        ["pullPolicy", "imagePullPolicy"],
        ["pullSecrets", "imagePullSecrets"],
        ["hosts", "hostAliases"],
        ["stdinOpen", "stdin"],
        ["user", "runAsUser"],
        ["group", "runAsGroup"],
        ["volume", "volumes"],
        ["permission", "permissions"],
        ["globalPermission", "globalPermissions"],
        ["global_permissions", "globalPermissions"],
    ];
    for (const [alias, canonical] of aliases) {
        it(`${alias} → ${canonical}`, () => {
            const { value, spelling } = checkKeys({ [alias]: "v" });
            assert.deepEqual(value, { [canonical]: "v" });
            assert.equal(spelling.get(canonical), alias);
        });
    }
    it("the alias table above is all of SERVICE_ALIASES", () => {
        assert.deepEqual(Object.fromEntries(aliases), { ...SERVICE_ALIASES });
    });
    it("every alias points at an implemented key", () => {
        for (const canonical of Object.values(SERVICE_ALIASES)) {
            assert.ok((SERVICE_KEYS as readonly string[]).includes(canonical), canonical);
        }
    });

    it("cpuMillis: a number is millicores", () => {
        const { value, spelling } = checkKeys({ cpuMillis: 250 });
        assert.deepEqual(value, { cpus: "250m" });
        assert.equal(spelling.get("cpus"), "cpuMillis");
    });
    it("cpuMillis: a string is passed on unchanged", () => {
        assert.deepEqual(checkKeys({ cpuMillis: "250m" }).value, { cpus: "250m" });
    });
});

describe("checkKeys: errors", () => {
    const notMap: [unknown, string][] = [
        [null, "a service must be a map of keys, not null"],
        [undefined, "a service must be a map of keys, not undefined"],
        [[], "a service must be a map of keys, not a list"],
        ["nginx", "a service must be a map of keys, not string"],
        [5, "a service must be a map of keys, not number"],
        [true, "a service must be a map of keys, not boolean"],
    ];
    for (const [input, detail] of notMap) {
        it(`rejects ${JSON.stringify(input) ?? "undefined"}`, () => {
            expectRio(() => checkKeys(input), [], detail, false);
        });
    }

    it("an unknown key close to a known one gets a suggestion", () => {
        expectRio(() => checkKeys({ imag: "nginx" }), ["imag"], 'unknown key; did you mean "image"?', true);
    });
    const typos: [string, string][] = [
        ["IMAGE", "image"],
        ["Ports", "ports"],
        ["enviroment", "environment"],
        ["replica", "replicas"],
        ["lables", "labels"],
        ["workingdir", "workingDir"],
        ["workingDirr", "workingDir"],
        ["cpumillis", "cpuMillis"],
        ["autoscal", "autoscale"],
    ];
    for (const [typo, hint] of typos) {
        it(`${typo} → did you mean "${hint}"?`, () => {
            expectRio(() => checkKeys({ [typo]: 1 }), [typo], `unknown key; did you mean "${hint}"?`, true);
        });
    }
    it("an unknown key far from every known one gets no suggestion", () => {
        expectRio(() => checkKeys({ qqqqqqqqqqqqqqqq: 1 }), ["qqqqqqqqqqqqqqqq"], "unknown key", true);
    });
    it("stops at the first bad key", () => {
        expectRio(
            () => checkKeys({ image: "x", imag: "y", autoscale: "1-3" }),
            ["imag"],
            'unknown key; did you mean "image"?',
            true,
        );
    });

    for (const key of PLANNED_SERVICE_KEYS) {
        it(`unsupported key ${key} is refused by name, with the reason`, () => {
            expectRio(
                () => checkKeys({ image: "x", [key]: 1 }),
                [key],
                `is not supported: ${UNSUPPORTED_SERVICE_KEYS[key]}`,
                true,
            );
        });
    }
    it("Rio's net: host is hostNetwork: true; other modes are refused", () => {
        assert.deepEqual(checkKeys({ net: "host" }).value, { hostNetwork: true });
        assert.deepEqual(checkKeys({ net: "default" }).value, { hostNetwork: false });
        expectRio(
            () => checkKeys({ net: "bridge" }),
            ["net"],
            '"bridge" is not a network mode: use host (or hostNetwork: true)',
        );
        expectRio(
            () => checkKeys({ net: "host", hostNetwork: true }),
            ["hostNetwork"],
            'sets the same thing as "net"; keep one',
            true,
        );
    });
    it("the permissions spellings of Rio's docs and code all land on one key", () => {
        assert.deepEqual(checkKeys({ permission: "* pods", global_permissions: "read nodes" }).value, {
            permissions: "* pods",
            globalPermissions: "read nodes",
        });
        assert.deepEqual(checkKeys({ globalPermission: ["read nodes"] }).value, { globalPermissions: ["read nodes"] });
    });

    const twice: [Record<string, unknown>, string, string][] = [
        [{ port: "80", ports: "81" }, "ports", 'sets the same thing as "port"; keep one'],
        [{ ports: "81", port: "80" }, "port", 'sets the same thing as "ports"; keep one'],
        [{ cpu: 1, cpus: 1 }, "cpus", 'sets the same thing as "cpu"; keep one'],
        [{ cpuMillis: 250, cpus: 1 }, "cpus", 'sets the same thing as "cpuMillis"; keep one'],
        [{ cpu: 1, cpuMillis: 250 }, "cpuMillis", 'sets the same thing as "cpu"; keep one'],
        [{ mem: "1Gi", memoryBytes: 5 }, "memoryBytes", 'sets the same thing as "mem"; keep one'],
        [{ replicas: 1, scale: 2 }, "scale", 'sets the same thing as "replicas"; keep one'],
        [{ environment: [], env: [] }, "env", 'sets the same thing as "environment"; keep one'],
    ];
    for (const [input, key, detail] of twice) {
        it(`${Object.keys(input).join(" + ")} is refused at ${key}`, () => {
            expectRio(() => checkKeys(input), [key], detail, true);
        });
    }
});

describe("suggestKey and unknownKey", () => {
    it("matches case-insensitively first", () => {
        assert.equal(suggestKey("WORKINGDIR"), "workingDir");
    });
    it("suggests within a custom list", () => {
        assert.equal(suggestKey("servces", ["services", "configs"]), "services");
        assert.equal(suggestKey("zzzzzzzz", ["services", "configs"]), undefined);
    });
    it("unknownKey builds an error at the key", () => {
        const err = unknownKey("confgs", ["services", "configs"]);
        assert.ok(err instanceof RioInputError);
        assert.deepEqual(err.path, ["confgs"]);
        assert.equal(err.detail, 'unknown key; did you mean "configs"?');
        assert.equal(err.atKey, true);
        assert.equal(err.message, 'confgs: unknown key; did you mean "configs"?');
    });
});

describe("checkKeys properties", () => {
    const known = new Set<string>([
        ...SERVICE_KEYS,
        ...Object.keys(SERVICE_ALIASES),
        "cpuMillis",
        "net",
        ...PLANNED_SERVICE_KEYS,
    ]);

    it("any key nobody knows is refused at that key, and any suggestion is a known key", () => {
        fc.assert(
            fc.property(
                // Names of Object.prototype members are left out: see the report (`constructor` is taken for an alias).
                fc.string({ minLength: 1 }).filter((k) => !known.has(k) && !(k in {})),
                (key) => {
                    const err = rioError(() => checkKeys({ [key]: 1 }));
                    assert.deepEqual(err.path, [key]);
                    assert.equal(err.atKey, true);
                    const m = /^unknown key(?:; did you mean "(.*)"\?)?$/.exec(err.detail);
                    assert.ok(m, err.detail);
                    if (m[1] !== undefined) assert.ok(known.has(m[1]), m[1]);
                },
            ),
            { numRuns: 1000 },
        );
    });

    it("every alias and canonical key maps to the same canonical key, whatever the value", () => {
        const spellings = [...SERVICE_KEYS, ...Object.keys(SERVICE_ALIASES)];
        fc.assert(
            fc.property(
                fc.constantFrom(...spellings),
                fc.anything().filter((v) => v !== undefined),
                (key, v) => {
                    const canonical = SERVICE_ALIASES[key] ?? key;
                    const { value, spelling } = checkKeys({ [key]: v });
                    assert.deepEqual(Object.keys(value), [canonical]);
                    assert.equal(value[canonical], v);
                    assert.equal(spelling.get(canonical), key);
                },
            ),
            { numRuns: 500 },
        );
    });
});
