import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RioInputError } from "../../components/errors";
import {
    isHttpFamily,
    kubeProtocol,
    parsePortString,
    Port,
    PortProtocol,
    PortProtocols,
    resolvePort,
    resolvePorts,
} from "../../components/service/ports";
import { expectRio } from "../support/rioError";

const nameRule = (name: string) =>
    `port name "${name}" must be at most 15 lowercase letters, digits and '-', with at least one letter`;

describe("resolvePort: Rio's port string grammar", () => {
    const table: [string, Port][] = [
        [
            "80:8080/http,name=web",
            { name: "web", port: 80, targetPort: 8080, protocol: "http", expose: true, hostPort: false },
        ],
        ["8080", { name: "http-8080", port: 8080, targetPort: 8080, protocol: "http", expose: true, hostPort: false }],
        ["53/udp", { name: "udp-53", port: 53, targetPort: 53, protocol: "udp", expose: false, hostPort: false }],
        [
            "5432/tcp",
            { name: "tcp-5432", port: 5432, targetPort: 5432, protocol: "tcp", expose: false, hostPort: false },
        ],
        [
            "9090/http,internal",
            { name: "http-9090", port: 9090, targetPort: 9090, protocol: "http", expose: false, hostPort: false },
        ],
        [
            "9090,expose=false",
            { name: "http-9090", port: 9090, targetPort: 9090, protocol: "http", expose: false, hostPort: false },
        ],
        [
            "9090,expose=internal",
            { name: "http-9090", port: 9090, targetPort: 9090, protocol: "http", expose: false, hostPort: false },
        ],
        [
            "9090,expose",
            { name: "http-9090", port: 9090, targetPort: 9090, protocol: "http", expose: true, hostPort: false },
        ],
        [
            "9090,expose=true",
            { name: "http-9090", port: 9090, targetPort: 9090, protocol: "http", expose: true, hostPort: false },
        ],
        ["80,hostport", { name: "http-80", port: 80, targetPort: 80, protocol: "http", expose: true, hostPort: true }],
        [
            "80,hostport=true",
            { name: "http-80", port: 80, targetPort: 80, protocol: "http", expose: true, hostPort: true },
        ],
        [
            "80,hostport=false",
            { name: "http-80", port: 80, targetPort: 80, protocol: "http", expose: true, hostPort: false },
        ],
        ["80,web", { name: "web", port: 80, targetPort: 80, protocol: "http", expose: true, hostPort: false }],
        ["80/HTTP2", { name: "http2-80", port: 80, targetPort: 80, protocol: "http2", expose: true, hostPort: false }],
        [
            "8080/Http",
            { name: "http-8080", port: 8080, targetPort: 8080, protocol: "http", expose: true, hostPort: false },
        ],
        [
            "50051/grpc",
            { name: "grpc-50051", port: 50051, targetPort: 50051, protocol: "grpc", expose: true, hostPort: false },
        ],
        [
            "443:8443/http2",
            { name: "http2-443", port: 443, targetPort: 8443, protocol: "http2", expose: true, hostPort: false },
        ],
        [
            "3868/sctp",
            { name: "sctp-3868", port: 3868, targetPort: 3868, protocol: "sctp", expose: false, hostPort: false },
        ],
        [
            "3868/SCTP,name=diameter",
            { name: "diameter", port: 3868, targetPort: 3868, protocol: "sctp", expose: false, hostPort: false },
        ],
        ["1", { name: "http-1", port: 1, targetPort: 1, protocol: "http", expose: true, hostPort: false }],
        [
            "65535",
            { name: "http-65535", port: 65535, targetPort: 65535, protocol: "http", expose: true, hostPort: false },
        ],
        [
            " 80 : 8080 / http , name = web ",
            { name: "web", port: 80, targetPort: 8080, protocol: "http", expose: true, hostPort: false },
        ],
        [
            "53:5353/udp,dns,hostport",
            { name: "dns", port: 53, targetPort: 5353, protocol: "udp", expose: false, hostPort: true },
        ],
        [
            "80,name=abcdefghijklmno",
            { name: "abcdefghijklmno", port: 80, targetPort: 80, protocol: "http", expose: true, hostPort: false },
        ],
        ["80,name=a-1", { name: "a-1", port: 80, targetPort: 80, protocol: "http", expose: true, hostPort: false }],
        // later options win
        [
            "80,internal,expose",
            { name: "http-80", port: 80, targetPort: 80, protocol: "http", expose: true, hostPort: false },
        ],
        ["80,name=a,b", { name: "b", port: 80, targetPort: 80, protocol: "http", expose: true, hostPort: false }],
    ];
    for (const [input, expected] of table) {
        it(`${JSON.stringify(input)}`, () => {
            assert.deepEqual(resolvePort(input), expected);
        });
    }

    it("a number is the same as its string", () => {
        assert.deepEqual(resolvePort(8080), {
            name: "http-8080",
            port: 8080,
            targetPort: 8080,
            protocol: "http",
            expose: true,
            hostPort: false,
        });
    });
});

