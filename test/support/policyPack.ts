/**
 * A policy pack served as the Pulumi CLI serves a Node.js one, with this process in the engine's place: the pack's
 * folder is the working directory of `node @pulumi/pulumi/cmd/run-policy-pack <engine> .` (what the language
 * host's RunPlugin, or the pulumi-analyzer-policy-nodejs fallback, runs), which prints the port of the policy
 * SDK's gRPC Analyzer server; the calls below are the engine's (GetAnalyzerInfo, Configure, Analyze), with
 * resource properties in the engine's wire form (secrets and unknowns as its signatures).
 */
import * as grpc from "@grpc/grpc-js";
import { spawn } from "node:child_process";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

const analyzerrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");

/** A value the engine marks secret, as it sends it. */
export function secret(value: unknown): Record<string, unknown> {
    return { [specialSigKey]: specialSecretSig, value };
}

/** A value not known until apply (preview), as the engine sends it. */
export const UNKNOWN = unknownValue;

export type Level = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: Level[] = ["advisory", "mandatory", "disabled", "remediate"]; // the proto enum's order

/** A resource as the engine registers it with the analyzer. */
export interface AnalyzedResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
    /** The resource's provider's inputs (a Kubernetes provider's `namespace`, …). */
    providerProps?: Record<string, unknown>;
}

export interface Diagnostic {
    policyName: string;
    enforcementLevel: Level;
    message: string;
}

export interface PolicyInfo {
    name: string;
    enforcementLevel: Level;
    description: string;
    configSchema: Record<string, unknown> | undefined;
}

export interface ServedPack {
    info(): Promise<{ name: string; version: string; policies: PolicyInfo[] }>;
    /** A stack's policy config, as `--policy-pack-config` gives it: per policy, a level and its properties. */
    configure(config: Record<string, { enforcementLevel: Level; [property: string]: unknown }>): Promise<void>;
    analyze(r: AnalyzedResource): Promise<Diagnostic[]>;
    close(): void;
}

/** Starts the pack in `dir` and connects to it; fails with its output if it exits or prints no port in 30 s. */
export async function servePolicyPack(dir: string): Promise<ServedPack> {
    const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the pack printed no port in 30 s: ${out}${err}`)), 30_000);
        child.stdout.on("data", (d) => {
            out += d;
            const m = /^(\d+)\n/.exec(out);
            if (m) {
                clearTimeout(timer);
                resolve(Number(m[1]));
            }
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`the pack exited (${code}): ${out}${err}`));
        });
    });
    const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = <T>(method: string, req: unknown): Promise<T> =>
        new Promise((resolve, reject) =>
            client[method](req, (e: Error | null, res: T) =>
                e ? reject(new Error(`${method}: ${e.message}`)) : resolve(res),
            ),
        );

    return {
        info: async () => {
            const res = await call<any>("getAnalyzerInfo", new emptyproto.Empty());
            return {
                name: res.getName(),
                version: res.getVersion(),
                policies: res.getPoliciesList().map((p: any) => ({
                    name: p.getName(),
                    enforcementLevel: LEVELS[p.getEnforcementlevel()]!,
                    description: p.getDescription(),
                    configSchema: p.getConfigschema()?.getProperties()?.toJavaScript(),
                })),
            };
        },
        configure: async (config) => {
            const req = new analyzerproto.ConfigureAnalyzerRequest();
            for (const [name, { enforcementLevel, ...props }] of Object.entries(config)) {
                const c = new analyzerproto.PolicyConfig();
                c.setEnforcementlevel(LEVELS.indexOf(enforcementLevel));
                c.setProperties(structproto.Struct.fromJavaScript(props));
                req.getPolicyconfigMap().set(name, c);
            }
            await call("configure", req);
        },
        analyze: async (r) => {
            const req = new analyzerproto.AnalyzeRequest();
            req.setType(r.type);
            req.setName(r.name);
            req.setUrn(`urn:pulumi:test::policy::${r.type}::${r.name}`);
            req.setProperties(structproto.Struct.fromJavaScript(r.props));
            req.setOptions(new analyzerproto.AnalyzerResourceOptions());
            if (r.providerProps) {
                const p = new analyzerproto.AnalyzerProviderResource();
                p.setType("pulumi:providers:kubernetes");
                p.setName("default");
                p.setUrn("urn:pulumi:test::policy::pulumi:providers:kubernetes::default");
                p.setProperties(structproto.Struct.fromJavaScript(r.providerProps));
                req.setProvider(p);
            }
            const res = await call<any>("analyze", req);
            return res.getDiagnosticsList().map((d: any) => ({
                policyName: d.getPolicyname(),
                enforcementLevel: LEVELS[d.getEnforcementlevel()]!,
                message: d.getMessage(),
            }));
        },
        close: () => {
            client.close();
            child.kill();
        },
    };
}
