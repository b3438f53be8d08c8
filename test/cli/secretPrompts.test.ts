/**
 * `rio secret create`: Rio's questions in Rio's order and words, answers read one line each from a pipe and, on a
 * terminal, a secret with echo off; the answers as `rio:buildSecrets.<name>.<field>` settings, every credential
 * marked secret, and the errors naming the question.
 */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { streamPrompter, typedKeys } from "../../components/cli/prompt";
import {
    askAll,
    secretKind,
    secretQuestions,
    secretRequest,
    settingKey,
    SecretFlags,
} from "../../components/cli/secretPrompts";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
const HOSTS = "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n";
const FILES: Record<string, string> = { "/keys/id": KEY, "/keys/known_hosts": HOSTS, "/home/me/.ssh/id": KEY };
const inputs = {
    home: "/home/me",
    readFile: (f: string) => {
        if (FILES[f] === undefined) throw Object.assign(new Error(`ENOENT: ${f}`), { code: "ENOENT" });
        return FILES[f]!;
    },
};

/** A prompter answering from `lines`, recording what it was asked and whether each was secret. */
function scripted(lines: string[]) {
    const asked: [string, boolean][] = [];
    return {
        asked,
        prompter: {
            ask: async (question: string, secret: boolean) => {
                asked.push([question, secret]);
                return lines.shift() ?? "";
            },
        },
    };
}

const CASES: {
    name: string;
    flags: SecretFlags;
    lines: string[];
    asked: [string, boolean][];
    settings: Record<string, [string, boolean]>;
    namespace: string;
}[] = [
    {
        name: "--docker: namespace, name, registry URL (Docker Hub by default), username, password",
        flags: { docker: true },
        lines: ["", "", "", "bob", "hunter2"],
        asked: [
            ["Select namespace[default]: ", false],
            ["Name[dockerconfig]: ", false],
            ["Registry URL[https://index.docker.io/v1/]: ", false],
            ["Username[]: ", false],
            ["Password[******]: ", true],
        ],
        settings: {
            "rio:buildSecrets.dockerconfig.kind": ["docker", false],
            "rio:buildSecrets.dockerconfig.server": ["https://index.docker.io/v1/", false],
            "rio:buildSecrets.dockerconfig.username": ["bob", true],
            "rio:buildSecrets.dockerconfig.password": ["hunter2", true],
        },
        namespace: "rio-build",
    },
    {
        name: "--docker -n ghcr: no Name question; a registry URL becomes docker's host key",
        flags: { docker: true, name: "ghcr" },
        lines: ["default", "https://ghcr.io/", "bob", "s3cr=t p@ss"],
        asked: [
            ["Select namespace[default]: ", false],
            ["Registry URL[https://index.docker.io/v1/]: ", false],
            ["Username[]: ", false],
            ["Password[******]: ", true],
        ],
        settings: {
            "rio:buildSecrets.ghcr.kind": ["docker", false],
            "rio:buildSecrets.ghcr.server": ["ghcr.io", false],
            "rio:buildSecrets.ghcr.username": ["bob", true],
            "rio:buildSecrets.ghcr.password": ["s3cr=t p@ss", true],
        },
        namespace: "rio-build",
    },
    {
        name: "--git-basic-auth: git url, username, password",
        flags: { gitBasicAuth: true },
        lines: ["", "", "https://github.com/acme/app", "bob", "ghp_token"],
        asked: [
            ["Select namespace[default]: ", false],
            ["Name[gitcredential]: ", false],
            ["git url[]: ", false],
            ["username[]: ", false],
            ["password[******]: ", true],
        ],
        settings: {
            "rio:buildSecrets.gitcredential.kind": ["gitBasicAuth", false],
            "rio:buildSecrets.gitcredential.username": ["bob", true],
            "rio:buildSecrets.gitcredential.password": ["ghp_token", true],
        },
        namespace: "rio-build",
    },
    {
        name: "--git-sshkey-auth: git url, the key's file, then its host keys' file (~ expanded)",
        flags: { gitSshkeyAuth: true },
        lines: ["", "deploy.key", "git@github.com:acme/app.git", "~/.ssh/id", "/keys/known_hosts"],
        asked: [
            ["Select namespace[default]: ", false],
            ["Name[gitcredential-ssh]: ", false],
            ["git url[]: ", false],
            ["ssh_key_path[]: ", false],
            ["known_hosts_path[]: ", false],
        ],
        settings: {
            'rio:buildSecrets["deploy.key"].kind': ["gitSshKeyAuth", false],
            'rio:buildSecrets["deploy.key"].privateKey': [KEY, true],
            'rio:buildSecrets["deploy.key"].knownHosts': [HOSTS, true],
        },
        namespace: "rio-build",
    },
    {
        name: "--github-webhook: the token",
        flags: { githubWebhook: true },
        lines: ["", "", "ghp_token"],
        asked: [
            ["Select namespace[default]: ", false],
            ["Name[githubtoken]: ", false],
            ["Github AccessToken[******]: ", true],
        ],
        settings: {
            "rio:buildSecrets.githubtoken.kind": ["githubWebhook", false],
            "rio:buildSecrets.githubtoken.token": ["ghp_token", true],
        },
        namespace: "rio-system",
    },
];

