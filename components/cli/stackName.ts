/**
 * One stack per kube context: its name is the context's, in the characters Pulumi allows in a stack name. A context
 * name that had to change (`kubernetes-admin@kubernetes`, an EKS ARN) gets a short hash of the original, so two
 * contexts never share a stack.
 */
import { createHash } from "crypto";
import { RioInputError } from "../errors";

/** Pulumi's stack names: letters, digits, `-`, `_` and `.`, at most 100 characters. */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** The stack of a kube context. */
export function stackNameFor(context: string): string {
    if (STACK_NAME.test(context)) return context;
    const hash = createHash("sha256").update(context).digest("hex").slice(0, 8);
    const base = context
        .replace(/[^A-Za-z0-9_.-]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 100 - hash.length - 1);
    return base === "" ? `context-${hash}` : `${base}-${hash}`;
}

/** A `--stack` value: a stack name, or Pulumi's `org/project/stack` for a backend with organizations. */
export function checkStackName(name: string): string {
    const parts = name.split("/");
    if (parts.length <= 3 && parts.every((p) => /^[A-Za-z0-9_.-]+$/.test(p)) && STACK_NAME.test(parts.at(-1)!))
        return name;
    throw new RioInputError(
        [],
        `--stack: "${name}" is not a stack name (letters, digits, '-', '_' and '.', or org/project/stack)`,
    );
}
