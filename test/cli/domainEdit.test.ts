/**
 * `rio domain register DOMAIN TARGET` and `rio domain unregister DOMAIN` as two settings that agree: the target's
 * `hostnames` in its Riofile and RioSystem's `domains`; the route then serves the name on the domain's listener.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planObjects, planRiofile } from "../../components/render/plan";
import { checkContent } from "../../components/cli/riofileEdit";
import {
    addHostname,
    hostnamesIn,
    parseDomain,
    parseDomainTarget,
    removeHostname,
    withSystemDomain,
} from "../../components/cli/domainEdit";
import { rioMessage } from "../support/rioError";

const CONTENT = {
    services: {
        shop: { image: "shop:1", ports: ["80"], version: "v1" },
        "shop-v2": { image: "shop:2", ports: ["80"], app: "shop", version: "v2" },
        web: { image: "web", ports: ["80"] },
    },
    routers: { front: { routes: [{ to: [{ app: "web" }] }] } },
};

const message = rioMessage;

/** The HTTPRoute an entry becomes, on a gateway whose custom domains are `domains`. */
function route(content: Record<string, unknown>, name: string, domains: string[]) {
    const plan = planRiofile(checkContent(content, "default"), {
        namespace: "default",
        gateway: { domain: "apps.example.com", listener: "https", customDomains: domains },
    });
    return planObjects(plan).find((p) => p.object.kind === "HTTPRoute" && p.object.metadata.name === name)!
        .object as unknown as { spec: { hostnames: string[]; parentRefs: { sectionName: string }[] } };
}

describe("rio domain register: the target's hostnames and RioSystem's domains", () => {
    it("an app: on the entry of the app, served on the domain's own listener", () => {
        const content = addHostname(CONTENT, parseDomainTarget("web"), parseDomain("WWW.Acme.io"), "default");
        assert.deepEqual((content.services as any).web, { image: "web", ports: ["80"], hostnames: ["www.acme.io"] });
        const r = route(content, "web", ["www.acme.io"]);
        assert.deepEqual(r.spec.hostnames, ["web-default.apps.example.com", "www.acme.io"]);
        assert.deepEqual(
            r.spec.parentRefs.map((p) => p.sectionName),
            ["https", "https-www.acme.io"],
        );
    });

    it("an app of several versions: on its first entry, or the one listing its hostnames already", () => {
        const one = addHostname(CONTENT, parseDomainTarget("shop"), "shop.acme.io", "default");
        assert.deepEqual((one.services as any).shop.hostnames, ["shop.acme.io"]);
        assert.equal((one.services as any)["shop-v2"].hostnames, undefined);
        const moved = {
            ...CONTENT,
            services: { ...CONTENT.services, "shop-v2": { ...CONTENT.services["shop-v2"], hostnames: ["a.acme.io"] } },
        };
        const two = addHostname(moved, parseDomainTarget("shop"), "shop.acme.io", "default");
        assert.deepEqual((two.services as any)["shop-v2"].hostnames, ["a.acme.io", "shop.acme.io"]);
        assert.deepEqual(route(two, "shop", ["a.acme.io", "shop.acme.io"]).spec.hostnames, [
            "shop-default.apps.example.com",
            "a.acme.io",
            "shop.acme.io",
        ]);
    });

    it("a router: its own hostnames", () => {
        const content = addHostname(CONTENT, parseDomainTarget("router/front"), "front.acme.io", "default");
        assert.deepEqual((content.routers as any).front, {
            routes: [{ to: [{ app: "web" }] }],
            hostnames: ["front.acme.io"],
        });
        assert.deepEqual(route(content, "front", ["front.acme.io"]).spec.hostnames, [
            "front-default.apps.example.com",
            "front.acme.io",
        ]);
        assert.deepEqual(hostnamesIn(content), [{ owner: "router/front", hostname: "front.acme.io" }]);
    });

    it("RioSystem's domains: added once, in order; removed", () => {
        const system = { domain: "apps.example.com", domains: ["a.acme.io"] };
        assert.deepEqual(withSystemDomain(system, "b.acme.io", true), {
            domain: "apps.example.com",
            domains: ["a.acme.io", "b.acme.io"],
        });
        assert.deepEqual(withSystemDomain(system, "a.acme.io", true), system);
        assert.deepEqual(withSystemDomain(system, "a.acme.io", false), { domain: "apps.example.com" });
    });

    it("targets: [ns:]app and [ns:]router/NAME", () => {
        assert.deepEqual(parseDomainTarget("team:web"), { namespace: "team", kind: "app", name: "web" });
        assert.deepEqual(parseDomainTarget("team:router/front"), { namespace: "team", kind: "router", name: "front" });
        assert.equal(parseDomain("publicdomain/WWW.acme.io"), "www.acme.io");
    });

    const errors: [string, () => unknown, string][] = [
        [
            "an app that is not there",
            () => addHostname(CONTENT, parseDomainTarget("api"), "api.acme.io", "default"),
            'no app "api" in namespace default (apps: shop, web)',
        ],
        [
            "a router that is not there",
            () => addHostname(CONTENT, parseDomainTarget("router/back"), "api.acme.io", "default"),
            'no router "back" in namespace default (routers: front)',
        ],
        [
            "a version",
            () => parseDomainTarget("shop@v2"),
            'TARGET "shop@v2": a domain is served by an app\'s route, which reaches its versions by their weights; register it to shop, or to a router that sends it to shop@v2',
        ],
        [
            "a wildcard",
            () => parseDomain("*.acme.io"),
            'DOMAIN "*.acme.io": register the names themselves; a wildcard needs DNS-01 in a managed zone',
        ],
        [
            "not a host name",
            () => parseDomain("www acme"),
            'DOMAIN "www acme": domain "www acme" is not a valid hostname (for example "app.example.com")',
        ],
    ];
    for (const [name, fn, expected] of errors) it(`refuses ${name}`, () => assert.equal(message(fn), expected));
});

describe("rio domain unregister", () => {
    it("takes the name off every entry listing it, an emptied list left out", () => {
        const registered = addHostname(
            addHostname(CONTENT, parseDomainTarget("web"), "www.acme.io", "default"),
            parseDomainTarget("router/front"),
            "front.acme.io",
            "default",
        );
        const removed = removeHostname(registered, "www.acme.io");
        assert.deepEqual((removed.services as any).web, { image: "web", ports: ["80"] });
        assert.deepEqual((removed.routers as any).front.hostnames, ["front.acme.io"]);
        assert.deepEqual(removeHostname(removeHostname(removed, "front.acme.io"), "x"), CONTENT);
    });

    it("leaves content without the name as it was (the same object)", () => {
        assert.equal(removeHostname(CONTENT, "www.acme.io"), CONTENT);
    });
});
