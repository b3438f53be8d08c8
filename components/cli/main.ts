#!/usr/bin/env node
/**
 * The `rio` command line. `rio render`, `rio export` and `rio cd` load no Pulumi code: they call the same planning
 * functions the components apply, so they start fast and need no cluster, credentials or Pulumi CLI. The commands
 * that change a cluster (install, run, up, scale, rm) and `rio ps` run the Pulumi engine on a stack of the current
 * kube context (commands.ts), loaded only when one of them runs.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError, Option } from "commander";
import { RioInputError } from "../errors";
import { loadRiofile, parseRiofile, Riofile } from "../riofile/load";
import { readAnswersFile } from "../riofile/answers";
import { formatWarning } from "../riofile/warnings";
import { planObjects, planRiofile, RiofilePlan } from "../render/plan";
import { DEFAULT_BUILD_CONTEXT } from "../build/job";
import { toYaml } from "../render/yaml";
import { exportRiofile } from "../riofile/export";
import { renderSystem } from "../render/system";
import { planSystem } from "../system/plan";
import { resolveSettings } from "../system/settings";
import { githubWorkflow, previewWorkflow } from "../cd/workflow";
import { asFlagError } from "./flags";
import type { ChangeFlags, GlobalFlags } from "./commands";
import type { InstallFlags } from "./installFlags";
import type { RunFlags } from "./runFlags";
import type { StageFlags } from "./traffic";
import type { GradualFlags } from "./weights";
import type { RouteFlags } from "./routeArgs";
import type { SecretFlags } from "./secretPrompts";
import type { ConfigFlags, ListFlags } from "./sections";
import { CommandExit } from "./execStatus";
import type { LogFlags } from "./logs";
import type { DataFormat } from "./table";

function packageVersion(): string {
    for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
            if (pkg.name === "pulumi-rio") return pkg.version ?? "0.0.0";
        }
    }
    return "0.0.0";
}

interface RenderFlags {
    strict?: boolean;
    answers?: string;
    system?: boolean;
    allow?: string[];
    enable?: string[];
    disable?: string[];
    gatewayImplementation?: string;
    email?: string;
    cloudflare?: boolean;
    file?: string;
    namespace: string;
    domain: string;
    gateway: string;
    gatewayNamespace: string;
    scheme: "https" | "http";
}

/** A list flag's values, each given once or comma-separated (`--enable build,dashboard`). */
const listValues = (list: string[] | undefined) =>
    (list ?? [])
        .flatMap((l) => l.split(","))
        .map((f) => f.trim())
        .filter((f) => f !== "");

/** Features named on the command line, as RioSystem's `features` arg. */
function featureSwitches(flags: RenderFlags): Record<string, boolean> {
    return {
        ...Object.fromEntries(listValues(flags.enable).map((f) => [f, true])),
        ...Object.fromEntries(listValues(flags.disable).map((f) => [f, false])),
    };
}

/** Runs a planner on the flags' values; its errors about them name the flag (`--domain`), not the argument. */
function asFlags<T>(flags: RenderFlags, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (e instanceof RioInputError) throw asFlagError(e, listValues(flags.enable));
        throw e;
    }
}

function renderSystemFlags(flags: RenderFlags): string {
    const settings = asFlags(flags, () =>
        resolveSettings({
            domain: flags.domain,
            email: flags.email ?? (flags.cloudflare ? "admin@example.com" : undefined),
            gatewayImplementation: flags.gatewayImplementation,
            features: featureSwitches(flags),
            // Offline there is no token: the plan is the same with any, and no credential is ever printed.
            ...(flags.cloudflare && { cloudflare: { hasZone: true, hasToken: true } }),
        }),
    );
    return renderSystem(planSystem(settings), flags.domain);
}

/** Flags of one mode only: with --system they plan RioSystem, without it the Riofile. */
const SYSTEM_ONLY = ["enable", "disable", "cloudflare", "email"];
const RIOFILE_ONLY = ["file", "namespace", "answers", "strict", "allow", "gateway", "gatewayNamespace", "scheme"];

/** A flag typed for the other mode would be silently ignored: it is a usage error instead. */
function checkMode(cmd: Command, flags: RenderFlags): void {
    const typed = (keys: string[]) => keys.filter((k) => cmd.getOptionValueSource(k) === "cli");
    const flag = (key: string) => cmd.options.find((o) => o.attributeName() === key)!.long!;
    const misplaced = flags.system ? typed(RIOFILE_ONLY) : typed(SYSTEM_ONLY);
    if (misplaced.length === 0) return;
    const names = misplaced.map(flag).join(", ");
    cmd.error(
        flags.system
            ? `error: ${names} ${misplaced.length > 1 ? "are" : "is"} about the Riofile, which --system does not read; leave ${misplaced.length > 1 ? "them" : "it"} out, or drop --system`
            : `error: ${names} only ${misplaced.length > 1 ? "apply" : "applies"} with --system (what RioSystem installs); add --system, or leave ${misplaced.length > 1 ? "them" : "it"} out`,
    );
}

