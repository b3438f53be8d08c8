import { RioInputError, under } from "../errors";

/** Rio's port protocols. `http`, `http2` and `grpc` are routed through the gateway; the rest are plain L4. */
export const PortProtocols = ["http", "http2", "grpc", "tcp", "udp", "sctp"] as const;
export type PortProtocol = (typeof PortProtocols)[number];

/** A port in Rio's structured form (the Riofile's object spelling of a port). */
export interface PortSpec {
    /** The Service port. Defaults to `targetPort`. */
    port?: number;
    /** The container port. Defaults to `port`. */
    targetPort?: number;
    /** Default `http`. */
    protocol?: PortProtocol;
    /** Port name; defaults to `<protocol>-<port>`. At most 15 characters (IANA service name). */
    name?: string;
    /** Publish through the gateway. Default: `true` for http/http2/grpc, `false` otherwise. */
    expose?: boolean;
    /** Also bind the node's port `port` (the service port, as Rio did) to the container port (`hostPort`). Default `false`. */
    hostPort?: boolean;
}

/** A fully resolved port. */
export interface Port {
    name: string;
    port: number;
    targetPort: number;
    protocol: PortProtocol;
    expose: boolean;
    hostPort: boolean;
    /** The sidecar (`containers[].name`) that listens on it; the main container when absent. */
    container?: string;
}

const HTTP_FAMILY: ReadonlySet<PortProtocol> = new Set(["http", "http2", "grpc"]);

export function isHttpFamily(protocol: PortProtocol): boolean {
    return HTTP_FAMILY.has(protocol);
}

function parsePortNumber(text: string, what: string): number {
    if (!/^\d+$/.test(text)) throw new RioInputError([], `${what} "${text}" is not a number`);
    const n = Number(text);
    if (n < 1 || n > 65535) throw new RioInputError([], `${what} ${n} is out of range (1-65535)`);
    return n;
}

function parseProtocol(text: string): PortProtocol {
    const p = text.toLowerCase();
    if (!(PortProtocols as readonly string[]).includes(p)) {
        throw new RioInputError([], `unknown protocol "${text}"; expected one of ${PortProtocols.join(", ")}`);
    }
    return p as PortProtocol;
}

/**
 * Parses Rio's port string `[port:]targetPort`... precisely, as Rio's own parser does:
 * `PORT[:TARGETPORT][/PROTOCOL][,OPTION...]` where PORT is the Service port, TARGETPORT the container port
 * (default PORT), PROTOCOL one of {@link PortProtocols} (default http), and each OPTION is `name=N`, a bare
 * name, `expose`, `expose=false`, `internal` (same as `expose=false`) or `hostport`.
 */
