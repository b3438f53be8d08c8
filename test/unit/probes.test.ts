import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RioInputError } from "../../components/errors";
import { parseProbeShorthand, Probe, resolveProbe } from "../../components/service/probes";
import { expectRio } from "../support/rioError";

describe("resolveProbe: shorthand strings", () => {
    const table: [string, Probe][] = [
        ["http://:8080/healthz", { httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" } }],
        ["https://localhost:8443", { httpGet: { path: "/", port: 8443, scheme: "HTTPS" } }],
        ["http://localhost:80/", { httpGet: { path: "/", port: 80, scheme: "HTTP" } }],
        ["http://example.com:80/ready", { httpGet: { path: "/ready", port: 80, host: "example.com", scheme: "HTTP" } }],
        ["HTTP://:8080/Health", { httpGet: { path: "/Health", port: 8080, scheme: "HTTP" } }],
        ["HTTPS://:443", { httpGet: { path: "/", port: 443, scheme: "HTTPS" } }],
        ["http://:8080/healthz?full=1", { httpGet: { path: "/healthz?full=1", port: 8080, scheme: "HTTP" } }],
        ["  http://:8080/x  ", { httpGet: { path: "/x", port: 8080, scheme: "HTTP" } }],
        ["http://:1/", { httpGet: { path: "/", port: 1, scheme: "HTTP" } }],
        ["http://:65535/", { httpGet: { path: "/", port: 65535, scheme: "HTTP" } }],
        ["tcp://:5432", { tcpSocket: { port: 5432 } }],
        ["tcp://localhost:5432", { tcpSocket: { port: 5432 } }],
        ["tcp://db:5432/", { tcpSocket: { port: 5432, host: "db" } }],
        ["TCP://:6379", { tcpSocket: { port: 6379 } }],
        ["pg_isready -U postgres", { exec: { command: ["pg_isready", "-U", "postgres"] } }],
        [
            "curl -f http://localhost:8080/healthz",
            { exec: { command: ["curl", "-f", "http://localhost:8080/healthz"] } },
        ],
        ['sh -c "test -f /tmp/ready"', { exec: { command: ["sh", "-c", "test -f /tmp/ready"] } }],
        ["cat '/tmp/my file'", { exec: { command: ["cat", "/tmp/my file"] } }],
        ["true", { exec: { command: ["true"] } }],
    ];
    for (const [input, expected] of table) {
        it(JSON.stringify(input), () => {
            const probe = resolveProbe(input);
            assert.deepEqual(probe, expected);
            if (probe?.httpGet) assert.equal("host" in probe.httpGet, expected.httpGet?.host !== undefined);
            if (probe?.tcpSocket) assert.equal("host" in probe.tcpSocket, expected.tcpSocket?.host !== undefined);
        });
    }

    it("parseProbeShorthand is the string half of resolveProbe", () => {
        assert.deepEqual(parseProbeShorthand("tcp://:5432"), { tcpSocket: { port: 5432 } });
    });
});

describe("resolveProbe: shorthand errors", () => {
    const table: [string, string][] = [
        ["http://host/healthz", 'health check "http://host/healthz" needs a port, e.g. http://:8080/healthz'],
        ["https://", 'health check "https://" needs a port, e.g. http://:8080/healthz'],
        ["tcp://db", 'health check "tcp://db" needs a port, e.g. http://:8080/healthz'],
        ["http://:0/", "health check port 0 is out of range (1-65535)"],
        ["http://:65536/", "health check port 65536 is out of range (1-65535)"],
        ["tcp://:70000", "health check port 70000 is out of range (1-65535)"],
        ["tcp://:5432/ready", 'a tcp health check has no path ("tcp://:5432/ready")'],
        ["", "an empty health check"],
        ["   ", "an empty health check"],
        [
            "curl localhost | grep ok",
            '"curl localhost | grep ok" uses shell syntax ("|"); give a list, or ["sh", "-c", "..."] to run a shell',
        ],
    ];
    for (const [input, detail] of table) {
        it(`${JSON.stringify(input)} → ${detail}`, () => {
            expectRio(() => resolveProbe(input), [], detail);
        });
    }
});

describe("resolveProbe: Probe objects", () => {
    it("undefined is no probe", () => {
        assert.equal(resolveProbe(undefined), undefined);
    });
    it("passes a one-handler probe through, as a copy", () => {
        const input: Probe = { httpGet: { path: "/", port: "http" }, periodSeconds: 5, failureThreshold: 3 };
        const out = resolveProbe(input);
        assert.deepEqual(out, { httpGet: { path: "/", port: "http" }, periodSeconds: 5, failureThreshold: 3 });
        assert.notEqual(out, input);
    });
    for (const probe of [
        { tcpSocket: { port: 5432 } },
        { exec: { command: ["true"] } },
        { grpc: { port: 50051, service: "health" } },
    ] as Probe[]) {
        it(`accepts ${Object.keys(probe)[0]}`, () => {
            assert.deepEqual(resolveProbe(probe), probe);
        });
    }
    it("rejects two handlers", () => {
        expectRio(
            () => resolveProbe({ httpGet: { port: 80 }, tcpSocket: { port: 80 } }),
            [],
            "a probe takes exactly one of httpGet, tcpSocket, exec or grpc, not httpGet and tcpSocket",
        );
    });
    it("rejects three handlers, naming them all", () => {
        expectRio(
            () => resolveProbe({ tcpSocket: { port: 80 }, exec: { command: ["true"] }, grpc: { port: 80 } }),
            [],
            "a probe takes exactly one of httpGet, tcpSocket, exec or grpc, not tcpSocket and exec and grpc",
        );
    });
    it("rejects no handler", () => {
        expectRio(
            () => resolveProbe({ periodSeconds: 10 }),
            [],
            "a probe needs one of httpGet, tcpSocket, exec or grpc (or a shorthand like http://:8080/healthz)",
        );
        expectRio(
            () => resolveProbe({}),
            [],
            "a probe needs one of httpGet, tcpSocket, exec or grpc (or a shorthand like http://:8080/healthz)",
        );
    });
});

describe("probe properties", () => {
    it("any http/https/tcp URL with a port in range resolves to the matching handler", () => {
        const host = fc.constantFrom("", "localhost", "api", "db.internal");
        const path = fc.option(fc.stringMatching(/^\/[-a-zA-Z0-9._~/]{0,20}$/), { nil: undefined });
        fc.assert(
            fc.property(
                fc.constantFrom("http", "https", "tcp"),
                host,
                fc.integer({ min: 1, max: 65535 }),
                path,
                (scheme, h, port, p) => {
                    const hostField = h === "" || h === "localhost" ? {} : { host: h };
                    if (scheme === "tcp") {
                        const text = `tcp://${h}:${port}`;
                        assert.deepEqual(resolveProbe(text), { tcpSocket: { port, ...hostField } });
                    } else {
                        const text = `${scheme}://${h}:${port}${p ?? ""}`;
                        assert.deepEqual(resolveProbe(text), {
                            httpGet: {
                                path: p ?? "/",
                                port,
                                ...hostField,
                                scheme: scheme === "https" ? "HTTPS" : "HTTP",
                            },
                        });
                    }
                },
            ),
            { numRuns: 500 },
        );
    });

    it("resolveProbe on any string returns or throws a RioInputError, nothing else", () => {
        // Strings containing "${" are left out: see the report (shell-quote's "Bad substitution" escapes as a plain Error).
        for (const arb of [fc.string(), fc.fullUnicodeString()]) {
            fc.assert(
                fc.property(
                    arb.filter((s) => !s.includes("${")),
                    (s) => {
                        try {
                            const probe = resolveProbe(s);
                            assert.ok(probe !== undefined);
                        } catch (e) {
                            assert.ok(
                                e instanceof RioInputError,
                                `resolveProbe(${JSON.stringify(s)}) threw ${String(e)}`,
                            );
                        }
                    },
                ),
                { numRuns: 1000 },
            );
        }
    });
});

describe("URL-looking probes that are not health-check URLs (regressions)", () => {
    for (const input of ["http://:8080?x=1", "http://a:b@host:80/", "ftp://:21"]) {
        it(`rejects ${input} instead of running it as a command`, () => {
            assert.throws(
                () => resolveProbe(input),
                (e: unknown) =>
                    e instanceof RioInputError &&
                    e.detail ===
                        `"${input}" is not a health-check URL: use http://[host]:port/path, https://... or tcp://[host]:port`,
            );
        });
    }
});

describe("resolveProbe: ports written as strings, as Rio's docs do", () => {
    it("a number in a string is that port", () => {
        assert.deepEqual(resolveProbe({ httpGet: { path: "/ready", port: "9997" } }), {
            httpGet: { path: "/ready", port: 9997 },
        });
        assert.deepEqual(resolveProbe({ tcpSocket: { port: "5432" } }), { tcpSocket: { port: 5432 } });
    });
    it("a port name stays a name", () => {
        assert.deepEqual(resolveProbe({ httpGet: { port: "http-80" } }), { httpGet: { port: "http-80" } });
    });
    it("anything else is refused at its key", () => {
        expectRio(
            () => resolveProbe({ tcpSocket: { port: "80/tcp" } }),
            ["tcpSocket", "port"],
            '"80/tcp" is neither a port number nor a port name',
        );
    });
});