describe("rio secret create: Rio's questions, the answers as secret settings", () => {
    for (const c of CASES)
        it(c.name, async () => {
            const kind = secretKind(c.flags);
            const { asked, prompter } = scripted([...c.lines]);
            const answers = await askAll(secretQuestions(kind, c.flags.name), prompter);
            assert.deepEqual(asked, c.asked);
            const req = secretRequest(kind, answers, c.flags, inputs);
            assert.equal(req.namespace, c.namespace);
            assert.deepEqual(
                Object.fromEntries(req.settings.map((s) => [settingKey(s), [s.value, s.secret]])),
                c.settings,
            );
        });
});

const said = async (flags: SecretFlags, lines: string[]) => {
    try {
        const kind = secretKind(flags);
        const answers = await askAll(secretQuestions(kind, flags.name), scripted(lines).prompter);
        secretRequest(kind, answers, flags, inputs);
    } catch (e) {
        if (e instanceof RioInputError) return e.message;
        throw e;
    }
    return "accepted";
};

describe("rio secret create: errors name the question, never a value", () => {
    const cases: [string, SecretFlags, string[], string][] = [
        [
            "no kind",
            {},
            [],
            "secret create: give one of --git-basic-auth, --git-sshkey-auth, --docker, --github-webhook (rio keeps only the credentials builds use)",
        ],
        [
            "two kinds",
            { docker: true, gitBasicAuth: true },
            [],
            "secret create: give one of --git-basic-auth and --docker, not both",
        ],
        [
            "another namespace",
            { docker: true },
            ["team"],
            'Select namespace: "team": rio keeps build credentials in rio-build, where every namespace\'s builds run; answer default',
        ],
        [
            "a name Kubernetes refuses",
            { docker: true },
            ["", "Docker_Config"],
            `Name: Secret name "Docker_Config" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')`,
        ],
        ["an empty password", { docker: true }, ["", "", "", "bob", ""], "Password: is required"],
        ["an empty username", { gitBasicAuth: true }, ["", "", "", "", "pw"], "username: is required"],
        [
            "a registry that is no host",
            { docker: true },
            ["", "", "https://not a host/", "bob", "pw"],
            'Registry URL: "not a host" is not a registry host (e.g. ghcr.io, registry.example.com:5000)',
        ],
        [
            "an SSH URL for basic auth",
            { gitBasicAuth: true },
            ["", "", "git@github.com:acme/app.git", "bob", "pw"],
            'git url: "git@github.com:acme/app.git" is not an https URL; for git@host:repo or ssh://… use --git-sshkey-auth',
        ],
        [
            "an https URL for an SSH key",
            { gitSshkeyAuth: true },
            ["", "", "https://github.com/acme/app", "/keys/id", "/keys/known_hosts"],
            'git url: "https://github.com/acme/app" is not an SSH URL (git@host:repo or ssh://…); for https use --git-basic-auth',
        ],
        [
            "a key file that is not there",
            { gitSshkeyAuth: true },
            ["", "", "", "/keys/nope", "/keys/known_hosts"],
            "ssh_key_path: /keys/nope: no such file",
        ],
        [
            "a file that is no private key",
            { gitSshkeyAuth: true },
            ["", "", "", "/keys/known_hosts", "/keys/known_hosts"],
            "ssh_key_path: is not a private key (-----BEGIN … PRIVATE KEY-----); an encrypted key cannot be used by a build",
        ],
        [
            "host keys that pin nothing",
            { gitSshkeyAuth: true },
            ["", "", "", "/keys/id", "/keys/id"],
            'known_hosts_path: line 1 is not a known_hosts entry (host keytype base64-key): "-----BEGIN OPENSSH PRIVATE KEY-----"',
        ],
        [
            "no host keys file",
            { gitSshkeyAuth: true },
            ["", "", "", "/keys/id", ""],
            "known_hosts_path: give the path of a file",
        ],
    ];
    for (const [name, flags, lines, expected] of cases)
        it(name, async () => assert.equal(await said(flags, lines), expected));
});

