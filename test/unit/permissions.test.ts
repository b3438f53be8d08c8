import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RioInputError } from "../../components/errors";
import { KubeObject } from "../../components/kube/object";
import {
    formatPermission,
    parsePermission,
    Permission,
    planRbac,
    PolicyRule,
    rbacServiceAccount,
    resolvePermissions,
} from "../../components/service/permissions";
import { expectRio } from "../support/rioError";
import { validateObject } from "../support/schema";

const validate = (o: KubeObject): void => validateObject(o);

const rule = (verbs: string[], group: string, resource: string, name?: string): PolicyRule => ({
    verbs,
    apiGroups: [group],
    resources: [resource],
    ...(name !== undefined && { resourceNames: [name] }),
});
const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "get", "list", "patch", "update", "watch"];

describe("parsePermission: Rio's grammar", () => {
    const table: [string, Permission][] = [
        // rio.md §1.12 and Rio's docs/riofile.md
        ["create,get,list certmanager.k8s.io/*", rule(["create", "get", "list"], "certmanager.k8s.io", "*")],
        ["* configmaps", rule(["*"], "", "configmaps")],
        ["create,get,list /node/proxy", rule(["create", "get", "list"], "", "node/proxy")],
        ["role=cluster-admin", { role: "cluster-admin" }],
        // Rio's stacks/build-stack.yaml
        ["* gitwatcher.cattle.io/gitwatchers", rule(["*"], "gitwatcher.cattle.io", "gitwatchers")],
        ["* events", rule(["*"], "", "events")],
        ["get,list pods", rule(["get", "list"], "", "pods")],
        ["create,get,list /pods/log", rule(["create", "get", "list"], "", "pods/log")],
        ["secrets", rule(READ, "", "secrets")],
        // stacks/cert-manager-stack.yaml, stacks/rio-autoscaler-stack.yaml
        ["* cert-manager.io/*", rule(["*"], "cert-manager.io", "*")],
        ["* extensions/ingresses", rule(["*"], "extensions", "ingresses")],
        ["* rio.cattle.io/services/status", rule(["*"], "rio.cattle.io", "services/status")],
        [
            "* autoscale.rio.cattle.io/servicescalerecommendations",
            rule(["*"], "autoscale.rio.cattle.io", "servicescalerecommendations"),
        ],
        // pkg/riofile/riofile_test.go: verbs come back sorted, so this is `write`
        [
            "create,get,list,watch,patch,update,delete build.knative.dev/builds",
            rule(WRITE, "build.knative.dev", "builds"),
        ],
        // docs/cli-reference.md, tests/integration/rbac_test.go
        ["create,update,delete services", rule(["create", "delete", "update"], "", "services")],
        ["* apps/deployments", rule(["*"], "apps", "deployments")],
        ["list rio.cattle.io/services", rule(["list"], "rio.cattle.io", "services")],
        ["update admin.rio.cattle.io/publicdomain", rule(["update"], "admin.rio.cattle.io", "publicdomain")],
        // the shorthands
        ["read pods", rule(READ, "", "pods")],
        ["write pods", rule(WRITE, "", "pods")],
        ["get,read deployments.apps", rule(READ, "", "deployments.apps")],
        ["write,* pods", rule(["*"], "", "pods")],
        ["watch,get,get,list pods", rule(READ, "", "pods")],
        [
            "deletecollection,escalate,bind rbac.authorization.k8s.io/roles",
            rule(["bind", "deletecollection", "escalate"], "rbac.authorization.k8s.io", "roles"),
        ],
        ["use policy/podsecuritypolicies restricted", rule(["use"], "policy", "podsecuritypolicies", "restricted")],
        // a resource name
        ["get configmaps my-config", rule(["get"], "", "configmaps", "my-config")],
        ["read secrets Weird_Name:1", rule(READ, "", "secrets", "Weird_Name:1")],
        // the group is everything before the first "/": without the leading slash `pods/log` is group `pods`
        ["get pods/log", rule(["get"], "pods", "log")],
        ["* apps/deployments/scale", rule(["*"], "apps", "deployments/scale")],
        ["get */scale", rule(["get"], "*", "scale")],
        ["get /*/scale", rule(["get"], "", "*/scale")],
        ["*", rule(READ, "", "*")],
        ["/*", rule(READ, "", "*")],
        ["* */*", rule(["*"], "*", "*")],
        // whitespace and Rio's undocumented rule= prefix
        ["  get \t pods  ", rule(["get"], "", "pods")],
        ["rule=get pods", rule(["get"], "", "pods")],
        ["rule= * configmaps", rule(["*"], "", "configmaps")],
        // role=
        ["role=system:auth-delegator", { role: "system:auth-delegator" }],
        ["role= view ", { role: "view" }],
        ["  role=Edit.Me", { role: "Edit.Me" }],
        // url=: a non-resource rule, HTTP verbs only, get when none is given; url= may stand anywhere
        ["get url=/healthz", { verbs: ["get"], nonResourceURLs: ["/healthz"] }],
        ["url=/healthz", { verbs: ["get"], nonResourceURLs: ["/healthz"] }],
        ["url=/metrics get,head", { verbs: ["get", "head"], nonResourceURLs: ["/metrics"] }],
        ["post,put,get url=/api/*", { verbs: ["get", "post", "put"], nonResourceURLs: ["/api/*"] }],
        ["* url=*", { verbs: ["*"], nonResourceURLs: ["*"] }],
        ["options,delete,patch url=/", { verbs: ["delete", "options", "patch"], nonResourceURLs: ["/"] }],
    ];
    for (const [input, expected] of table) {
        it(JSON.stringify(input), () => {
            assert.deepEqual(parsePermission(input), expected);
            if (!input.includes("url=")) assert.deepEqual(parsePermission(input, "namespace"), expected);
        });
    }
});

