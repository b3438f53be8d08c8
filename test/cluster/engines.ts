/**
 * `npm run engines`: builds the cluster tier's real engines from their Go modules, into a cache outside the
 * repository, and tells the tests where they are.
 *
 * Each engine is a Go module of ours under `test/cluster/engines/<name>` (go.mod and go.sum committed) that
 * requires the upstream module at a pinned version; `go build` compiles the upstream main packages from the
 * module cache. The binaries land in `<cache>/engines/<name>-<key>/bin`, where the key hashes the module's
 * go.mod and go.sum, the build flags and the Go version: a version bump is a new folder, an unchanged one is
 * reused (CI on the same machine pays the cold build once). Nothing built or downloaded enters the repository.
 * The Python environment of the Python program is made here too (python.ts).
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makePython, REQUIREMENTS } from "./python";

/** The repository's engine modules (test/cluster/engines), from dist/test/cluster or test/cluster alike. */
export const ENGINES_SRC = path.resolve(__dirname, "../../..", "test/cluster/engines");

/** Where everything built or downloaded lives: `$PULUMI_RIO_CACHE`, else `~/.cache/pulumi-rio`. */
export const CACHE = process.env.PULUMI_RIO_CACHE ?? path.join(os.homedir(), ".cache", "pulumi-rio");

/** Versions the binaries report and the tests rely on. */
export const VERSIONS = {
    kubernetes: "1.36.3",
    pulumi: "3.248.0",
    /**
     * The newest commit of github.com/pulumi/pulumi-kubernetes/provider/v4 the Go module proxy serves is the one
     * tagged v4.25.0 (the module path is never tagged itself, so only pseudo-versions exist); the SDK in the
     * lockfile is 4.34.2. The engine does not compare a plugin's version with the SDK's, so 4.25.0 serves it.
     */
    kubernetesProvider: "4.25.0",
    kwok: "0.8.0",
    /** The registry image RioSystem runs is registry:3.0.0 (components/system/registry.ts). */
    registry: "3.0.0",
    /**
     * Traefik v3.7.x (13 is the newest served) cannot be built here: the proxy refuses 15 of its dependencies at
     * the versions its go.mod pins (containous/go-http-auth, which basic auth needs, and DNS SDKs of lego), so the
     * cluster tier runs v3.6.12, the newest v3.6, whose every dependency is served.
     */
    traefik: "3.6.12",
    envoyGateway: "1.9.0",
    certManager: "1.21.1",
    keda: "2.20.2",
    kedaHttpAddOn: "0.15.0",
    /** The only version of github.com/fluxcd/flagger the proxy lists. */
    flagger: "1.36.1",
    /** The YAML language host, for the multi-language package's YAML program. */
    pulumiYaml: "1.25.0",
} as const;

interface Binary {
    /** File name in bin/. */
    name: string;
    /** The Go package to build. */
    pkg: string;
    /** Arguments that make the binary print its version. */
    versionArgs: string[];
}

interface Engine {
    /** Its module folder under test/cluster/engines. */
    name: string;
    binaries: Binary[];
    ldflags: string;
    tags?: string;
    /** Files the build needs that are made from the module cache first, before go reads go.mod (not committed). */
    prepare?: (moduleDir: string) => void;
}

const k8sVersionFlags = (() => {
    const v = `v${VERSIONS.kubernetes}`;
    const [major, minor] = VERSIONS.kubernetes.split(".");
    return [
        `-X k8s.io/component-base/version.gitVersion=${v}`,
        `-X k8s.io/component-base/version.gitMajor=${major}`,
        `-X k8s.io/component-base/version.gitMinor=${minor}`,
        "-X k8s.io/component-base/version.gitTreeState=clean",
        `-X k8s.io/client-go/pkg/version.gitVersion=${v}`,
        `-X k8s.io/client-go/pkg/version.gitMajor=${major}`,
        `-X k8s.io/client-go/pkg/version.gitMinor=${minor}`,
    ].join(" ");
})();