interface RiofileFlags {
    /** Unset: ./Riofile, else ./Dockerfile, as rio up without -f. */
    file?: string;
    namespace: string;
    answers?: string;
    strict?: boolean;
    /** `file` is a default the user did not type: without it, the Dockerfile next to it. */
    orDockerfile?: boolean;
}

/** The Riofile named by `-f` (or standard input), its template answered by `--answers`, then its Riofile-answers. */
function readRiofile(flags: RiofileFlags): Riofile {
    // Explicit answers win over a Riofile-answers file next to the Riofile (from standard input: in the cwd, as Rio).
    const answers =
        flags.answers !== undefined ? Object.fromEntries(readAnswersFile(flags.answers)!.values) : undefined;
    const options = { namespace: flags.namespace, ...(answers && { answers }), ...(flags.strict && { strict: true }) };
    // Only a Riofile the user did not name may fall back to the folder's Dockerfile: a named one must exist.
    const riofile =
        flags.file === "-"
            ? parseRiofile(fs.readFileSync(0, "utf8"), "<stdin>", { ...options, dir: process.cwd() })
            : flags.file === undefined
              ? loadRiofile("Riofile", { ...options, orDockerfile: true })
              : loadRiofile(flags.file, { ...options, ...(flags.orDockerfile && { orDockerfile: true }) });
    for (const w of riofile.warnings ?? []) process.stderr.write(`rio: warning: ${formatWarning(w)}\n`);
    return riofile;
}

function render(flags: RenderFlags): string {
    if (flags.system) return renderSystemFlags(flags);
    const riofile = readRiofile(flags);
    const plan = asFlags(flags, () =>
        planRiofile(riofile, {
            namespace: flags.namespace,
            ...(flags.allow && { allow: flags.allow.flatMap((a) => a.split(",")) }),
            gateway: {
                name: flags.gateway,
                namespace: flags.gatewayNamespace,
                domain: flags.domain,
                scheme: flags.scheme,
                ...(flags.gatewayImplementation !== undefined && {
                    implementation: flags.gatewayImplementation as "traefik" | "envoy",
                }),
            },
            // As the stack does for local folder builds: RioSystem's registry served at registry.<domain>.
            registry: { ...DEFAULT_BUILD_CONTEXT.registry, external: { host: `registry.${flags.domain}` } },
        }),
    );
    const objects = planObjects(plan);
    const builds = localBuilds(plan);
    // Nothing on stdout and exit 0 would look like success at something: say that there was nothing to render.
    if (objects.length === 0 && builds === "")
        process.stderr.write(
            `rio: warning: ${riofile.file} declares nothing to deploy (no services, routers, configs, externalservices or kubernetes.manifest): no output\n`,
        );
    return builds + toYaml(objects.map((p) => p.object));
}

/** Local folder builds are not Kubernetes objects: say, as comments, what `pulumi up` builds and pushes first. */
function localBuilds(plan: RiofilePlan): string {
    return plan.services
        .flatMap((s) => s.plan.images)
        .map(
            ({ image: i }) =>
                `# built on pulumi up by @pulumi/docker-build, then pushed: docker buildx build ${i.context} -f ${i.dockerfile} -t ${i.push}${Object.entries(
                    i.args,
                )
                    .map(([k, v]) => ` --build-arg ${k}=${v}`)
                    .join("")}${i.noCache ? " --no-cache" : ""} --push\n`,
        )
        .join("");
}

/** A repeatable option's values, in the order given. */
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The commands that run the engine, loaded when one runs (they load Pulumi; `rio render` stays fast). */
const commands = () => import("./commands");
const sections = () => import("./sections");

/** The traffic commands (stage, weight, promote) and uninstall, loaded as the others are. */
const traffic = () => import("./traffic");
const uninstall = () => import("./uninstall");

/** Rio's `--duration` and `--pause` of rio weight and rio promote (refused past 0s: see weights.ts). */
function gradualOptions(cmd: Command): Command {
    return cmd
        .option("--duration <duration>", "how long the shift takes (Rio's gradual shift; only 0s, at once, here)")
        .option("--pause", "pause a gradual shift (Rio's; there is none to pause here)");
}

/** `--preview` and `--yes`, which every command that changes a stack takes. */
function changeOptions(cmd: Command): Command {
    return cmd
        .option("--preview", "show what would change, and change nothing")
        .option("-y, --yes", "change without asking (rio asks only on a terminal)");
}

