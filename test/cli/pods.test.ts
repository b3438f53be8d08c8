/** `rio pods` and `rio endpoints`: their rows, Rio's tables and the data formats. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import type { V1Pod } from "@kubernetes/client-node";
import { endpointRows, formatEndpointRows, formatEndpoints } from "../../components/cli/endpoints";
import { formatPodRows, formatPods, podDetail, podRows } from "../../components/cli/pods";

const CREATED = new Date("2026-01-01T12:00:00Z");

const running: V1Pod = {
    metadata: {
        name: "hello-world-7d9f-b",
        namespace: "default",
        creationTimestamp: CREATED,
        labels: { "app.kubernetes.io/name": "hello-world", "app.kubernetes.io/version": "v0" },
    },
    spec: { nodeName: "node-0", containers: [{ name: "hello-world", image: "rancher/hello-world" }] },
    status: {
        phase: "Running",
        podIP: "10.0.0.5",
        containerStatuses: [
            { name: "hello-world", image: "", imageID: "", ready: true, restartCount: 0, state: { running: {} } },
        ],
    },
};

const crashing: V1Pod = {
    metadata: { name: "hello-world-7d9f-a", namespace: "default", creationTimestamp: CREATED },
    spec: {
        nodeName: "node-0",
        containers: [
            { name: "web", image: "web:1" },
            { name: "proxy", image: "proxy:1" },
        ],
    },
    status: {
        phase: "Running",
        podIP: "10.0.0.4",
        containerStatuses: [
            {
                name: "web",
                image: "",
                imageID: "",
                ready: false,
                restartCount: 3,
                state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting" } },
            },
            {
                name: "proxy",
                image: "",
                imageID: "",
                ready: false,
                restartCount: 0,
                state: { terminated: { exitCode: 2, reason: "Error" } },
            },
        ],
    },
};

const unscheduled: V1Pod = {
    metadata: { name: "hello-world-7d9f-c", namespace: "default", creationTimestamp: CREATED },
    spec: { containers: [{ name: "hello-world", image: "x" }] },
    status: {
        phase: "Pending",
        conditions: [
            { type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available" },
        ],
    },
};

describe("rio pods", () => {
    it("a row per pod, by name: ready/containers, node, IP, phase, and why containers wait or failed", () => {
        const rows = podRows([running, unscheduled, crashing]);
        assert.deepEqual(
            rows.map((r) => [r.name, `${r.ready}/${r.containers}`, r.node, r.ip, r.state, r.detail]),
            [
                [
                    "hello-world-7d9f-a",
                    "0/2",
                    "node-0",
                    "10.0.0.4",
                    "Running",
                    "web(CrashLoopBackOff/back-off 40s restarting); proxy(Error), exit code: 2",
                ],
                ["hello-world-7d9f-b", "1/1", "node-0", "10.0.0.5", "Running", ""],
                ["hello-world-7d9f-c", "0/1", "", "", "Pending", "Unschedulable/0/1 nodes are available"],
            ],
        );
        assert.equal(rows[1]!.app, "hello-world");
        assert.equal(rows[1]!.version, "v0");
        assert.equal(rows[1]!.created, "2026-01-01T12:00:00Z");
        const deleting = { ...running, metadata: { ...running.metadata, deletionTimestamp: CREATED } };
        assert.equal(podRows([deleting])[0]!.state, "Terminating");
        assert.equal(podDetail({ status: { containerStatuses: [] } }), "");
    });

    it("prints Rio's table, and the rows as JSON or YAML", () => {
        const rows = podRows([running, crashing]);
        assert.equal(
            formatPods(rows, new Date("2026-01-01T12:05:00Z")),
            [
                "NAME                 CREATED         READY   NODE     IP         STATE     DETAIL",
                "hello-world-7d9f-a   5 minutes ago   0/2     node-0   10.0.0.4   Running   web(CrashLoopBackOff/back-off 40s restarting); proxy(Error), exit code: 2",
                "hello-world-7d9f-b   5 minutes ago   1/1     node-0   10.0.0.5   Running",
                "",
            ].join("\n"),
        );
        assert.equal(formatPods([], new Date()), "NAME   CREATED   READY   NODE   IP   STATE   DETAIL\n");
        assert.deepEqual(JSON.parse(formatPodRows(rows, "json")), rows);
        assert.deepEqual(parse(formatPodRows(rows, "yaml")), rows);
    });
});

describe("rio endpoints", () => {
    const outputs = {
        urls: {
            default: {
                web: ["https://web-default.example.com", "http://web-default.example.com", "https://www.example.com"],
                worker: [],
                api: ["http://api-default.example.com"],
            },
            team: { other: ["https://other-team.example.com"] },
        },
    };

    it("each service or router of the namespace with URLs, by name, one URL per host (https first)", () => {
        assert.deepEqual(endpointRows(outputs, "default"), [
            { name: "api", namespace: "default", endpoints: ["http://api-default.example.com"] },
            {
                name: "web",
                namespace: "default",
                endpoints: ["https://web-default.example.com", "https://www.example.com"],
            },
        ]);
        assert.deepEqual(endpointRows(outputs, "empty"), []);
        assert.deepEqual(endpointRows({}, "default"), []);
    });

    it("prints Rio's table (URLs comma-separated), and the rows as data", () => {
        const rows = endpointRows(outputs, "default");
        assert.equal(
            formatEndpoints(rows),
            [
                "NAME   ENDPOINTS",
                "api    http://api-default.example.com",
                "web    https://web-default.example.com,https://www.example.com",
                "",
            ].join("\n"),
        );
        assert.equal(formatEndpoints([]), "NAME   ENDPOINTS\n");
        assert.deepEqual(JSON.parse(formatEndpointRows(rows, "json")), rows);
    });
});
