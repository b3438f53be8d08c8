/** What `rio logs` and `rio exec` act on: the target's grammar, the app's pods by label, the pod and container picked. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import { RioInputError } from "../../components/errors";
import { parseRiofile } from "../../components/riofile/load";
import { planObjects, planRiofile } from "../../components/render/plan";
import {
    appSelector,
    execTarget,
    logTargets,
    parseTarget,
    podContainer,
    podReady,
    targetLabel,
    targetSelector,
} from "../../components/cli/podTarget";

const RIOFILE = parseRiofile(
    [
        "services:",
        "  hello-world:",
        "    image: rancher/hello-world",
        "    ports: 80",
        "  shop:",
        "    image: shop:1",
        "    version: v1",
        "  shop-v2:",
        "    app: shop",
        "    version: v2",
        "    image: shop:2",
        "",
    ].join("\n"),
    "Riofile",
    { namespace: "default" },
);

const message = (text: string) => (e: unknown) => e instanceof RioInputError && e.message === text;

/** A pod as the API server gives it: phase, Ready, and each container's state. */
function pod(
    name: string,
    opts: {
        phase?: string;
        ready?: boolean;
        containers?: string[];
        running?: string[];
        labels?: Record<string, string>;
        deleting?: boolean;
    } = {},
): V1Pod {
    const containers = opts.containers ?? ["hello-world"];
    const running = opts.running ?? containers;
    return {
        metadata: {
            name,
            namespace: "default",
            labels: opts.labels ?? { "app.kubernetes.io/instance": "hello-world" },
            ...(opts.deleting && { deletionTimestamp: new Date("2026-01-01T12:00:00Z") }),
        },
        spec: { containers: containers.map((c) => ({ name: c, image: "x" })) },
        status: {
            phase: opts.phase ?? "Running",
            conditions: [{ type: "Ready", status: (opts.ready ?? true) ? "True" : "False" }],
            containerStatuses: containers.map((c) => ({
                name: c,
                image: "x",
                imageID: "",
                ready: running.includes(c),
                restartCount: 0,
                state: running.includes(c)
                    ? { running: { startedAt: new Date("2026-01-01T12:00:00Z") } }
                    : { waiting: { reason: "ContainerCreating" } },
            })),
        },
    };
}

