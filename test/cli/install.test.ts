/** `rio install`'s flags and settings file as RioSystem's settings, and what a rio stack's program deploys. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { parseRiofile } from "../../components/riofile/load";
import { asInstallError, disabledFeatures, installSettings } from "../../components/cli/installFlags";
import { checkContent } from "../../components/cli/riofileEdit";
import { RunFlags, runService } from "../../components/cli/runFlags";
import { checkDesired, systemArgs } from "../../components/cli/stackProgram";

const throwsMessage = (fn: () => unknown, message: string) =>
    assert.throws(fn, (e: RioInputError) => e instanceof RioInputError && e.message === message);

const files = (map: Record<string, string>) => (f: string) => {
    if (!(f in map)) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
    return map[f]!;
};

/** What install would keep, checked as the command checks it. */
const installed = (flags: Parameters<typeof installSettings>[0], read = files({})) => {
    const { system } = installSettings(flags, read);
    try {
        checkDesired({ system, riofiles: {} });
    } catch (e) {
        if (e instanceof RioInputError) throw asInstallError(e, flags);
        throw e;
    }
    return system;
};

describe("rio install: flags and settings", () => {
    it("no flags: RioSystem's defaults (sslip.io domain from the gateway address, the self-signed CA)", () => {
        assert.deepEqual(installed({}), {});
    });

    it("--domain, --email and --disable-features a,b", () => {
        assert.deepEqual(
            installed({ domain: "apps.example.com", email: "ops@example.com", disableFeatures: ["metrics,tls"] }),
            {
                domain: "apps.example.com",
                email: "ops@example.com",
                features: { metrics: false, tls: false },
            },
        );
    });

    it("Rio's feature names: gloo and letsencrypt are ours by another name, the mesh and rdns have nothing to disable", () => {
        assert.deepEqual(disabledFeatures(["rdns,letsencrypt", "linkerd", "gloo"]), {
            features: ["tls", "gateway"],
            warnings: [
                "--disable-features rdns: nothing to disable: the domain defaults to <gateway address>.sslip.io without any service; give --domain for yours",
                "--disable-features letsencrypt: Rio's letsencrypt is the tls feature here",
                "--disable-features linkerd: nothing to disable: pulumi-rio installs no service mesh",
                "--disable-features gloo: Rio's gloo is the gateway feature here",
            ],
        });
    });

    it("--settings: RioSystem's other settings from a file (a mirror's charts), the flags winning", () => {
        const read = files({
            "mirror.yaml":
                "charts:\n  traefik: { chart: /mirror/traefik-41.3.0.tgz }\ndomain: from-file.example.com\nfeatures: { dashboard: true }\n",
        });
        assert.deepEqual(
            installed({ settings: "mirror.yaml", domain: "apps.example.com", disableFeatures: ["metrics"] }, read),
            {
                charts: { traefik: { chart: "/mirror/traefik-41.3.0.tgz" } },
                domain: "apps.example.com",
                features: { dashboard: true, metrics: false },
            },
        );
    });

    const bad: [string, Parameters<typeof installSettings>[0], Record<string, string>, string][] = [
        [
            "a bad domain names --domain",
            { domain: "not a domain" },
            {},
            '--domain: domain "not a domain" is not a valid hostname (for example "app.example.com")',
        ],
        [
            "an unknown feature names --disable-features",
            { disableFeatures: ["buidl"] },
            {},
            '--disable-features buidl: unknown feature; did you mean "build"?',
        ],
        ["a missing settings file", { settings: "nope.yaml" }, {}, "--settings nope.yaml: no such file"],
        [
            "a misspelt setting",
            { settings: "s.yaml" },
            { "s.yaml": "chart: {}\n" },
            '--settings s.yaml: chart: unknown key; did you mean "charts"?',
        ],
        [
            "a setting a rio stack does not take yet",
            { settings: "s.yaml" },
            { "s.yaml": "civo: { region: LON1 }\n" },
            "--settings s.yaml: civo: is not supported by rio install yet: rio deploys to the cluster of a kube context; create a Civo cluster with the project's civo stack (pulumi up)",
        ],
    ];
    for (const [name, flags, map, message] of bad)
        it(`refuses ${name}`, () => throwsMessage(() => installed(flags, files(map)), message));
});

describe("a rio stack's program", () => {
    const riofile = (text: string) => parseRiofile(text, "Riofile", { namespace: "default" });

    it("installs only the features its Riofiles need, unless the settings name them", () => {
        assert.deepEqual(systemArgs({ domain: "x.example.com" }, []), {
            domain: "x.example.com",
            features: { autoscaling: false, metrics: false, rollout: false, build: false, registry: false },
        });
        const scaled = riofile("services:\n  web:\n    image: nginx\n    ports: 80\n    scale: 0-3\n");
        assert.deepEqual(systemArgs({ features: { dashboard: true, metrics: true } }, [scaled]).features, {
            autoscaling: true,
            metrics: true,
            rollout: false,
            build: false,
            registry: false,
            dashboard: true,
        });
    });

    it("rio run GIT-URL turns on the builder and the registry; --build-registry leaves the registry off", () => {
        const inputs = { lookupEnv: () => undefined, readFile: () => "" };
        const ran = (flags: RunFlags) =>
            checkContent(
                { services: { "cd-demo": runService("https://github.com/rancher/rio-demo", [], flags, inputs) } },
                "default",
            );
        assert.deepEqual(systemArgs({}, [ran({ ports: ["8080"] })]).features, {
            autoscaling: false,
            metrics: false,
            rollout: false,
            build: true,
            registry: true,
        });
        assert.deepEqual(systemArgs({}, [ran({ buildRegistry: "ghcr.io" })]).features, {
            autoscaling: false,
            metrics: false,
            rollout: false,
            build: true,
            registry: false,
        });
    });

    it("refuses two namespaces with an entry of one name (they would be one resource)", () => {
        const text = "services:\n  web:\n    image: nginx\n";
        throwsMessage(
            () => checkDesired({ system: {}, riofiles: { a: text, b: text } }),
            'service "web" is in namespace a already: a rio stack holds each name once, whatever its namespace; choose another name',
        );
    });

    it("refuses a desired state before rio install", () => {
        throwsMessage(() => checkDesired({ riofiles: {} }), "rio install has not run on this stack yet");
    });
});
