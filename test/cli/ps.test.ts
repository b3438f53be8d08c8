/** `rio ps`: rows from the stack's Riofile, its URLs and the live workloads; Rio's table and the data formats. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseRiofile } from "../../components/riofile/load";
import { ago, apiTime, formatRows, formatTable, LiveWorkload, psRows, workloadsOf } from "../../components/cli/ps";

const RIOFILE = parseRiofile(
    [
        "services:",
        "  hello-world:",
        "    image: rancher/hello-world",
        "    ports: 80",
        "    scale: 2",
        "  shop:",
        "    image: shop:1",
        "    ports: 8080/http",
        "    version: v1",
        "    weight: 90",
        "  shop-v2:",
        "    app: shop",
        "    version: v2",
        "    image: shop:2",
        "    ports: 8080/http",
        "    weight: 10",
        "  queue:",
        "    image: queue:1",
        "    ports: 80",
        "    scale: 1-10",
        "  worker:",
        "    image: worker:1",
        "",
    ].join("\n"),
    "Riofile",
    { namespace: "default" },
);

const URLS = {
    "hello-world": ["https://hello-world-default.apps.example.com"],
    shop: [
        "https://shop-default.apps.example.com",
        "https://shop-v1-default.apps.example.com",
        "https://shop-v2-default.apps.example.com",
    ],
    queue: ["https://queue-default.apps.example.com"],
};

const deployment = (
    name: string,
    image: string,
    replicas: number,
    ready: number,
    conditions: { type: string; status: string; reason?: string; message?: string }[] = [],
): LiveWorkload => ({
    metadata: { name, creationTimestamp: "2026-01-01T12:00:00Z" },
    spec: { replicas, template: { spec: { containers: [{ name, image }] } } },
    status: { readyReplicas: ready, conditions },
});

const LIVE = new Map<string, LiveWorkload | undefined>([
    ["hello-world", deployment("hello-world", "rancher/hello-world", 2, 2)],
    ["shop", deployment("shop", "shop:1", 1, 1)],
    [
        "shop-v2",
        deployment("shop-v2", "shop:2", 1, 0, [
            {
                type: "Available",
                status: "False",
                reason: "MinimumReplicasUnavailable",
                message: "Deployment does not have minimum availability.",
            },
        ]),
    ],
    ["queue", deployment("queue", "queue:1", 3, 2)],
    ["worker", undefined],
]);

describe("rio ps", () => {
    it("reads the workloads the Riofile runs, by kind", () => {
        assert.deepEqual(workloadsOf(RIOFILE), [
            { name: "hello-world", kind: "Deployment" },
            { name: "shop", kind: "Deployment" },
            { name: "shop-v2", kind: "Deployment" },
            { name: "queue", kind: "Deployment" },
            { name: "worker", kind: "Deployment" },
        ]);
        assert.equal(apiTime(new Date("2026-01-01T12:00:00Z")), "2026-01-01T12:00:00Z");
        assert.equal(apiTime("2026-01-01T12:00:00Z"), "2026-01-01T12:00:00Z");
    });

    it("a row per version: live image and replicas, the version's own URL, weights in percent, what is wrong", () => {
        const rows = psRows("default", RIOFILE, URLS, LIVE);
        assert.deepEqual(
            rows.map((r) => [r.name, r.image, r.endpoint, `${r.ready}/${r.desired}`, r.weight, r.created, r.detail]),
            [
                ["hello-world", "rancher/hello-world", URLS["hello-world"][0], "2/2", 100, "2026-01-01T12:00:00Z", ""],
                ["shop@v1", "shop:1", URLS.shop[1], "1/1", 90, "2026-01-01T12:00:00Z", ""],
                [
                    "shop@v2",
                    "shop:2",
                    URLS.shop[2],
                    "0/1",
                    10,
                    "2026-01-01T12:00:00Z",
                    "MinimumReplicasUnavailable: Deployment does not have minimum availability.",
                ],
                ["queue", "queue:1", URLS.queue[0], "2/3", 100, "2026-01-01T12:00:00Z", "1 of 3 not ready"],
                ["worker", "worker:1", undefined, "0/1", 100, undefined, "not deployed"],
            ],
        );
        assert.deepEqual(rows[3]!.autoscale, { min: 1, max: 10 });
    });

    it("a one-version app whose service is a version (rio rm of the other after a promotion): app@version, all the traffic, the app's URL", () => {
        // Rio's rio ps named a version other than v0 app@version, even alone; alone, it receives all the traffic
        // whatever its weight, on the app's host (it has no host of its own).
        const riofile = parseRiofile(
            "services:\n  hello-world-v2:\n    app: hello-world\n    version: v2\n    image: rancher/hello-world:v0.1.2\n    ports: 80\n    weight: 0\n",
            "Riofile",
        );
        const url = "https://hello-world-default.apps.example.com";
        const rows = psRows("default", riofile, { "hello-world": [url] }, new Map());
        assert.deepEqual(
            rows.map((r) => [r.name, r.app, r.version, r.workload, r.endpoint, r.weight]),
            [["hello-world@v2", "hello-world", "v2", "hello-world-v2", url, 100]],
        );
    });

    it("prints Rio's table, columns aligned", () => {
        const now = new Date("2026-01-01T12:05:00Z");
        assert.equal(
            formatTable(psRows("default", RIOFILE, URLS, LIVE), now),
            [
                "NAME          IMAGE                 ENDPOINT                                       SCALE        WEIGHT   CREATED         DETAIL",
                "hello-world   rancher/hello-world   https://hello-world-default.apps.example.com   2/2          100%     5 minutes ago",
                "shop@v1       shop:1                https://shop-v1-default.apps.example.com       1/1          90%      5 minutes ago",
                "shop@v2       shop:2                https://shop-v2-default.apps.example.com       0/1          10%      5 minutes ago   MinimumReplicasUnavailable: Deployment does not have minimum availability.",
                "queue         queue:1               https://queue-default.apps.example.com         2/3 (1-10)   100%     5 minutes ago   1 of 3 not ready",
                "worker        worker:1                                                             0/1          100%                     not deployed",
                "",
            ].join("\n"),
        );
        assert.equal(formatTable([], now), "NAME   IMAGE   ENDPOINT   SCALE   WEIGHT   CREATED   DETAIL\n");
    });

    it("--format json and yaml: the same rows as data", () => {
        const rows = psRows("default", RIOFILE, URLS, LIVE);
        assert.deepEqual(JSON.parse(formatRows(rows, "json")), JSON.parse(JSON.stringify(rows)));
        assert.deepEqual(parse(formatRows(rows, "yaml")), JSON.parse(JSON.stringify(rows)));
        assert.deepEqual(JSON.parse(formatRows(rows, "json"))[0], {
            name: "hello-world",
            namespace: "default",
            app: "hello-world",
            version: "v0",
            workload: "hello-world",
            kind: "Deployment",
            image: "rancher/hello-world",
            endpoint: "https://hello-world-default.apps.example.com",
            ready: 2,
            desired: 2,
            weight: 100,
            created: "2026-01-01T12:00:00Z",
            detail: "",
        });
    });

    it("CREATED as Rio's humanize.Time wrote it", () => {
        const now = new Date("2026-03-01T00:00:00Z");
        const before = (s: number) => new Date(now.getTime() - s * 1000);
        assert.deepEqual(
            [
                0,
                1,
                59,
                60,
                119,
                3599,
                3600,
                86399,
                86400,
                6 * 86400,
                7 * 86400,
                29 * 86400,
                30 * 86400,
                400 * 86400,
            ].map((s) => ago(before(s), now)),
            [
                "now",
                "1 second ago",
                "59 seconds ago",
                "1 minute ago",
                "1 minute ago",
                "59 minutes ago",
                "1 hour ago",
                "23 hours ago",
                "1 day ago",
                "6 days ago",
                "1 week ago",
                "4 weeks ago",
                "1 month ago",
                "1 year ago",
            ],
        );
        assert.equal(ago(new Date(now.getTime() + 5000), now), "now", "a clock ahead of ours is not the future");
    });
});
