/**
 * `rio config create|update [-k KEY] [-l k=v]… [ns:]NAME FILE|-` → the Riofile's `configs.<NAME>`, and the
 * ConfigMap the planner makes of it; `rio cat`'s output; then the errors, each naming what was typed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { planObjects, planRiofile } from "../../components/render/plan";
import { checkContent, contentOf, textOf } from "../../components/cli/riofileEdit";
import {
    asConfigError,
    catTarget,
    catText,
    configName,
    configText,
    configUsers,
    createConfig,
    parseLabels,
    updateConfig,
} from "../../components/cli/configEdit";
import { removeNames, splitKind } from "../../components/cli/riofileEdit";
import { rioMessage } from "../support/rioError";

const message = rioMessage;

const NGINX = "server {\n  listen 8080;\n}\n";
const CONTENT = { services: { web: { image: "nginx", ports: ["80"] } } };

/** The ConfigMaps a content plans. */
const configMaps = (content: Record<string, unknown>) =>
    planObjects(planRiofile(checkContent(content, "default"), { namespace: "default", gateway: { domain: "apps.io" } }))
        .map((p) => p.object)
        .filter((o) => o.kind === "ConfigMap");

describe("rio config create: a config holding a file's text under one key", () => {
    it("the text under content (Rio's default key), the labels as the ConfigMap's, after pulumi-rio's own", () => {
        const content = createConfig(
            CONTENT,
            { name: "site", key: "content", text: NGINX, labels: parseLabels(["team=web", "tier=front"])! },
            "default",
        );
        assert.deepEqual(content.configs, {
            site: { labels: { team: "web", tier: "front" }, content: NGINX },
        });
        assert.deepEqual(configMaps(content), [
            {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: {
                    name: "site",
                    namespace: "default",
                    labels: { "app.kubernetes.io/managed-by": "pulumi-rio", team: "web", tier: "front" },
                },
                data: { content: NGINX },
            },
        ]);
    });

    it("kept in the stack as a literal block, and read back the same", () => {
        const content = createConfig({}, { name: "nginx.conf", key: "default.conf", text: NGINX }, "default");
        const text = textOf(checkContent(content, "default"));
        assert.equal(
            text,
            [
                "configs:",
                "  nginx.conf:",
                "    default.conf: |",
                "      server {",
                "        listen 8080;",
                "      }",
                "",
            ].join("\n"),
        );
        assert.deepEqual(contentOf(text, "default"), content);
    });

    it("a name taken is an error: update changes it", () => {
        const content = createConfig({}, { name: "site", key: "content", text: "a" }, "default");
        assert.equal(
            message(() => createConfig(content, { name: "site", key: "content", text: "b" }, "team")),
            'config "site" exists in namespace team already; rio config update changes it',
        );
    });
});

describe("rio config update: one key's text, the config's other keys kept", () => {
    const base = createConfig({}, { name: "site", key: "content", text: NGINX, labels: { team: "web" } }, "default");

    it("a new key joins, the labels stay without -l", () => {
        const content = updateConfig(base, { name: "site", key: "index.html", text: "<h1>hi</h1>\n" }, "default");
        assert.deepEqual(content.configs, {
            site: { labels: { team: "web" }, content: NGINX, "index.html": "<h1>hi</h1>\n" },
        });
    });

    it("the same key replaced; -l replaces the labels, as Rio's did", () => {
        const content = updateConfig(
            base,
            { name: "site", key: "content", text: "other", labels: { tier: "back" } },
            "default",
        );
        assert.deepEqual(content.configs, { site: { labels: { tier: "back" }, content: "other" } });
    });

    it("a config that is not there is an error naming the namespace's", () => {
        assert.equal(
            message(() => updateConfig(base, { name: "sit", key: "content", text: "x" }, "default")),
            'no config "sit" in namespace default (configs: site); rio config create makes one',
        );
        assert.equal(
            message(() => updateConfig({}, { name: "site", key: "content", text: "x" }, "default")),
            'no config "site" in namespace default (configs: none); rio config create makes one',
        );
    });
});

