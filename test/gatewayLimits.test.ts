/**
 * What the real API server refused in the cluster tier's admission check, refused here first, at its key: an
 * empty header value in a router's header edits (the CRD's minLength 1) and a service on more hostnames than one
 * HTTPRoute takes (maxItems 16).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRiofile } from "../components/riofile/load";
import { planRiofile } from "../components/render/plan";

const TARGET = { namespace: "demo", gateway: { domain: "apps.example.com" } };

function refusal(text: string): string {
    try {
        planRiofile(parseRiofile(text, "Riofile"), TARGET);
    } catch (e) {
        return (e as Error).message;
    }
    return "no error";
}

describe("Gateway API limits the API server enforces", () => {
    it("refuses an empty header value in a router's headers.add, at its key", () => {
        const text = [
            "services:",
            "  web:",
            "    image: nginx",
            "    ports: 80:8080/http",
            "routers:",
            "  front:",
            "    routes:",
            "      - to:",
            "          - app: web",
            "        headers:",
            "          add:",
            '            X-Empty: ""',
            "",
        ].join("\n");
        assert.equal(
            refusal(text),
            "Riofile:12:22 routers.front.routes[0].headers.add.X-Empty: a header value may not be empty (Gateway API requires at least 1 character)",
        );
    });

    it("refuses a header value Gateway API's pattern refuses (a leading blank, non-ASCII), at its key", () => {
        for (const value of ['" x"', '"é"']) {
            const text = [
                "services:",
                "  web:",
                "    image: nginx",
                "    ports: 80:8080/http",
                "routers:",
                "  front:",
                "    routes:",
                "      - to:",
                "          - app: web",
                "        headers:",
                "          set:",
                `            X-Odd: ${value}`,
                "",
            ].join("\n");
            assert.equal(
                refusal(text),
                "Riofile:12:20 routers.front.routes[0].headers.set.X-Odd: a header value must be printable ASCII with single inner spaces and no leading or trailing blank (Gateway API's pattern)",
            );
        }
    });

    it("refuses a 17th hostname of a service (16 per HTTPRoute, the app's own included), at that hostname", () => {
        const hosts = Array.from({ length: 16 }, (_, i) => `      - h${i}.apps.example.com`);
        const text = [
            "services:",
            "  web:",
            "    image: nginx",
            "    ports: 80:8080/http",
            "    hostnames:",
            ...hosts,
            "",
        ];
        assert.equal(
            refusal(text.join("\n")),
            "Riofile:21:9 services.web.hostnames[15]: with web-demo.apps.example.com the app would be served on 17 hostnames; an HTTPRoute takes at most 16 (Gateway API maxItems): serve the others through a router",
        );
        // Fifteen of its own and the app's hostname: exactly the limit, admitted.
        assert.equal(refusal(text.slice(0, -2).join("\n")), "no error");
    });
});