describe("parsePermission: errors", () => {
    const verbList =
        "get, list, watch, create, update, patch, delete, deletecollection, use, bind, escalate, impersonate, approve, sign, attest, read, write or *";
    const badResource = (r: string, group?: string) =>
        `resource "${r}" is not valid: use a lowercase plural like "pods", a subresource like "pods/log", or *` +
        (group === undefined ? "" : ` (the API group "${group}" goes before the first "/")`);
    const empty = "a permission cannot be empty: write [verbs] [apiGroup/]resource [resourceName], or role=<name>";
    const table: [string, string, ("namespace" | "cluster")?][] = [
        ["", empty],
        ["   ", empty],
        ["rule=", empty],
        ["rule=  ", empty],
        ["role=", "role= needs the name of an existing Role or ClusterRole"],
        ["role=  ", "role= needs the name of an existing Role or ClusterRole"],
        ["role=view edit", `role name "view edit" cannot contain spaces: role= takes one name`],
        ["role=a/b", `role name "a/b" is not valid: it cannot be "." or "..", nor contain "/" or "%"`],
        ["role=..", `role name ".." is not valid: it cannot be "." or "..", nor contain "/" or "%"`],
        ["role=100%", `role name "100%" is not valid: it cannot be "." or "..", nor contain "/" or "%"`],
        ["gte pods", `unknown verb "gte": use ${verbList}`],
        ["GET pods", `unknown verb "GET": use ${verbList}`],
        ["get,lsit pods", `unknown verb "lsit": use ${verbList}`],
        // two words are verbs then resource: a resource and its name need verbs in front
        ["pods my-pod", `unknown verb "pods": use ${verbList}`],
        ["get,,list pods", `the verb list "get,,list" has an empty verb`],
        ["get, pods", `the verb list "get," has an empty verb`],
        ["get pods my-pod extra", "too many words (4): a permission is [verbs] [apiGroup/]resource [resourceName]"],
        ["get , list pods", "too many words (4): a permission is [verbs] [apiGroup/]resource [resourceName]"],
        ["get Pods", badResource("Pods")],
        ["get,list", badResource("get,list")],
        ["get pods_1", badResource("pods_1")],
        ["get -pods", badResource("-pods")],
        ["get apps/deployments/scale/x", badResource("deployments/scale/x", "apps")],
        ["get /pods/log/x", badResource("pods/log/x")],
        ["get pods//log", badResource("/log", "pods")],
        ["get apps/Deployments", badResource("Deployments", "apps")],
        ["get apps/", `"apps/" names no resource after the "/"`],
        ["get /", `"/" names no resource after the "/"`],
        [
            "get Apps/deployments",
            `API group "Apps" is not valid: use lowercase letters, digits, '-' and '.' (like "apps" or "cert-manager.io"), or *`,
        ],
        [
            "get cert_manager.io/certificates",
            `API group "cert_manager.io" is not valid: use lowercase letters, digits, '-' and '.' (like "apps" or "cert-manager.io"), or *`,
        ],
        ["get pods a/b", `resource name "a/b" is not valid: it cannot be "." or "..", nor contain "/" or "%"`],
        ["get pods .", `resource name "." is not valid: it cannot be "." or "..", nor contain "/" or "%"`],
        // url=
        [
            "get url=/healthz",
            "url= grants a non-resource URL, which only a cluster-wide role can: move it to globalPermissions",
            "namespace",
        ],
        [
            "url=/healthz",
            "url= grants a non-resource URL, which only a cluster-wide role can: move it to globalPermissions",
            "namespace",
        ],
        [
            "get url=healthz",
            `url "healthz" is not a URL path: it must start with "/" (a "*" may only end it, as in "/healthz/*")`,
        ],
        ["get url=", `url "" is not a URL path: it must start with "/" (a "*" may only end it, as in "/healthz/*")`],
        [
            "get url=/a*/b",
            `url "/a*/b" is not a URL path: it must start with "/" (a "*" may only end it, as in "/healthz/*")`,
        ],
        ["get url=/a url=/b", "url= is given 2 times; a permission grants one URL"],
        ["post pods url=/x", `a url= permission is [verbs] url=/path and grants no resource: drop "pods"`],
        ["get pods name url=/x", `a url= permission is [verbs] url=/path and grants no resource: drop "pods name"`],
        [
            "list url=/x",
            `unknown verb "list" for a url= permission: use the HTTP methods get, post, put, patch, delete, head, options or *`,
        ],
        [
            "read url=/x",
            `unknown verb "read" for a url= permission: use the HTTP methods get, post, put, patch, delete, head, options or *`,
        ],
    ];
    for (const [input, detail, scope] of table) {
        it(`${JSON.stringify(input)}${scope ? ` (${scope})` : ""}`, () => {
            expectRio(() => parsePermission(input, scope), [], detail);
        });
    }
    it("a lone word is a resource, so `role` (no `=`) is read access to the resource `role`", () => {
        assert.deepEqual(parsePermission("role"), rule(READ, "", "role"));
    });
});

