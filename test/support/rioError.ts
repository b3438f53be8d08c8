import assert from "node:assert/strict";
import { KeyPath, RioInputError } from "../../components/errors";

/** Runs `fn`, asserts it throws a RioInputError, and returns that error. */
export function rioError(fn: () => unknown): RioInputError {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof RioInputError, `expected a RioInputError, got ${String(e)}`);
        return e;
    }
    assert.fail("expected a RioInputError, but nothing was thrown");
}

/** Asserts `fn` throws a RioInputError with exactly this path, detail and key-or-value position. */
export function expectRio(fn: () => unknown, path: KeyPath, detail: string, atKey = false): RioInputError {
    const err = rioError(fn);
    assert.deepEqual(err.path, path);
    assert.equal(err.detail, detail);
    assert.equal(err.atKey, atKey);
    return err;
}

/** The message of the RioInputError `fn` throws, or "accepted" when it throws nothing (table tests of edits). */
export function rioMessage(fn: () => unknown): string {
    try {
        fn();
    } catch (e) {
        if (e instanceof RioInputError) return e.message;
        throw e;
    }
    return "accepted";
}
