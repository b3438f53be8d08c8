/**
 * A real gateway controller and cert-manager act on what pulumi-rio creates: RioSystem's Gateway is accepted and
 * its wildcard certificate issued by the local CA, and every route of every example and compatibility Riofile is
 * Accepted with its references resolved, on each listener it names — read back from the status the controllers
 * write on the API server.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { planObjects, planRiofile } from "../../components/render/plan";
import { loadRiofile } from "../../components/riofile/load";
import { GATEWAY_NAME, IMPLEMENTATIONS, WILDCARD_SECRET } from "../../components/system/gateway";
import { CLOUDFLARE_TOKEN_SECRET } from "../../components/system/tls";
import { KEDA_HTTP } from "../../components/service/context";
import { render, riofiles } from "./admission";
import { startCertManager } from "./certManager";
import { ControlPlane, Process, waitFor } from "./controlPlane";
import {
    Condition,
    SYSTEM_NAMESPACE,
    TRAEFIK_STATUS_ADDRESS,
    assignEnvoyAddress,
    condition,
    startEnvoyGateway,
    startTraefik,
} from "./gateways";
import { namespaceObject } from "./harness";
import { applySystemObjects } from "./riofiles";

const ROOT = path.resolve(__dirname, "../../..");
const DOMAIN = "apps.example.com";
const ALLOW = ["hostPort", "hostNetwork", "hostPath", "privileged"] as const;
type Implementation = "traefik" | "envoy";

interface Obj {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
    spec?: Record<string, unknown>;
}

interface ParentRef {
    group?: string;
    kind?: string;
    name: string;
    namespace?: string;
    sectionName?: string;
}

interface RouteParentStatus {
    parentRef: ParentRef;
    controllerName: string;
    conditions: Condition[];
}

const ROUTE_KINDS = new Set(["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"]);
/** Envoy Gateway's policies report per ancestor (the Gateway or route they target), as routes report per parent. */
const POLICY_KINDS = new Set(["BackendTrafficPolicy", "SecurityPolicy", "ClientTrafficPolicy"]);

/**
 * The Gateway API extended features a route uses (the names conformance reports and a GatewayClass's
 * status.supportedFeatures lists), read from its spec.
 */
export function featuresUsed(route: Obj): Set<string> {
    const used = new Set<string>();
    const rules = (route.spec?.rules ?? []) as Record<string, any>[];
    for (const rule of rules) {
        if (rule.timeouts?.request !== undefined) used.add("HTTPRouteRequestTimeout");
        if (rule.timeouts?.backendRequest !== undefined) used.add("HTTPRouteBackendTimeout");
        for (const m of rule.matches ?? []) {
            if (m.queryParams) used.add("HTTPRouteQueryParamMatching");
            if (m.method) used.add("HTTPRouteMethodMatching");
        }
        const filters = [...(rule.filters ?? []), ...(rule.backendRefs ?? []).flatMap((b: any) => b.filters ?? [])];
        for (const f of filters) {
            if (f.type === "RequestMirror") used.add("HTTPRouteRequestMirror");
            if (f.type === "ResponseHeaderModifier") used.add("HTTPRouteResponseHeaderModification");
            if (f.type === "URLRewrite" && f.urlRewrite?.hostname) used.add("HTTPRouteHostRewrite");
            if (f.type === "URLRewrite" && f.urlRewrite?.path) used.add("HTTPRoutePathRewrite");
            if (f.type === "RequestRedirect" && f.requestRedirect?.scheme) used.add("HTTPRouteSchemeRedirect");
            if (f.type === "RequestRedirect" && f.requestRedirect?.port) used.add("HTTPRoutePortRedirect");
            if (f.type === "RequestRedirect" && f.requestRedirect?.path) used.add("HTTPRoutePathRedirect");
        }
    }
    for (const ref of (route.spec?.parentRefs ?? []) as { port?: number }[]) {
        if (ref.port !== undefined) used.add("HTTPRouteParentRefPort");
    }
    return used;
}

/** What the planner refuses on Traefik that is a Gateway API feature (the rest, faults and retry timeouts, are not). */
const REFUSED_ON_TRAEFIK = ["HTTPRouteRequestMirror", "HTTPRouteRequestTimeout"];

async function supportedFeatures(cp: ControlPlane, className: string): Promise<Set<string>> {
    const gc = await cp.kube.get(`/apis/gateway.networking.k8s.io/v1/gatewayclasses/${className}`);
    return new Set(((gc?.status?.supportedFeatures ?? []) as { name: string }[]).map((f) => f.name));
}