/** The commands that change a cluster through a Pulumi stack, and `rio ps`. */
function stackCommands(cli: Command, start: (p: Promise<void>) => void): void {
    const globals = () => cli.opts() as GlobalFlags;
    const io = (c: typeof import("./commands")) => c.processIo();
    changeOptions(
        cli
            .command("install")
            .description("install Rio (RioSystem: gateway, TLS, …) on the cluster of the current kube context")
            .option(
                "--domain <domain>",
                "cluster domain; apps are served at <app>-<namespace>.<domain> (default: <gateway address>.sslip.io)",
            )
            .option("--email <email>", "the Let's Encrypt account email")
            .option(
                "--disable-features <features>",
                "features to leave out, comma-separated (gateway, tls, metrics, …)",
                collect,
            )
            .option(
                "--settings <file>",
                "more RioSystem settings, YAML or JSON (charts, crdBundles, helmValues, gatewayImplementation, …); flags win",
            ),
    ).action((flags: InstallFlags & ChangeFlags) => start(commands().then((c) => c.install(globals(), flags, io(c)))));
    changeOptions(
        cli
            .command("run")
            .description(
                "run an image (or build a git repository) as a service; the same name again updates it in place",
            )
            .argument("<image>", "the image, or a git repository URL to build")
            .argument("[args...]", "arguments replacing the image's command arguments (as docker run)")
            .option(
                "-p, --ports <port>",
                "[service port:]container port[/protocol][,name][,expose=false] (repeatable)",
                collect,
            )
            .option("-n, --name <name>", "[namespace:]name[@version] (default: a random name)")
            .option("--scale <scale>", "replicas (2), or autoscaling bounds (1-10)")
            .option(
                "-e, --env <NAME=value>",
                "an environment variable; NAME alone takes rio's own (repeatable)",
                collect,
            )
            .option("--env-file <file>", "a file of NAME=value lines (repeatable)", collect)
            .option("--cpus <cpus>", "CPU request (0.5 or 500m)")
            .option("-m, --memory <memory>", "memory request (100Mi)")
            .option(
                "--weight <percent>",
                "this version's share of the app's traffic, 0-100 (its other versions share the rest)",
            )
            .option("--build-branch <branch>", "the branch to build (default: the repository's default branch)")
            .option("--build-revision <revision>", "a tag or commit to build instead of a branch")
            .option("--build-dockerfile <path>", "the Dockerfile, in the repository (default: Dockerfile)")
            .option("--build-context <path>", "the build context, in the repository (default: .)")
            .option("--build-clone-secret <name>", "the git credentials to clone with (rio secret create)")
            .option("--build-registry <registry>", "push to this registry instead of RioSystem's")
            .option("--build-image-name <name>", "the image's repository[:tag] (default: <namespace>/<name>)")
            .option("--build-docker-push-secret <name>", "the registry credentials to push with (rio secret create)")
            .option("--build-timeout <duration>", "how long a build may take (default: 10m)")
            .option(
                "--template",
                "Rio's service per commit (ignored, with a warning: a new commit rolls the same workload in place; pull requests get a PreviewEnv)",
            )
            .option(
                "--stage-only",
                "Rio's staged service per commit (refused: pulumi-rio stages no service per commit; pull requests get a PreviewEnv)",
            )
            .option("--build-tag", "build the newest tag instead of a branch (at each update)")
            .option("--build-tag-include <regexp>", "with --build-tag: the tags to consider")
            .option("--build-tag-exclude <regexp>", "with --build-tag: the tags to leave out")
            .option(
                "--build-webhook-secret <name>",
                "Rio's GitHub webhook (ignored: a new commit builds at the next update)",
            )
            .option("--build-pr", "Rio's pull-request builds (ignored: pull requests get preview stacks)")
            .passThroughOptions(),
    ).action((image: string, args: string[], flags: RunFlags & ChangeFlags) =>
        start(commands().then((c) => c.run(globals(), image, args, flags, io(c)))),
    );
    changeOptions(
        cli
            .command("up")
            .description("deploy a Riofile: its services, configs, routers and external services join the namespace's")
            .option(
                "-f, --file <path>",
                "the Riofile ('-' reads standard input) (default: ./Riofile, else ./Dockerfile)",
            )
            .option("--answers <file>", "answers to the Riofile's template questions (YAML or JSON map)"),
    ).action((flags: { file?: string; answers?: string } & ChangeFlags) => {
        const riofile = readRiofile({ ...flags, namespace: globals().namespace });
        start(commands().then((c) => c.up(globals(), riofile, flags, io(c))));
    });
    cli.command("build")
        .description(
            "build a folder in the cluster (RioSystem's BuildKit) into RioSystem's registry, and print the image to rio run",
        )
        .argument("[path]", "the folder", ".")
        .option("-f, --file <path>", "the Dockerfile or Riofile (default: PATH/Riofile, else PATH/Dockerfile)")
        .option("-t, --tag <name[:tag]>", "the image's name and tag (default: <namespace>/<service>:latest)")
        .option("--build-arg <NAME=value>", "a build argument (repeatable)", collect)
        .option("--no-cache", "build without the layer cache")
        .action((dir: string, flags: { file?: string; tag?: string; buildArg?: string[]; cache?: boolean }) => {
            const riofile = readRiofile({
                file: flags.file ?? path.join(dir, "Riofile"),
                namespace: globals().namespace,
                ...(flags.file === undefined && { orDockerfile: true }),
            });
            const build = { ...flags, ...(flags.cache === false && { noCache: true }) };
            start(commands().then((c) => c.build(globals(), riofile, build, io(c))));
        });
    cli.command("ps")
        .description("list the namespace's services: NAME, IMAGE, ENDPOINT, SCALE, WEIGHT, CREATED, DETAIL")
        .addOption(new Option("--format <format>", "print as data instead of a table").choices(["json", "yaml"]))
        .option("-a, --all-namespaces", "every namespace of the stack (names as namespace:name)")
        .action((flags: { format?: "json" | "yaml"; allNamespaces?: boolean }) =>
            start(commands().then((c) => c.ps(globals(), flags, io(c)))),
        );
    changeOptions(
        cli
            .command("scale")
            .description("scale services: NAME=COUNT, or NAME=MIN-MAX to autoscale")
            .argument("<scales...>", "[namespace:]name[@version]=COUNT|MIN-MAX"),
    ).action((specs: string[], flags: ChangeFlags) =>
        start(commands().then((c) => c.scale(globals(), specs, flags, io(c)))),
    );
    changeOptions(
        cli
            .command("rm")
            .description(
                "remove services, router/NAME, externalservice/NAME or configmap/NAME from the stack and the cluster",
            )
            .argument("<names...>", "[namespace:]name[@version], router/NAME, externalservice/NAME, configmap/NAME"),
    ).action((names: string[], flags: ChangeFlags) =>
        start(commands().then((c) => c.rm(globals(), names, flags, io(c)))),
    );
    changeOptions(
        cli
            .command("stage")
            .description("stage a new version of a service: a copy of its spec at weight 0, next to the others")
            .argument("<service>", "[namespace:]name[@version] to copy")
            .argument("[new-version]", "the new version's name (default: v and five random digits)")
            .option("--image <image>", "the new version's image (default: the same)")
            .option(
                "-e, --env <NAME=value>",
                "an environment variable; NAME alone takes rio's own (repeatable)",
                collect,
            )
            .option("--env-file <file>", "a file of NAME=value lines (repeatable)", collect)
            .option("--edit", "edit the new version's spec first (Rio's; not supported)"),
    ).action((service: string, version: string | undefined, flags: StageFlags & ChangeFlags) =>
        start(
            Promise.all([commands(), traffic()]).then(([c, t]) => t.stage(globals(), service, version, flags, io(c))),
        ),
    );
    changeOptions(
        gradualOptions(
            cli
                .command("weight")
                .description("set a version's share of its app's traffic; the app's other versions share the rest")
                .argument("<weight...>", "[namespace:]app@version=PERCENT (hello-world@v2=40)"),
        ),
    ).action((specs: string[], flags: GradualFlags & ChangeFlags) =>
        start(Promise.all([commands(), traffic()]).then(([c, t]) => t.weight(globals(), specs, flags, io(c)))),
    );
    changeOptions(
        gradualOptions(
            cli
                .command("promote")
                .description("send all of an app's traffic to one version (the others stay, at weight 0)")
                .argument("<service>", "[namespace:]app@version"),
        ),
    ).action((service: string, flags: GradualFlags & ChangeFlags) =>
        start(Promise.all([commands(), traffic()]).then(([c, t]) => t.promote(globals(), service, flags, io(c)))),
    );
    changeOptions(
        cli
            .command("uninstall")
            .description("remove RioSystem and everything the stack deployed, then the stack itself"),
    ).action((flags: ChangeFlags) =>
        start(Promise.all([commands(), uninstall()]).then(([c, u]) => u.uninstall(globals(), flags, io(c)))),
    );
}

