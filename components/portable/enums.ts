// The portable layer's enumerations, as `as const` objects: the only spelling of a closed set of strings that
// Pulumi's schema analyzer turns into a schema enum (an inline union such as `"traefik" | "envoy"` it refuses).
// Each object is declared before its type, so the name the analyzer looks up finds the object's members. (Line
// comments: a JSDoc comment here would be read as the first enum's description.)

/** The gateway's implementation, which decides how router features are expressed. */
export const GatewayImplementation = {
    /** Traefik (k3s' own): routes, weights, redirects, rewrites, header edits. */
    Traefik: "traefik",
    /** Envoy Gateway: also timeouts, retries, mirroring and fault injection. */
    Envoy: "envoy",
} as const;
export type GatewayImplementation = (typeof GatewayImplementation)[keyof typeof GatewayImplementation];

/** The scheme of the URLs the gateway serves. */
export const Scheme = {
    /** The gateway terminates TLS. */
    Https: "https",
    Http: "http",
} as const;
export type Scheme = (typeof Scheme)[keyof typeof Scheme];

/** Features that reach into the node, refused unless a stack allows them by name (Rio's admission verbs). */
export const Allowable = {
    HostPort: "hostPort",
    HostNetwork: "hostNetwork",
    HostPath: "hostPath",
    Privileged: "privileged",
} as const;
export type Allowable = (typeof Allowable)[keyof typeof Allowable];

/** Kubernetes image pull policies. */
export const PullPolicy = {
    Always: "Always",
    IfNotPresent: "IfNotPresent",
    Never: "Never",
} as const;
export type PullPolicy = (typeof PullPolicy)[keyof typeof PullPolicy];

/** The scheme of an HTTP probe. */
export const ProbeScheme = {
    HTTP: "HTTP",
    HTTPS: "HTTPS",
} as const;
export type ProbeScheme = (typeof ProbeScheme)[keyof typeof ProbeScheme];

/** Let's Encrypt's ACME directories. */
export const AcmeServer = {
    Production: "production",
    Staging: "staging",
} as const;
export type AcmeServer = (typeof AcmeServer)[keyof typeof AcmeServer];

/** Rio's secret kinds (`rio secret create --git-basic-auth | --git-sshkey-auth | --docker | --github-webhook`). */
export const BuildSecretKind = {
    /** Git over https: `username` and `password` (a token). */
    GitBasicAuth: "gitBasicAuth",
    /** Git over SSH: `privateKey` and `knownHosts` (the host keys the build accepts). */
    GitSshKeyAuth: "gitSshKeyAuth",
    /** A registry a build pushes to: `server`, `username` and `password`. */
    Docker: "docker",
    /** Rio's GitHub token (`token`): the continuous deployment's git token. */
    GithubWebhook: "githubWebhook",
} as const;
export type BuildSecretKind = (typeof BuildSecretKind)[keyof typeof BuildSecretKind];
