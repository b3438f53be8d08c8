import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RioInputError } from "../../components/errors";
import { splitCommand } from "../../components/service/command";
import { rioError } from "../support/rioError";

const shellSyntax = (input: string, op: string) =>
    `"${input}" uses shell syntax (${op}); give a list, or ["sh", "-c", "..."] to run a shell`;

describe("splitCommand: strings", () => {
    const table: [string, string[]][] = [
        ['nginx -g "daemon off;"', ["nginx", "-g", "daemon off;"]],
        ["echo $HOME", ["echo", "$HOME"]],
        ['echo "$HOME"', ["echo", "$HOME"]],
        ["echo '$HOME'", ["echo", "$HOME"]],
        ["echo $HOME/bin", ["echo", "$HOME/bin"]],
        ["  spaced   out  words ", ["spaced", "out", "words"]],
        ["a 'b c' \"d e\"", ["a", "b c", "d e"]],
        ["printf 'it''s'", ["printf", "its"]],
        ["echo a\\ b", ["echo", "a b"]],
        ["ls *.txt", ["ls", "*.txt"]],
        ["python -m http.server 8000", ["python", "-m", "http.server", "8000"]],
        ["--port=8080 --verbose", ["--port=8080", "--verbose"]],
        ['sh -c "a | b && c"', ["sh", "-c", "a | b && c"]],
        ["", []],
        // `#` starts a comment only at the start of a word, as in a shell.
        ["curl http://x/#top a#b", ["curl", "http://x/#top", "a#b"]],
        ["a '' \"\" b", ["a", "", "", "b"]],
        ["'\\' ' '", ["\\", " "]],
        ['"a\\"b" "c\\d" "\\$x"', ['a"b', "c\\d", "$x"]],
        ['x="1 2"y', ["x=1 2y"]],
    ];
    for (const [input, expected] of table) {
        it(JSON.stringify(input), () => {
            assert.deepEqual(splitCommand(input), expected);
        });
    }
});

describe("splitCommand: shell operators are refused", () => {
    const table: [string, string][] = [
        ["a | b", '"|"'],
        ["a && b", '"&&"'],
        ["a || b", '"||"'],
        ["a; b", '";"'],
        ["a > out.txt", '">"'],
        ["a < in.txt", '"<"'],
        ["a &", '"&"'],
        ["echo $(date)", '"("'],
        ["a # comment", '"#", a comment'],
        ["#!/bin/sh", '"#", a comment'],
    ];
    for (const [input, op] of table) {
        it(JSON.stringify(input), () => {
            const err = rioError(() => splitCommand(input));
            assert.deepEqual(err.path, []);
            assert.equal(err.detail, shellSyntax(input, op));
        });
    }
});

describe("splitCommand: what cannot be split is refused, naming why", () => {
    const table: [string, string][] = [
        ['echo "abc', 'its " quote is never closed'],
        ["echo 'abc", "its ' quote is never closed"],
        ["echo abc\\", "it ends with a lone backslash"],
    ];
    for (const [input, why] of table) {
        it(JSON.stringify(input), () => {
            const err = rioError(() => splitCommand(input));
            assert.deepEqual(err.path, []);
            assert.equal(err.detail, `"${input}" cannot be split into words: ${why}`);
        });
    }
});

describe("splitCommand: linear in the length of the command", () => {
    it(
        "splits a 100,000-word command, and refuses one ending in an operator, in a few milliseconds a word",
        { timeout: 10_000 },
        () => {
            const words = Array.from({ length: 100_000 }, (_, i) => `w${i}`);
            const started = Date.now();
            assert.deepEqual(splitCommand(words.join(" ")), words);
            rioError(() => splitCommand(`${words.join(" ")} | tail`));
            assert.deepEqual(splitCommand(`'${"x ".repeat(200_000)}'`), ["x ".repeat(200_000)]);
            // Quadratic splitting took over two minutes here; linear takes tens of milliseconds (5 s leaves room for a busy machine).
            assert.ok(Date.now() - started < 5_000, `${Date.now() - started} ms`);
        },
    );
});

describe("splitCommand: lists and undefined", () => {
    it("undefined stays undefined", () => {
        assert.equal(splitCommand(undefined), undefined);
    });
    it("a list is returned as is, as a copy", () => {
        const input = ["sh", "-c", "echo $HOME | cat"];
        const out = splitCommand(input);
        assert.deepEqual(out, ["sh", "-c", "echo $HOME | cat"]);
        assert.notEqual(out, input);
        out!.push("mutated");
        assert.deepEqual(input, ["sh", "-c", "echo $HOME | cat"]);
    });
    it("an empty list stays empty", () => {
        assert.deepEqual(splitCommand([]), []);
    });
});

describe("splitCommand properties", () => {
    it("any list comes back equal and unshared", () => {
        fc.assert(
            fc.property(fc.array(fc.fullUnicodeString()), (list) => {
                const out = splitCommand(list);
                assert.deepEqual(out, list);
                assert.notEqual(out, list);
            }),
            { numRuns: 500 },
        );
    });

    it("plain words joined by spaces split back into the same words", () => {
        const word = fc.stringMatching(/^[-a-zA-Z0-9_./=:@%+,]{1,12}$/);
        fc.assert(
            fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), (words) => {
                assert.deepEqual(splitCommand(words.join(" ")), words);
            }),
            { numRuns: 500 },
        );
    });

    it("single-quoting any word (without quotes or backslashes) keeps it verbatim", () => {
        const word = fc.string({ minLength: 1 }).filter((s) => !s.includes("'"));
        fc.assert(
            fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
                assert.deepEqual(splitCommand(words.map((w) => `'${w}'`).join(" ")), words);
            }),
            { numRuns: 500 },
        );
    });

    it("$VAR words are kept literally", () => {
        const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
        fc.assert(
            fc.property(name, (v) => {
                assert.deepEqual(splitCommand(`echo $${v}`), ["echo", `$${v}`]);
            }),
            { numRuns: 500 },
        );
    });
});

describe("splitCommand keeps `$` literally, as Rio's shlex did (regressions)", () => {
    const cases: [string, string[]][] = [
        ["java $_JAVA_OPTIONS -jar app.jar", ["java", "$_JAVA_OPTIONS", "-jar", "app.jar"]],
        ["echo ${HOME}x", ["echo", "${HOME}x"]],
        ["${A:-b}", ["${A:-b}"]],
        ["echo ${", ["echo", "${"]],
        ["echo $$x $?abc", ["echo", "$$x", "$?abc"]],
        ['echo "$_x"', ["echo", "$_x"]],
    ];
    for (const [input, words] of cases) {
        it(JSON.stringify(input), () => assert.deepEqual(splitCommand(input), words));
    }
    it("never throws anything but RioInputError, even with ${", () => {
        fc.assert(
            fc.property(fc.string(), (s) => {
                try {
                    splitCommand(s);
                } catch (e) {
                    assert.ok(e instanceof RioInputError, String(e));
                }
            }),
            { numRuns: 1000 },
        );
    });
});
