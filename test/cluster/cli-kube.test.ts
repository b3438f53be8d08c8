/**
 * The rio commands that read the cluster — pods, logs, exec, endpoints, info, dashboard — as the real `rio`
 * process against the local control plane (the fixture is rioCli.ts). kwok's kubelet server answers pods/log from
 * a ClusterLogs object's log file and runs pods/exec commands on this machine as a ClusterExec object says
 * (useCluster({ kwokServer: true })), so what rio prints is compared with exactly what those objects hold.
 */
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { NODE_NAME, waitFor } from "./controlPlane";
import { useCluster } from "./harness";
import { useRioCli } from "./rioCli";

const GATEWAY_ADDRESS = "10.0.0.10";
const DOMAIN = `${GATEWAY_ADDRESS}.sslip.io`;
const URL = `https://hello-world-default.${DOMAIN}`;
const RIO = path.resolve(__dirname, "../../components/cli/main.js");
const SELECTOR = "app.kubernetes.io/name=hello-world,app.kubernetes.io/managed-by=pulumi-rio";
const VERSION = (
    JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8")) as { version: string }
).version;

/** What the app "logs": kwok serves these lines, in the CRI log format, for every pod of the namespace. */
const LINES = ["listening on :80", "GET / 200 1.2ms", "a warning on stderr"];

const cluster = useCluster({ crds: [], kwokServer: true });