describe("answers from a pipe and from a terminal", () => {
    it("a pipe: one line each, CRLF too, the last line without its newline; each question its own line", async () => {
        const input = new PassThrough();
        const output = new PassThrough();
        let shown = "";
        output.on("data", (d) => (shown += d));
        const p = streamPrompter(input, output);
        input.end("default\r\n\nbob\nlast");
        assert.equal(await p.ask("Select namespace[default]: ", false), "default");
        assert.equal(await p.ask("Name[dockerconfig]: ", false), "");
        assert.equal(await p.ask("Username[]: ", false), "bob");
        assert.equal(await p.ask("Password[******]: ", true), "last");
        await assert.rejects(
            p.ask("Extra[]: ", false),
            (e: RioInputError) => e.message === 'standard input ended before the answer to "Extra"',
        );
        p.close();
        assert.equal(
            shown,
            "Select namespace[default]: \nName[dockerconfig]: \nUsername[]: \nPassword[******]: \nExtra[]: \n",
        );
    });

    it("a terminal: a secret with echo off (raw mode, nothing written back), restored after", async () => {
        const input = Object.assign(new PassThrough(), {
            isTTY: true,
            modes: [] as boolean[],
            setRawMode(raw: boolean) {
                this.modes.push(raw);
            },
        });
        const output = new PassThrough();
        let shown = "";
        output.on("data", (d) => (shown += d));
        const p = streamPrompter(input, output);
        const answer = p.ask("Password[******]: ", true);
        // Typed key by key: a typo erased with Backspace, then Enter.
        for (const key of ["h", "u", "x", "\x7f", "n", "t", "e", "r", "2", "\r"]) input.write(key);
        assert.equal(await answer, "hunter2");
        assert.deepEqual(input.modes, [true, false]);
        assert.equal(shown, "Password[******]: \n");
        const cancelled = p.ask("Password[******]: ", true);
        input.write("ab\x03");
        await assert.rejects(cancelled, (e: RioInputError) => e.message === "cancelled: nothing was changed");
        p.close();
    });

    const keys: [string, string, ReturnType<typeof typedKeys>][] = [
        ["Enter ends", "abc\rrest", { state: "done", value: "abc", rest: "rest" }],
        ["CRLF is one Enter", "abc\r\nrest", { state: "done", value: "abc", rest: "rest" }],
        ["Backspace and Ctrl-H erase", "abcd\x7f\b\n", { state: "done", value: "ab", rest: "" }],
        ["Ctrl-U clears", "wrong\x15right\r", { state: "done", value: "right", rest: "" }],
        ["arrow keys are dropped", "a\x1b[Db\r", { state: "done", value: "ab", rest: "" }],
        ["a character beyond the BMP is one", "p🔑\x7f\r", { state: "done", value: "p", rest: "" }],
        ["more to come", "abc", { state: "more" }],
        ["Ctrl-C cancels", "ab\x03cd\r", { state: "cancelled" }],
        ["Ctrl-D on an empty line ends", "\x04", { state: "ended" }],
    ];
    for (const [name, typed, expected] of keys)
        it(`typed keys: ${name}`, () => assert.deepEqual(typedKeys(typed), expected));
});