describe("formatPermission", () => {
    const table: [string, string][] = [
        ["secrets", "secrets"],
        ["get,list,watch secrets", "secrets"],
        ["read secrets name", "read secrets name"],
        ["create,get,list,watch,patch,update,delete build.knative.dev/builds", "write build.knative.dev/builds"],
        ["create,get,list /node/proxy", "create,get,list /node/proxy"],
        ["/*", "*"],
        ["* */*", "* */*"],
        ["rule=get pods", "get pods"],
        ["role= view ", "role=view"],
        ["url=/healthz", "get url=/healthz"],
        ["url=* *", "* url=*"],
    ];
    for (const [input, expected] of table) {
        it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
            assert.equal(formatPermission(parsePermission(input)), expected);
        });
    }
});

describe("resolvePermissions", () => {
    it("absent is none", () => {
        assert.deepEqual(resolvePermissions(undefined, "namespace"), []);
        assert.deepEqual(resolvePermissions([], "cluster"), []);
    });
    it("a single string is one permission", () => {
        assert.deepEqual(resolvePermissions("* configmaps", "namespace"), [rule(["*"], "", "configmaps")]);
    });
    it("a list keeps its order", () => {
        assert.deepEqual(resolvePermissions(["role=view", "secrets", "get url=/healthz"], "cluster"), [
            { role: "view" },
            rule(READ, "", "secrets"),
            { verbs: ["get"], nonResourceURLs: ["/healthz"] },
        ]);
    });
    it("errors carry the list index", () => {
        expectRio(
            () => resolvePermissions(["secrets", "gte pods"], "cluster"),
            [1],
            `unknown verb "gte": use get, list, watch, create, update, patch, delete, deletecollection, use, bind, escalate, impersonate, approve, sign, attest, read, write or *`,
        );
    });
    it("url= is refused in the namespace scope, under its index", () => {
        expectRio(
            () => resolvePermissions(["secrets", "secrets", "url=/metrics"], "namespace"),
            [2],
            "url= grants a non-resource URL, which only a cluster-wide role can: move it to globalPermissions",
        );
    });
    it("a single string's error has no index", () => {
        expectRio(
            () => resolvePermissions("", "namespace"),
            [],
            "a permission cannot be empty: write [verbs] [apiGroup/]resource [resourceName], or role=<name>",
        );
    });
});