/**
 * `rio secret create|ls`, `rio route add|ls`, `rio external create|ls|rm`, `rio domain register|unregister|ls`,
 * `rio config create|update|ls|rm`.
 */
function sectionCommands(cli: Command, start: (p: Promise<void>) => void): void {
    const globals = () => cli.opts() as GlobalFlags;
    const run = (fn: (s: typeof import("./sections"), io: import("./commands").Io) => Promise<void> | void) =>
        start(Promise.all([sections(), commands()]).then(([s, c]) => fn(s, c.processIo())));
    /** `rio rm` of entries of one kind (`external rm db` is `rio rm externalservice/db`). */
    const rmKind = (kind: string, names: string[], flags: ChangeFlags) =>
        start(
            commands().then((c) =>
                c.rm(
                    globals(),
                    names.map((n) => `${kind}/${n}`),
                    flags,
                    c.processIo(),
                ),
            ),
        );
    type Listing = (globals: GlobalFlags, flags: ListFlags, io: import("./commands").Io) => Promise<void> | void;
    const ls = (cmd: Command, description: string, fn: (s: typeof import("./sections")) => Listing) =>
        cmd
            .command("ls")
            .alias("list")
            .description(description)
            .addOption(formatOption())
            .action((flags: ListFlags) => run((s, io) => fn(s)(globals(), flags, io)));
    const secret = cli.command("secret").alias("secrets").description("credentials builds use, kept encrypted");
    changeOptions(
        secret
            .command("create")
            .alias("add")
            .description(
                "ask for a credential as Rio did (a password with echo off, or one line of stdin each) and keep it encrypted in the stack",
            )
            .option("--git-basic-auth", "git over https: a username and a password or token (gitcredential)")
            .option(
                "--git-sshkey-auth",
                "git over SSH: a private key and the host keys it may talk to (gitcredential-ssh)",
            )
            .option("--docker", "a registry builds push to: its URL, a username and a password (dockerconfig)")
            .option("--github-webhook", "Rio's GitHub token (githubtoken)")
            .option("-n, --name <name>", "the Secret's name (default: asked, with the kind's default)"),
    ).action((flags: SecretFlags & ChangeFlags) =>
        start(
            Promise.all([import("./secret"), commands()]).then(([s, c]) =>
                s.secretCreate(globals(), flags, c.processIo()),
            ),
        ),
    );
    ls(secret, "list the stack's build secrets: NAME, TYPE, DATA (how many keys; never a value)", (s) => s.secretLs);
    const route = cli
        .command("route")
        .aliases(["routes", "router", "routers"])
        .description("routers: rules that send a host's paths to services");
    changeOptions(
        route
            .command("add")
            .alias("create")
            .description("add a route to a router (made if new), after its others or, with --insert, first")
            .argument("<match>", "NAME[/PATH]: /p exact, /p* a prefix, regexp(re)")
            .argument("<action>", "to, redirect or mirror")
            .argument("[targets...]", "app[@version][,port=N][,weight=N] (to: one or more), or redirect's HOST[/PATH]")
            .option("--insert", "put the route first instead of last")
            .option(
                "--header <NAME=VALUE>",
                "match a header: VALUE exact, VALUE* a prefix, regexp(re) (repeatable)",
                collect,
            )
            .option("--method <methods>", "match HTTP methods, comma-separated (repeatable)", collect)
            .option("--add-header <NAME=VALUE>", "add a request header (repeatable)", collect)
            .option("--set-header <NAME=VALUE>", "set a request header (repeatable)", collect)
            .option("--remove-header <NAME>", "remove a request header (repeatable)", collect)
            .option("--rewrite-host <host>", "rewrite the request's host")
            .option("--rewrite-path <path>", "rewrite the path's matched prefix")
            .option("--https-redirect", "with redirect: redirect to https")
            .option("--timeout-seconds <n>", "timeout for all requests")
            .option("--retry-attempts <n>", "how many times to retry")
            .option("--retry-timeout-seconds <n>", "timeout per retry")
            .option("--fault-percentage <n>", "percentage of matching requests to fault")
            .option("--fault-delay-milli-seconds <n>", "inject a delay for fault, in milliseconds")
            .option("--fault-httpcode <code>", "HTTP code to send for fault injection"),
    ).action((match: string, action: string, targets: string[], flags: RouteFlags & ChangeFlags) =>
        run((s, io) => s.routeAdd(globals(), [match, action, ...targets], flags, io)),
    );
    ls(route, "list the namespace's routes in the order they match: NAME, URL, OPTS, ACTION, TARGET", (s) => s.routeLs);
    const external = cli
        .command("external")
        .aliases(["externalservice", "externalservices"])
        .description("external services: a name in the namespace for something outside it");
    changeOptions(
        external
            .command("create")
            .alias("add")
            .description("point a name at IP addresses, a DNS name, or another namespace's app or router")
            .argument("<name>", "[namespace:]NAME")
            .argument("<targets...>", "IP…, a DNS name, [ns:]app[@version] or [ns:]router/NAME"),
    ).action((name: string, targets: string[], flags: ChangeFlags) =>
        run((s, io) => s.externalCreate(globals(), name, targets, flags, io)),
    );
    ls(external, "list the namespace's external services: NAME, TARGET", (s) => s.externalLs);
    changeOptions(
        external
            .command("rm")
            .description("remove external services (rio rm externalservice/NAME)")
            .argument("<names...>", "[namespace:]NAME"),
    ).action((names: string[], flags: ChangeFlags) => rmKind("externalservice", names, flags));
    const domain = cli.command("domain").alias("domains").description("custom domains of apps and routers");
    changeOptions(
        domain
            .command("register")
            .description("serve DOMAIN on the gateway (its certificate and listeners) and on the target's route")
            .argument("<domain>", "the host name (point its DNS at the gateway)")
            .argument("<target>", "[ns:]app or [ns:]router/NAME"),
    ).action((d: string, target: string, flags: ChangeFlags) =>
        run((s, io) => s.domainRegister(globals(), d, target, flags, io)),
    );
    changeOptions(
        domain
            .command("unregister")
            .description("stop serving DOMAIN")
            .argument("<domain>", "DOMAIN, or Rio's publicdomain/DOMAIN"),
    ).action((d: string, flags: ChangeFlags) => run((s, io) => s.domainUnregister(globals(), d, flags, io)));
    ls(domain, "list the stack's custom domains and what serves each: NAME, TARGET", (s) => s.domainLs);
    const config = cli.command("config").alias("configs").description("configs: ConfigMaps of files or text");
    const configPut = (name: string, description: string) =>
        changeOptions(
            config
                .command(name)
                .description(description)
                .argument("<name>", "[namespace:]NAME")
                .argument("<file>", "the file ('-' reads standard input)")
                .option("-k, --key <key>", "the key the file's text is kept under", "content")
                .option("-l, --label <KEY=VALUE>", "a label of the ConfigMap (repeatable)", collect),
        );
    configPut("create", "make a config (a ConfigMap) holding a file's text under one key").action(
        (name: string, file: string, flags: ConfigFlags & ChangeFlags) =>
            run((s, io) => s.configCreate(globals(), name, file, flags, io)),
    );
    configPut("update", "replace one key's text of a config (its other keys kept; -l replaces its labels)").action(
        (name: string, file: string, flags: ConfigFlags & ChangeFlags) =>
            run((s, io) => s.configUpdate(globals(), name, file, flags, io)),
    );
    ls(config, "list the namespace's configs: NAME, KEYS, SIZE", (s) => s.configLs);
    changeOptions(
        config
            .command("rm")
            .description("remove configs (rio rm configmap/NAME); one a service still mounts is refused")
            .argument("<names...>", "[namespace:]NAME"),
    ).action((names: string[], flags: ChangeFlags) => rmKind("configmap", names, flags));
}

