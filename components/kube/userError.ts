import * as pulumi from "@pulumi/pulumi";
import { RioInputError } from "../errors";

/**
 * Runs a component's checks; bad input becomes a `pulumi.ResourceError` naming the component and the key, without
 * a stack trace (it is the user's to fix). Anything else is a bug and keeps its stack.
 */
export function checked<T>(component: string, name: string, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (e instanceof RioInputError)
            throw new pulumi.ResourceError(`${component} "${name}": ${e.message}`, undefined, true);
        throw e;
    }
}
