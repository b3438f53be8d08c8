/**
 * ValidatingAdmissionPolicies compiled and evaluated as the API server does: every CEL expression is type-checked
 * against the matched resource's type (the fields Kubernetes' OpenAPI gives it, k8s.io/api core/v1 types.go), so a
 * list added to a bool, a misspelt field or an int compared to a string fails here, not at apply; then evaluated
 * against objects with JSON integers as CEL ints (int64), absent fields absent.
 *
 * The library is @marcbachmann/cel-js: its Environment declares object types with typed fields and checks an
 * expression against them before any evaluation, which is what the API server does with a policy. (@bufbuild/cel
 * 0.6.1 only type-checks protobuf messages, and exports no checker; without one, a type error in a branch no test
 * pod reaches would pass.)
 */
import { Environment } from "@marcbachmann/cel-js";

/** A field's CEL type: a scalar, `list<T>`, `map<K, V>` or a type declared in {@link TYPES}. */
type Fields = Record<string, string>;

const securityFields = {
    privileged: "bool",
    runAsUser: "int",
    runAsGroup: "int",
    runAsNonRoot: "bool",
    allowPrivilegeEscalation: "bool",
    readOnlyRootFilesystem: "bool",
    procMount: "string",
    capabilities: "Capabilities",
    seccompProfile: "SeccompProfile",
    appArmorProfile: "AppArmorProfile",
    seLinuxOptions: "SELinuxOptions",
    windowsOptions: "WindowsSecurityContextOptions",
};
const containerFields = {
    name: "string",
    image: "string",
    command: "list<string>",
    args: "list<string>",
    workingDir: "string",
    ports: "list<ContainerPort>",
    env: "list<EnvVar>",
    volumeMounts: "list<VolumeMount>",
    securityContext: "SecurityContext",
};

/** The Kubernetes types the policies read, in dependency order (a type is declared before its users). */
const TYPES: [string, Fields][] = [
    [
        "ObjectMeta",
        { name: "string", namespace: "string", labels: "map<string, string>", annotations: "map<string, string>" },
    ],
    ["Capabilities", { add: "list<string>", drop: "list<string>" }],
    ["SeccompProfile", { type: "string", localhostProfile: "string" }],
    ["AppArmorProfile", { type: "string", localhostProfile: "string" }],
    ["SELinuxOptions", { user: "string", role: "string", type: "string", level: "string" }],
    ["WindowsSecurityContextOptions", { hostProcess: "bool", runAsUserName: "string" }],
    ["Sysctl", { name: "string", value: "string" }],
    ["SecurityContext", securityFields],
    [
        "PodSecurityContext",
        {
            runAsUser: "int",
            runAsGroup: "int",
            runAsNonRoot: "bool",
            fsGroup: "int",
            supplementalGroups: "list<int>",
            sysctls: "list<Sysctl>",
            seccompProfile: "SeccompProfile",
            appArmorProfile: "AppArmorProfile",
            seLinuxOptions: "SELinuxOptions",
            windowsOptions: "WindowsSecurityContextOptions",
        },
    ],
    ["ContainerPort", { name: "string", containerPort: "int", hostPort: "int", hostIP: "string", protocol: "string" }],
    ["EnvVar", { name: "string", value: "string" }],
    ["VolumeMount", { name: "string", mountPath: "string", readOnly: "bool", subPath: "string" }],
    ["Container", containerFields],
    ["EphemeralContainer", { ...containerFields, targetContainerName: "string" }],
    ["HostPathVolumeSource", { path: "string", type: "string" }],
    ["EmptyDirVolumeSource", { medium: "string" }],
    ["SecretVolumeSource", { secretName: "string", defaultMode: "int", optional: "bool" }],
    ["ConfigMapVolumeSource", { name: "string", defaultMode: "int", optional: "bool" }],
    ["PersistentVolumeClaimVolumeSource", { claimName: "string", readOnly: "bool" }],
    [
        "Volume",
        {
            name: "string",
            hostPath: "HostPathVolumeSource",
            emptyDir: "EmptyDirVolumeSource",
            secret: "SecretVolumeSource",
            configMap: "ConfigMapVolumeSource",
            persistentVolumeClaim: "PersistentVolumeClaimVolumeSource",
        },
    ],
    [
        "PodSpec",
        {
            containers: "list<Container>",
            initContainers: "list<Container>",
            ephemeralContainers: "list<EphemeralContainer>",
            volumes: "list<Volume>",
            hostNetwork: "bool",
            hostPID: "bool",
            hostIPC: "bool",
            hostUsers: "bool",
            securityContext: "PodSecurityContext",
            serviceAccountName: "string",
            automountServiceAccountToken: "bool",
            restartPolicy: "string",
            nodeName: "string",
        },
    ],
    ["Pod", { apiVersion: "string", kind: "string", metadata: "ObjectMeta", spec: "PodSpec" }],
    ["UserInfo", { username: "string", uid: "string", groups: "list<string>" }],
    ["GroupVersionKind", { group: "string", version: "string", kind: "string" }],
    ["GroupVersionResource", { group: "string", version: "string", resource: "string" }],
    [
        "AdmissionRequest",
        {
            uid: "string",
            kind: "GroupVersionKind",
            resource: "GroupVersionResource",
            subResource: "string",
            name: "string",
            namespace: "string",
            operation: "string",
            userInfo: "UserInfo",
            dryRun: "bool",
        },
    ],
];

