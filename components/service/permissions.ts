import { createHash } from "crypto";
import { RioInputError, under } from "../errors";
import { KubeObject } from "../kube/object";

/*
 * Rio's `permissions` / `globalPermissions` (rio.md §1.12, rio's pkg/riofile/stringers/permission.go and
 * modules/service/controllers/service/populate/rbac/role.go) as Kubernetes RBAC objects.
 *
 * Escalation: Rio's admission webhook refused a Service whose permissions went beyond its author's own
 * (ConfirmNoEscalation). Nothing of ours has to: the objects are applied with the credentials Pulumi runs with,
 * and Kubernetes' own RBAC escalation prevention refuses a Role or ClusterRole granting more than those
 * credentials hold (unless they have the `escalate` verb on roles), and a binding to a role they could not
 * create themselves (unless they have `bind`). A Riofile thus gives an app at most what its deployer has.
 */

/** An rbac/v1 PolicyRule, as Kubernetes writes it. */
export interface PolicyRule {
    verbs: string[];
    apiGroups?: string[];
    resources?: string[];
    resourceNames?: string[];
    nonResourceURLs?: string[];
}

/** `role=<name>`: bind an existing Role (in `permissions`) or ClusterRole (in `globalPermissions`). */
export interface RoleGrant {
    role: string;
}

/** One entry of `permissions` / `globalPermissions`, parsed. */
export type Permission = RoleGrant | PolicyRule;

/** Where a permission's rules will live: a Role in the service's namespace, or a ClusterRole. */
export type PermissionScope = "namespace" | "cluster";

export function isRoleGrant(p: Permission): p is RoleGrant {
    return "role" in p;
}

/** Rio's shorthands (stringers.ReadVerbs / WriteVerbs). */
export const READ_VERBS: readonly string[] = ["get", "list", "watch"];
export const WRITE_VERBS: readonly string[] = ["create", "delete", "get", "list", "patch", "update", "watch"];

/**
 * Verbs Kubernetes knows on resources: the standard ones and the special ones its own authorizers check
 * (`use`, `bind`, `escalate`, `impersonate`, `approve`, `sign`, `attest`). Rio took any word; a typo (`gte`)
 * then granted nothing, silently, so anything else is refused.
 */
const RESOURCE_VERBS: readonly string[] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
    "approve",
    "sign",
    "attest",
];
/** On a non-resource URL the verb is the HTTP method, lowercased. */
const URL_VERBS: readonly string[] = ["get", "post", "put", "patch", "delete", "head", "options"];

const DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
/** One segment of a resource (`pods`) or of its subresource (`log`), or `*`. */
const RESOURCE_SEGMENT = /^(\*|[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

/**
 * Parses one permission string. Rio's grammar: `role=<name>`, or `[verbs] [apiGroup/]resource [resourceName]
 * [url=/path]` where verbs is a comma list, `read` (get,list,watch), `write` (create,delete,get,list,patch,
 * update,watch) or `*`, and a lone token is read access to that resource. Kept from Rio: an optional `rule=`
 * prefix; the apiGroup is everything before the first `/`, so `pods/log` is the resource `log` of a group `pods`
 * and a core subresource needs the leading slash (`/pods/log`, `/node/proxy`); `url=` may stand anywhere.
 *
 * Where Rio's code was loose, this refuses: unknown verbs, an empty verb, a group or resource that is not a
 * valid name, `apps/` (Rio read it as the core resource `apps`), an empty `role=` (Rio dropped it silently),
 * more than three words. With `url=` the permission is a non-resource rule and takes only HTTP verbs
 * (`[verbs] url=/path`, `get` when absent): Rio read `post url=/x` as the resource `post` with read verbs, then
 * dropped the resource, granting get,list,watch instead of post, and crashed on a bare `url=/x`.
 *
 * @param scope `"namespace"` refuses `url=`: non-resource URLs exist only in ClusterRoles. Default `"cluster"`.
 * @throws RioInputError with an empty path; the caller prefixes the key.
 */
export function parsePermission(text: string, scope: PermissionScope = "cluster"): Permission {
    const trimmed = text.trim();
    if (trimmed.startsWith("role=")) return { role: checkRoleName(trimmed.slice("role=".length).trim()) };
    const body = trimmed.startsWith("rule=") ? trimmed.slice("rule=".length).trim() : trimmed;
    if (body === "")
        throw new RioInputError(
            [],
            "a permission cannot be empty: write [verbs] [apiGroup/]resource [resourceName], or role=<name>",
        );

    const words = body.split(/\s+/);
    const urls = words.filter((w) => w.startsWith("url="));
    const rest = words.filter((w) => !w.startsWith("url="));
    if (urls.length > 0) return parseUrlRule(urls, rest, scope);

    if (rest.length > 3) {
        throw new RioInputError(
            [],
            `too many words (${rest.length}): a permission is [verbs] [apiGroup/]resource [resourceName]`,
        );
    }
    const verbs = rest.length === 1 ? [...READ_VERBS] : parseVerbs(rest[0]!, "resource");
    const { group, resource } = parseGroupResource(rest.length === 1 ? rest[0]! : rest[1]!);
    const rule: PolicyRule = { verbs, apiGroups: [group], resources: [resource] };
    if (rest.length === 3) rule.resourceNames = [checkResourceName(rest[2]!)];
    return rule;
}

function parseUrlRule(urls: string[], rest: string[], scope: PermissionScope): PolicyRule {
    if (scope === "namespace") {
        throw new RioInputError(
            [],
            "url= grants a non-resource URL, which only a cluster-wide role can: move it to globalPermissions",
        );
    }
    if (urls.length > 1) throw new RioInputError([], `url= is given ${urls.length} times; a permission grants one URL`);
    const url = urls[0]!.slice("url=".length);
    // Kubernetes matches a non-resource URL exactly, or by prefix when it ends in `*`.
    if (!/^(\*|\/[^*]*\*?)$/.test(url)) {
        throw new RioInputError(
            [],
            `url "${url}" is not a URL path: it must start with "/" (a "*" may only end it, as in "/healthz/*")`,
        );
    }
    if (rest.length > 1) {
        throw new RioInputError(
            [],
            `a url= permission is [verbs] url=/path and grants no resource: drop "${rest.slice(1).join(" ")}"`,
        );
    }
    const verbs = rest.length === 0 ? ["get"] : parseVerbs(rest[0]!, "url");
    return { verbs, nonResourceURLs: [url] };
}

/** Sorted and deduplicated, as Rio's own lists are: the same grant always reads the same. `*` stands alone. */
function parseVerbs(word: string, on: "resource" | "url"): string[] {
    const known = on === "resource" ? RESOURCE_VERBS : URL_VERBS;
    const out = new Set<string>();
    for (const raw of word.split(",")) {
        const verb = raw.trim();
        if (verb === "") throw new RioInputError([], `the verb list "${word}" has an empty verb`);
        if (verb === "*" || known.includes(verb)) out.add(verb);
        else if (on === "resource" && (verb === "read" || verb === "write")) {
            for (const v of verb === "read" ? READ_VERBS : WRITE_VERBS) out.add(v);
        } else if (on === "resource") {
            throw new RioInputError([], `unknown verb "${verb}": use ${known.join(", ")}, read, write or *`);
        } else {
            throw new RioInputError(
                [],
                `unknown verb "${verb}" for a url= permission: use the HTTP methods ${known.join(", ")} or *`,
            );
        }
    }
    return out.has("*") ? ["*"] : [...out].sort();
}

/** `[apiGroup/]resource`: the group is what precedes the first `/` (empty for the core group). */
function parseGroupResource(word: string): { group: string; resource: string } {
    const slash = word.indexOf("/");
    const group = slash < 0 ? "" : word.slice(0, slash);
    const resource = slash < 0 ? word : word.slice(slash + 1);
    if (group !== "" && group !== "*" && !(group.length <= 253 && DNS_SUBDOMAIN.test(group))) {
        throw new RioInputError(
            [],
            `API group "${group}" is not valid: use lowercase letters, digits, '-' and '.' (like "apps" or "cert-manager.io"), or *`,
        );
    }
    if (resource === "") throw new RioInputError([], `"${word}" names no resource after the "/"`);
    const segments = resource.split("/");
    if (segments.length > 2 || !segments.every((s) => RESOURCE_SEGMENT.test(s))) {
        throw new RioInputError(
            [],
            `resource "${resource}" is not valid: use a lowercase plural like "pods", a subresource like "pods/log", or *` +
                (group === "" ? "" : ` (the API group "${group}" goes before the first "/")`),
        );
    }
    return { group, resource };
}

/** Kubernetes' rule for RBAC object names (a path segment), which also bounds resourceNames usefully. */
function checkPathSegment(name: string, what: string): string {
    if (name === "." || name === ".." || /[/%]/.test(name)) {
        throw new RioInputError([], `${what} "${name}" is not valid: it cannot be "." or "..", nor contain "/" or "%"`);
    }
    return name;
}

function checkRoleName(name: string): string {
    if (name === "") throw new RioInputError([], "role= needs the name of an existing Role or ClusterRole");
    if (/\s/.test(name)) throw new RioInputError([], `role name "${name}" cannot contain spaces: role= takes one name`);
    return checkPathSegment(name, "role name");
}

function checkResourceName(name: string): string {
    return checkPathSegment(name, "resource name");
}

/**
 * Writes a permission back in Rio's grammar, shortest form first (`pods` for read access, `write`, `/pods/log`
 * for a core subresource). `parsePermission(formatPermission(p))` gives `p` back for any parsed `p`.
 */
export function formatPermission(p: Permission): string {
    if (isRoleGrant(p)) return `role=${p.role}`;
    if (p.nonResourceURLs !== undefined) return `${p.verbs.join(",")} url=${p.nonResourceURLs[0]}`;
    const group = p.apiGroups?.[0] ?? "";
    const resource = p.resources?.[0] ?? "";
    const target = group !== "" || resource.includes("/") ? `${group}/${resource}` : resource;
    const name = p.resourceNames?.[0];
    const same = (a: readonly string[]) => a.length === p.verbs.length && a.every((v, i) => p.verbs[i] === v);
    if (name === undefined && same(READ_VERBS)) return target;
    const verbs = same(WRITE_VERBS) ? "write" : same(READ_VERBS) ? "read" : p.verbs.join(",");
    return name === undefined ? `${verbs} ${target}` : `${verbs} ${target} ${name}`;
}

/**
 * A service's `permissions` (scope `"namespace"`) or `globalPermissions` (scope `"cluster"`): one string or a
 * list of them, each in Rio's grammar (see parsePermission). Absent means none.
 * @throws RioInputError under the list index (none for a single string).
 */
export function resolvePermissions(
    input: string | readonly string[] | undefined,
    scope: PermissionScope,
): Permission[] {
    if (input === undefined) return [];
    if (typeof input === "string") return [parsePermission(input, scope)];
    return input.map((text, i) => under([i], () => parsePermission(text, scope)));
}

const RBAC_GROUP = "rbac.authorization.k8s.io";

/**
 * The ServiceAccount a service's pods run as: `<svc>` when it has any permission, none otherwise (its pods
 * then mount no token at all). A pod that uses it sets `serviceAccountName` and
 * `automountServiceAccountToken: true` itself.
 */
export function rbacServiceAccount(
    svcName: string,
    permissions: readonly Permission[],
    globalPermissions: readonly Permission[],
): string | undefined {
    return permissions.length + globalPermissions.length > 0 ? svcName : undefined;
}

/**
 * Rio's RBAC objects for one service, nothing when it has no permission:
 * - ServiceAccount `<svc>`;
 * - for rules in `permissions`: Role `rio-<svc>` and RoleBinding `rio-<svc>`;
 * - for rules in `globalPermissions`: ClusterRole `rio-<ns>.<svc>` and ClusterRoleBinding `rio-<ns>.<svc>`;
 * - for each `role=<r>`: RoleBinding `rio-<svc>.<r>` to Role `<r>`, or ClusterRoleBinding `rio-<ns>.<svc>.<r>`
 *   to ClusterRole `<r>`.
 *
 * Rio named these `rio-<ns>-<svc>`, `rio-<svc>-rio-<svc>` and `rio-<svc>-<r>`: a namespace `a-b` with a service
 * `c` then shared its ClusterRole with namespace `a`'s service `b-c`, and `role=rio-web` on service `web` shared
 * the name of its rules' binding. Service and namespace names hold no dot, so the dots here keep every name
 * distinct; a role name that is not DNS-safe or too long is sanitised and suffixed with a hash of itself.
 *
 * The ServiceAccount leaves `automountServiceAccountToken` unset (Kubernetes' default, true, as in Rio): the
 * pod spec's own field wins over it, and the pod is the one place that says whether the token is mounted.
 * Each permission stays its own rule, in the user's order, so a rule reads back to its Riofile line.
 */
export function planRbac(
    svc: { name: string; namespace: string; labels: Record<string, string> },
    permissions: readonly Permission[],
    globalPermissions: readonly Permission[],
): KubeObject[] {
    const account = rbacServiceAccount(svc.name, permissions, globalPermissions);
    if (account === undefined) return [];
    const labels = svc.labels;
    const subjects = [{ kind: "ServiceAccount", name: account, namespace: svc.namespace }];
    const out: KubeObject[] = [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: account, namespace: svc.namespace, labels } },
    ];

    const binding = (
        kind: "RoleBinding" | "ClusterRoleBinding",
        name: string,
        roleKind: "Role" | "ClusterRole",
        roleName: string,
    ): KubeObject => ({
        apiVersion: `${RBAC_GROUP}/v1`,
        kind,
        metadata: { name, ...(kind === "RoleBinding" && { namespace: svc.namespace }), labels },
        subjects,
        roleRef: { apiGroup: RBAC_GROUP, kind: roleKind, name: roleName },
    });

    const rules = permissions.filter((p): p is PolicyRule => !isRoleGrant(p));
    if (rules.some((r) => r.nonResourceURLs !== undefined)) {
        // resolvePermissions(…, "namespace") refuses these; Kubernetes would too, at apply time.
        throw new Error("planRbac: a namespaced permission cannot grant a non-resource URL");
    }
    if (rules.length > 0) {
        const name = `rio-${svc.name}`;
        out.push({
            apiVersion: `${RBAC_GROUP}/v1`,
            kind: "Role",
            metadata: { name, namespace: svc.namespace, labels },
            rules: rules.map(copyRule),
        });
        out.push(binding("RoleBinding", name, "Role", name));
    }
    for (const role of uniqueRoles(permissions)) {
        out.push(binding("RoleBinding", withRole(`rio-${svc.name}`, role), "Role", role));
    }

    const clusterRules = globalPermissions.filter((p): p is PolicyRule => !isRoleGrant(p));
    const clusterName = `rio-${svc.namespace}.${svc.name}`;
    if (clusterRules.length > 0) {
        out.push({
            apiVersion: `${RBAC_GROUP}/v1`,
            kind: "ClusterRole",
            metadata: { name: clusterName, labels },
            rules: clusterRules.map(copyRule),
        });
        out.push(binding("ClusterRoleBinding", clusterName, "ClusterRole", clusterName));
    }
    for (const role of uniqueRoles(globalPermissions)) {
        out.push(binding("ClusterRoleBinding", withRole(clusterName, role), "ClusterRole", role));
    }
    return out;
}

