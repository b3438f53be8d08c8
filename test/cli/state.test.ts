/** Where the rio commands keep their stacks: the embedded default in RIO_HOME, or the configured backend. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { ensurePassphrase, prepareState, rioHome } from "../../components/cli/state";

describe("rio's state folder", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-state-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is $RIO_HOME, else ~/.rio", () => {
        assert.equal(rioHome({ RIO_HOME: dir }), dir);
        assert.equal(rioHome({ RIO_HOME: "" }), path.join(os.homedir(), ".rio"));
        assert.equal(rioHome({}), path.join(os.homedir(), ".rio"));
    });

    it("without PULUMI_BACKEND_URL: a file backend in state/ and a passphrase made once, mode 0600", () => {
        const home = path.join(dir, "home");
        const state = prepareState({ RIO_HOME: home });
        assert.deepEqual(state, {
            home,
            workDir: path.join(home, "workspace"),
            embedded: true,
            env: {
                PULUMI_BACKEND_URL: `file://${path.join(home, "state")}`,
                PULUMI_CONFIG_PASSPHRASE_FILE: path.join(home, "passphrase"),
            },
            unset: ["PULUMI_CONFIG_PASSPHRASE"],
        });
        assert.ok(fs.statSync(path.join(home, "state")).isDirectory());
        assert.ok(fs.statSync(path.join(home, "workspace")).isDirectory());
        const file = path.join(home, "passphrase");
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        assert.equal(fs.statSync(path.join(home, "state")).mode & 0o077, 0, "the state folder is the user's only");
        const passphrase = fs.readFileSync(file, "utf8");
        assert.match(passphrase, /^[A-Za-z0-9_-]{43}\n$/);
        // Made once: later runs keep it (the stacks' secrets are encrypted with it).
        prepareState({ RIO_HOME: home });
        assert.equal(fs.readFileSync(file, "utf8"), passphrase);
        assert.deepEqual(fs.readdirSync(home).sort(), ["passphrase", "state", "workspace"]);
    });

    it("with PULUMI_BACKEND_URL: that backend, and no passphrase of rio's", () => {
        const home = path.join(dir, "home");
        const state = prepareState({ RIO_HOME: home, PULUMI_BACKEND_URL: "s3://bucket/rio" });
        assert.deepEqual(state, { home, workDir: path.join(home, "workspace"), embedded: false, env: {}, unset: [] });
        assert.deepEqual(fs.readdirSync(home), ["workspace"]);
    });

    it("a passphrase another rio made first is kept", () => {
        const file = path.join(dir, "passphrase");
        fs.writeFileSync(file, "theirs\n", { mode: 0o600 });
        ensurePassphrase(file);
        assert.equal(fs.readFileSync(file, "utf8"), "theirs\n");
        assert.deepEqual(fs.readdirSync(dir), ["passphrase"], "no temporary file left");
    });
});