/** The type of `object` and `oldObject` per matched resource (`resource` or `resource/subresource`). */
const RESOURCE_TYPES: Record<string, string> = { pods: "Pod", "pods/ephemeralcontainers": "Pod" };

export interface AdmissionPolicy {
    metadata: { name: string };
    spec: {
        matchConstraints: { resourceRules: { resources: string[] }[] };
        matchConditions?: { name: string; expression: string }[];
        variables?: { name: string; expression: string }[];
        validations: { expression: string; message?: string; messageExpression?: string }[];
        auditAnnotations?: { key: string; valueExpression: string }[];
    };
}

/** One expression of a policy, where it sits (`validations[2].expression`) and the type it must have. */
interface Expression {
    at: string;
    expression: string;
    type: "bool" | "string";
}

function expressions(p: AdmissionPolicy): Expression[] {
    const s = p.spec;
    return [
        ...(s.matchConditions ?? []).map((m, i) => ({
            at: `matchConditions[${i}].expression`,
            expression: m.expression,
            type: "bool" as const,
        })),
        ...s.validations.flatMap((v, i) => [
            { at: `validations[${i}].expression`, expression: v.expression, type: "bool" as const },
            ...(v.messageExpression !== undefined
                ? [
                      {
                          at: `validations[${i}].messageExpression`,
                          expression: v.messageExpression,
                          type: "string" as const,
                      },
                  ]
                : []),
        ]),
        ...(s.auditAnnotations ?? []).map((a, i) => ({
            at: `auditAnnotations[${i}].valueExpression`,
            expression: a.valueExpression,
            type: "string" as const,
        })),
    ];
}

/** The policy's environment: `object`/`oldObject` of the matched resources' one type, `request`, `variables`. */
function environment(p: AdmissionPolicy): Environment {
    const resources = [...new Set(p.spec.matchConstraints.resourceRules.flatMap((r) => r.resources))];
    const types = new Set(
        resources.map((r) => {
            const t = RESOURCE_TYPES[r];
            if (t === undefined) throw new Error(`${p.metadata.name}: no CEL type declared for resource "${r}"`);
            return t;
        }),
    );
    if (types.size !== 1) throw new Error(`${p.metadata.name}: matches resources of several types (${[...types]})`);
    const env = new Environment();
    for (const [name, fields] of TYPES) env.registerType(name, { fields });
    env.registerVariable("object", [...types][0]!);
    env.registerVariable("oldObject", [...types][0]!);
    env.registerVariable("request", "AdmissionRequest");
    // Each variable is typed by its expression, and may use the ones before it (as composition does).
    const variables: Fields = {};
    for (const [i, v] of (p.spec.variables ?? []).entries()) {
        const scoped = env.clone();
        scoped.registerType("Variables", { fields: { ...variables } });
        scoped.registerVariable("variables", "Variables");
        const checked = scoped.check(v.expression);
        if (!checked.valid) throw new Error(`${p.metadata.name} variables[${i}]: ${checked.error!.message}`);
        variables[v.name] = checked.type!;
    }
    const withVariables = env.clone();
    withVariables.registerType("Variables", { fields: variables });
    withVariables.registerVariable("variables", "Variables");
    return withVariables;
}

/** Every expression's type-check error, as `<policy> <path>: <error>`; empty when the API server would accept them. */
export function checkPolicy(p: AdmissionPolicy): string[] {
    const env = environment(p);
    return expressions(p).flatMap((e) => {
        const r = env.check(e.expression);
        if (!r.valid) return [`${p.metadata.name} ${e.at}: ${r.error!.message.split("\n")[0]}`];
        return r.type === e.type ? [] : [`${p.metadata.name} ${e.at}: is ${r.type}, must be ${e.type}`];
    });
}

/** JSON as the API server hands it to CEL: whole numbers are int64. */
function asCel(value: unknown): unknown {
    if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
    if (Array.isArray(value)) return value.map(asCel);
    if (value !== null && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asCel(v)]));
    return value;
}

/**
 * What the policy says about creating `object`: the messages of the validations it fails, in order (an
 * evaluation error denies too, with failurePolicy Fail: it is reported as `error: …`). Empty means admitted.
 */
export function denials(p: AdmissionPolicy, object: unknown, request: Record<string, unknown> = {}): string[] {
    const problems = checkPolicy(p);
    if (problems.length > 0) throw new Error(problems.join("\n"));
    const env = environment(p);
    const base = { object: asCel(object), oldObject: null, request: asCel({ operation: "CREATE", ...request }) };
    const evaluate = (e: string, ctx: Record<string, unknown>) => {
        try {
            return env.evaluate(e, ctx) as unknown;
        } catch (err) {
            return new Error((err as Error).message.split("\n")[0]);
        }
    };
    const variables: Record<string, unknown> = {};
    for (const v of p.spec.variables ?? []) variables[v.name] = evaluate(v.expression, { ...base, variables });
    const ctx = { ...base, variables };
    for (const m of p.spec.matchConditions ?? []) if (evaluate(m.expression, ctx) === false) return [];
    return p.spec.validations.flatMap((v) => {
        const r = evaluate(v.expression, ctx);
        if (r === true) return [];
        if (r instanceof Error) return [`error: ${r.message}`];
        const message = v.messageExpression !== undefined ? evaluate(v.messageExpression, ctx) : undefined;
        return [typeof message === "string" ? message : (v.message ?? `failed expression: ${v.expression}`)];
    });
}