const sameParent = (a: ParentRef, b: ParentRef, ns: string) =>
    a.name === b.name &&
    (a.namespace ?? ns) === (b.namespace ?? ns) &&
    (a.sectionName ?? "") === (b.sectionName ?? "") &&
    (a.kind ?? "Gateway") === (b.kind ?? "Gateway");

/** How each parent's status reads: `rio-gateway/https: Accepted=True ResolvedRefs=True`. */
function describeParents(parents: RouteParentStatus[] | undefined): string {
    if (!parents?.length) return "no parent status";
    return parents
        .map(
            (p) =>
                `${p.parentRef.name}/${p.parentRef.sectionName ?? "*"}: ` +
                p.conditions
                    .map((c) => `${c.type}=${c.status}${c.status === "True" ? "" : ` (${c.message})`}`)
                    .join(" "),
        )
        .join("; ");
}

async function get(cp: ControlPlane, o: Obj, namespace: string) {
    const p = await cp.kube.resourcePath(o.apiVersion, o.kind, o.metadata.namespace ?? namespace, o.metadata.name);
    return cp.kube.get(p);
}

/** Waits until a route's every parentRef has this controller's Accepted and ResolvedRefs True; returns them. */
async function routeAccepted(cp: ControlPlane, proc: Process, route: Obj, ns: string, controller: string) {
    const refs = (route.spec?.parentRefs as ParentRef[] | undefined) ?? [];
    assert.ok(refs.length > 0, `${route.kind} ${route.metadata.name} names no parent`);
    let seen = "";
    return waitFor(
        `${route.kind} ${ns}/${route.metadata.name} to be Accepted with its references resolved`,
        async () => {
            if (!proc.alive()) throw new Error(`${proc.name} exited`);
            const live = await get(cp, route, ns);
            const parents = (live?.status?.parents as RouteParentStatus[] | undefined)?.filter(
                (p) => p.controllerName === controller,
            );
            seen = describeParents(parents);
            const ok = refs.every((ref) => {
                const p = parents?.find((s) => sameParent(s.parentRef, ref, ns));
                return (
                    condition(undefined, "Accepted", p?.conditions)?.status === "True" &&
                    condition(undefined, "ResolvedRefs", p?.conditions)?.status === "True"
                );
            });
            if (!ok) throw new Error(seen);
            return parents;
        },
        60_000,
    );
}

/** Waits until an Envoy Gateway policy is Accepted by every ancestor it reports on. */
async function policyAccepted(cp: ControlPlane, proc: Process, policy: Obj, ns: string, controller: string) {
    return waitFor(
        `${policy.kind} ${ns}/${policy.metadata.name} to be Accepted`,
        async () => {
            if (!proc.alive()) throw new Error(`${proc.name} exited`);
            const live = await get(cp, policy, ns);
            const ancestors = (
                live?.status?.ancestors as { controllerName: string; conditions: Condition[] }[] | undefined
            )?.filter((a) => a.controllerName === controller);
            if (!ancestors?.length) throw new Error("no ancestor status");
            const bad = ancestors.filter((a) => condition(undefined, "Accepted", a.conditions)?.status !== "True");
            if (bad.length) throw new Error(JSON.stringify(bad.map((a) => a.conditions)));
            return ancestors;
        },
        60_000,
    );
}