/** The commands that read the cluster (they load the Kubernetes client, and Pulumi for the stack's outputs). */
const clusterCommands = () => import("./clusterCommands");

/** `--format json|yaml`, which the listings take. */
const formatOption = () =>
    new Option("--format <format>", "print as data instead of a table").choices(["json", "yaml"]);

/** logs, exec, pods, endpoints, info and dashboard: they read the cluster and the stack, and change nothing. */
function readCommands(cli: Command, start: (p: Promise<void>) => void): void {
    const globals = () => cli.opts() as GlobalFlags;
    const io = () => commands().then((c) => c.processIo());
    const run = (f: (c: typeof import("./clusterCommands"), io: import("./commands").Io) => Promise<void>) =>
        start(Promise.all([clusterCommands(), io()]).then(([c, i]) => f(c, i)));
    cli.command("logs")
        .alias("log")
        .description("print the logs of an app's pods (every container), of one version, or of pod/NAME")
        .argument("<target>", "[namespace:]app[@version], or pod/NAME")
        .option("-f, --follow", "keep printing new lines until interrupted")
        .option("-c, --container <name>", "only this container")
        .option("-s, --since <since>", "since a duration ago (5s, 2m, 3h) or an RFC 3339 time", "24h")
        .option("-n, --tail <lines>", "the last lines of each container, -1 for all", "200")
        .option("-p, --previous", "the previous instance of each container (after a restart)")
        .option("-t, --timestamps", "the time of each line")
        .addOption(
            new Option("-o, --output <format>", "POD CONTAINER line, the line alone, or JSON")
                .choices(["default", "raw", "json"])
                .default("default"),
        )
        .action((target: string, flags: LogFlags) => run((c, i) => c.logs(globals(), target, flags, i)));
    cli.command("exec")
        .description("run a command in a ready pod of an app (its exit code is rio's)")
        .argument("<target>", "[namespace:]app[@version], or pod/NAME")
        .argument("<command...>", "the command and its arguments")
        .option("-i, --stdin", "pass rio's standard input to the command")
        .option("-t, --tty", "give the command a terminal")
        .option("-c, --container <name>", "the container (default: the service's own)")
        .passThroughOptions()
        .action((target: string, command: string[], flags: { stdin?: boolean; tty?: boolean; container?: string }) =>
            run((c) => c.exec(globals(), target, command, flags)),
        );
    cli.command("pods")
        .alias("pod")
        .description("list the pods of the namespace's services: NAME, CREATED, READY, NODE, IP, STATE, DETAIL")
        .addOption(formatOption())
        .action((flags: { format?: DataFormat }) => run((c, i) => c.pods(globals(), flags, i)));
    cli.command("endpoints")
        .alias("endpoint")
        .description("list the URLs of the namespace's services and routers")
        .addOption(formatOption())
        .action((flags: { format?: DataFormat }) => run((c, i) => c.endpoints(globals(), flags, i)));
    cli.command("info")
        .description(
            "show the versions, the cluster domain and gateway address, the wildcard certificate and the system components' readiness",
        )
        .addOption(formatOption())
        .action((flags: { format?: DataFormat }) => run((c, i) => c.info(globals(), flags, i, packageVersion())));
    cli.command("cat")
        .description("print configs' data as the cluster has it: every key as YAML, or -k KEY's text alone")
        .argument("<configs...>", "[namespace:]configmap/NAME")
        .option("-k, --key <key>", "only this key (repeatable; one key prints its text alone)", collect)
        .action((targets: string[], flags: { key?: string[] }) => run((c, i) => c.cat(globals(), targets, flags, i)));
    cli.command("dashboard")
        .description("print Headlamp's URL and a short-lived read-only token to log in with (never stored)")
        .option("--duration <duration>", "how long the token is valid (at least 10m)", "1h")
        .action((flags: { duration?: string }) => run((c, i) => c.dashboard(globals(), flags, i)));
}

