/**
 * `rio secret create --git-basic-auth | --git-sshkey-auth | --docker | --github-webhook`: Rio's questions, in Rio's
 * order and words (`cli/cmd/secrets/create.go`), so answers piped to Rio's command mean the same here, and the
 * answers as the stack's `rio:buildSecrets.<name>.<field>` settings — the credentials marked secret.
 */
import * as os from "os";
import * as path from "path";
import { RioInputError } from "../errors";
import { BuildSecretKind, checkBuildSecrets } from "../build/credentials";
import { assertDnsSubdomain } from "../service/names";
import { BUILDER } from "../system/builder";
import { PLAIN_FIELDS } from "./buildSecrets";

/** The flags, as commander gives them. */
export interface SecretFlags {
    gitBasicAuth?: boolean;
    gitSshkeyAuth?: boolean;
    docker?: boolean;
    githubWebhook?: boolean;
    /** `-n`: the Secret's name (no `Name` question then). */
    name?: string;
}

/** Each flag, the kind it makes and the name Rio gave that kind's Secret. */
const FLAGS: { flag: keyof SecretFlags; option: string; kind: BuildSecretKind; name: string }[] = [
    { flag: "gitBasicAuth", option: "--git-basic-auth", kind: "gitBasicAuth", name: "gitcredential" },
    { flag: "gitSshkeyAuth", option: "--git-sshkey-auth", kind: "gitSshKeyAuth", name: "gitcredential-ssh" },
    { flag: "docker", option: "--docker", kind: "docker", name: "dockerconfig" },
    { flag: "githubWebhook", option: "--github-webhook", kind: "githubWebhook", name: "githubtoken" },
];

/** The kind the flags ask for: exactly one of them. */
export function secretKind(flags: SecretFlags): BuildSecretKind {
    const given = FLAGS.filter((f) => flags[f.flag] === true);
    if (given.length !== 1)
        throw new RioInputError(
            [],
            given.length === 0
                ? `secret create: give one of ${FLAGS.map((f) => f.option).join(", ")} (rio keeps only the credentials builds use)`
                : `secret create: give one of ${given.map((f) => f.option).join(" and ")}, not both`,
        );
    return given[0]!.kind;
}

/** Rio's docker.io key, its default answer for the registry. */
const DOCKER_HUB = "https://index.docker.io/v1/";

/** One question: `key` names the answer; a secret answer is read without echo. */
export interface Question {
    key: string;
    text: string;
    default: string;
    secret?: boolean;
}

const ask = (key: string, label: string, def = "", secret = false): Question => ({
    key,
    text: `${label}[${secret ? "******" : def}]: `,
    default: def,
    ...(secret && { secret }),
});

/**
 * Rio's questions for a kind, in its order: the namespace, the name (unless `-n` gave it), then the kind's own. An
 * SSH key also asks where its host keys are (`known_hosts_path`, after Rio's): pulumi-rio's builds only talk to a
 * pinned host.
 */
export function secretQuestions(kind: BuildSecretKind, name?: string): Question[] {
    const own: Record<BuildSecretKind, Question[]> = {
        githubWebhook: [ask("token", "Github AccessToken", "", true)],
        docker: [
            ask("url", "Registry URL", DOCKER_HUB),
            ask("username", "Username"),
            ask("password", "Password", "", true),
        ],
        gitBasicAuth: [ask("url", "git url"), ask("username", "username"), ask("password", "password", "", true)],
        gitSshKeyAuth: [
            ask("url", "git url"),
            ask("keyPath", "ssh_key_path"),
            ask("knownHostsPath", "known_hosts_path"),
        ],
    };
    const secretName = FLAGS.find((f) => f.kind === kind)!.name;
    return [
        ask("namespace", "Select namespace", "default"),
        ...(name === undefined ? [ask("name", "Name", secretName)] : []),
        ...own[kind],
    ];
}

/** Something that asks a question and gives the typed answer (prompt.ts reads a terminal or stdin's lines). */
export interface Prompter {
    ask(question: string, secret: boolean): Promise<string>;
}

/** Asks every question in turn; an empty answer takes the question's default. */
export async function askAll(questions: readonly Question[], prompter: Prompter): Promise<Record<string, string>> {
    const answers: Record<string, string> = {};
    for (const q of questions) {
        const answer = await prompter.ask(q.text, q.secret ?? false);
        answers[q.key] = answer === "" ? q.default : answer;
    }
    return answers;
}

/** One setting of the stack's config: `rio:buildSecrets.<name>.<field>`, a Pulumi secret or not. */
export interface SecretSetting {
    name: string;
    field: string;
    value: string;
    secret: boolean;
}

/** The key `pulumi config set --path` would take for a setting. */
export const settingKey = (s: Pick<SecretSetting, "name" | "field">) =>
    `rio:buildSecrets${/^[\w-]+$/.test(s.name) ? `.${s.name}` : `[${JSON.stringify(s.name)}]`}.${s.field}`;

