import { parse as shellParse } from "shell-quote";
import { RioInputError } from "../errors";

/**
 * Rio's `command` and `args`: a list is taken as is; a string is split like a shell would (quotes and
 * escapes honoured, `$VAR` left for Kubernetes/the container to expand) but never run through a shell, so
 * operators such as `|` or `&&` are refused rather than silently passed as words.
 */
export function splitCommand(input: string | readonly string[] | undefined): string[] | undefined {
    if (input === undefined) return undefined;
    if (Array.isArray(input)) return [...(input as readonly string[])];
    const words = shellParse(input as string, (name: string) => `$${name}`);
    return words.map((w) => {
        if (typeof w === "string") return w;
        if ("op" in w && w.op === "glob") return w.pattern;
        throw new RioInputError(
            [],
            `"${input}" uses shell syntax (${JSON.stringify("op" in w ? w.op : w)}); give a list, or ["sh", "-c", "..."] to run a shell`,
        );
    });
}
