/** One Cloudflare DNS record RioSystem manages. */
export interface DnsRecordSpec {
    /** Resource-name suffix. */
    role: string;
    /** Fully qualified (Cloudflare returns FQDNs; relative names drift). */
    name: string;
}

/** `*.<domain>` and `<domain>`, both pointing at the gateway. */
export function dnsRecords(domain: string): DnsRecordSpec[] {
    return [
        { role: "wildcard", name: `*.${domain}` },
        { role: "apex", name: domain },
    ];
}

/** The record type for the gateway's address: A for IPv4, AAAA for IPv6, CNAME for a hostname (e.g. an ELB). */
export function recordType(address: string): "A" | "AAAA" | "CNAME" {
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) return "A";
    if (address.includes(":")) return "AAAA";
    return "CNAME";
}

/** The sslip.io domain for a gateway address: `1.2.3.4` → `1.2.3.4.sslip.io` (what Rio's on-rio.io rdns gave). */
export function sslipDomain(address: string): string {
    return recordType(address) === "AAAA" ? `${address.replace(/:/g, "-")}.sslip.io` : `${address}.sslip.io`;
}
