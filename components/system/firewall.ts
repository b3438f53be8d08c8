/** One inbound rule of the firewall in front of the gateway's Civo load balancer. */
export interface FirewallRuleSpec {
    label: string;
    port: number;
    /** `"cloudflare"`: Cloudflare's published IPv4 ranges, read at deploy time. */
    from: "anywhere" | "cloudflare";
}

/** The Civo cloud controller attaches an existing firewall to a LoadBalancer Service's load balancer by this annotation. */
export const CIVO_FIREWALL_ANNOTATION = "kubernetes.civo.com/firewall-id";

/**
 * HTTP and HTTPS into the gateway's load balancer: from everywhere, or — when Cloudflare proxies the records —
 * only from Cloudflare, so the origin cannot be reached around the proxy.
 */
export function gatewayFirewallRules(proxied: boolean): FirewallRuleSpec[] {
    const from = proxied ? ("cloudflare" as const) : ("anywhere" as const);
    return [
        { label: "http", port: 80, from },
        { label: "https", port: 443, from },
    ];
}
