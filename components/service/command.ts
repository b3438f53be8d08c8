import { parse as shellParse } from "shell-quote";
import { RioInputError } from "../errors";

/**
 * Rio's `command` and `args`: a list is taken as is; a string is split like a shell would (quotes and
 * escapes honoured, `$` kept literally as Rio's shlex did) but never run through a shell, so
 * operators such as `|` or `&&` are refused rather than silently passed as words.
 */
export function splitCommand(input: string | readonly string[] | undefined): string[] | undefined {
    if (input === undefined) return undefined;
    if (Array.isArray(input)) return [...(input as readonly string[])];
    // shell-quote expands `$VAR`, `${VAR}` and `$_` as a shell would; Rio's shlex left `$` alone (there is no
    // shell), so `$` is hidden from the parser and put back afterwards.
    const text = input as string;
    if (text.includes("\uE000")) throw new RioInputError([], "a command may not contain the character U+E000");
    let words: ReturnType<typeof shellParse>;
    try {
        words = shellParse(text.replace(/\$/g, "\uE000"));
    } catch (e) {
        throw new RioInputError([], `"${input}" cannot be split into words: ${(e as Error).message}`);
    }
    const restore = (w: string) => w.replace(/\uE000/g, "$");
    return words.map((w) => {
        if (typeof w === "string") return restore(w);
        if ("op" in w && w.op === "glob") return restore(w.pattern);
        throw new RioInputError(
            [],
            `"${input}" uses shell syntax (${JSON.stringify("op" in w ? w.op : w)}); give a list, or ["sh", "-c", "..."] to run a shell`,
        );
    });
}