export function gatewaySuite(cluster: () => ControlPlane, implementation: Implementation) {
    const impl = IMPLEMENTATIONS[implementation];
    describe(`${implementation === "traefik" ? "Traefik" : "Envoy Gateway"} and cert-manager on the local control plane`, () => {
        let gateway: Process;
        let certManager: Process;
        /** The address the Gateway must publish (Traefik's configured one, or the proxy Service's). */
        let address: string;
        /** The Gateway API features of every route the controller accepted. */
        const accepted = new Set<string>();
        before(async () => {
            const cp = cluster();
            applySystemObjects(cp, implementation);
            // The Service the KEDA HTTP add-on's chart makes for its interceptor, which scale-to-zero routes send to
            // (the add-on itself runs in the autoscaling file, not here).
            cp.kube.apply({
                apiVersion: "v1",
                kind: "Service",
                metadata: { name: KEDA_HTTP.interceptor, namespace: SYSTEM_NAMESPACE },
                spec: {
                    selector: { "app.kubernetes.io/component": "interceptor" },
                    ports: [{ name: "http", port: KEDA_HTTP.interceptorPort, targetPort: "proxy" }],
                },
            });
            certManager = startCertManager(cp);
            if (implementation === "traefik") {
                gateway = await startTraefik(cp);
                address = TRAEFIK_STATUS_ADDRESS;
            } else {
                gateway = await startEnvoyGateway(cp);
                address = await assignEnvoyAddress(cp, GATEWAY_NAME);
            }
        });

        if (implementation === "traefik") {
            it("Traefik's GatewayClass lists as unsupported exactly the features the planner refuses on Traefik", async () => {
                const supported = await waitFor("the GatewayClass's supportedFeatures", async () => {
                    const f = await supportedFeatures(cluster(), impl.className);
                    return f.size > 0 ? f : undefined;
                });
                assert.ok(supported.has("HTTPRoute"), [...supported].join(", "));
                for (const feature of REFUSED_ON_TRAEFIK) assert.equal(supported.has(feature), false, feature);
            });
        } else {
            it("Envoy Gateway's GatewayClass lists no features (v1.9 leaves the experimental field unset)", async () => {
                const gc = await cluster().kube.get(
                    `/apis/gateway.networking.k8s.io/v1/gatewayclasses/${impl.className}`,
                );
                assert.equal(condition(gc, "Accepted")?.status, "True");
                assert.equal(gc.status.supportedFeatures, undefined);
            });
        }

        it("cert-manager issues the wildcard certificate for *.<domain>, signed by the local CA rio-ca", async () => {
            const cp = cluster();
            const cert = await waitFor(
                "Certificate rio-wildcard to be Ready",
                async () => {
                    if (!certManager.alive()) throw new Error(`cert-manager exited:\n${cp.logTail("cert-manager")}`);
                    const c = await cp.kube.get(
                        `/apis/cert-manager.io/v1/namespaces/${SYSTEM_NAMESPACE}/certificates/rio-wildcard`,
                    );
                    const ready = condition(c, "Ready");
                    if (ready?.status !== "True") throw new Error(JSON.stringify(ready ?? c?.status ?? "no status"));
                    return c;
                },
                120_000,
            );
            assert.equal(cert.spec.secretName, WILDCARD_SECRET);
            const secret = await cp.kube.get(`/api/v1/namespaces/${SYSTEM_NAMESPACE}/secrets/${WILDCARD_SECRET}`);
            assert.equal(secret.type, "kubernetes.io/tls");
            const leaf = new X509Certificate(Buffer.from(secret.data["tls.crt"], "base64"));
            assert.equal(leaf.subjectAltName, `DNS:*.${DOMAIN}, DNS:${DOMAIN}`);
            const caSecret = await cp.kube.get(`/api/v1/namespaces/${SYSTEM_NAMESPACE}/secrets/rio-ca-tls`);
            const ca = new X509Certificate(Buffer.from(caSecret.data["tls.crt"], "base64"));
            assert.equal(ca.subject, "CN=pulumi-rio local CA");
            assert.equal(ca.ca, true);
            assert.equal(leaf.issuer, ca.subject);
            assert.equal(leaf.verify(ca.publicKey), true, "the wildcard certificate is signed by rio-ca's key");
            const issuer = await cp.kube.get("/apis/cert-manager.io/v1/clusterissuers/rio-ca");
            assert.equal(condition(issuer, "Ready")?.status, "True");
        });

        it("the Let's Encrypt issuers find the Cloudflare token where RioSystem puts it, then need the internet", async () => {
            const cp = cluster();
            const issuers = render([
                "--system",
                "--domain",
                DOMAIN,
                "--cloudflare",
                "--email",
                "ops@example.com",
            ]).filter((o) => o.kind === "ClusterIssuer" && (o.metadata.name ?? "").startsWith("rio-letsencrypt"));
            assert.deepEqual(
                issuers.map((o) => o.metadata.name),
                ["rio-letsencrypt", "rio-letsencrypt-staging"],
            );
            const ready = (name: string, reason: string) =>
                waitFor(`ClusterIssuer ${name}'s Ready condition to say ${reason}`, async () => {
                    const c = condition(await cp.kube.get(`/apis/cert-manager.io/v1/clusterissuers/${name}`), "Ready");
                    if (c?.reason !== reason) throw new Error(JSON.stringify(c ?? "no Ready condition"));
                    return c;
                });
            cp.kube.apply(issuers);
            // Before the token exists, cert-manager names the very Secret (and key) RioSystem writes.
            for (const issuer of issuers) {
                const c = await ready(issuer.metadata.name!, "InvalidSolver");
                assert.equal(c.status, "False");
                assert.match(c.message ?? "", new RegExp(`failed to get secret "${CLOUDFLARE_TOKEN_SECRET.name}"`));
            }
            // The Secret as RioSystem makes it from the Pulumi secret cloudflare.apiToken.
            cp.kube.apply({
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: CLOUDFLARE_TOKEN_SECRET.name, namespace: SYSTEM_NAMESPACE },
                stringData: { [CLOUDFLARE_TOKEN_SECRET.key]: "not-a-real-token" },
            });
            for (const issuer of issuers) {
                // It then makes the account key and calls the ACME server, the one step that needs the internet.
                const c = await ready(issuer.metadata.name!, "ErrRegisterACMEAccount");
                assert.equal(c.status, "False");
                const key = await cp.kube.get(
                    `/api/v1/namespaces/${SYSTEM_NAMESPACE}/secrets/${issuer.metadata.name}-account-key`,
                );
                assert.ok(key?.data?.["tls.key"], `the account key of ${issuer.metadata.name} in ${SYSTEM_NAMESPACE}`);
            }
        });

        it("the Gateway is Accepted and every listener is Programmed with its references resolved", async () => {
            const cp = cluster();
            const gw = await waitFor(
                `Gateway ${GATEWAY_NAME}'s listeners to be Programmed`,
                async () => {
                    if (!gateway.alive()) throw new Error(`${gateway.name} exited`);
                    const g = await cp.kube.get(
                        `/apis/gateway.networking.k8s.io/v1/namespaces/${SYSTEM_NAMESPACE}/gateways/${GATEWAY_NAME}`,
                    );
                    const listeners = (g?.status?.listeners ?? []) as { name: string; conditions: Condition[] }[];
                    const states = listeners.map(
                        (l) => `${l.name}: ${l.conditions.map((c) => `${c.type}=${c.status}`).join(" ")}`,
                    );
                    const ok =
                        condition(g, "Accepted")?.status === "True" &&
                        listeners.length === g.spec.listeners.length &&
                        listeners.every((l) =>
                            ["Accepted", "ResolvedRefs", "Programmed"].every(
                                (t) => condition(undefined, t, l.conditions)?.status === "True",
                            ),
                        );
                    if (!ok) throw new Error(`${JSON.stringify(g?.status?.conditions)}; ${states.join("; ")}`);
                    return g;
                },
                120_000,
            );
            assert.deepEqual(gw.status.listeners.map((l: { name: string }) => l.name).sort(), ["http", "https"]);
            // RioSystem's gatewayAddress output waits on exactly this field (the Gateway's pulumi.com/waitFor).
            assert.equal(gw.status.addresses?.[0]?.value, address);
            assert.equal(condition(gw, "Programmed")?.status, "True");
            const redirect = { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute" };
            const live = await cp.kube.get(
                `/apis/gateway.networking.k8s.io/v1/namespaces/${SYSTEM_NAMESPACE}/httproutes/rio-https-redirect`,
            );
            await routeAccepted(cp, gateway, { ...redirect, ...live }, SYSTEM_NAMESPACE, impl.controllerName);
        });

        for (const file of riofiles()) {
            const area = path.basename(path.dirname(file));
            it(`${path.relative(ROOT, file)}: every route is Accepted with its references resolved`, async () => {
                const cp = cluster();
                const ns = `gw-${area}`;
                let objects: Obj[];
                try {
                    const plan = planRiofile(loadRiofile(file), {
                        namespace: ns,
                        gateway: { domain: DOMAIN, implementation },
                        allow: ALLOW,
                    });
                    objects = planObjects(plan).map((p) => p.object as Obj);
                } catch (e) {
                    // What Traefik cannot serve is refused by the planner, by name, before anything is applied.
                    assert.ok(e instanceof RioInputError, String(e));
                    assert.equal(implementation, "traefik", e.message);
                    return;
                }
                assert.ok(objects.length > 0, "the Riofile plans objects");
                cp.kube.apply(namespaceObject(ns, "privileged"));
                cp.kube.apply(objects);
                const routes = objects.filter((o) => ROUTE_KINDS.has(o.kind));
                const supported = await supportedFeatures(cp, impl.className);
                for (const r of routes) {
                    const used = featuresUsed(r);
                    if (implementation === "traefik") {
                        const unsupported = [...used].filter((f) => !supported.has(f));
                        assert.deepEqual(unsupported, [], `${r.kind} ${r.metadata.name} uses what Traefik lacks`);
                    }
                    await routeAccepted(cp, gateway, r, ns, impl.controllerName);
                    for (const f of used) accepted.add(f);
                }
                for (const p of objects.filter((o) => POLICY_KINDS.has(o.kind)))
                    await policyAccepted(cp, gateway, p, ns, impl.controllerName);
            });
        }

        if (implementation === "envoy") {
            it("the features the planner refuses on Traefik are in routes Envoy Gateway accepted", () => {
                for (const feature of REFUSED_ON_TRAEFIK) assert.ok(accepted.has(feature), feature);
            });
        }
    });
}
