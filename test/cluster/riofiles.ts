/**
 * `deployRiofile` of every example and compatibility Riofile through real `pulumi` runs: up creates exactly the
 * objects `rio render` plans (each one read back from the API server), a second preview and a refresh find
 * nothing to change, and destroy leaves none of them.
 */
import * as k8s from "@pulumi/kubernetes";
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { deployRiofile } from "../../components/riofile/deploy";
import { loadRiofile } from "../../components/riofile/load";
import { planObjects, planRiofile } from "../../components/render/plan";
import { render, riofiles } from "./admission";
import { ControlPlane } from "./controlPlane";
import { namespaceObject } from "./harness";
import { changes, inlineStack } from "./pulumi";

const ROOT = path.resolve(__dirname, "../../..");
const DOMAIN = "apps.example.com";
const ALLOW = ["hostPort", "hostNetwork", "hostPath", "privileged"] as const;

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** The planned objects' identities, as the API server is asked for them. */
function planned(file: string, namespace: string, implementation: "traefik" | "envoy"): Obj[] {
    const plan = planRiofile(loadRiofile(file), {
        namespace,
        gateway: { domain: DOMAIN, implementation },
        allow: ALLOW,
    });
    return planObjects(plan).map((p) => p.object as Obj);
}

async function present(cp: ControlPlane, o: Obj, namespace: string): Promise<boolean> {
    const p = await cp.kube.resourcePath(o.apiVersion, o.kind, o.metadata.namespace ?? namespace, o.metadata.name);
    const got = await cp.kube.get(p);
    return got !== undefined && got.metadata.deletionTimestamp === undefined;
}

/**
 * What RioSystem would have put in the cluster for these Riofiles (its namespaces, the builder's service account
 * and policy, the Gateway, the issuers): its own objects, applied once, so builds and routes find what they need.
 */
export function applySystemObjects(cp: ControlPlane, implementation: "traefik" | "envoy"): void {
    const objects = render([
        "--system",
        "--domain",
        DOMAIN,
        "--gateway-implementation",
        implementation,
        "--enable",
        "build",
        "autoscaling",
    ]).filter((o) => o.kind !== "HelmChart");
    cp.kube.apply(objects);
    // Storage as on a cluster with static provisioning: a default StorageClass and the `fast` one the compat Riofile
    // names, binding on first use, each with a pool of PersistentVolumes, so claims bind and their pods schedule
    // (kwok runs them; nothing is written anywhere).
    cp.kube.apply(
        ["standard", "fast"].flatMap((cls) => [
            {
                apiVersion: "storage.k8s.io/v1",
                kind: "StorageClass",
                metadata: {
                    name: cls,
                    ...(cls === "standard" && {
                        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
                    }),
                },
                provisioner: "kubernetes.io/no-provisioner",
                volumeBindingMode: "WaitForFirstConsumer",
            },
            ...Array.from({ length: 8 }, (_, i) => ({
                apiVersion: "v1",
                kind: "PersistentVolume",
                metadata: { name: `${cls}-${i}` },
                spec: {
                    capacity: { storage: "100Gi" },
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: cls,
                    persistentVolumeReclaimPolicy: "Retain",
                    hostPath: { path: `/var/lib/${cls}-${i}` },
                },
            })),
        ]),
    );
}

export function riofileSuite(cluster: () => ControlPlane, implementation: "traefik" | "envoy", only?: string[]) {
    describe(`deployRiofile on the local control plane (${implementation})`, () => {
        const files = riofiles().filter((f) => !only || only.includes(path.basename(path.dirname(f))));
        for (const [i, file] of files.entries()) {
            const area = path.basename(path.dirname(file));
            const name = path.relative(ROOT, file);
            it(`${name}: up creates every planned object, no drift, destroy removes them`, async () => {
                const cp = cluster();
                if (i === 0) applySystemObjects(cp, implementation);
                const ns = `rf-${area}`;
                let objects: Obj[];
                try {
                    objects = planned(file, ns, implementation);
                } catch (e) {
                    // What Traefik cannot serve (per-route timeouts, …) is refused by name before anything is applied.
                    assert.ok(e instanceof RioInputError, String(e));
                    assert.equal(implementation, "traefik", e.message);
                    assert.match(e.message, /Traefik cannot .*use gatewayImplementation: envoy/);
                    return;
                }
                const handle = await inlineStack(
                    `riofile-${area}`,
                    async () => {
                        const namespace = new k8s.core.v1.Namespace(
                            ns,
                            namespaceObject(ns, "privileged") as k8s.core.v1.NamespaceArgs,
                        );
                        const deployed = deployRiofile(
                            loadRiofile(file),
                            { namespace: ns, gateway: { domain: DOMAIN, implementation }, allow: ALLOW },
                            { dependsOn: [namespace] },
                        );
                        return { services: Object.keys(deployed.services).sort() };
                    },
                    { kubeconfig: cp.kubeconfig },
                );
                try {
                    const up = await handle.stack.up();
                    assert.equal(changes(up.summary.resourceChanges).create > 0, true);
                    const missing: string[] = [];
                    for (const o of objects)
                        if (!(await present(cp, o, ns))) missing.push(`${o.kind} ${o.metadata.name}`);
                    assert.deepEqual(missing, [], "every planned object is on the API server");

                    await handle.stack.preview({ expectNoChanges: true });
                    await handle.stack.refresh({ expectNoChanges: true });

                    await handle.stack.destroy();
                    const left: string[] = [];
                    for (const o of objects) if (await present(cp, o, ns)) left.push(`${o.kind} ${o.metadata.name}`);
                    assert.deepEqual(left, [], "destroy leaves none of them");
                } finally {
                    await handle.remove();
                }
            });
        }
    });
}