export function program(out: (s: string) => void, start: (p: Promise<void>) => void = () => undefined): Command {
    const cli = new Command("rio")
        .description(
            "Rio's MicroPaaS over Pulumi: run and scale services on the current kube context, or see what a Riofile deploys, offline",
        )
        .version(packageVersion())
        .showHelpAfterError()
        .exitOverride()
        // Rio's global flags go before the command (rio -n team ps); `rio run -n` is the service's name.
        .enablePositionalOptions()
        .option("-n, --namespace <ns>", "the namespace the commands work in (ps -a: every namespace)", "default")
        .option("--stack <name>", "the Pulumi stack (default: named after the current kube context)")
        .option("--kubeconfig <file>", "the kubeconfig (default: KUBECONFIG, else ~/.kube/config)");
    cli.command("render")
        .description("print every Kubernetes object the Riofile deploys, as multi-document YAML")
        .option("-f, --file <path>", "the Riofile ('-' reads standard input) (default: ./Riofile, else ./Dockerfile)")
        .option("-n, --namespace <ns>", "namespace to deploy into", "default")
        .option(
            "--answers <file>",
            "answers to the Riofile's template questions (YAML or JSON map); they win over its Riofile-answers",
        )
        .option("--strict", "refuse what is only warned about (a template variable nothing sets, a key Rio ignored…)")
        .option("--domain <domain>", "cluster domain; apps are served at <app>-<namespace>.<domain>", "rio.example.com")
        .option("--gateway <name>", "name of the Gateway routes attach to", "rio-gateway")
        .option("--gateway-namespace <ns>", "namespace of that Gateway", "rio-system")
        .addOption(new Option("--scheme <scheme>", "scheme of the URLs").choices(["https", "http"]).default("https"))
        .option(
            "--system",
            "print what RioSystem installs in the cluster instead (Helm releases as k3s HelmChart objects)",
        )
        .option("--enable <features...>", "with --system: features to switch on (build, autoscaling, dashboard, ...)")
        .option("--disable <features...>", "with --system: features to switch off, like rio install --disable-features")
        .addOption(
            new Option(
                "--gateway-implementation <name>",
                "the gateway's implementation (routers' extra objects depend on it; default traefik)",
            ).choices(["traefik", "envoy"]),
        )
        .option("--cloudflare", "with --system: plan as with a Cloudflare zone (Let's Encrypt DNS-01, DNS records)")
        .option("--email <email>", "with --system: the Let's Encrypt account email")
        .option(
            "--allow <features...>",
            "features reaching into the node the stack allows by name (hostPort, hostNetwork, hostPath, privileged)",
        )
        .action((flags: RenderFlags, cmd: Command) => {
            checkMode(cmd, flags);
            out(render(flags));
        });
    cli.command("export")
        .description(
            "print the Riofile normalized (canonical keys, each version of an app its own service); loading it gives the same objects",
        )
        .option("-f, --file <path>", "the Riofile ('-' reads standard input) (default: ./Riofile, else ./Dockerfile)")
        .option("-n, --namespace <ns>", "the namespace a template's NAMESPACE stands for", "default")
        .option(
            "--answers <file>",
            "answers to the Riofile's template questions (YAML or JSON map); they win over its Riofile-answers",
        )
        .option("--strict", "refuse what is only warned about (a template variable nothing sets, a key Rio ignored…)")
        .option("--live", "print the namespace's Riofile as the stack of the current kube context keeps it")
        // A template is answered as render answers it (Riofile-answers next to the file, or in the cwd for stdin).
        .action((flags: RiofileFlags & { live?: boolean }, cmd: Command) => {
            if (!flags.live) return out(exportRiofile(readRiofile(flags)));
            const typed = ["file", "answers", "strict"].filter((k) => cmd.getOptionValueSource(k) === "cli");
            if (typed.length > 0)
                cmd.error(
                    `error: --live prints the stack's Riofile and reads no file; leave out ${typed.map((k) => `--${k}`).join(", ")}`,
                );
            const globals = cli.opts() as GlobalFlags;
            const namespace = cmd.getOptionValueSource("namespace") === "cli" ? flags.namespace : globals.namespace;
            start(
                Promise.all([sections(), commands()]).then(([s, c]) =>
                    s.exportLive(globals, namespace, { ...c.processIo(), out }),
                ),
            );
        });
    const cd = cli.command("cd").description("continuous deployment helpers");
    cd.command("github-workflow")
        .description("print a GitHub Actions workflow that runs pulumi up on push and on a schedule")
        .requiredOption("--stack <org/project/stack>", "the stack to deploy")
        .option("--branch <branch>", "the branch whose pushes deploy", "main")
        .option("--poll <cron>", "how often to pick up new commits of the apps (cron, UTC)", "*/5 * * * *")
        .action((flags: { stack: string; branch: string; poll: string }) => out(githubWorkflow(flags)));
    cd.command("preview-workflow")
        .description("print a GitHub Actions workflow giving every pull request its own preview stack")
        .requiredOption("--base <org/project/stack>", "the base stack previews run on")
        .option("--cleanup <cron>", "when to remove previews of closed pull requests (cron, UTC)", "0 3 * * *")
        .action((flags: { base: string; cleanup: string }) => out(previewWorkflow(flags)));
    stackCommands(cli, start);
    sectionCommands(cli, start);
    readCommands(cli, start);
    return cli;
}