// --- property tests ---

const resourceVerbs = [
    "bind",
    "create",
    "delete",
    "deletecollection",
    "escalate",
    "get",
    "impersonate",
    "list",
    "patch",
    "update",
    "use",
    "watch",
    "approve",
    "sign",
    "attest",
].sort();
const urlVerbs = ["delete", "get", "head", "options", "patch", "post", "put"];
const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?$/);
const segment = fc.oneof(fc.constant("*"), fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,8}[a-z0-9])?$/));
const group = fc.oneof(
    fc.constant(""),
    fc.constant("*"),
    fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => ls.join(".")),
);
const resource = fc.oneof(
    segment,
    fc.tuple(segment, segment).map(([a, b]) => `${a}/${b}`),
);
const objectName = fc.stringMatching(/^[A-Za-z0-9:._@-]{1,12}$/).filter((n) => n !== "." && n !== "..");
const verbsOf = (known: string[]) =>
    fc.oneof(
        fc.constant(["*"]),
        fc.subarray(known, { minLength: 1 }).map((vs) => [...vs].sort()),
    );
const url = fc.oneof(fc.constant("*"), fc.stringMatching(/^\/[a-z0-9/._-]{0,12}\*?$/));

/** Any permission parsePermission can produce, in its canonical form. */
const permission: fc.Arbitrary<Permission> = fc.oneof(
    objectName.map((role) => ({ role })),
    fc
        .record({ verbs: verbsOf(resourceVerbs), group, resource, name: fc.option(objectName, { nil: undefined }) })
        .map(({ verbs, group, resource, name }) => rule(verbs, group, resource, name)),
    fc
        .record({ verbs: verbsOf(urlVerbs), url })
        .map(({ verbs, url }): PolicyRule => ({ verbs, nonResourceURLs: [url] })),
);

/** Permission strings as people write them: shorthands, duplicate verbs, stray spaces, url= anywhere, rule=. */
const written: fc.Arbitrary<string> = fc
    .record({
        prefix: fc.constantFrom("", "rule=", "rule= "),
        verbs: fc.option(
            fc.array(fc.constantFrom(...resourceVerbs, "read", "write", "*"), { minLength: 1, maxLength: 4 }),
            { nil: undefined },
        ),
        group: fc.option(group, { nil: undefined }),
        resource,
        name: fc.option(objectName, { nil: undefined }),
        space: fc.constantFrom(" ", "  ", "\t", " \t "),
    })
    .map(({ prefix, verbs, group, resource, name, space }) => {
        const target =
            group === undefined ? (resource.includes("/") ? `/${resource}` : resource) : `${group}/${resource}`;
        const words = verbs === undefined ? [target] : [verbs.join(","), target, ...(name === undefined ? [] : [name])];
        return `${space}${prefix}${words.join(space)}${space}`;
    });

const writtenUrl: fc.Arbitrary<string> = fc
    .record({
        verbs: fc.option(fc.array(fc.constantFrom(...urlVerbs, "*"), { minLength: 1, maxLength: 3 }), {
            nil: undefined,
        }),
        url,
        first: fc.boolean(),
    })
    .map(({ verbs, url, first }) =>
        verbs === undefined ? `url=${url}` : first ? `url=${url} ${verbs.join(",")}` : `${verbs.join(",")} url=${url}`,
    );

describe("permissions: properties", () => {
    it("every canonical permission survives format → parse", () => {
        fc.assert(
            fc.property(permission, (p) => {
                assert.deepEqual(parsePermission(formatPermission(p)), p);
            }),
            { numRuns: 500 },
        );
    });
    it("every written permission parses, and re-serialises stably", () => {
        fc.assert(
            fc.property(fc.oneof(written, writtenUrl), (text) => {
                const p = parsePermission(text);
                const again = formatPermission(p);
                assert.deepEqual(parsePermission(again), p);
                assert.equal(formatPermission(parsePermission(again)), again);
            }),
            { numRuns: 500 },
        );
    });
    it("arbitrary strings parse or raise a RioInputError, nothing else", () => {
        const alphabet = fc.constantFrom(..."role=rule=url=get,list*/ \t.-_:%aZ0".split(""));
        const texts = fc.oneof(fc.string(), fc.fullUnicodeString(), fc.stringOf(alphabet, { maxLength: 30 }));
        fc.assert(
            fc.property(texts, fc.constantFrom("namespace" as const, "cluster" as const), (text, scope) => {
                try {
                    parsePermission(text, scope);
                } catch (e) {
                    assert.ok(e instanceof RioInputError, `${JSON.stringify(text)} threw ${String(e)}`);
                    assert.deepEqual(e.path, []);
                }
            }),
            { numRuns: 2000 },
        );
    });
});

