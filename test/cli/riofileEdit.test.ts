/** The edits rio run, rio up, rio scale and rio rm make to a namespace's Riofile in the stack. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { parseRiofile } from "../../components/riofile/load";
import {
    checkContent,
    contentOf,
    mergeContent,
    putService,
    refuseLocalBuilds,
    removeNames,
    splitKind,
    textOf,
} from "../../components/cli/riofileEdit";
import { applyScale, parseScaleArg } from "../../components/cli/scale";
import { parseObjectName } from "../../components/cli/serviceName";

const throwsMessage = (fn: () => unknown, message: string) =>
    assert.throws(fn, (e: RioInputError) => e instanceof RioInputError && e.message === message);

describe("rio run: a service put in place", () => {
    it("a new app's entry is named after it", () => {
        const put = putService({}, { app: "web" }, { image: "nginx", ports: ["80"] });
        assert.deepEqual(put, {
            content: { services: { web: { image: "nginx", ports: ["80"] } } },
            key: "web",
            updated: false,
        });
    });

    it("the same name again replaces its entry, keeping its traffic weight", () => {
        const content = { services: { web: { image: "nginx:1", ports: ["80"], scale: 3, weight: 40 } } };
        const put = putService(content, { app: "web" }, { image: "nginx:2" });
        assert.deepEqual(put, {
            content: { services: { web: { image: "nginx:2", weight: 40 } } },
            key: "web",
            updated: true,
        });
    });

    it("a new version of an app is <app>-<version>, a version of it (as Rio named staged versions)", () => {
        const content = { services: { shop: { image: "shop:1", ports: ["8080"], version: "v1" } } };
        const put = putService(content, { app: "shop", version: "v2" }, { image: "shop:2", ports: ["8080"] });
        assert.equal(put.key, "shop-v2");
        assert.deepEqual(put.content.services, {
            shop: { image: "shop:1", ports: ["8080"], version: "v1" },
            "shop-v2": { image: "shop:2", ports: ["8080"], app: "shop", version: "v2" },
        });
        // Loaded, they are one app with two versions.
        const riofile = checkContent(put.content, "default");
        assert.deepEqual(Object.keys(riofile.services[0]!.spec.versions!), ["v1", "v2"]);
        // Naming an existing version updates that entry.
        assert.equal(putService(put.content, { app: "shop", version: "v1" }, { image: "shop:1.1" }).key, "shop");
    });

    it("a new version's name taken by another service is refused", () => {
        const content = { services: { shop: { image: "a" }, "shop-v2": { image: "b" } } };
        throwsMessage(
            () => putService(content, { app: "shop", version: "v2" }, { image: "c" }),
            '--name: service "shop-v2" already exists and is not shop@v2; choose another name',
        );
    });
});

describe("the stack's Riofile text", () => {
    it("round-trips: the text rio keeps loads to the content it came from", () => {
        const content = {
            services: { web: { image: "nginx", ports: ["80:8080/http"], env: ["A=1"], scale: 2 } },
            configs: { site: { "index.html": "<h1>hi</h1>" } },
        };
        const text = textOf(checkContent(content, "team"));
        assert.deepEqual(contentOf(text, "team"), content);
        assert.equal(textOf(parseRiofile(text, "again", { namespace: "team" })), text);
    });
});

describe("rio rm", () => {
    const content = {
        services: {
            web: { image: "nginx" },
            api: { image: "api" },
            "api-v2": { image: "api:2", app: "api", version: "v2" },
        },
        routers: { front: { routes: [{ to: [{ app: "web" }] }] } },
        externalservices: { db: { fqdn: "db.example.com" } },
    };
    const names = (...texts: string[]) =>
        texts.map((t) => {
            const { kind, rest } = splitKind(t);
            const [app, version] = rest.split("@");
            return {
                ...(kind !== undefined && { kind }),
                name: { app: app!, ...(version !== undefined && { version }) },
            };
        });

    it("removes services by name or app@version, routers and external services by kind", () => {
        assert.deepEqual(
            removeNames(content, names("web", "api@v2", "router/front", "externalservice/db"), "default"),
            {
                services: { api: { image: "api" } },
            },
        );
    });
    it("configmap/NAME (rio config rm) removes a config, its name a DNS subdomain", () => {
        const withConfigs = { ...content, configs: { "nginx.conf": { content: "x" }, site: { a: "b" } } };
        assert.deepEqual(
            removeNames(withConfigs, [{ kind: "configmap", name: parseObjectName("nginx.conf", "rm") }], "default"),
            { ...content, configs: { site: { a: "b" } } },
        );
        assert.deepEqual(removeNames(withConfigs, names("configmap/nginx.conf", "config/site"), "default"), content);
        throwsMessage(
            () => removeNames(withConfigs, names("configmap/sit"), "default"),
            'no config "sit" in namespace default (configs: nginx.conf, site)',
        );
        throwsMessage(
            () => parseObjectName("Site", 'rm "configmap/Site"'),
            `rm "configmap/Site": name "Site" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')`,
        );
        assert.deepEqual(parseObjectName("team:nginx.conf", "rm"), { namespace: "team", app: "nginx.conf" });
    });
    it("a name that is not there removes nothing and says what there is", () => {
        throwsMessage(
            () => removeNames(content, names("web", "wbe"), "default"),
            'no service "wbe" in namespace default (services: web, api, api-v2)',
        );
        throwsMessage(
            () => removeNames(content, names("router/back"), "default"),
            'no router "back" in namespace default (routers: front)',
        );
        throwsMessage(
            () => splitKind("pod/web-1"),
            '"pod/web-1": unknown kind "pod" (rio rm takes a service, router/NAME, externalservice/NAME or configmap/NAME)',
        );
    });
});

describe("rio up: a Riofile merged into the stack's", () => {
    it("entries of the same name are replaced, others join; manifest objects are matched by identity", () => {
        const base = {
            services: { web: { image: "nginx:1" }, api: { image: "api:1" } },
            kubernetes: {
                manifest:
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: old\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
            },
        };
        const incoming = parseRiofile(
            [
                "services:",
                "  web:",
                "    image: nginx:2",
                "configs:",
                "  site:",
                "    index.html: hi",
                "kubernetes:",
                "  manifest: |",
                "    apiVersion: v1",
                "    kind: ConfigMap",
                "    metadata:",
                "      name: a",
                "    data:",
                "      k: new",
                "",
            ].join("\n"),
            "Riofile",
        );
        const merged = mergeContent(base, incoming);
        assert.deepEqual(merged.services, { web: { image: "nginx:2" }, api: { image: "api:1" } });
        assert.deepEqual(merged.configs, { site: { "index.html": "hi" } });
        const manifest = checkContent(merged, "default").manifest;
        assert.deepEqual(
            manifest.map((o) => [o.metadata.name, (o as { data?: { k?: string } }).data?.k]),
            [
                ["b", undefined],
                ["a", "new"],
            ],
        );
    });

    it("a local folder build is refused by name where only an image can be (the stack keeps no folder)", () => {
        const riofile = parseRiofile("services:\n  dev:\n    image: ./\n    ports: 8080/http\n", "app/Riofile");
        throwsMessage(
            () => refuseLocalBuilds(riofile, (s) => `app/Riofile: services.${s}`),
            "app/Riofile: services.dev: a local folder is built by rio up (its Riofile, or its Dockerfile) or by rio build, which print the image it gives; the stack keeps images, not folders",
        );
    });
});

describe("rio scale", () => {
    it("parses NAME=COUNT and NAME=MIN-MAX, with Rio's [ns:]app[@version]", () => {
        assert.deepEqual(parseScaleArg("hello-world=2"), { name: { app: "hello-world" }, scale: 2 });
        assert.deepEqual(parseScaleArg("team:shop@v2=1-10"), {
            name: { namespace: "team", app: "shop", version: "v2" },
            scale: { min: 1, max: 10 },
        });
        throwsMessage(
            () => parseScaleArg("hello-world"),
            'scale "hello-world": expected NAME=COUNT or NAME=MIN-MAX (hello-world=2)',
        );
        throwsMessage(
            () => parseScaleArg("hello-world=lots"),
            'scale "hello-world=lots": "lots" is not a count (2) or a range (1-10)',
        );
    });

    it("a count fixes the replicas, dropping an autoscaler; a range autoscales, keeping the signal", () => {
        const content = {
            services: {
                web: { image: "nginx", scale: "1-5" },
                api: { image: "api", autoscale: { cpu: 70, min: 1, maxReplicas: 4 } },
            },
        };
        assert.deepEqual(applyScale(content, parseScaleArg("web=2"), "default").services, {
            ...content.services,
            web: { image: "nginx", scale: 2 },
        });
        assert.deepEqual(applyScale(content, parseScaleArg("api=2-8"), "default").services, {
            ...content.services,
            api: { image: "api", autoscale: { cpu: 70, minReplicas: 2, maxReplicas: 8 } },
        });
        assert.deepEqual(applyScale(content, parseScaleArg("api=3"), "default").services, {
            ...content.services,
            api: { image: "api", scale: 3 },
        });
        throwsMessage(
            () => applyScale(content, parseScaleArg("wbe=2"), "default"),
            'scale: no service "wbe" in namespace default (services: web, api)',
        );
    });
});
