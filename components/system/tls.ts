import { KubeObject } from "../kube/object";
import { ACME_SERVERS, SystemSettings } from "./settings";
import { domainSecret, GATEWAY_NAME, systemLabels, WILDCARD_SECRET } from "./gateway";

/** The ClusterIssuer the wildcard certificate (and anything else) uses. */
export const ISSUER = {
    letsencrypt: "rio-letsencrypt",
    letsencryptStaging: "rio-letsencrypt-staging",
    http01: "rio-letsencrypt-http01",
    selfSigned: "rio-selfsigned",
    ca: "rio-ca",
};
/** The Secret holding the Cloudflare API token cert-manager solves DNS-01 with (in cert-manager's namespace). */
export const CLOUDFLARE_TOKEN_SECRET = { name: "rio-cloudflare-api-token", key: "api-token" };
const CA_SECRET = "rio-ca-tls";

export interface TlsPlan {
    /** Objects that need cert-manager's CRDs. */
    objects: KubeObject[];
    /** The issuer the wildcard certificate uses. */
    issuer: string;
    /** The wildcard Certificate, apart: its names may wait for the gateway address. */
    certificate: (domain: string) => KubeObject;
}

function acmeIssuer(name: string, server: string, s: SystemSettings): KubeObject {
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name, labels: systemLabels("tls") },
        spec: {
            acme: {
                server,
                email: s.email,
                privateKeySecretRef: { name: `${name}-account-key` },
                solvers: [
                    {
                        selector: { dnsZones: [s.cloudflare?.zone ?? s.domain] },
                        dns01: {
                            cloudflare: {
                                apiTokenSecretRef: {
                                    name: CLOUDFLARE_TOKEN_SECRET.name,
                                    key: CLOUDFLARE_TOKEN_SECRET.key,
                                },
                            },
                        },
                    },
                ],
            },
        },
    };
}

/** A custom domain is in the Cloudflare zone (DNS-01, like the wildcard). */
function inZone(s: SystemSettings, d: string): boolean {
    return s.cloudflare !== undefined && (d === s.cloudflare.zone || d.endsWith(`.${s.cloudflare.zone}`));
}

/**
 * Some certificate is solved over HTTP-01 through the Gateway: a custom domain outside the Cloudflare zone, with
 * Let's Encrypt. cert-manager's Gateway API support must then be on (charts.ts).
 */
export function usesGatewayHttp01(s: SystemSettings): boolean {
    return s.cloudflare !== undefined && s.domains.some((d) => !inZone(s, d));
}

/**
 * cert-manager objects. With a Cloudflare zone: Let's Encrypt production and staging ClusterIssuers solving
 * DNS-01 (wildcards need DNS-01). Without one (the local stack): a self-signed root, a CA Certificate and a CA
 * ClusterIssuer, so the local stack needs no account. Either way one wildcard Certificate for `*.<domain>` and
 * `<domain>` serves every service and preview: no per-service ACME order.
 */
export function planTls(s: SystemSettings): TlsPlan {
    const acme = s.cloudflare !== undefined;
    const objects: KubeObject[] = acme
        ? [
              acmeIssuer(ISSUER.letsencrypt, ACME_SERVERS.production, s),
              acmeIssuer(ISSUER.letsencryptStaging, ACME_SERVERS.staging, s),
          ]
        : [
              {
                  apiVersion: "cert-manager.io/v1",
                  kind: "ClusterIssuer",
                  metadata: { name: ISSUER.selfSigned, labels: systemLabels("tls") },
                  spec: { selfSigned: {} },
              },
              {
                  apiVersion: "cert-manager.io/v1",
                  kind: "Certificate",
                  metadata: { name: "rio-ca", namespace: s.namespace, labels: systemLabels("tls") },
                  spec: {
                      isCA: true,
                      commonName: "pulumi-rio local CA",
                      secretName: CA_SECRET,
                      duration: "87600h",
                      privateKey: { algorithm: "ECDSA", size: 256 },
                      issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: ISSUER.selfSigned },
                  },
              },
              {
                  apiVersion: "cert-manager.io/v1",
                  kind: "ClusterIssuer",
                  metadata: { name: ISSUER.ca, labels: systemLabels("tls") },
                  spec: { ca: { secretName: CA_SECRET } },
              },
          ];
    const issuer = acme ? (s.acmeServer === "staging" ? ISSUER.letsencryptStaging : ISSUER.letsencrypt) : ISSUER.ca;
    // Custom domains: in the Cloudflare zone, DNS-01 like the wildcard; outside it, HTTP-01 through the Gateway
    // (cert-manager answers the challenge on the domain's HTTP listener); without ACME, the local CA.
    if (usesGatewayHttp01(s)) {
        objects.push({
            apiVersion: "cert-manager.io/v1",
            kind: "ClusterIssuer",
            metadata: { name: ISSUER.http01, labels: systemLabels("tls") },
            spec: {
                acme: {
                    server: ACME_SERVERS[s.acmeServer],
                    email: s.email,
                    privateKeySecretRef: { name: `${ISSUER.http01}-account-key` },
                    solvers: [
                        {
                            http01: {
                                gatewayHTTPRoute: {
                                    parentRefs: [
                                        {
                                            group: "gateway.networking.k8s.io",
                                            kind: "Gateway",
                                            name: GATEWAY_NAME,
                                            namespace: s.namespace,
                                        },
                                    ],
                                },
                            },
                        },
                    ],
                },
            },
        });
    }
    for (const d of s.domains) {
        objects.push({
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: {
                name: `rio-domain-${d.replace(/\./g, "-")}`,
                namespace: s.namespace,
                labels: systemLabels("tls"),
            },
            spec: {
                secretName: domainSecret(d),
                dnsNames: [d],
                issuerRef: {
                    group: "cert-manager.io",
                    kind: "ClusterIssuer",
                    name: !acme ? ISSUER.ca : inZone(s, d) ? issuer : ISSUER.http01,
                },
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            },
        });
    }
    return {
        objects,
        issuer,
        certificate: (domain) => ({
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: "rio-wildcard", namespace: s.namespace, labels: systemLabels("tls") },
            spec: {
                secretName: WILDCARD_SECRET,
                dnsNames: [`*.${domain}`, domain],
                issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: issuer },
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            },
        }),
    };
}
