/** rio weight, rio promote and rio run --weight: an app's versions' shares, as Rio split them. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RioInputError } from "../../components/errors";
import { checkContent } from "../../components/cli/riofileEdit";
import {
    applyWeight,
    apportion,
    goDurationSeconds,
    parsePercent,
    parseWeightArg,
    refuseGradual,
    shareLines,
} from "../../components/cli/weights";

const throwsMessage = (fn: () => unknown, message: string) =>
    assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof RioInputError);
        assert.equal(e.message, message);
        return true;
    });

/** An app's entries with the given weights (undefined: none written), named as rio stage names them. */
function app(weights: Record<string, number | undefined>): Record<string, unknown> {
    return {
        services: Object.fromEntries(
            Object.entries(weights).map(([version, weight], i) => [
                i === 0 ? "web" : `web-${version}`,
                {
                    image: `web:${version}`,
                    ports: ["8080"],
                    ...(i > 0 && { app: "web" }),
                    version,
                    ...(weight !== undefined && { weight }),
                },
            ]),
        ),
    };
}

const weightsOf = (content: Record<string, unknown>) =>
    Object.fromEntries(
        Object.values(content.services as Record<string, { version: string; weight?: number }>).map((s) => [
            s.version,
            s.weight,
        ]),
    );

const opts = { namespace: "default", what: "weight", refuseUnchanged: true };

describe("rio weight: one version's share, the others sharing the rest", () => {
    const cases: [string, Record<string, number | undefined>, string, number, Record<string, number>][] = [
        [
            "a staged version (weight 0) next to one with Rio's default weight",
            { v1: undefined, v2: 0 },
            "v2",
            40,
            { v1: 60, v2: 40 },
        ],
        [
            "the others keep their proportions (90/10 → 45/5)",
            { v1: 90, v2: 10, v3: 0 },
            "v3",
            50,
            { v1: 45, v2: 5, v3: 50 },
        ],
        [
            "weights that are not percentages are brought back to 100",
            { v1: 10000, v2: 6666 },
            "v2",
            50,
            { v1: 50, v2: 50 },
        ],
        [
            "what rounding leaves goes to the largest remainder, the first on a tie",
            { v1: 1, v2: 1, v3: 1, v4: 40 },
            "v4",
            0,
            { v1: 34, v2: 33, v3: 33, v4: 0 },
        ],
        ["0 gives its share to the others", { v1: 60, v2: 40 }, "v2", 0, { v1: 100, v2: 0 }],
        [
            "100 is a promotion: every other version at 0, kept",
            { v1: 60, v2: 40, v3: 0 },
            "v3",
            100,
            { v1: 0, v2: 0, v3: 100 },
        ],
    ];
    for (const [what, before, version, percent, after] of cases)
        it(what, () => {
            const change = applyWeight(app(before), { app: "web", version }, percent, opts);
            assert.deepEqual(weightsOf(change.content), after);
            assert.equal(change.warning, undefined);
            assert.deepEqual(
                change.shares,
                Object.entries(after).map(([v, p]) => ({ version: v, percent: p })),
            );
            checkContent(change.content, "default");
        });

    it("when no other version has traffic, the version keeps all of it, with a warning (Rio's docs)", () => {
        const content = app({ v1: 0, v2: 100 });
        const change = applyWeight(content, { app: "web", version: "v2" }, 50, opts);
        assert.deepEqual(change.content, content);
        assert.deepEqual(change.shares, [
            { version: "v1", percent: 0 },
            { version: "v2", percent: 100 },
        ]);
        assert.equal(
            change.warning,
            "no other version of web receives traffic, so web@v2 still receives all of it (as in Rio: give another version weight to share it)",
        );
    });

    it("an app of one version keeps it all too, its entry unchanged", () => {
        const content = { services: { web: { image: "web:1" } } };
        const change = applyWeight(content, { app: "web" }, 40, opts);
        assert.deepEqual(change.content, content);
        assert.deepEqual(change.shares, [{ version: "v0", percent: 100 }]);
    });

    it("refuses what would leave no version any traffic, or change nothing (Rio: already at target percentage)", () => {
        throwsMessage(
            () => applyWeight(app({ v1: 0, v2: 100 }), { app: "web", version: "v2" }, 0, opts),
            "weight: no other version of web receives traffic, so web@v2 cannot give up its share; give another version weight first (rio weight web@VERSION=PERCENT)",
        );
        throwsMessage(
            () => applyWeight(app({ v1: 60, v2: 40 }), { app: "web", version: "v2" }, 40, opts),
            "weight: web@v2 already receives 40% of web's traffic; nothing to change",
        );
        throwsMessage(
            () =>
                applyWeight(app({ v1: 0, v2: 100 }), { app: "web", version: "v2" }, 100, { ...opts, what: "promote" }),
            "promote: web@v2 already receives all of web's traffic; nothing to change",
        );
        // rio run --weight sets the share whatever it was.
        const same = applyWeight(app({ v1: 60, v2: 40 }), { app: "web", version: "v2" }, 40, {
            ...opts,
            refuseUnchanged: false,
        });
        assert.deepEqual(weightsOf(same.content), { v1: 60, v2: 40 });
    });

    it("names what there is when the version or the app is not there", () => {
        throwsMessage(
            () => applyWeight(app({ v1: 60, v2: 40 }), { app: "web", version: "v3" }, 10, opts),
            'weight: app "web" has no version "v3" (versions: v1, v2)',
        );
        throwsMessage(
            () => applyWeight(app({ v1: 60, v2: 40 }), { app: "api", version: "v2" }, 10, opts),
            'weight: no service "api@v2" in namespace default (services: web, web-v2)',
        );
    });
});