describe("the rio commands that read the cluster", () => {
    const cli = useRioCli(cluster, GATEWAY_ADDRESS, "rio-kube-");
    const { rio, rioWithInput, agrees } = cli;
    let dir = "";
    let logFile = "";
    const followers: ChildProcess[] = [];

    /** A CRI log line of now: kwok reads the file as the kubelet reads a container's log. */
    const criLine = (message: string, stream = "stdout") => `${new Date().toISOString()} ${stream} F ${message}\n`;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-kube-kwok-"));
        logFile = path.join(dir, "hello-world.log");
        fs.writeFileSync(logFile, LINES.map((l, i) => criLine(l, i === 2 ? "stderr" : "stdout")).join(""));
        cluster().kube.apply([
            {
                apiVersion: "kwok.x-k8s.io/v1alpha1",
                kind: "ClusterLogs",
                metadata: { name: "default-namespace" },
                spec: { selector: { matchNamespaces: ["default"] }, logs: [{ logsFile: logFile, follow: true }] },
            },
            {
                apiVersion: "kwok.x-k8s.io/v1alpha1",
                kind: "ClusterExec",
                metadata: { name: "default-namespace" },
                spec: {
                    selector: { matchNamespaces: ["default"] },
                    execs: [{ local: { workDir: dir, envs: [{ name: "GREETING", value: "from-kwok" }] } }],
                },
            },
        ]);
    });

    after(() => {
        for (const f of followers) if (f.exitCode === null && f.signalCode === null) f.kill("SIGKILL");
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** The pods of hello-world on the API server. */
    const pods = async () =>
        (await cluster().kube.get(`/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(SELECTOR)}`))
            .items as {
            metadata: { name: string; deletionTimestamp?: string };
            status: { phase: string; podIP: string };
        }[];

    it("rio install, then rio dashboard without the dashboard feature: one line saying how to turn it on", async () => {
        const install = await rio("install", "--settings", cli.settings);
        assert.equal(install.code, 0, install.stderr);
        const r = await rio("dashboard");
        assert.deepEqual(r, {
            code: 1,
            stdout: "",
            stderr: "rio: the dashboard is not installed on stack rio-local: turn its feature on with rio install --settings FILE, FILE holding features: {dashboard: true}\n",
        });
    });

    it("rio run -p 80 -n hello-world rancher/hello-world; rio pods lists its pod Running, by its name on the API server", async () => {
        const run = await rio("run", "-p", "80", "-n", "hello-world", "rancher/hello-world");
        assert.equal(run.code, 0, run.stderr);
        const [live, ...others] = await waitFor("one Running pod of hello-world", async () => {
            const ps = (await pods()).filter((p) => !p.metadata.deletionTimestamp);
            return ps.length === 1 && ps[0]!.status.phase === "Running" ? ps : undefined;
        });
        assert.equal(others.length, 0);
        const json = await rio("pods", "--format", "json");
        assert.equal(json.code, 0, json.stderr);
        const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
        assert.equal(rows.length, 1);
        assert.ok(rows[0]!.created, "the pod's creation time");
        assert.deepEqual(
            { ...rows[0], created: undefined },
            {
                name: live!.metadata.name,
                namespace: "default",
                app: "hello-world",
                version: "v0",
                created: undefined,
                ready: 1,
                containers: 1,
                node: NODE_NAME,
                ip: live!.status.podIP,
                state: "Running",
                detail: "",
            },
        );
        const table = await rio("pods");
        assert.equal(table.code, 0, table.stderr);
        const lines = table.stdout.trimEnd().split("\n");
        assert.match(lines[0]!, /^NAME +CREATED +READY +NODE +IP +STATE +DETAIL$/);
        assert.match(
            lines[1]!,
            new RegExp(
                `^${live!.metadata.name} +(now|\\d+ \\w+ ago) +1/1 +${NODE_NAME} +${live!.status.podIP.replace(/\./g, "\\.")} +Running$`,
            ),
        );
        assert.equal(lines.length, 2);
        // rio ps, now on the Kubernetes client, still reads the live Deployment.
        const ps = JSON.parse((await rio("ps", "--format", "json")).stdout) as { ready: number; desired: number }[];
        assert.deepEqual(
            ps.map((r) => [r.ready, r.desired]),
            [[1, 1]],
        );
        await agrees();
    });

    it("rio logs hello-world prints exactly the lines of the ClusterLogs file, as POD CONTAINER line; -o raw and --tail", async () => {
        const [pod] = await pods();
        const name = pod!.metadata.name;
        const r = await rio("logs", "hello-world");
        assert.deepEqual(r, {
            code: 0,
            stdout: LINES.map((l) => `${name} hello-world ${l}\n`).join(""),
            stderr: "",
        });
        const raw = await rio("logs", "-o", "raw", "hello-world");
        assert.deepEqual(raw, { code: 0, stdout: LINES.map((l) => `${l}\n`).join(""), stderr: "" });
        const tail = await rio("logs", "-o", "raw", "--tail", "1", "hello-world@v0");
        assert.deepEqual(tail, { code: 0, stdout: `${LINES[2]}\n`, stderr: "" });
        const byPod = await rio("logs", "-o", "raw", "-c", "hello-world", `pod/${name}`);
        assert.deepEqual(byPod, raw);
    });

    it("rio logs -f keeps printing the lines the log gets, until stopped", async () => {
        const child = spawn(process.execPath, [RIO, "logs", "-f", "-o", "raw", "hello-world"], {
            env: cli.env,
            cwd: cli.home,
            stdio: ["ignore", "pipe", "pipe"],
        });
        followers.push(child);
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d) => (stdout += d));
        child.stderr!.on("data", (d) => (stderr += d));
        const seen = (text: string) =>
            waitFor(
                `rio logs -f to print ${JSON.stringify(text)}`,
                async () => {
                    if (child.exitCode !== null) throw new Error(`it exited (${child.exitCode}): ${stderr}`);
                    return stdout === text ? true : undefined;
                },
                30_000,
            ).catch((e) => {
                throw new Error(`${(e as Error).message}; stdout ${JSON.stringify(stdout)}`);
            });
        const all = LINES.map((l) => `${l}\n`).join("");
        await seen(all);
        fs.appendFileSync(logFile, criLine("a line written later"));
        await seen(`${all}a line written later\n`);
        assert.equal(child.exitCode, null, "still following");
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
    });

    it("rio exec hello-world runs what kwok's ClusterExec runs: here, on this machine, in its workDir with its env", async () => {
        assert.deepEqual(await rio("exec", "hello-world", "echo", "hi"), { code: 0, stdout: "hi\n", stderr: "" });
        assert.deepEqual(await rio("exec", "hello-world", "sh", "-c", "echo $GREETING; pwd; echo oops >&2"), {
            code: 0,
            stdout: `from-kwok\n${fs.realpathSync(dir)}\n`,
            stderr: "oops\n",
        });
        // -i: rio's stdin reaches the command. (kwok v0.8.0 copies it into the command's stdin and never closes that
        // at its end, so a command reading to the end would wait forever, with kubectl as with rio: this one
        // reads two lines.)
        assert.deepEqual(
            await rioWithInput("one\ntwo\n", "exec", "-i", "hello-world", "sh", "-c", 'read a; read b; echo "$b $a"'),
            { code: 0, stdout: "two one\n", stderr: "" },
        );
        // A failing command: a kubelet reports its exit code (NonZeroExitCode), which rio exits with (execStatus's
        // test); kwok wraps it in an error of its own, which the API server passes on as an internal error: rio
        // exits 1 with it, as kubectl does.
        assert.deepEqual(await rio("exec", "hello-world", "sh", "-c", "exit 3"), {
            code: 1,
            stdout: "",
            stderr: "rio: exec: Internal error occurred: Internal error occurred: error executing command in container: cmd wait: sh -c exit 3: exit status 3\n",
        });
        const [pod] = await pods();
        assert.deepEqual(await rio("exec", "-c", "proxy", "hello-world", "ls"), {
            code: 1,
            stdout: "",
            stderr: `rio: exec: no container "proxy" in pod ${pod!.metadata.name} (containers: hello-world)\n`,
        });
    });

    it("a missing app, version or pod: exit 1 with one line", async () => {
        assert.deepEqual(await rio("logs", "hello-wrld"), {
            code: 1,
            stdout: "",
            stderr: 'rio: logs: no app "hello-wrld" in namespace default (apps: hello-world)\n',
        });
        assert.deepEqual(await rio("exec", "hello-world@v2", "ls"), {
            code: 1,
            stdout: "",
            stderr: 'rio: exec: app "hello-world" has no version "v2" in namespace default (versions: v0)\n',
        });
        assert.deepEqual(await rio("logs", "pod/hello-world-nope"), {
            code: 1,
            stdout: "",
            stderr: 'rio: logs: no pod "hello-world-nope" in namespace default\n',
        });
    });

    it("rio endpoints shows the URL, as a table and as JSON", async () => {
        assert.deepEqual(await rio("endpoints"), {
            code: 0,
            stdout: `NAME          ENDPOINTS\nhello-world   ${URL}\n`,
            stderr: "",
        });
        const json = await rio("endpoints", "--format", "json");
        assert.deepEqual(JSON.parse(json.stdout), [{ name: "hello-world", namespace: "default", endpoints: [URL] }]);
        assert.deepEqual(await rio("-n", "team", "endpoints"), { code: 0, stdout: "NAME   ENDPOINTS\n", stderr: "" });
    });

    it("rio info: versions, domain, gateway address, the wildcard certificate as cert-manager reports it, each component ready", async () => {
        const pulumiVersion = (await cli.openStack()).workspace.pulumiVersion;
        const text = (certificate: string, components: string[]) =>
            [
                `Rio Version: ${VERSION}`,
                `Pulumi Version: ${pulumiVersion}`,
                "Stack: rio-local (kube context rio-local)",
                `Cluster Domain: ${DOMAIN}`,
                `Cluster Domain IPs: ${GATEWAY_ADDRESS}`,
                "System Namespace: rio-system",
                `Wildcard Certificate: rio-system/rio-wildcard: ${certificate}`,
                "",
                "System Components:",
                ...components,
                "",
            ].join("\n");
        // No cert-manager runs here (a stand-in chart): the Certificate exists, and nothing has issued it.
        assert.deepEqual(await rio("info"), {
            code: 0,
            stdout: text("not issued yet", ["traefik status: ready", "cert-manager status: ready"]),
            stderr: "",
        });
        // What cert-manager writes once it has issued it.
        const patch = (status: object) =>
            cluster().kube.kubectl([
                "patch",
                "certificates.cert-manager.io",
                "rio-wildcard",
                "-n",
                "rio-system",
                "--subresource=status",
                "--type=merge",
                "-p",
                JSON.stringify({ status }),
            ]);
        const issued = patch({
            notAfter: "2027-01-01T00:00:00Z",
            conditions: [{ type: "Ready", status: "True", reason: "Ready", message: "Certificate is up to date" }],
        });
        assert.equal(issued.status, 0, issued.stderr);
        assert.equal(
            (await rio("info")).stdout,
            text("ready (valid until 2027-01-01T00:00:00Z)", ["traefik status: ready", "cert-manager status: ready"]),
        );
        const json = JSON.parse((await rio("info", "--format", "json")).stdout);
        assert.deepEqual(json.components, [
            { name: "traefik", feature: "gateway", state: "ready" },
            { name: "cert-manager", feature: "tls", state: "ready" },
        ]);
    });

    it("rio install with the dashboard; rio dashboard prints Headlamp's URL and a working read-only token it keeps nowhere", async () => {
        const settings = path.join(cli.home, "with-dashboard.yaml");
        const base = parse(fs.readFileSync(cli.settings, "utf8")) as Record<string, unknown>;
        fs.writeFileSync(settings, stringify({ ...base, features: { dashboard: true } }));
        const install = await rio("install", "--settings", settings);
        assert.equal(install.code, 0, install.stderr);
        await agrees();
        const info = await rio("info", "--format", "json");
        assert.deepEqual(
            JSON.parse(info.stdout).components.map((c: { name: string; state: string }) => [c.name, c.state]),
            [
                ["traefik", "ready"],
                ["cert-manager", "ready"],
                ["headlamp", "ready"],
            ],
        );
        const r = await rio("dashboard", "--duration", "15m");
        assert.equal(r.code, 0, r.stderr);
        const m = /^Headlamp: (\S+)\nToken: (\S+)\n$/.exec(r.stdout);
        assert.ok(m, r.stdout);
        assert.equal(m[1], `https://dashboard.${DOMAIN}`);
        const token = m[2]!;
        const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as {
            exp: number;
            iat: number;
            sub: string;
        };
        assert.equal(claims.exp - claims.iat, 900);
        assert.equal(claims.sub, "system:serviceaccount:rio-system:rio-dashboard-viewer");
        const until = new Date(claims.exp * 1000).toISOString().replace(/\.000Z$/, "Z");
        assert.equal(
            r.stderr,
            `rio: the token logs in as rio-system/rio-dashboard-viewer (Kubernetes' view role: read-only) until ${until}; rio keeps no copy\n`,
        );
        // The API server takes it: it is the dashboard account, which may read and not change.
        const review = await cluster().kube.request(
            "POST",
            "/apis/authentication.k8s.io/v1/tokenreviews",
            JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } }),
        );
        const status = JSON.parse(review.body).status as { authenticated: boolean; user: { username: string } };
        assert.equal(status.authenticated, true);
        assert.equal(status.user.username, "system:serviceaccount:rio-system:rio-dashboard-viewer");
        const can = (verb: string) =>
            cluster().kube.kubectl([
                "auth",
                "can-i",
                verb,
                "pods",
                "--as=system:serviceaccount:rio-system:rio-dashboard-viewer",
            ]).stdout;
        assert.equal(can("list"), "yes\n");
        assert.equal(can("delete"), "no\n");
        // Printed, never stored: no file under rio's home holds it.
        const files = (d: string): string[] =>
            fs
                .readdirSync(d, { withFileTypes: true })
                .flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)]));
        assert.deepEqual(
            files(cli.rioHome).filter((f) => fs.readFileSync(f, "latin1").includes(token)),
            [],
        );
    });

    it("with no pod left (rio scale hello-world=0), rio exec says no pod is ready", async () => {
        const scale = await rio("scale", "hello-world=0");
        assert.equal(scale.code, 0, scale.stderr);
        await waitFor("the pods of hello-world to be gone", async () =>
            (await pods()).length === 0 ? true : undefined,
        );
        assert.deepEqual(await rio("exec", "hello-world", "ls"), {
            code: 1,
            stdout: "",
            stderr: "rio: exec: no pod of hello-world is ready in namespace default (there is none)\n",
        });
        assert.deepEqual(await rio("logs", "hello-world"), {
            code: 1,
            stdout: "",
            stderr: "rio: logs: no container of hello-world has started in namespace default (there is none)\n",
        });
        await agrees();
    });
});