describe("resolvePort: structured PortSpec", () => {
    it("fills every default from port alone", () => {
        assert.deepEqual(resolvePort({ port: 80 }), {
            name: "http-80",
            port: 80,
            targetPort: 80,
            protocol: "http",
            expose: true,
            hostPort: false,
        });
    });
    it("port defaults to targetPort", () => {
        assert.deepEqual(resolvePort({ targetPort: 8080 }), {
            name: "http-8080",
            port: 8080,
            targetPort: 8080,
            protocol: "http",
            expose: true,
            hostPort: false,
        });
    });
    it("protocol is case-insensitive", () => {
        assert.deepEqual(resolvePort({ port: 80, protocol: "GRPC" as PortProtocol }), {
            name: "grpc-80",
            port: 80,
            targetPort: 80,
            protocol: "grpc",
            expose: true,
            hostPort: false,
        });
    });
    it("keeps every explicit field", () => {
        assert.deepEqual(
            resolvePort({ port: 53, targetPort: 5353, protocol: "udp", name: "dns", expose: false, hostPort: true }),
            {
                name: "dns",
                port: 53,
                targetPort: 5353,
                protocol: "udp",
                expose: false,
                hostPort: true,
            },
        );
    });
    it("needs port or targetPort", () => {
        expectRio(() => resolvePort({}), [], "a port needs port or targetPort");
    });
    it("rejects a fractional port", () => {
        expectRio(() => resolvePort({ port: 1.5 }), [], "port 1.5 is out of range (1-65535)");
    });
    it("rejects an out-of-range targetPort", () => {
        expectRio(() => resolvePort({ port: 80, targetPort: 70000 }), [], "targetPort 70000 is out of range (1-65535)");
    });
    it("rejects an unknown protocol", () => {
        expectRio(
            () => resolvePort({ port: 80, protocol: "ftp" as PortProtocol }),
            [],
            'unknown protocol "ftp"; expected one of http, http2, grpc, tcp, udp, sctp',
        );
    });
    it("rejects exposing an L4 port", () => {
        expectRio(
            () => resolvePort({ port: 53, protocol: "udp", expose: true }),
            [],
            "a udp port cannot be exposed through the gateway (only http, http2 and grpc are); remove expose or use an HTTP protocol",
        );
    });
});

describe("resolvePort: errors", () => {
    const table: [string, string][] = [
        ["abc", 'port "abc" is not a number'],
        ["-1", 'port "-1" is not a number'],
        ["8.5", 'port "8.5" is not a number'],
        ["0", "port 0 is out of range (1-65535)"],
        ["65536", "port 65536 is out of range (1-65535)"],
        ["80:0", "target port 0 is out of range (1-65535)"],
        ["80:65536", "target port 65536 is out of range (1-65535)"],
        ["80:x", 'target port "x" is not a number'],
        [":80", 'port "" is not a number'],
        ["80/ftp", 'unknown protocol "ftp"; expected one of http, http2, grpc, tcp, udp, sctp'],
        ["80/", 'unknown protocol ""; expected one of http, http2, grpc, tcp, udp, sctp'],
        ["", 'empty port ""'],
        ["   ", 'empty port "   "'],
        [",name=web", 'empty port ",name=web"'],
        ["80,", 'empty option in port "80,"'],
        ["80,,web", 'empty option in port "80,,web"'],
        ["80,expose=maybe", 'expose must be true, false or internal, not "maybe"'],
        ["80,hostport=yes", 'hostport must be true or false, not "yes"'],
        ["80,foo=bar", 'unknown port option "foo" (expected name, expose, internal or hostport)'],
        [
            "5432/tcp,expose",
            "a tcp port cannot be exposed through the gateway (only http, http2 and grpc are); remove expose or use an HTTP protocol",
        ],
        [
            "53/udp,expose=true",
            "a udp port cannot be exposed through the gateway (only http, http2 and grpc are); remove expose or use an HTTP protocol",
        ],
        [
            "3868/sctp,expose",
            "a sctp port cannot be exposed through the gateway (only http, http2 and grpc are); remove expose or use an HTTP protocol",
        ],
        ["80,name=abcdefghijklmnop", nameRule("abcdefghijklmnop")],
        ["80,name=Web", nameRule("Web")],
        ["80,name=123", nameRule("123")],
        ["80,name=-web", nameRule("-web")],
        ["80,name=web-", nameRule("web-")],
        ["80,name=we_b", nameRule("we_b")],
        ["80,name=", nameRule("")],
        ["80,Web", nameRule("Web")],
    ];
    for (const [input, detail] of table) {
        it(`${JSON.stringify(input)} → ${detail}`, () => {
            expectRio(() => resolvePort(input), [], detail);
        });
    }

    it("the longest default name (http2-65535) fits in 15 characters", () => {
        assert.equal(resolvePort("65535/http2").name, "http2-65535");
    });
});