describe("rio weight's argument and flags", () => {
    it("parses [ns:]app[@version]=PERCENT, with or without %", () => {
        assert.deepEqual(parseWeightArg("hello-world@v2=40"), {
            name: { app: "hello-world", version: "v2" },
            percent: 40,
        });
        assert.deepEqual(parseWeightArg("team:shop=10%"), { name: { namespace: "team", app: "shop" }, percent: 10 });
        assert.equal(parsePercent("0", "--weight"), 0);
        assert.equal(parsePercent("100%", "--weight"), 100);
    });

    const bad: [string, string][] = [
        ["hello-world@v2=140", 'weight "hello-world@v2=140": "140" is not a percentage (a whole number from 0 to 100)'],
        ["hello-world@v2=abc", 'weight "hello-world@v2=abc": "abc" is not a percentage (a whole number from 0 to 100)'],
        ["hello-world@v2=-5", 'weight "hello-world@v2=-5": "-5" is not a percentage (a whole number from 0 to 100)'],
        ["hello-world@v2=4.5", 'weight "hello-world@v2=4.5": "4.5" is not a percentage (a whole number from 0 to 100)'],
        ["hello-world@v2=", 'weight "hello-world@v2=": "" is not a percentage (a whole number from 0 to 100)'],
        ["hello-world@v2", 'weight "hello-world@v2": expected APP@VERSION=PERCENT (hello-world@v2=40)'],
        [
            "Hello@v2=4",
            `weight "Hello@v2=4": name "Hello" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
        ],
    ];
    for (const [text, message] of bad) it(`refuses ${text}`, () => throwsMessage(() => parseWeightArg(text), message));

    it("--duration: Go's durations; 0 is at once, anything longer is refused, saying why", () => {
        assert.equal(goDurationSeconds("1h30m", "--duration"), 5400);
        assert.equal(goDurationSeconds("1.5h", "--duration"), 5400);
        assert.equal(goDurationSeconds("500ms", "--duration"), 0.5);
        assert.equal(goDurationSeconds("0", "--duration"), 0);
        throwsMessage(
            () => goDurationSeconds("5 minutes", "--duration"),
            '--duration: "5 minutes" is not a duration (10m, 90s, 1h30m)',
        );
        throwsMessage(
            () => goDurationSeconds("10", "--duration"),
            '--duration: "10" is not a duration (10m, 90s, 1h30m)',
        );
        refuseGradual({ duration: "0s" });
        refuseGradual({});
        throwsMessage(
            () => refuseGradual({ duration: "5m" }),
            "--duration: rio cannot shift traffic between versions gradually: its gradual rollouts (the Riofile's rollout and rolloutDuration, on Flagger) roll one service's new image or spec out, and versions are separate workloads; leave --duration out to set the weights at once",
        );
        throwsMessage(
            () => refuseGradual({ pause: true }),
            "--pause: there is no gradual shift between versions to pause (rio sets the weights at once); leave --pause out",
        );
    });
});

describe("the shares' output and their arithmetic", () => {
    it("one app@version line per version, aligned", () => {
        assert.equal(
            shareLines("web", [
                { version: "v0", percent: 60 },
                { version: "canary", percent: 40 },
            ]),
            "web@v0       60%\nweb@canary   40%\n",
        );
    });

    it("apportions whole numbers that add up to the total", () => {
        const cases: [number, number[], number[]][] = [
            [60, [100], [60]],
            [100, [1, 1, 1], [34, 33, 33]],
            [50, [90, 10], [45, 5]],
            [60, [2, 1], [40, 20]],
            [7, [1, 1, 1, 1], [2, 2, 2, 1]],
        ];
        for (const [total, weights, out] of cases)
            assert.deepEqual(apportion(total, weights), out, `${total} ${weights}`);
    });
});
