/**
 * A `rio` stack's desired state, kept in the stack's config (its Pulumi.<stack>.yaml), so `pulumi preview`, the
 * stack's history and a rollback see exactly what the commands asked for:
 * - `rio:context`: the kube context the stack deploys to;
 * - `rio:system`: RioSystem's settings from `rio install` (the same keys as the project's `rio:system`); unset
 *   until `rio install` has run;
 * - `rio:riofiles`: per namespace, a normalized Riofile (as `rio export` writes it) of the services, routers and
 *   external services `rio run`, `rio up`, `rio scale` and `rio rm` left there;
 * - `rio:buildSecrets`: RioSystem's `buildSecrets` from `rio secret create`, as the project's program reads them:
 *   per Secret name its `kind` (and a registry's `server`) in the clear, every credential a Pulumi secret — in the
 *   stack file `{secure: <ciphertext>}`, which only the program sees decrypted.
 */
import { Document, parseDocument } from "yaml";
import { RioInputError } from "../errors";
import { unknownKey } from "../service/keys";
import { assertDnsLabel } from "../service/names";
import { checkSystemConfig, SystemConfig } from "../system/config";

export interface Desired {
    context?: string;
    /** Undefined: `rio install` has not run on this stack. */
    system?: SystemConfig;
    /** Namespace → Riofile text; a namespace with nothing left is not listed. */
    riofiles: Record<string, string>;
    /** Secret name → its fields (`kind`, `server` plain; credentials `{secure}` here, plain text in the program). */
    buildSecrets?: Record<string, Record<string, unknown>>;
}

const KEYS = ["context", "system", "riofiles", "buildSecrets"];

/** A value as the program gets it (an object's JSON text) or as the stack file holds it (the object). */
function structured(key: string, value: unknown): unknown {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        throw new RioInputError([key], "expected a map");
    }
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The desired state in a stack's config (`rio:*` keys; others are not rio's and are left alone). Every value is
 * checked, each error naming its key: a hand-edited config fails before anything is deployed.
 */
export function readDesired(config: Readonly<Record<string, unknown>>): Desired {
    const out: Desired = { riofiles: {} };
    for (const [full, value] of Object.entries(config)) {
        if (!full.startsWith("rio:")) continue;
        const key = full.slice("rio:".length);
        if (!KEYS.includes(key)) {
            const e = unknownKey(key, KEYS);
            throw new RioInputError([full], e.detail.replace(/did you mean "/, 'did you mean "rio:'), undefined, true);
        }
        if (key === "context") {
            if (typeof value !== "string" || value === "") throw new RioInputError([full], "expected a context name");
            out.context = value;
        } else if (key === "system") {
            out.system = checkSystemConfig(structured(full, value));
        } else if (key === "buildSecrets") {
            const secrets = structured(full, value);
            if (!isMap(secrets)) throw new RioInputError([full], "expected a map of Secret names to their fields");
            for (const [name, fields] of Object.entries(secrets))
                if (!isMap(fields)) throw new RioInputError([full, name], "expected a map with a kind");
            out.buildSecrets = secrets as Record<string, Record<string, unknown>>;
        } else {
            const riofiles = structured(full, value);
            if (!isMap(riofiles)) throw new RioInputError([full], "expected a map of namespaces to Riofile text");
            for (const [ns, text] of Object.entries(riofiles)) {
                assertDnsLabel(ns, `namespace`);
                if (typeof text !== "string") throw new RioInputError([full, ns], "expected the text of a Riofile");
                out.riofiles[ns] = text;
            }
        }
    }
    return out;
}

/** Riofiles as literal blocks (they read as the files they are), never folded. */
const TEXT = { lineWidth: 0, blockQuote: "literal" as const };

/**
 * The stack file's text with `desired` as its `rio:*` config: every other key, the encryption salt and the secrets
 * provider are kept as they were.
 */
export function withDesired(stackFile: string, desired: Desired): string {
    const doc = stackFile.trim() === "" ? new Document({}) : parseDocument(stackFile);
    if (doc.errors.length > 0) throw new Error(`the stack's config file is not valid YAML: ${doc.errors[0]!.message}`);
    const old = doc.toJS()?.config;
    const kept: Record<string, unknown> = isMap(old) ? old : {};
    const next: Record<string, unknown> = Object.fromEntries(
        Object.entries(kept).filter(([k]) => !k.startsWith("rio:")),
    );
    if (desired.context !== undefined) next["rio:context"] = desired.context;
    if (desired.system !== undefined) next["rio:system"] = desired.system;
    if (Object.keys(desired.riofiles).length > 0) next["rio:riofiles"] = desired.riofiles;
    if (Object.keys(desired.buildSecrets ?? {}).length > 0) next["rio:buildSecrets"] = desired.buildSecrets;
    doc.set("config", doc.createNode(next));
    return doc.toString(TEXT);
}

/** The desired state in a stack file's text. */
export function desiredOfFile(stackFile: string): Desired {
    if (stackFile.trim() === "") return { riofiles: {} };
    const doc = parseDocument(stackFile);
    if (doc.errors.length > 0) throw new Error(`the stack's config file is not valid YAML: ${doc.errors[0]!.message}`);
    const config = doc.toJS()?.config;
    return readDesired(isMap(config) ? config : {});
}