/** A user error is one line on stderr and exit 1; a usage error exit 2; anything else is a crash, shown as one. */
function exitCode(e: unknown): number {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    // rio exec: the exec'd command's own exit code.
    if (e instanceof CommandExit) return e.code;
    if (e instanceof RioInputError) {
        process.stderr.write(`rio: ${e.message}\n`);
        return 1;
    }
    throw e;
}

/**
 * Runs the offline commands (render, export, cd) in this process; user errors print one line on stderr and exit
 * non-zero, with nothing on stdout. The commands that run the engine need {@link mainAsync}.
 */
export function main(argv: string[]): number {
    let output = "";
    let started = false;
    try {
        program(
            (s) => (output += s),
            () => {
                started = true;
            },
        ).parse(argv, { from: "user" });
    } catch (e) {
        return exitCode(e);
    }
    if (started) throw new Error(`rio ${argv.join(" ")}: this command runs the engine; call mainAsync`);
    process.stdout.write(output);
    return 0;
}

/** Runs any command; what the engine commands print they print as they go, and nothing on stdout on an error. */
export async function mainAsync(argv: string[]): Promise<number> {
    let output = "";
    let pending: Promise<void> | undefined;
    try {
        program(
            (s) => (output += s),
            (p) => {
                pending = p;
            },
        ).parse(argv, { from: "user" });
        if (pending) await pending;
    } catch (e) {
        return exitCode(e);
    }
    process.stdout.write(output);
    return 0;
}

/**
 * A reader that stops early (`rio render | head`) closes the pipe: that is not an error of ours, so rio stops
 * writing and exits 0 without a word, as other command-line tools do, instead of an unhandled EPIPE trace.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
    stream.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code !== "EPIPE") throw e;
        process.exit(0);
    });
}

if (require.main === module) {
    quietOnClosedPipe(process.stdout);
    quietOnClosedPipe(process.stderr);
    void mainAsync(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