export function parsePortString(spec: string): PortSpec {
    const [head, ...options] = spec.trim().split(",");
    if (head === undefined || head.trim() === "") throw new RioInputError([], `empty port "${spec}"`);
    const out: PortSpec = {};
    for (const raw of options) {
        const opt = raw.trim();
        const eq = opt.indexOf("=");
        const key = (eq < 0 ? opt : opt.slice(0, eq)).trim();
        const value = eq < 0 ? "" : opt.slice(eq + 1).trim();
        switch (key) {
            case "":
                throw new RioInputError([], `empty option in port "${spec}"`);
            case "name":
                out.name = value;
                break;
            case "expose":
                if (value !== "" && value !== "true" && value !== "false" && value !== "internal") {
                    throw new RioInputError([], `expose must be true, false or internal, not "${value}"`);
                }
                out.expose = value === "" || value === "true";
                break;
            case "internal":
                if (value !== "" && value !== "true" && value !== "false")
                    throw new RioInputError([], `internal must be true or false, not "${value}"`);
                out.expose = value === "false";
                break;
            case "hostport":
                if (value !== "" && value !== "true" && value !== "false") {
                    throw new RioInputError([], `hostport must be true or false, not "${value}"`);
                }
                out.hostPort = value !== "false";
                break;
            default:
                if (eq >= 0)
                    throw new RioInputError(
                        [],
                        `unknown port option "${key}" (expected name, expose, internal or hostport)`,
                    );
                out.name = key;
        }
    }
    const slash = head.indexOf("/");
    const ports = slash < 0 ? head : head.slice(0, slash);
    if (slash >= 0) out.protocol = parseProtocol(head.slice(slash + 1).trim());
    const colon = ports.indexOf(":");
    if (colon < 0) {
        out.port = parsePortNumber(ports.trim(), "port");
    } else {
        out.port = parsePortNumber(ports.slice(0, colon).trim(), "port");
        out.targetPort = parsePortNumber(ports.slice(colon + 1).trim(), "target port");
    }
    return out;
}

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Fills Rio's defaults into one port and checks it. */
export function resolvePort(input: string | number | PortSpec): Port {
    const spec: PortSpec =
        typeof input === "string"
            ? parsePortString(input)
            : typeof input === "number"
              ? parsePortString(String(input))
              : input;
    const port = spec.port ?? spec.targetPort;
    const targetPort = spec.targetPort ?? spec.port;
    if (port === undefined || targetPort === undefined) throw new RioInputError([], "a port needs port or targetPort");
    for (const [what, n] of [
        ["port", port],
        ["targetPort", targetPort],
    ] as const) {
        if (!Number.isInteger(n) || n < 1 || n > 65535)
            throw new RioInputError([], `${what} ${n} is out of range (1-65535)`);
    }
    const protocol = spec.protocol === undefined ? "http" : parseProtocol(spec.protocol);
    const name = spec.name ?? `${protocol}-${port}`;
    if (name.length > 15 || !PORT_NAME.test(name) || !/[a-z]/.test(name)) {
        throw new RioInputError(
            [],
            `port name "${name}" must be at most 15 lowercase letters, digits and '-', with at least one letter`,
        );
    }
    const expose = spec.expose ?? isHttpFamily(protocol);
    if (expose && !isHttpFamily(protocol)) {
        // Gateway API needs TCPRoute/UDPRoute (experimental channel) for L4; refuse rather than drop traffic silently.
        throw new RioInputError(
            [],
            `a ${protocol} port cannot be exposed through the gateway (only http, http2 and grpc are); remove expose or use an HTTP protocol`,
        );
    }
    return { name, port, targetPort, protocol, expose, hostPort: spec.hostPort ?? false };
}

/** Resolves a service's `ports` (a string, a number or a list of either or of {@link PortSpec}). */
export function resolvePorts(input: string | number | readonly (string | number | PortSpec)[] | undefined): Port[] {
    if (input === undefined) return [];
    const single = !Array.isArray(input);
    const list = single ? [input as string | number] : (input as readonly (string | number | PortSpec)[]);
    // A single port written as a scalar has no index in the user's file.
    const at = (i: number) => (single ? [] : [i]);
    const ports = list.map((p, i) => under(at(i), () => resolvePort(p)));
    const seenPort = new Map<string, number>();
    const seenName = new Map<string, number>();
    ports.forEach((p, i) => {
        const key = `${p.port}/${kubeProtocol(p)}`;
        const prev = seenPort.get(key);
        if (prev !== undefined) throw new RioInputError(at(i), `port ${p.port} is already declared by ports[${prev}]`);
        seenPort.set(key, i);
        const prevName = seenName.get(p.name);
        if (prevName !== undefined)
            throw new RioInputError(at(i), `port name "${p.name}" is already used by ports[${prevName}]`);
        seenName.set(p.name, i);
    });
    return ports;
}

/** The L4 protocol Kubernetes carries a port on. */
export function kubeProtocol(p: Pick<Port, "protocol">): "TCP" | "UDP" | "SCTP" {
    return p.protocol === "udp" ? "UDP" : p.protocol === "sctp" ? "SCTP" : "TCP";
}