describe("rio config's arguments and flags", () => {
    it("[ns:]NAME, a DNS subdomain", () => {
        assert.deepEqual(configName("nginx.conf"), { app: "nginx.conf" });
        assert.deepEqual(configName("team:site"), { namespace: "team", app: "site" });
        assert.equal(
            message(() => configName("Site")),
            `NAME "Site": name "Site" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')`,
        );
    });

    it("-l KEY=VALUE, repeated or comma-separated; none given is undefined", () => {
        assert.deepEqual(parseLabels(["team=web", "tier=front,env=prod"]), { team: "web", tier: "front", env: "prod" });
        assert.deepEqual(parseLabels(["empty="]), { empty: "" });
        assert.equal(parseLabels(undefined), undefined);
        assert.equal(parseLabels([]), undefined);
        assert.equal(
            message(() => parseLabels(["team"])),
            '--label "team": expected KEY=VALUE',
        );
        assert.equal(
            message(() => parseLabels(["=web"])),
            '--label "=web": expected KEY=VALUE',
        );
    });

    it("a file's text; one that is not UTF-8 is refused (Rio base64-encoded it silently)", () => {
        assert.equal(configText(Buffer.from("héllo\n"), "a.txt"), "héllo\n");
        assert.equal(
            message(() => configText(Buffer.from([0xff, 0xfe, 0x00]), "logo.png")),
            'FILE "logo.png": is not UTF-8 text; a config holds text (encode it first, e.g. base64, or keep it in a Secret)',
        );
    });

    it("the loader's errors about the entry name the flag or argument", () => {
        const change = { name: "site", key: "a/b", text: "x", labels: { tier: "front end" } };
        const errors = [
            new RioInputError(["configs", "site", "a/b"], "a config key may only contain letters"),
            new RioInputError(["configs", "site", "labels", "tier"], 'label value "front end" must be…'),
            new RioInputError(["configs", "site"], 'config name "site" is bad'),
            new RioInputError(["services", "web"], "unrelated"),
        ];
        assert.deepEqual(
            errors.map((e) => asConfigError(e, change).message),
            [
                '--key "a/b": a config key may only contain letters',
                '--label tier: label value "front end" must be…',
                'NAME "site": config name "site" is bad',
                "services.web: unrelated",
            ],
        );
    });

    it("a bad key or label is caught by the loader itself", () => {
        const badKey = createConfig({}, { name: "site", key: "a/b", text: "x" }, "default");
        assert.equal(
            message(() => checkContent(badKey, "default")),
            `configs.site["a/b"]: a config key may only contain letters, digits, '-', '_' and '.'`,
        );
        const badLabel = createConfig(
            {},
            { name: "site", key: "content", text: "x", labels: { tier: "a b" } },
            "default",
        );
        assert.equal(
            message(() => checkContent(badLabel, "default")),
            `configs.site.labels.tier: label value "a b" must be at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
        );
    });
});

describe("rio config rm: a config a service still mounts is refused, naming the services", () => {
    const SITE = { site: { content: NGINX }, other: { content: "x" } };
    const withServices = (services: Record<string, unknown>) => ({ services, configs: SITE });
    /** `rio rm`'s arguments as removeNames takes them (`rio config rm NAME` is `configmap/NAME`). */
    const rm = (...texts: string[]) =>
        texts.map((t) => {
            const { kind, rest } = splitKind(t);
            return { ...(kind !== undefined && { kind }), name: { app: rest } };
        });
    const used = (users: string) => `config "site" is used by ${users}: remove it from them first`;
    const cases: [string, Record<string, unknown>, string[], string][] = [
        [
            "name:/path",
            { web: { image: "nginx", configs: ["site:/etc/site"] } },
            ["configmap/site"],
            used("services.web (configs)"),
        ],
        [
            "name/key:/path",
            { web: { image: "nginx", configs: ["site/content:/etc/nginx/conf.d/default.conf"] } },
            ["configmap/site"],
            used("services.web (configs)"),
        ],
        [
            "the { name, key, target } form",
            { web: { image: "nginx", configs: [{ name: "site", key: "content", target: "/etc/site" }] } },
            ["configmap/site"],
            used("services.web (configs)"),
        ],
        [
            "one mount as a string",
            { web: { image: "nginx", configs: "site:/etc/site" } },
            ["configmap/site"],
            used("services.web (configs)"),
        ],
        [
            "Rio's config spelling",
            { web: { image: "nginx", config: ["site:/etc/site"] } },
            ["configmap/site"],
            used("services.web (config)"),
        ],
        [
            "a sidecar's mount",
            { web: { image: "nginx", containers: [{ name: "proxy", image: "envoy", configs: ["site:/etc/site"] }] } },
            ["configmap/site"],
            used("services.web.containers.0 (configs)"),
        ],
        [
            "several services, each named (config/NAME too)",
            {
                web: { image: "nginx", configs: ["other:/etc/other", "site:/etc/site"] },
                api: { image: "api" },
                "web-v2": { app: "web", version: "v2", image: "nginx:2", configs: ["site/content:/etc/site"] },
            },
            ["config/site"],
            used("services.web (configs), services.web-v2 (configs)"),
        ],
        [
            "removed with the service that mounts it, in either order",
            { web: { image: "nginx", configs: ["site:/etc/site"] }, api: { image: "api" } },
            ["web", "configmap/site"],
            "accepted",
        ],
        [
            "the service after the config",
            { web: { image: "nginx", configs: ["site:/etc/site"] } },
            ["configmap/site", "web"],
            "accepted",
        ],
        [
            "another config mounted, or a name that only starts the same",
            { web: { image: "nginx", configs: ["other:/etc/other", "site.conf:/etc/x", "sites/a:/etc/y"] } },
            ["configmap/site"],
            "accepted",
        ],
        [
            "a Secret of that name mounted",
            { web: { image: "nginx", secrets: ["site:/etc/site"] } },
            ["configmap/site"],
            "accepted",
        ],
        [
            "another kind removed: unchanged",
            { web: { image: "nginx", configs: ["site:/etc/site"] }, api: { image: "api" } },
            ["api"],
            "accepted",
        ],
    ];
    for (const [name, services, names, expected] of cases)
        it(name, () => {
            const content = withServices(services);
            const before = structuredClone(content);
            assert.equal(
                message(() => removeNames(content, rm(...names), "default")),
                expected,
            );
            assert.deepEqual(content, before, "the content is not changed in place");
        });

    it("what is left when accepted: the config gone, the service kept", () => {
        assert.deepEqual(
            removeNames(
                withServices({ web: { image: "nginx", configs: ["other:/etc/other"] } }),
                rm("configmap/site"),
                "default",
            ),
            {
                services: { web: { image: "nginx", configs: ["other:/etc/other"] } },
                configs: { other: { content: "x" } },
            },
        );
    });

    it("configUsers: every place that mounts it, in the Riofile's order; none is empty", () => {
        const content = withServices({
            web: {
                image: "nginx",
                configs: ["site:/etc/site"],
                containers: [
                    { name: "a", image: "a" },
                    { name: "b", image: "b", configs: [{ name: "site", target: "/etc/b" }] },
                ],
            },
            api: { image: "api" },
        });
        assert.deepEqual(configUsers(content, "site"), [
            "services.web (configs)",
            "services.web.containers.1 (configs)",
        ]);
        assert.deepEqual(configUsers(content, "other"), []);
        assert.deepEqual(configUsers({}, "site"), []);
    });

    it("the loader takes a mount of a ConfigMap the Riofile does not hold (one made with kubectl), so only rm refuses", () => {
        assert.equal(
            message(() =>
                checkContent({ services: { web: { image: "nginx", configs: ["site:/etc/site"] } } }, "default"),
            ),
            "accepted",
        );
    });
});

describe("rio cat: a ConfigMap's data as Rio printed it", () => {
    const live = { data: { content: NGINX, "index.html": "<h1>hi</h1>\n", a: "one" }, binaryData: { logo: "iVBO" } };

    it("every key as YAML, sorted, multi-line text as literal blocks, binary data base64", () => {
        assert.equal(
            catText(live, [], "site"),
            [
                "a: one",
                "content: |",
                "  server {",
                "    listen 8080;",
                "  }",
                "index.html: |",
                "  <h1>hi</h1>",
                "logo: iVBO",
                "",
            ].join("\n"),
        );
    });

    it("one -k: that key's text exactly; several: those keys as YAML", () => {
        assert.equal(catText(live, ["content"], "site"), NGINX);
        assert.equal(catText(live, ["a", "logo"], "site"), "a: one\nlogo: iVBO\n");
        assert.equal(catText({ data: {} }, [], "empty"), "");
    });

    it("a key it does not have is an error naming its keys", () => {
        assert.equal(
            message(() => catText(live, ["index"], "site")),
            'configmap/site has no key "index" (keys: a, content, index.html, logo)',
        );
    });

    it("its argument: [ns:]configmap/NAME, or NAME alone", () => {
        assert.deepEqual(catTarget("configmap/site"), { app: "site" });
        assert.deepEqual(catTarget("team:configmap/nginx.conf"), { namespace: "team", app: "nginx.conf" });
        assert.deepEqual(catTarget("site"), { app: "site" });
        assert.equal(
            message(() => catTarget("secret/db")),
            '"secret/db": rio cat prints a config: configmap/NAME (or NAME alone)',
        );
    });
});
