/** Rio's volumes: scratch space and persistent claims; hostPath refused. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normalizeApp } from "../components/service/app";
import { resolveContext } from "../components/service/context";
import { planApp } from "../components/service/plan";
import { normalizeService } from "../components/service/spec";
import { expectRio } from "./support/rioError";
import { validateObject } from "./support/schema";

describe("volumes", () => {
    it("name:/path is scratch space, persistent=true a 20Gi claim of the default StorageClass", () => {
        const plan = planApp(
            normalizeApp("db", {
                image: "postgres:16",
                volume: [
                    "tmp:/tmp",
                    "data:/var/lib/postgresql/data,persistent=true",
                    { name: "cache", path: "/cache" },
                ],
            }),
            resolveContext("shop", undefined),
        );
        plan.objects.forEach((o) => validateObject(o.object));
        assert.deepEqual(
            plan.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}${o.suffix}`),
            ["Deployment/db", "PersistentVolumeClaim/data-vol-data"],
        );
        const pvc = plan.objects[1]!.object as any;
        assert.deepEqual(pvc.spec, { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } });
        const pod = (plan.objects[0]!.object as any).spec.template.spec;
        assert.deepEqual(pod.volumes, [
            { name: "vol-tmp", emptyDir: {} },
            { name: "vol-data", persistentVolumeClaim: { claimName: "data" } },
            { name: "vol-cache", emptyDir: {} },
        ]);
        assert.deepEqual(pod.containers[0].volumeMounts, [
            { name: "vol-tmp", mountPath: "/tmp" },
            { name: "vol-data", mountPath: "/var/lib/postgresql/data" },
            { name: "vol-cache", mountPath: "/cache" },
        ]);
    });

    const bad: [string, unknown, (string | number)[], string][] = [
        [
            "a relative host path",
            ["data:/data,hosttype=directory"],
            ["volumes", 0],
            "host path \"data\" must be an absolute path without '..'",
        ],
        [
            "an unknown host type",
            ["/srv:/data,hosttype=pipe"],
            ["volumes", 0, "hostPathType"],
            '"pipe" is not a host path type (DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice)',
        ],
        [
            "a persistent host path",
            ["/srv:/data,persistent=true"],
            ["volumes", 0],
            "a host path cannot also be persistent",
        ],
        [
            "a relative path",
            ["data:data"],
            ["volumes", 0],
            "volume path \"data\" must be an absolute path without '..'",
        ],
        ["no name", ["/data"], ["volumes", 0], '"/data" must be name:/path[,persistent=true]'],
        ["two volumes on one path", ["a:/data", "b:/data"], ["volumes", 1], 'two volumes mount "/data"'],
        [
            "an unknown option",
            ["a:/data,size=5Gi"],
            ["volumes", 0],
            'unknown volume option "size" (expected persistent or hosttype)',
        ],
    ];
    for (const [what, volumes, p, detail] of bad) {
        it(`refuses ${what}`, () => {
            expectRio(() => normalizeService("db", { image: "postgres", volumes }), p, detail);
        });
    }
});
