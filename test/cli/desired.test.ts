/** A rio stack's desired state in its config file: read back as written, every value checked, others kept. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { RioInputError } from "../../components/errors";
import { desiredOfFile, readDesired, withDesired } from "../../components/cli/desired";

const RIOFILE = 'services:\n  hello-world:\n    image: rancher/hello-world\n    ports:\n      - "80"\n';

describe("the desired state in the stack's config", () => {
    it("is written as rio:* keys next to what the file held, and read back the same", () => {
        const before =
            "secretsprovider: passphrase\nencryptionsalt: v1:abc\nconfig:\n  other:key: kept\n  rio:old: gone\n";
        const desired = {
            context: "k3d-dev",
            system: { domain: "apps.example.com", features: { dashboard: true } },
            riofiles: { default: RIOFILE },
        };
        const text = withDesired(before, desired);
        assert.deepEqual(parse(text), {
            secretsprovider: "passphrase",
            encryptionsalt: "v1:abc",
            config: {
                "other:key": "kept",
                "rio:context": "k3d-dev",
                "rio:system": { domain: "apps.example.com", features: { dashboard: true } },
                "rio:riofiles": { default: RIOFILE },
            },
        });
        // A Riofile reads as one, in a literal block.
        assert.match(text, /^ {4}default: \|\n {6}services:\n {8}hello-world:$/m);
        assert.deepEqual(desiredOfFile(text), desired);
    });

    it("a namespace with nothing and an uninstalled system are left out", () => {
        assert.deepEqual(parse(withDesired("", { riofiles: {} })), { config: {} });
        assert.deepEqual(desiredOfFile(""), { riofiles: {} });
    });

    it("reads the program's config too, where objects come as JSON text", () => {
        assert.deepEqual(
            readDesired({
                "rio:context": "kind-kind",
                "rio:system": '{"email":"ops@example.com"}',
                "rio:riofiles": JSON.stringify({ team: RIOFILE }),
                "kubernetes:context": "not rio's",
            }),
            { context: "kind-kind", system: { email: "ops@example.com" }, riofiles: { team: RIOFILE } },
        );
    });

    const bad: [string, Record<string, unknown>, string][] = [
        [
            "an unknown rio key, with a did-you-mean",
            { "rio:riofile": "x" },
            'rio:riofile: unknown key; did you mean "rio:riofiles"?',
        ],
        [
            "a misspelt RioSystem setting",
            { "rio:system": { domian: "x" } },
            'rio:system.domian: unknown key; did you mean "domain"?',
        ],
        [
            "a Riofile that is not text",
            { "rio:riofiles": { default: 3 } },
            "rio:riofiles.default: expected the text of a Riofile",
        ],
        [
            "a namespace that is not a DNS label",
            { "rio:riofiles": { Team: RIOFILE } },
            `namespace "Team" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
        ],
        [
            "riofiles that are not a map",
            { "rio:riofiles": "[1]" },
            "rio:riofiles: expected a map of namespaces to Riofile text",
        ],
        ["an empty context", { "rio:context": "" }, "rio:context: expected a context name"],
    ];
    for (const [name, config, message] of bad)
        it(`refuses ${name}`, () => {
            assert.throws(
                () => readDesired(config),
                (e: RioInputError) => e instanceof RioInputError && e.message === message,
            );
        });
});
