/**
 * Rio's traffic commands over the stack: `rio stage` (a new version at weight 0), `rio weight` (one version's
 * share) and `rio promote` (all of it to one version, the others kept at 0). Each is a pure edit of the
 * namespace's Riofile (stage.ts, weights.ts) run through the frame every command that changes a stack shares.
 */
import * as fs from "fs";
import { RioInputError } from "../errors";
import { ChangeFlags, changeStack, GlobalFlags, Io, namespaceContent, withNamespace } from "./commands";
import { envOfFlags } from "./runFlags";
import { formatServiceName, parseServiceName, ServiceName } from "./serviceName";
import { checkVersion, randomVersion, stageVersion } from "./stage";
import { applyWeight, GradualFlags, parseWeightArg, refuseGradual, shareLines, WeightChange } from "./weights";

/** rio stage's flags (Rio's `--image`, `-e/--env`, `--env-file`, `--edit`). */
export interface StageFlags {
    image?: string;
    env?: string[];
    envFile?: string[];
    edit?: boolean;
}

/** An error of the staged service's keys, as about the flag that set them (`--image: …`). */
function asStageError(e: unknown, key: string): unknown {
    if (!(e instanceof RioInputError)) return e;
    const [section, name, field] = e.path;
    if (section !== "services" || name !== key) return e;
    const flag = field === "image" ? "--image" : field === "env" ? "--env" : undefined;
    return new RioInputError(
        [],
        `${flag ?? `stage: services.${key}${field !== undefined ? `.${field}` : ""}`}: ${e.detail}`,
    );
}

/** `rio stage [--image IMAGE] [-e NAME=value…] SERVICE [NEW_VERSION]`. */
export async function stage(
    globals: GlobalFlags,
    service: string,
    version: string | undefined,
    flags: StageFlags & ChangeFlags,
    io: Io,
): Promise<void> {
    if (flags.edit)
        throw new RioInputError(
            [],
            "--edit is not supported: stage the version, then change it with rio run -n APP@VERSION or rio up",
        );
    const source = parseServiceName(service, "stage");
    const env = envOfFlags(flags, { lookupEnv: (n) => process.env[n], readFile: (f) => fs.readFileSync(f, "utf8") });
    const namespace = source.namespace ?? globals.namespace;
    const newVersion = checkVersion(version ?? randomVersion());
    let staged: { key: string; name: ServiceName } | undefined;
    await changeStack(
        globals,
        flags,
        io,
        {},
        (current) => {
            const change = stageVersion(
                namespaceContent(current, namespace),
                source,
                newVersion,
                { ...(flags.image !== undefined && { image: flags.image }), env },
                namespace,
            );
            staged = change;
            try {
                return withNamespace(current, namespace, change.content);
            } catch (e) {
                throw asStageError(e, change.key);
            }
        },
        (outputs) => {
            const { app, version: v } = staged!.name;
            // Rio's revision endpoint: <app>-<version>-<namespace>.<domain>.
            const url = (outputs?.urls?.[namespace]?.[app] ?? []).find((u) =>
                new RegExp(`^https?://${app}-${v}-`).test(u),
            );
            const name = formatServiceName(staged!.name);
            return url !== undefined
                ? `${name}   ${url}   (weight 0)\n`
                : `${name}: staged at weight 0 (no port is exposed: no URL)\n`;
        },
    );
}

/** A weight change over the stack, for rio weight and rio promote. */
async function changeWeight(
    globals: GlobalFlags,
    name: ServiceName,
    percent: number,
    what: string,
    flags: ChangeFlags,
    io: Io,
    done: (app: string, change: WeightChange) => string,
): Promise<void> {
    const namespace = name.namespace ?? globals.namespace;
    let change: WeightChange | undefined;
    await changeStack(
        globals,
        flags,
        io,
        {},
        (current) => {
            change = applyWeight(namespaceContent(current, namespace), name, percent, {
                namespace,
                what,
                refuseUnchanged: true,
            });
            if (change.warning !== undefined) io.err(`rio: warning: ${change.warning}\n`);
            return withNamespace(current, namespace, change.content);
        },
        () => done(name.app, change!),
    );
}

/** `rio weight [--duration 0s] APP@VERSION=PERCENT`: the version's share; the app's other versions share the rest. */
export async function weight(
    globals: GlobalFlags,
    specs: readonly string[],
    flags: GradualFlags & ChangeFlags,
    io: Io,
): Promise<void> {
    refuseGradual(flags);
    if (specs.length !== 1)
        throw new RioInputError(
            [],
            `weight: give one APP@VERSION=PERCENT (${specs.length} were given): the app's other versions share the rest of its traffic, as they shared theirs`,
        );
    const { name, percent } = parseWeightArg(specs[0]!);
    await changeWeight(globals, name, percent, `weight "${specs[0]}"`, flags, io, (app, change) =>
        shareLines(app, change.shares),
    );
}

/** `rio promote APP@VERSION`: all of the app's traffic to that version; its other versions stay, at weight 0. */
export async function promote(
    globals: GlobalFlags,
    service: string,
    flags: GradualFlags & ChangeFlags,
    io: Io,
): Promise<void> {
    refuseGradual(flags);
    const name = parseServiceName(service, "promote");
    await changeWeight(globals, name, 100, "promote", flags, io, (app, change) => {
        const promoted = change.shares.find((s) => s.percent === 100)!;
        return `${formatServiceName({ app, version: promoted.version })} promoted\n${shareLines(app, change.shares)}`;
    });
}