/** What the answers make: the Secret, where it lives, and its settings. */
export interface SecretRequest {
    name: string;
    kind: BuildSecretKind;
    namespace: string;
    settings: SecretSetting[];
}

/** What rio reads besides the answers: the files an SSH key's questions name. */
export interface SecretInputs {
    readFile(file: string): string;
    home?: string;
}

/** The answer a field is made from, where it is not the field's own. */
const ANSWER_OF: Record<string, string> = { server: "url", privateKey: "keyPath", knownHosts: "knownHostsPath" };

/** The question a field came from, as the user read it (`Registry URL`), for errors. */
function questionOf(kind: BuildSecretKind, field: string): string | undefined {
    const key = ANSWER_OF[field] ?? field;
    return secretQuestions(kind, "")
        .find((q) => q.key === key)
        ?.text.replace(/\[.*$/, "");
}

/** A file named at a prompt (the shell expands no `~` there, so rio does). */
function readAnswerFile(question: string, file: string, inputs: SecretInputs): string {
    if (file === "") throw new RioInputError([], `${question}: give the path of a file`);
    const full = file === "~" || file.startsWith("~/") ? path.join(inputs.home ?? os.homedir(), file.slice(1)) : file;
    try {
        return inputs.readFile(full);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new RioInputError(
            [],
            `${question}: ${file}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`,
        );
    }
}

/** A git URL the credential is for must be one its kind can clone (Rio kept it on the Secret; builds name the Secret). */
function checkGitUrl(kind: BuildSecretKind, url: string): void {
    if (url === "") return;
    const ssh = /^(ssh:\/\/|[\w.-]+@[\w.-]+:)/.test(url);
    const https = /^https?:\/\//.test(url);
    if (kind === "gitSshKeyAuth" && !ssh)
        throw new RioInputError(
            [],
            `git url: "${url}" is not an SSH URL (git@host:repo or ssh://…); for https use --git-basic-auth`,
        );
    if (kind === "gitBasicAuth" && !https)
        throw new RioInputError(
            [],
            `git url: "${url}" is not an https URL; for git@host:repo or ssh://… use --git-sshkey-auth`,
        );
}

/** A registry URL as docker's config keys it: Docker Hub's own key, else the host (and port). */
function registryServer(url: string): string {
    if (url === DOCKER_HUB) return url;
    return url.replace(/^https?:\/\//, "").replace(/\/+$/, "");
}

/**
 * The answers as the Secret's settings, checked as RioSystem checks `buildSecrets` (a name Kubernetes takes, a
 * private key that is one, host keys that pin something, a registry host), each error naming its question. The
 * namespace is Rio's first question, kept so piped answers line up; pulumi-rio keeps every build credential in
 * the one namespace builds run in, so only `default` is taken.
 */
export function secretRequest(
    kind: BuildSecretKind,
    answers: Readonly<Record<string, string>>,
    flags: Pick<SecretFlags, "name">,
    inputs: SecretInputs,
): SecretRequest {
    if (answers.namespace !== "default")
        throw new RioInputError(
            [],
            `Select namespace: "${answers.namespace}": rio keeps build credentials in ${BUILDER.namespace}, where every namespace's builds run; answer default`,
        );
    const name = flags.name ?? answers.name!;
    try {
        assertDnsSubdomain(name, "Secret name");
    } catch (e) {
        if (e instanceof RioInputError) throw new RioInputError([], `${flags.name ? "--name" : "Name"}: ${e.detail}`);
        throw e;
    }
    const given = (key: string) => answers[key] ?? "";
    let fields: Record<string, string>;
    if (kind === "docker")
        fields = { server: registryServer(given("url")), username: given("username"), password: given("password") };
    else if (kind === "gitBasicAuth") {
        checkGitUrl(kind, given("url"));
        fields = { username: given("username"), password: given("password") };
    } else if (kind === "gitSshKeyAuth") {
        checkGitUrl(kind, given("url"));
        fields = {
            privateKey: readAnswerFile("ssh_key_path", given("keyPath"), inputs),
            knownHosts: readAnswerFile("known_hosts_path", given("knownHostsPath"), inputs),
        };
    } else fields = { token: given("token") };
    try {
        checkBuildSecrets(
            { [name]: { kind, ...fields } },
            {
                build: true,
                systemNamespace: "rio-system",
                ...(kind === "githubWebhook" && { gitAuthSecret: name }),
            },
        );
    } catch (e) {
        if (!(e instanceof RioInputError)) throw e;
        const field = e.path[2];
        const question = typeof field === "string" ? questionOf(kind, field) : undefined;
        throw question ? new RioInputError([], `${question}: ${e.detail}`) : e;
    }
    return {
        name,
        kind,
        namespace: kind === "githubWebhook" ? "rio-system" : BUILDER.namespace,
        settings: [
            { name, field: "kind", value: kind, secret: false },
            ...Object.entries(fields).map(([field, value]) => ({
                name,
                field,
                value,
                secret: !PLAIN_FIELDS.includes(field),
            })),
        ],
    };
}
