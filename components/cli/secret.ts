/**
 * `rio secret create --git-basic-auth | --git-sshkey-auth | --docker | --github-webhook`: Rio's questions (a
 * password with echo off on a terminal, else one line of stdin each), the answers kept in the stack's
 * `rio:buildSecrets` with every credential encrypted by the stack's secrets provider, then an update, after which
 * the Secret is in the cluster. No credential is printed, put on a command line or kept in the clear.
 */
import * as fs from "fs";
import { RioInputError } from "../errors";
import { ChangeFlags, changeStack, GlobalFlags, Io, notInstalled, session } from "./commands";
import { encryptValues } from "./encrypt";
import { currentDesired, openStack } from "./engine";
import { streamPrompter } from "./prompt";
import { askAll, Prompter, SecretFlags, secretKind, secretQuestions, secretRequest } from "./secretPrompts";

/**
 * Rio's GitHub token was its webhook secret; in pulumi-rio it is the continuous deployment's git token, and rio
 * stacks do not run continuous deployment: refused before a question is asked.
 */
const NO_WEBHOOK =
    "--github-webhook: Rio's GitHub token is pulumi-rio's continuous-deployment git token (RioSystem continuousDeployment.gitAuthSecret), and rio stacks do not run continuous deployment yet (pulumi-rio takes no webhooks); give it to the project's stack: pulumi config set --secret --path 'rio:buildSecrets.githubtoken.token'";

/** `rio secret create`; `prompter` answers the questions (default: this terminal, or stdin's lines). */
export async function secretCreate(
    globals: GlobalFlags,
    flags: SecretFlags & ChangeFlags,
    io: Io,
    prompter?: Prompter,
): Promise<void> {
    const kind = secretKind(flags);
    if (kind === "githubWebhook") throw new RioInputError([], NO_WEBHOOK);
    // Nobody is asked for a password a stack without rio could not keep.
    const s = session(globals);
    if (currentDesired(s.state, s.stackName).desired.system === undefined) throw notInstalled(s);
    const own = prompter ? undefined : streamPrompter(process.stdin, process.stderr);
    let answers: Record<string, string>;
    try {
        answers = await askAll(secretQuestions(kind, flags.name), prompter ?? own!);
    } finally {
        own?.close();
    }
    const request = secretRequest(kind, answers, flags, { readFile: (f) => fs.readFileSync(f, "utf8") });
    if (!(await openStack(s.state, s.stackName, false))) throw notInstalled(s);
    const secrets = request.settings.filter((x) => x.secret);
    const ciphertexts = await encryptValues(
        s.state,
        s.stackName,
        secrets.map((x) => x.value),
    );
    const stored = Object.fromEntries(
        request.settings.map((x) => [x.field, x.secret ? { secure: ciphertexts[secrets.indexOf(x)]! } : x.value]),
    );
    let replaced = false;
    await changeStack(
        globals,
        flags,
        io,
        {
            // The checks name the setting (rio:buildSecrets.<name>.<field>), never a value.
            explain: (e) =>
                e.path[0] === "buildSecrets"
                    ? new RioInputError(["rio:buildSecrets", ...e.path.slice(1)], e.detail)
                    : e,
        },
        (current) => {
            replaced = Object.hasOwn(current.buildSecrets ?? {}, request.name);
            return { ...current, buildSecrets: { ...current.buildSecrets, [request.name]: stored } };
        },
        () => `${request.namespace}:secret/${request.name}${replaced ? " (updated)" : ""}\n`,
    );
}
