/** What a user gets from `npm install`: the `rio` bin runs as a command, after any rebuild. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

describe("the rio bin", () => {
    const bin = path.join(ROOT, pkg.bin.rio);

    it("is executable by its owner, group and others after the build (tsc alone writes 0644)", () => {
        assert.equal(fs.statSync(bin).mode & 0o111, 0o111);
    });

    it("runs directly, through its #! line", () => {
        const r = spawnSync(bin, ["render", "-f", path.join(ROOT, "examples/hello-world/Riofile")], {
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^kind: Deployment$/m);
    });
});