describe("rio logs and exec: the target", () => {
    it("parses app, app@version, ns:app and pod/NAME; a bad name is one line naming the command", () => {
        const cases: [string, unknown][] = [
            ["hello-world", { app: "hello-world" }],
            ["shop@v2", { app: "shop", version: "v2" }],
            ["team:shop@v1", { namespace: "team", app: "shop", version: "v1" }],
            ["pod/hello-world-5d8f7c-x2x9k", { pod: "hello-world-5d8f7c-x2x9k" }],
        ];
        for (const [text, want] of cases) assert.deepEqual(parseTarget(text, "logs"), want, text);
        assert.throws(
            () => parseTarget("pod/Bad_Pod", "logs"),
            message(`logs: pod name "Bad_Pod" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')`),
        );
        assert.throws(
            () => parseTarget("Hello", "exec"),
            message(
                `exec: name "Hello" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
            ),
        );
        assert.equal(targetLabel({ app: "shop", version: "v2" }), "shop@v2");
        assert.equal(targetLabel({ pod: "p" }), "pod/p");
    });

    it("selects an app's pods (or one version's) by the labels the planner puts on every pod", () => {
        assert.equal(
            targetSelector({ app: "shop" }, "default", RIOFILE, "logs"),
            "app.kubernetes.io/name=shop,app.kubernetes.io/managed-by=pulumi-rio",
        );
        assert.equal(
            targetSelector({ app: "shop", version: "v2" }, "default", RIOFILE, "logs"),
            "app.kubernetes.io/name=shop,app.kubernetes.io/managed-by=pulumi-rio,app.kubernetes.io/version=v2",
        );
        // The selector matches the labels of the planned pod templates, each version's own.
        const plan = planRiofile(RIOFILE, { namespace: "default", gateway: { domain: "example.com" } });
        type Workload = { spec: { template: { metadata: { labels: Record<string, string> } } } };
        const templates = planObjects(plan)
            .map((p) => p.object)
            .filter((o) => o.kind === "Deployment")
            .map((o) => (o as unknown as Workload).spec);
        const matches = (selector: string) =>
            templates.filter((t) =>
                selector.split(",").every((p) => {
                    const [k, v] = p.split("=");
                    return t.template.metadata.labels[k!] === v;
                }),
            ).length;
        assert.equal(matches(appSelector("shop")), 2);
        assert.equal(matches(appSelector("shop", "v2")), 1);
        assert.equal(matches(appSelector("hello-world", "v0")), 1);
    });

    it("a missing app or version is one line naming what there is", () => {
        assert.throws(
            () => targetSelector({ app: "hello-wrld" }, "default", RIOFILE, "logs"),
            message('logs: no app "hello-wrld" in namespace default (apps: hello-world, shop)'),
        );
        assert.throws(
            () => targetSelector({ app: "shop", version: "v3" }, "default", RIOFILE, "exec"),
            message('exec: app "shop" has no version "v3" in namespace default (versions: v1, v2)'),
        );
        assert.throws(
            () => targetSelector({ app: "web" }, "team", undefined, "logs"),
            message('logs: no app "web" in namespace team (it has none)'),
        );
    });
});

describe("rio exec: the pod and container", () => {
    it("the first ready pod by name, in the service's own container", () => {
        const pods = [
            pod("hello-world-c", { containers: ["sidecar", "hello-world"] }),
            pod("hello-world-a", { phase: "Pending", ready: false, running: [] }),
            pod("hello-world-b", { ready: false }),
        ];
        assert.deepEqual(execTarget(pods, undefined, "hello-world", "default"), {
            pod: "hello-world-c",
            container: "hello-world",
        });
        assert.deepEqual(execTarget(pods, "sidecar", "hello-world", "default"), {
            pod: "hello-world-c",
            container: "sidecar",
        });
        assert.equal(podReady(pod("x", { deleting: true })), false, "a pod on its way out is not ready");
    });

    it("the default-container annotation wins, else the first container", () => {
        const annotated = pod("p", { containers: ["a", "b"] });
        annotated.metadata!.annotations = { "kubectl.kubernetes.io/default-container": "b" };
        assert.equal(podContainer(annotated, undefined, "exec").name, "b");
        assert.equal(podContainer(pod("q", { containers: ["a", "b"], labels: {} }), undefined, "exec").name, "a");
    });

    it("no ready pod, or no such container: one line saying what there is", () => {
        assert.throws(
            () =>
                execTarget(
                    [pod("web-b", { phase: "Pending", ready: false }), pod("web-a", { ready: false })],
                    undefined,
                    "web",
                    "default",
                ),
            message("exec: no pod of web is ready in namespace default (pods: web-a Running, web-b Pending)"),
        );
        assert.throws(
            () => execTarget([], undefined, "web", "team"),
            message("exec: no pod of web is ready in namespace team (there is none)"),
        );
        assert.throws(
            () => execTarget([pod("web-a")], "db", "web", "default"),
            message('exec: no container "db" in pod web-a (containers: hello-world)'),
        );
    });
});

describe("rio logs: the pods and containers", () => {
    it("every started container of every pod, by pod name; -c one of them", () => {
        const pods = [
            pod("web-b", { containers: ["web", "proxy"] }),
            pod("web-a", { containers: ["web", "proxy"], running: ["proxy"] }),
        ];
        assert.deepEqual(logTargets(pods, undefined, "web", "default"), [
            { pod: "web-a", container: "proxy" },
            { pod: "web-b", container: "web" },
            { pod: "web-b", container: "proxy" },
        ]);
        assert.deepEqual(logTargets(pods, "web", "web", "default"), [{ pod: "web-b", container: "web" }]);
    });

    it("a container no pod has, or nothing started yet: one line", () => {
        assert.throws(
            () => logTargets([pod("web-a", { containers: ["web", "proxy"] })], "db", "web", "default"),
            message('logs: no container "db" in the pods of web (containers: web, proxy)'),
        );
        assert.throws(
            () => logTargets([pod("web-a", { phase: "Pending", running: [] })], undefined, "web", "default"),
            message("logs: no container of web has started in namespace default (pod: web-a Pending)"),
        );
    });
});