// --- planRbac ---

const svc = {
    name: "web",
    namespace: "shop",
    labels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/managed-by": "pulumi-rio" },
};
const labels = svc.labels;
const subjects = [{ kind: "ServiceAccount", name: "web", namespace: "shop" }];
const rbac = "rbac.authorization.k8s.io";
const sa: KubeObject = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "web", namespace: "shop", labels },
};

function plan(permissions: string[], globalPermissions: string[]): KubeObject[] {
    const objects = planRbac(
        svc,
        resolvePermissions(permissions, "namespace"),
        resolvePermissions(globalPermissions, "cluster"),
    );
    for (const o of objects) validate(o);
    return objects;
}

describe("planRbac", () => {
    it("no permission, no object (and no ServiceAccount for the pods)", () => {
        assert.deepEqual(plan([], []), []);
        assert.equal(rbacServiceAccount("web", [], []), undefined);
    });

    it("namespaced rules: ServiceAccount, Role rio-<svc> (a rule a line, in order), RoleBinding rio-<svc>", () => {
        assert.deepEqual(plan(["* configmaps", "create,get,list /pods/log", "secrets"], []), [
            sa,
            {
                apiVersion: `${rbac}/v1`,
                kind: "Role",
                metadata: { name: "rio-web", namespace: "shop", labels },
                rules: [
                    rule(["*"], "", "configmaps"),
                    rule(["create", "get", "list"], "", "pods/log"),
                    rule(READ, "", "secrets"),
                ],
            },
            {
                apiVersion: `${rbac}/v1`,
                kind: "RoleBinding",
                metadata: { name: "rio-web", namespace: "shop", labels },
                subjects,
                roleRef: { apiGroup: rbac, kind: "Role", name: "rio-web" },
            },
        ]);
        assert.equal(rbacServiceAccount("web", [{ role: "x" }], []), "web");
    });

    it("global rules: ClusterRole and ClusterRoleBinding rio-<ns>.<svc>, without a namespace; url= allowed", () => {
        assert.deepEqual(plan([], ["create,get,list certmanager.k8s.io/*", "get url=/healthz"]), [
            sa,
            {
                apiVersion: `${rbac}/v1`,
                kind: "ClusterRole",
                metadata: { name: "rio-shop.web", labels },
                rules: [
                    rule(["create", "get", "list"], "certmanager.k8s.io", "*"),
                    { verbs: ["get"], nonResourceURLs: ["/healthz"] },
                ],
            },
            {
                apiVersion: `${rbac}/v1`,
                kind: "ClusterRoleBinding",
                metadata: { name: "rio-shop.web", labels },
                subjects,
                roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "rio-shop.web" },
            },
        ]);
    });

    it("role= binds the named Role (namespaced) or ClusterRole (global), once per role; no Role of its own", () => {
        assert.deepEqual(
            plan(
                ["role=rio-web", "role=config-reader", "role=rio-web"],
                ["role=cluster-admin", "role=system:auth-delegator"],
            ),
            [
                sa,
                {
                    apiVersion: `${rbac}/v1`,
                    kind: "RoleBinding",
                    metadata: { name: "rio-web.rio-web", namespace: "shop", labels },
                    subjects,
                    roleRef: { apiGroup: rbac, kind: "Role", name: "rio-web" },
                },
                {
                    apiVersion: `${rbac}/v1`,
                    kind: "RoleBinding",
                    metadata: { name: "rio-web.config-reader", namespace: "shop", labels },
                    subjects,
                    roleRef: { apiGroup: rbac, kind: "Role", name: "config-reader" },
                },
                {
                    apiVersion: `${rbac}/v1`,
                    kind: "ClusterRoleBinding",
                    metadata: { name: "rio-shop.web.cluster-admin", labels },
                    subjects,
                    roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "cluster-admin" },
                },
                {
                    apiVersion: `${rbac}/v1`,
                    kind: "ClusterRoleBinding",
                    // ':' is no DNS character: sanitised, and the hash of the real name keeps it unique
                    metadata: { name: "rio-shop.web.system-auth-delegator-39ed873e", labels },
                    subjects,
                    roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "system:auth-delegator" },
                },
            ],
        );
    });

    it("both, with role= among the rules: every object once, rules binding and role bindings apart", () => {
        const objects = plan(["get,list pods", "role=rio-web", "* configmaps"], ["role=view", "* cert-manager.io/*"]);
        assert.deepEqual(
            objects.map((o) => `${o.kind}/${o.metadata.name}`),
            [
                "ServiceAccount/web",
                "Role/rio-web",
                "RoleBinding/rio-web",
                "RoleBinding/rio-web.rio-web",
                "ClusterRole/rio-shop.web",
                "ClusterRoleBinding/rio-shop.web",
                "ClusterRoleBinding/rio-shop.web.view",
            ],
        );
        assert.deepEqual(objects[1]!.rules, [rule(["get", "list"], "", "pods"), rule(["*"], "", "configmaps")]);
        assert.deepEqual(objects[4]!.rules, [rule(["*"], "cert-manager.io", "*")]);
        for (const o of objects) {
            assert.deepEqual(o.metadata.labels, labels);
            const clusterScoped = o.kind.startsWith("Cluster");
            assert.equal(o.metadata.namespace, clusterScoped ? undefined : "shop");
            assert.equal("namespace" in o.metadata, !clusterScoped);
        }
    });

    it("a role name too long for an object name is cut and hashed, within 253 characters", () => {
        const long = `very-long-role.${"x".repeat(300)}`;
        const [, binding] = planRbac(svc, [], [{ role: long }]);
        const name = binding!.metadata.name;
        assert.equal(name.length, 253);
        assert.match(name, /^rio-shop\.web\.very-long-role\.x+-[0-9a-f]{8}$/);
        assert.deepEqual(binding!.roleRef, { apiGroup: rbac, kind: "ClusterRole", name: long });
        validate(binding!);
    });

    it("a namespaced url= rule is a caller's bug, not silently dropped", () => {
        assert.throws(
            () => planRbac(svc, [{ verbs: ["get"], nonResourceURLs: ["/x"] }], []),
            /cannot grant a non-resource URL/,
        );
    });

    it("names are DNS subdomains, and no two services, namespaces or roles ever share one", () => {
        // a tiny alphabet, so that `a-b`+`a` and `a`+`b-a` and roles that sanitise alike (`x:y`, `x-y`) do come up
        const dnsLabel = fc.stringMatching(/^[ab]([-ab]{0,3}[ab])?$/);
        const roleName = fc.oneof(
            fc.constantFrom("x:y", "x-y", "X-Y", "x.y", "a", "b-a", "rio-a", "rio-b"),
            objectName,
            fc.stringMatching(/^[a-z:.-]{250,260}$/),
        );
        const service = fc.record({
            ns: dnsLabel,
            name: dnsLabel,
            roles: fc.uniqueArray(roleName, { maxLength: 3 }),
            globalRoles: fc.uniqueArray(roleName, { maxLength: 3 }),
        });
        const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
        fc.assert(
            fc.property(
                fc.uniqueArray(service, { minLength: 1, maxLength: 4, selector: (s) => `${s.ns}/${s.name}` }),
                (services) => {
                    const keys: string[] = [];
                    for (const s of services) {
                        const rules = rule(["get"], "", "pods");
                        const objects = planRbac(
                            { name: s.name, namespace: s.ns, labels: {} },
                            [rules, ...s.roles.map((role) => ({ role }))],
                            [rules, ...s.globalRoles.map((role) => ({ role }))],
                        );
                        for (const o of objects) {
                            assert.ok(
                                o.metadata.name.length <= 253 && subdomain.test(o.metadata.name),
                                o.metadata.name,
                            );
                            keys.push(`${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
                        }
                    }
                    assert.equal(new Set(keys).size, keys.length, keys.join("\n"));
                },
            ),
            { numRuns: 1000 },
        );
    });
});