export const ENGINES: Engine[] = [
    {
        // One `go build` for the control plane: the four commands share most of their compiled packages.
        name: "kube",
        binaries: [
            { name: "kube-apiserver", pkg: "k8s.io/kubernetes/cmd/kube-apiserver", versionArgs: ["--version"] },
            {
                name: "kube-controller-manager",
                pkg: "k8s.io/kubernetes/cmd/kube-controller-manager",
                versionArgs: ["--version"],
            },
            { name: "kube-scheduler", pkg: "k8s.io/kubernetes/cmd/kube-scheduler", versionArgs: ["--version"] },
            { name: "kubectl", pkg: "k8s.io/kubernetes/cmd/kubectl", versionArgs: ["version", "--client"] },
            // The version k8s.io/kubernetes v1.36.3 requires of go.etcd.io/etcd/client/v3.
            { name: "etcd", pkg: "go.etcd.io/etcd/server/v3", versionArgs: ["--version"] },
        ],
        ldflags: `-s -w ${k8sVersionFlags}`,
    },
    {
        name: "pulumi",
        binaries: [{ name: "pulumi", pkg: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi", versionArgs: ["version"] }],
        // As Pulumi's own release build (.goreleaser.yml); the Automation API refuses a CLI without a version.
        ldflags: `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${VERSIONS.pulumi}`,
        tags: "osusergo,grpcnotrace",
    },
    {
        name: "kubernetes-provider",
        binaries: [{ name: "pulumi-resource-kubernetes", pkg: ".", versionArgs: [] }],
        ldflags: `-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${VERSIONS.kubernetesProvider}`,
        prepare: writeProviderEmbeds,
    },
    {
        name: "kwok",
        binaries: [{ name: "kwok", pkg: "sigs.k8s.io/kwok/cmd/kwok", versionArgs: ["--version"] }],
        ldflags: "-s -w",
    },
    {
        name: "traefik",
        binaries: [{ name: "traefik", pkg: "github.com/traefik/traefik/v3/cmd/traefik", versionArgs: ["version"] }],
        ldflags: `-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=v${VERSIONS.traefik}`,
        prepare: linkTraefikExt,
    },
    {
        // The control plane only (translation and status); no Envoy proxy runs, so no traffic flows.
        name: "envoy-gateway",
        binaries: [
            {
                name: "envoy-gateway",
                pkg: "github.com/envoyproxy/gateway/cmd/envoy-gateway",
                versionArgs: ["version"],
            },
        ],
        ldflags: `-s -w -X github.com/envoyproxy/gateway/internal/cmd/version.envoyGatewayVersion=v${VERSIONS.envoyGateway}`,
    },
    {
        // The chart's three processes, one module: the operator, the interceptor (the proxy that holds requests
        // while an app scales up from zero) and the external scaler KEDA asks for pending requests.
        name: "keda-http-add-on",
        binaries: ["operator", "interceptor", "scaler"].map((c) => ({
            name: `keda-http-add-on-${c}`,
            pkg: `github.com/kedacore/http-add-on/${c}`,
            versionArgs: [],
        })),
        ldflags: `-s -w -X github.com/kedacore/http-add-on/pkg/build.version=v${VERSIONS.kedaHttpAddOn}`,
    },
    {
        // Our main.go wires cert-manager's own controllers: upstream's cmd/controller module is not served.
        name: "cert-manager",
        binaries: [{ name: "cert-manager-controller", pkg: ".", versionArgs: [] }],
        ldflags: `-s -w -X github.com/cert-manager/cert-manager/pkg/util.AppVersion=v${VERSIONS.certManager}`,
    },
    {
        // The operator (ScaledObjects to HPAs, scale to and from zero) and the metrics API server the HPAs read.
        name: "keda",
        binaries: [
            { name: "keda-operator", pkg: "github.com/kedacore/keda/v2/cmd/operator", versionArgs: [] },
            { name: "keda-adapter", pkg: "github.com/kedacore/keda/v2/cmd/adapter", versionArgs: [] },
        ],
        ldflags: `-s -w -X github.com/kedacore/keda/v2/version.Version=${VERSIONS.keda}`,
    },
    {
        // Progressive delivery: a Canary's steps move an HTTPRoute's weights (its Gateway API router).
        name: "flagger",
        binaries: [{ name: "flagger", pkg: "github.com/fluxcd/flagger/cmd/flagger", versionArgs: ["-version"] }],
        ldflags: "-s -w",
    },
    {
        // Pulumi YAML's language host: the CLI runs `runtime: yaml` programs through it. (The Node.js and Python
        // hosts' modules are not served, which is why the other programs run inline through the Automation API.)
        name: "pulumi-yaml",
        binaries: [
            {
                name: "pulumi-language-yaml",
                pkg: "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml",
                versionArgs: [],
            },
        ],
        ldflags: `-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v${VERSIONS.pulumiYaml}`,
    },
    {
        // CNCF distribution, the registry RioSystem runs (registry:3.0.0): folder builds upload their context to it.
        name: "registry",
        binaries: [
            {
                name: "registry",
                pkg: "github.com/distribution/distribution/v3/cmd/registry",
                versionArgs: ["--version"],
            },
        ],
        ldflags: `-s -w -X github.com/distribution/distribution/v3/version.version=v${VERSIONS.registry}`,
    },
    {
        // Pulumi's own SDK generators for Python and Go (pkg/v3/codegen, at the CLI's version), run on the plugin's
        // schema as those languages' hosts run them for `pulumi package add`: the hosts' modules are not served.
        name: "sdkgen",
        binaries: [{ name: "pulumi-rio-sdkgen", pkg: ".", versionArgs: [] }],
        ldflags: "-s -w",
    },
];

/** The environment of every go command: this machine's proxy settings, our caches, no toolchain download. */
export function goEnv(): NodeJS.ProcessEnv {
    return {
        ...process.env,
        GOTOOLCHAIN: "local",
        GOMODCACHE: path.join(CACHE, "gomod"),
        GOCACHE: path.join(CACHE, "gocache"),
        GOFLAGS: "-mod=readonly",
        CGO_ENABLED: "0",
    };
}

function goVersion(): string {
    try {
        return execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim();
    } catch {
        throw new EngineError("the go command is not on PATH: the cluster tier builds its engines with Go ≥ 1.26");
    }
}

/** A failure to build an engine: printed as one clear line, never a stack trace. */
export class EngineError extends Error {}

/** The cache folder of one engine at the versions its module pins. */
export function engineDir(engine: Engine, go = goVersion()): string {
    const dir = path.join(ENGINES_SRC, engine.name);
    const h = createHash("sha256");
    for (const f of ["go.mod", "go.sum", "main.go"]) {
        const p = path.join(dir, f);
        if (fs.existsSync(p)) h.update(f).update(fs.readFileSync(p));
    }
    h.update(JSON.stringify({ go, binaries: engine.binaries, ldflags: engine.ldflags, tags: engine.tags }));
    return path.join(CACHE, "engines", `${engine.name}-${h.digest("hex").slice(0, 12)}`);
}

const STAMP = ".complete";

/**
 * Paths of the built binaries by name. Reading one whose engine is not built throws, naming the command to run,
 * so a test file needs only the engines it uses (the control plane's, and the controllers it starts).
 */
export function engineBins(): Record<string, string> {
    const go = goVersion();
    const bins: Record<string, string> = {};
    const missing: Record<string, string> = {};
    for (const engine of ENGINES) {
        const dir = engineDir(engine, go);
        const built = fs.existsSync(path.join(dir, STAMP));
        for (const b of engine.binaries) {
            if (built) bins[b.name] = path.join(dir, "bin", b.name);
            else missing[b.name] = `the ${engine.name} engine is not built (${dir}): run npm run engines`;
        }
    }
    return new Proxy(bins, {
        get(target, name) {
            if (typeof name === "string" && name in missing) throw new EngineError(missing[name]);
            return Reflect.get(target, name);
        },
    });
}

/** The folders of engines' bin directories, for PATH (the Pulumi CLI finds the provider plugin there). */
export function engineBinDirs(): string[] {
    return [...new Set(Object.values({ ...engineBins() }).map((b) => path.dirname(b)))];
}

/** The Pulumi CLI's root folder (it holds bin/pulumi), as `PulumiCommand.get({ root })` takes it. */
export function pulumiRoot(): string {
    return path.dirname(path.dirname(engineBins().pulumi));
}

/** Runs a go command, streaming nothing; on failure the last lines of its output explain why. */
function go(args: string[], cwd: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn("go", args, { cwd, env: goEnv(), stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("error", reject);
        child.on("close", (code) => {
            if (code === 0) return resolve();
            const tail = out.trim().split("\n").slice(-15).join("\n");
            const unavailable = /403 Forbidden|not available|unknown revision|no matching versions/.test(out);
            reject(
                new EngineError(
                    `go ${args[0]} failed in ${path.relative(process.cwd(), cwd) || cwd}` +
                        (unavailable ? " (a module cannot be had from the Go module proxy)" : "") +
                        `:\n${tail}`,
                ),
            );
        });
    });
}

/** Builds one engine if its cache folder is not complete; returns what it did. */
async function build(engine: Engine, goVer: string): Promise<{ dir: string; seconds?: number }> {
    const dir = engineDir(engine, goVer);
    if (fs.existsSync(path.join(dir, STAMP))) return { dir };
    const moduleDir = path.join(ENGINES_SRC, engine.name);
    const started = Date.now();
    engine.prepare?.(moduleDir);
    // Download first, so a module the proxy refuses is reported as such rather than as a compile error.
    await go(["mod", "download"], moduleDir);
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(path.join(tmp, "bin"), { recursive: true });
    const flags = ["-trimpath", "-ldflags", engine.ldflags, ...(engine.tags ? ["-tags", engine.tags] : [])];
    for (const b of engine.binaries) {
        // One binary per go build keeps each output name ours (etcd's package would be named "v3" or "server").
        await go(["build", ...flags, "-o", path.join(tmp, "bin", b.name), b.pkg], moduleDir);
    }
    fs.writeFileSync(path.join(tmp, STAMP), new Date().toISOString() + "\n");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    return { dir, seconds: (Date.now() - started) / 1000 };
}

/** The directory of a module in the module cache, downloading it if needed (the module's go.sum verifies it). */
export function moduleDir(engineModule: string, modulePath: string): string {
    const out = execFileSync("go", ["mod", "download", "-json", modulePath], {
        cwd: path.join(ENGINES_SRC, engineModule),
        env: goEnv(),
        encoding: "utf8",
    });
    const info = JSON.parse(out) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new EngineError(`${modulePath}: ${info.Error ?? "not downloaded"}`);
    return info.Dir;
}

/**
 * Upstream's `cmd/pulumi-resource-kubernetes` embeds two files its `go generate` writes and git ignores, so the
 * module zip lacks them: write them as that generator does (the schema with its version set, both minified).
 */
function writeProviderEmbeds(dir: string): void {
    const mod = path.join(moduleDir("kubernetes-provider", "github.com/pulumi/pulumi-kubernetes/provider/v4"));
    const cmd = path.join(mod, "cmd", "pulumi-resource-kubernetes");
    const schema = JSON.parse(fs.readFileSync(path.join(cmd, "schema.json"), "utf8"));
    schema.version = VERSIONS.kubernetesProvider;
    fs.writeFileSync(path.join(dir, "schema-embed.json"), JSON.stringify(schema));
    const mapping = JSON.parse(fs.readFileSync(path.join(cmd, "terraform-mapping.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "terraform-mapping-embed.json"), JSON.stringify(mapping));
}

/**
 * Traefik's go.mod replaces github.com/traefik/traefik/dynamic/ext by a folder inside its own module; ours points
 * at ./ext, made here as a link to that folder in the module cache. The download runs outside any module, since
 * go cannot read our go.mod while ./ext is missing; the checksum database verifies it.
 */
function linkTraefikExt(dir: string): void {
    const out = execFileSync("go", ["mod", "download", "-json", `github.com/traefik/traefik/v3@v${VERSIONS.traefik}`], {
        cwd: os.tmpdir(),
        env: { ...goEnv(), GOFLAGS: "" },
        encoding: "utf8",
    });
    const info = JSON.parse(out) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new EngineError(`github.com/traefik/traefik/v3: ${info.Error ?? "not downloaded"}`);
    const link = path.join(dir, "ext");
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.join(info.Dir, "pkg", "config", "dynamic", "ext"), link);
}

function versionOf(bin: string, args: string[]): string {
    if (args.length === 0) return "(no version flag)";
    try {
        const out = execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
        return out.trim().split("\n")[0];
    } catch (e) {
        return `(did not run: ${(e as Error).message.split("\n")[0]})`;
    }
}

function du(dir: string): number {
    let total = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        total += e.isDirectory() ? du(p) : e.isFile() ? fs.statSync(p).size : 0;
    }
    return total;
}

async function main(only: string[]): Promise<void> {
    const goVer = goVersion();
    const all = Date.now();
    const unknown = only.filter((n) => !ENGINES.some((e) => e.name === n));
    if (unknown.length)
        throw new EngineError(`no engine named ${unknown.join(", ")}: ${ENGINES.map((e) => e.name).join(", ")}`);
    for (const engine of ENGINES.filter((e) => only.length === 0 || only.includes(e.name))) {
        const { dir, seconds } = await build(engine, goVer);
        for (const b of engine.binaries) {
            const bin = path.join(dir, "bin", b.name);
            const took = seconds === undefined ? "cached" : `built in ${seconds.toFixed(0)} s`;
            console.log(`${bin}\t${versionOf(bin, b.versionArgs)}\t${took}`);
        }
    }
    const py = makePython();
    console.log(
        `${py.python}\t${py.version}, ${path.basename(REQUIREMENTS)}\t${py.seconds === undefined ? "cached" : `made in ${py.seconds.toFixed(0)} s`}`,
    );
    const gib = (dir: string) => (fs.existsSync(dir) ? (du(dir) / 2 ** 30).toFixed(1) : "0");
    console.log(
        `engines ready in ${((Date.now() - all) / 1000).toFixed(0)} s (${goVer}); disk: engines ${gib(path.join(CACHE, "engines"))} GiB, ` +
            `module cache ${gib(path.join(CACHE, "gomod"))} GiB, build cache ${gib(path.join(CACHE, "gocache"))} GiB`,
    );
    console.log(
        "not built: pulumi-language-nodejs, -python and -go (the Go module proxy serves no version of " +
            "github.com/pulumi/pulumi/sdk/{nodejs/cmd/pulumi-language-nodejs,python/cmd/pulumi-language-python," +
            "go/pulumi-language-go}/v3): the cluster tier runs Node.js and Python programs inline through the " +
            "Automation API, which needs no language host, and generates SDKs with pulumi-rio-sdkgen",
    );
}

if (require.main === module) {
    // `npm run engines -- NAME…` builds only those engines (the tests need them all).
    main(process.argv.slice(2)).catch((e) => {
        console.error(`engines: ${e instanceof EngineError ? e.message : (e as Error).stack}`);
        process.exit(1);
    });
}