/** Binding the same role twice grants nothing more: one binding. */
function uniqueRoles(list: readonly Permission[]): string[] {
    return [...new Set(list.filter(isRoleGrant).map((p) => p.role))];
}

function copyRule(r: PolicyRule): PolicyRule {
    const out: PolicyRule = { verbs: [...r.verbs] };
    if (r.apiGroups !== undefined) out.apiGroups = [...r.apiGroups];
    if (r.resources !== undefined) out.resources = [...r.resources];
    if (r.resourceNames !== undefined) out.resourceNames = [...r.resourceNames];
    if (r.nonResourceURLs !== undefined) out.nonResourceURLs = [...r.nonResourceURLs];
    return out;
}

/** Object names are DNS-1123 subdomains of at most 253 characters. */
const MAX_NAME = 253;

/** `<prefix>.<role>`, or, when the role name is not DNS-safe or too long, a sanitised part and its hash. */
function withRole(prefix: string, role: string): string {
    const plain = `${prefix}.${role}`;
    if (plain.length <= MAX_NAME && DNS_SUBDOMAIN.test(role)) return plain;
    const hash = createHash("sha256").update(role).digest("hex").slice(0, 8);
    const room = MAX_NAME - prefix.length - 1 - hash.length - 1;
    const safe = role
        .toLowerCase()
        .split(".")
        .map((l) => l.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, ""))
        .filter((l) => l !== "")
        .join(".")
        .slice(0, room)
        .replace(/[-.]+$/, "");
    return `${prefix}.${safe === "" ? "role" : safe}-${hash}`;
}
