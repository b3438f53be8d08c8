#!/usr/bin/env node
/**
 * The `rio` command line. It loads no Pulumi code: `rio render` calls the same planning functions the
 * components apply, so it starts fast and needs no cluster, credentials or Pulumi CLI.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError, Option } from "commander";
import { RioInputError } from "../errors";
import { loadRiofile, parseRiofile } from "../riofile/load";
import { planObjects, planRiofile } from "../render/plan";
import { toYaml } from "../render/yaml";

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
    file: string;
    namespace: string;
    domain: string;
    gateway: string;
    gatewayNamespace: string;
    scheme: "https" | "http";
}

function render(flags: RenderFlags): string {
    const riofile = flags.file === "-" ? parseRiofile(fs.readFileSync(0, "utf8"), "<stdin>") : loadRiofile(flags.file);
    const plan = planRiofile(riofile, {
        namespace: flags.namespace,
        gateway: { name: flags.gateway, namespace: flags.gatewayNamespace, domain: flags.domain, scheme: flags.scheme },
    });
    return toYaml(planObjects(plan).map((p) => p.object));
}

export function program(out: (s: string) => void): Command {
    const cli = new Command("rio")
        .description("Rio's MicroPaaS as Pulumi components: see what a Riofile deploys, offline")
        .version(packageVersion())
        .showHelpAfterError()
        .exitOverride();
    cli.command("render")
        .description("print every Kubernetes object the Riofile deploys, as multi-document YAML")
        .option("-f, --file <path>", "the Riofile ('-' reads standard input)", "Riofile")
        .option("-n, --namespace <ns>", "namespace to deploy into", "default")
        .option("--domain <domain>", "cluster domain; apps are served at <app>-<namespace>.<domain>", "rio.example.com")
        .option("--gateway <name>", "name of the Gateway routes attach to", "rio-gateway")
        .option("--gateway-namespace <ns>", "namespace of that Gateway", "rio-system")
        .addOption(new Option("--scheme <scheme>", "scheme of the URLs").choices(["https", "http"]).default("https"))
        .action((flags: RenderFlags) => out(render(flags)));
    return cli;
}

/** Runs the CLI; user errors print one line on stderr and exit non-zero, with nothing on stdout. */
export function main(argv: string[]): number {
    let output = "";
    try {
        program((s) => (output += s)).parse(argv, { from: "user" });
    } catch (e) {
        if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
        if (e instanceof RioInputError) {
            process.stderr.write(`rio: ${e.message}\n`);
            return 1;
        }
        throw e;
    }
    process.stdout.write(output);
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
