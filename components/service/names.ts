import { RioInputError } from "../errors";

/** RFC 1123 label, as Kubernetes requires of Service and namespace names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Throws unless `value` is a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters). */
export function assertDnsLabel(value: string, what: string): string {
    if (value.length > 63) {
        throw new RioInputError([], `${what} "${value}" is ${value.length} characters long; at most 63 are allowed`);
    }
    if (!DNS_LABEL.test(value)) {
        throw new RioInputError(
            [],
            `${what} "${value}" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
        );
    }
    return value;
}

/** RFC 1123 subdomain (dotted labels, at most 253 characters), as Kubernetes requires of ConfigMap and Secret names. */
export function assertDnsSubdomain(value: string, what: string): string {
    if (value.length > 253 || !value.split(".").every((l) => DNS_LABEL.test(l))) {
        throw new RioInputError(
            [],
            `${what} "${value}" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')`,
        );
    }
    return value;
}

/** A hostname a route may serve: DNS labels, optionally a leading `*.` wildcard. */
export function assertHostname(value: string, what: string): string {
    const bare = value.startsWith("*.") ? value.slice(2) : value;
    if (
        value.length > 253 ||
        !bare.includes(".") ||
        !bare.split(".").every((l) => DNS_LABEL.test(l) && l.length <= 63)
    ) {
        throw new RioInputError([], `${what} "${value}" is not a valid hostname (for example "app.example.com")`);
    }
    return value;
}

/** `*.<domain>` covers one more label: `shop.apps.example.com` needs nothing of its own, `www.example.com` does. */
export function coveredByWildcard(hostname: string, domain: string | undefined): boolean {
    return (
        domain !== undefined && hostname.endsWith(`.${domain}`) && !hostname.slice(0, -domain.length - 1).includes(".")
    );
}