describe("parsePortString", () => {
    it("leaves unset fields out", () => {
        assert.deepEqual(parsePortString("8080"), { port: 8080 });
    });
    it("reads every part", () => {
        assert.deepEqual(parsePortString("80:8080/udp,name=dns,internal,hostport"), {
            port: 80,
            targetPort: 8080,
            protocol: "udp",
            name: "dns",
            expose: false,
            hostPort: true,
        });
    });
});

describe("resolvePorts", () => {
    it("undefined is no ports", () => {
        assert.deepEqual(resolvePorts(undefined), []);
    });
    it("a single string is one port", () => {
        assert.deepEqual(resolvePorts("80:8080"), [
            { name: "http-80", port: 80, targetPort: 8080, protocol: "http", expose: true, hostPort: false },
        ]);
    });
    it("a single number is one port", () => {
        assert.deepEqual(resolvePorts(9000), [
            { name: "http-9000", port: 9000, targetPort: 9000, protocol: "http", expose: true, hostPort: false },
        ]);
    });
    it("a mixed list keeps its order", () => {
        assert.deepEqual(resolvePorts(["80", 53, { port: 9090, protocol: "grpc" }]), [
            { name: "http-80", port: 80, targetPort: 80, protocol: "http", expose: true, hostPort: false },
            { name: "http-53", port: 53, targetPort: 53, protocol: "http", expose: true, hostPort: false },
            { name: "grpc-9090", port: 9090, targetPort: 9090, protocol: "grpc", expose: true, hostPort: false },
        ]);
    });
    it("one number on TCP and on UDP is two ports", () => {
        assert.deepEqual(resolvePorts(["53/udp", "53/tcp"]), [
            { name: "udp-53", port: 53, targetPort: 53, protocol: "udp", expose: false, hostPort: false },
            { name: "tcp-53", port: 53, targetPort: 53, protocol: "tcp", expose: false, hostPort: false },
        ]);
    });
    it("a bad entry is reported at its index", () => {
        const err = expectRio(() => resolvePorts(["80", "abc"]), [1], 'port "abc" is not a number');
        assert.equal(err.message, '[1]: port "abc" is not a number');
        assert.equal(err.atKey, false);
    });
    it("a bad structured entry is reported at its index", () => {
        expectRio(() => resolvePorts(["80", "81", {}]), [2], "a port needs port or targetPort");
    });
    it("rejects a duplicate port", () => {
        expectRio(() => resolvePorts(["80", "81", "80:9090"]), [2], "port 80 is already declared by ports[0]");
    });
    it("http, http2 and grpc on one number collide (all TCP)", () => {
        expectRio(() => resolvePorts(["80", "80/grpc"]), [1], "port 80 is already declared by ports[0]");
        expectRio(
            () => resolvePorts(["80/tcp", "80/http2,name=other"]),
            [1],
            "port 80 is already declared by ports[0]",
        );
    });
    it("rejects a duplicate name", () => {
        expectRio(
            () => resolvePorts(["80,name=web", "81,name=web"]),
            [1],
            'port name "web" is already used by ports[0]',
        );
    });
    it("rejects a duplicate name given to a default name", () => {
        expectRio(
            () => resolvePorts(["80", "81,name=http-80"]),
            [1],
            'port name "http-80" is already used by ports[0]',
        );
    });
});

