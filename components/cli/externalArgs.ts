/**
 * `rio external create [ns:]NAME TARGET…` as the Riofile's `externalservices.<NAME>` (Rio's
 * `cli/cmd/externalservice`, rio.md §1.9): IP addresses (one or more), one DNS name, an app or version
 * (`[ns:]app[@version]`) or a router (`[ns:]router/NAME`), usually of another namespace. The loader checks the
 * keys; errors name the argument.
 */
import { isIP } from "net";
import { RioInputError } from "../errors";
import { parseServiceName, ServiceName } from "./serviceName";
import { RiofileContent } from "./riofileEdit";

/** The external service's spec a target list describes. */
export function externalSpec(targets: readonly string[]): Record<string, unknown> {
    if (targets.length === 0)
        throw new RioInputError(
            [],
            "external create: expected NAME TARGET… (IP addresses, a DNS name, [ns:]app[@version] or [ns:]router/NAME)",
        );
    const ips = targets.filter((t) => isIP(t) !== 0);
    if (ips.length === targets.length) return { ipAddresses: [...targets] };
    if (targets.length > 1) {
        const other = targets.find((t) => isIP(t) === 0)!;
        throw new RioInputError(
            [],
            `TARGET "${other}": several targets are IP addresses only; a DNS name, an app or a router is one target`,
        );
    }
    const target = targets[0]!;
    const router = /^(?:([^:/]*):)?router\/(.*)$/.exec(target);
    if (router) {
        const name = parseServiceName(
            `${router[1] !== undefined ? `${router[1]}:` : ""}${router[2]}`,
            `TARGET "${target}"`,
        );
        if (name.version !== undefined) throw new RioInputError([], `TARGET "${target}": a router has no versions`);
        return {
            targetRouter: name.app,
            ...(name.namespace !== undefined && { targetServiceNamespace: name.namespace }),
        };
    }
    // A name with a dot and nothing of Rio's service grammar (ns:, @version) is a DNS name.
    if (target.includes(".") && !/[:@]/.test(target)) return { fqdn: target };
    const app = parseServiceName(target, `TARGET "${target}"`);
    return {
        targetApp: app.app,
        ...(app.version !== undefined && { targetVersion: app.version }),
        ...(app.namespace !== undefined && { targetServiceNamespace: app.namespace }),
    };
}

/** `[ns:]NAME` of the external service. */
export function externalName(text: string): ServiceName {
    const name = parseServiceName(text, `NAME "${text}"`);
    if (name.version !== undefined) throw new RioInputError([], `NAME "${text}": an external service has no versions`);
    return name;
}

/** The content with the external service put in place (replacing one of that name). */
export function putExternal(
    content: RiofileContent,
    name: string,
    spec: Record<string, unknown>,
): { content: RiofileContent; updated: boolean } {
    const section = (content.externalservices ?? {}) as Record<string, unknown>;
    return {
        content: { ...content, externalservices: { ...section, [name]: spec } },
        updated: Object.hasOwn(section, name),
    };
}

/** An error of the loader about the new entry, naming the argument instead of the key. */
export function asExternalError(e: RioInputError, name: string, targets: readonly string[]): RioInputError {
    const [section, entry, key, index] = e.path;
    if (section !== "externalservices" || entry !== name) return e;
    if (key === "ipAddresses" && typeof index === "number")
        return new RioInputError([], `TARGET "${targets[index]}": ${e.detail}`);
    if (key === undefined && /^external service name/.test(e.detail)) return new RioInputError([], `NAME: ${e.detail}`);
    return new RioInputError([], `TARGET "${targets.join(" ")}": ${e.detail}`);
}
