/**
 * The project's Pulumi program: deploys the Riofile named in stack config into a namespace of the cluster the
 * Kubernetes provider points at (for the `local` stack, the current kube context).
 *
 * Config (namespace `rio`): `riofile` (default `./Riofile`), `namespace` (default `default`),
 * `createNamespace` (default: true unless the namespace is `default`), `domain` (needed when a port is
 * exposed), `gateway` (`{name, namespace, scheme}`, default `rio-gateway` in `rio-system`, `https`).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deployRiofile, GatewayRef, loadRiofile, RioInputError } from "../components";

const config = new pulumi.Config("rio");
const riofilePath = config.get("riofile") ?? "./Riofile";
const namespace = config.get("namespace") ?? "default";
const gateway: GatewayRef = { ...config.getObject<GatewayRef>("gateway"), domain: config.get("domain") };

function deploy() {
    try {
        const riofile = loadRiofile(riofilePath);
        const ns =
            (config.getBoolean("createNamespace") ?? namespace !== "default")
                ? new k8s.core.v1.Namespace(namespace, {
                      metadata: {
                          name: namespace,
                          // Rio apps run as the image says; baseline refuses privileged pods, restricted only warns.
                          labels: {
                              "pod-security.kubernetes.io/enforce": "baseline",
                              "pod-security.kubernetes.io/warn": "restricted",
                          },
                      },
                  })
                : undefined;
        return deployRiofile(riofile, { namespace, gateway }, { dependsOn: ns ? [ns] : [] });
    } catch (e) {
        // Bad input is the user's to fix: one clear line, no stack trace.
        if (e instanceof RioInputError) throw new pulumi.RunError(e.message);
        throw e;
    }
}

const deployed = deploy();

/** URLs of every exposed service, by service name. */
export const urls = pulumi.all(Object.fromEntries(Object.entries(deployed.services).map(([name, s]) => [name, s.urls])));
