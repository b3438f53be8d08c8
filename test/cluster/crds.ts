/**
 * The real CRDs, with their structural schemas and CEL rules, read at test time from the upstream Go modules
 * (each project generates them with controller-gen and ships them in its module): nothing upstream is committed.
 * test/cluster/engines/crds/go.mod pins each module at the version RioSystem installs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { moduleDir } from "./engines";
import { Kube } from "./kube";

/** Which Gateway API CRDs a cluster gets: RioSystem's pinned standard bundle, or Envoy Gateway's experimental one. */
export type GatewayChannel = "standard" | "experimental";

export type CrdSet = "gatewayApi" | "certManager" | "keda" | "kedaHttp" | "traefik" | "envoyGateway" | "flagger";

const yamlFiles = (dir: string, filter: (f: string) => boolean = () => true) =>
    fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f) && f !== "kustomization.yaml" && filter(f))
        .sort()
        .map((f) => path.join(dir, f));

/** The CRD files of one set, from its module in the module cache. */
export function crdFiles(set: CrdSet, channel: GatewayChannel = "standard"): string[] {
    const dir = (m: string) => moduleDir("crds", m);
    switch (set) {
        case "gatewayApi":
            // Envoy Gateway's chart installs its own copy of Gateway API v1.6.1, experimental channel.
            return channel === "standard"
                ? yamlFiles(path.join(dir("sigs.k8s.io/gateway-api"), "config/crd/standard"))
                : [
                      path.join(
                          dir("github.com/envoyproxy/gateway"),
                          "charts/gateway-helm/charts/crds/crds/gatewayapi-crds.yaml",
                      ),
                  ];
        case "certManager":
            return yamlFiles(path.join(dir("github.com/cert-manager/cert-manager"), "deploy/crds"));
        case "keda":
            return yamlFiles(path.join(dir("github.com/kedacore/keda/v2"), "config/crd/bases"));
        case "kedaHttp":
            return yamlFiles(path.join(dir("github.com/kedacore/http-add-on"), "config/crd/bases"));
        case "traefik":
            return [
                path.join(
                    dir("github.com/traefik/traefik/v3"),
                    "docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml",
                ),
            ];
        case "envoyGateway":
            return yamlFiles(
                path.join(dir("github.com/envoyproxy/gateway"), "charts/gateway-helm/charts/crds/crds/generated"),
            );
        case "flagger":
            // From the module its controller is built from (the one version the proxy serves).
            return [path.join(moduleDir("flagger", "github.com/fluxcd/flagger"), "artifacts/flagger/crd.yaml")];
    }
}

/** Applies CRD sets and waits until every CRD they hold is Established (so their kinds can be used at once). */
export async function installCrds(kube: Kube, sets: CrdSet[], channel: GatewayChannel = "standard"): Promise<void> {
    const files = sets.flatMap((s) => crdFiles(s, channel));
    if (files.length === 0) return;
    const text = files.map((f) => fs.readFileSync(f, "utf8")).join("\n---\n");
    kube.apply(text);
    const r = kube.kubectl(["wait", "--for=condition=Established", "--timeout=120s", "crd", "--all"]);
    if (r.status !== 0) throw new Error(`CRDs not established: ${r.stderr.trim()}`);
}