describe("isHttpFamily and kubeProtocol", () => {
    const table: [PortProtocol, boolean, "TCP" | "UDP" | "SCTP"][] = [
        ["http", true, "TCP"],
        ["http2", true, "TCP"],
        ["grpc", true, "TCP"],
        ["tcp", false, "TCP"],
        ["udp", false, "UDP"],
        ["sctp", false, "SCTP"],
    ];
    for (const [protocol, http, kube] of table) {
        it(protocol, () => {
            assert.equal(isHttpFamily(protocol), http);
            assert.equal(kubeProtocol({ protocol }), kube);
        });
    }
    it("covers every protocol", () => {
        assert.deepEqual([...PortProtocols].sort(), table.map(([p]) => p).sort());
    });
});

describe("resolvePort properties", () => {
    const portNumber = fc.integer({ min: 1, max: 65535 });
    const portName = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/).filter((s) => /[a-z]/.test(s));
    const structuredPort = fc
        .record({
            port: portNumber,
            targetPort: portNumber,
            protocol: fc.constantFrom(...PortProtocols),
            name: fc.option(portName, { nil: undefined }),
            exposeIfHttp: fc.boolean(),
            hostPort: fc.boolean(),
        })
        .map(({ port, targetPort, protocol, name, exposeIfHttp, hostPort }) => ({
            port,
            targetPort,
            protocol,
            name,
            expose: isHttpFamily(protocol) ? exposeIfHttp : false,
            hostPort,
        }));

    it("formatting a structured port in Rio's syntax and parsing it back gives the same Port", () => {
        fc.assert(
            fc.property(structuredPort, (p) => {
                let text = `${p.port}:${p.targetPort}/${p.protocol}`;
                if (p.name !== undefined) text += `,name=${p.name}`;
                if (!p.expose && isHttpFamily(p.protocol)) text += ",internal";
                if (p.hostPort) text += ",hostport";
                const expected: Port = {
                    name: p.name ?? `${p.protocol}-${p.port}`,
                    port: p.port,
                    targetPort: p.targetPort,
                    protocol: p.protocol,
                    expose: p.expose,
                    hostPort: p.hostPort,
                };
                assert.deepEqual(resolvePort(text), expected);
                // The structured spelling of the same port resolves identically.
                assert.deepEqual(resolvePort({ ...p }), expected);
            }),
            { numRuns: 1000 },
        );
    });

    it("resolvePort on any string returns or throws a RioInputError, nothing else", () => {
        for (const arb of [fc.string(), fc.fullUnicodeString()]) {
            fc.assert(
                fc.property(arb, (s) => {
                    try {
                        const p = resolvePort(s);
                        assert.ok(p.port >= 1 && p.port <= 65535);
                    } catch (e) {
                        assert.ok(e instanceof RioInputError, `resolvePort(${JSON.stringify(s)}) threw ${String(e)}`);
                    }
                }),
                { numRuns: 1000 },
            );
        }
    });

    it("any port number in range resolves to itself, out of range is rejected", () => {
        fc.assert(
            fc.property(fc.integer({ min: -100000, max: 200000 }), (n) => {
                if (n >= 1 && n <= 65535) {
                    assert.deepEqual(resolvePort(String(n)), {
                        name: `http-${n}`,
                        port: n,
                        targetPort: n,
                        protocol: "http",
                        expose: true,
                        hostPort: false,
                    });
                } else if (n < 0) {
                    expectRio(() => resolvePort(String(n)), [], `port "${n}" is not a number`);
                } else {
                    expectRio(() => resolvePort(String(n)), [], `port ${n} is out of range (1-65535)`);
                }
            }),
            { numRuns: 1000 },
        );
    });
});

describe("hostport binds the service port on the node, as Rio's containers.go did (HostPort = port.Port)", () => {
    it("8080:80,hostport=true listens on the node's 8080 and the container's 80", () => {
        const { planApp } = require("../../components/service/plan") as typeof import("../../components/service/plan");
        const { normalizeApp } =
            require("../../components/service/app") as typeof import("../../components/service/app");
        const { resolveContext } =
            require("../../components/service/context") as typeof import("../../components/service/context");
        const app = normalizeApp("web", { image: "nginx", ports: ["8080:80,hostport=true", "53/udp,hostport"] });
        const plan = planApp(app, resolveContext("ns", { domain: "example.com" }, { allow: ["hostPort"] }));
        const workload = plan.objects[0]!.object as unknown as {
            spec: { template: { spec: { containers: { ports: unknown }[] } } };
        };
        assert.deepEqual(workload.spec.template.spec.containers[0]!.ports, [
            { name: "http-8080", containerPort: 80, protocol: "TCP", hostPort: 8080 },
            { name: "udp-53", containerPort: 53, protocol: "UDP", hostPort: 53 },
        ]);
    });
});
