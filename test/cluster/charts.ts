/**
 * Stand-ins for the upstream Helm charts, which cannot be fetched here: one small chart per release, written to a
 * temporary folder at test time, so RioSystem's release code path, values and ordering run for real against the
 * local control plane. Each runs one Deployment named after the release (kwok makes it Available, so Helm's and
 * Pulumi's waits complete) and carries the upstream CRDs the real chart brings (read from the module cache).
 * They install nothing the real chart's templates would: what Traefik, KEDA or cert-manager do with our objects is
 * the real-controllers tier's to show.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { CHARTS, ChartKey } from "../../components/system/charts";
import { CrdSet, crdFiles } from "./crds";

/** The CRDs each upstream chart installs itself (Envoy Gateway's brings the experimental Gateway API channel). */
const CHART_CRDS: Partial<Record<ChartKey, CrdSet[]>> = {
    traefik: ["traefik"],
    envoyGateway: ["gatewayApi", "envoyGateway"],
    keda: ["keda"],
    kedaHttp: ["kedaHttp"],
};

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
  labels:
    app.kubernetes.io/name: {{ .Chart.Name }}
    app.kubernetes.io/instance: {{ .Release.Name }}
  annotations:
    # What pulumi-rio handed the chart, so a test can read the values a release was given.
    rio.pulumi-rio.dev/values-sha256: {{ toJson .Values | sha256sum }}
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: {{ .Release.Name }}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: stand-in
          image: registry.invalid/stand-in/{{ .Chart.Name }}:{{ .Chart.Version }}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
          resources:
            requests:
              cpu: 10m
              memory: 16Mi
`;

/** Writes a stand-in chart for a release; returns its folder (what RioSystem's `charts` seam takes). */
export function writeStandInChart(root: string, key: ChartKey): string {
    const pin = CHARTS[key];
    const name = pin.chart.split("/").pop()!;
    const dir = path.join(root, key);
    fs.mkdirSync(path.join(dir, "templates"), { recursive: true });
    fs.writeFileSync(
        path.join(dir, "Chart.yaml"),
        stringify({
            apiVersion: "v2",
            name,
            version: pin.version.replace(/^v/, ""),
            description: `pulumi-rio's cluster-tier stand-in for ${pin.chart} ${pin.version}`,
        }),
    );
    fs.writeFileSync(path.join(dir, "values.yaml"), "{}\n");
    fs.writeFileSync(path.join(dir, "templates", "deployment.yaml"), DEPLOYMENT);
    const crds = (CHART_CRDS[key] ?? []).flatMap((s) => crdFiles(s, "experimental"));
    if (crds.length > 0) {
        fs.mkdirSync(path.join(dir, "crds"));
        crds.forEach((f, i) => fs.copyFileSync(f, path.join(dir, "crds", `${i}-${path.basename(f)}`)));
    }
    return dir;
}

/** Every stand-in chart, by release key. */
export function writeStandInCharts(root: string): Record<ChartKey, string> {
    return Object.fromEntries(
        (Object.keys(CHARTS) as ChartKey[]).map((k) => [k, writeStandInChart(root, k)]),
    ) as Record<ChartKey, string>;
}

/** A CRD bundle as one local file (what RioSystem's `crdBundles` seam takes instead of the release asset). */
export function writeCrdBundle(root: string, set: CrdSet): string {
    const file = path.join(root, `${set}-crds.yaml`);
    fs.writeFileSync(
        file,
        crdFiles(set)
            .map((f) => fs.readFileSync(f, "utf8"))
            .join("\n---\n"),
    );
    return file;
}
