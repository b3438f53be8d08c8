import { RioInputError } from "../errors";

/** The shell's control and redirection operators, longest first so `&&` is not read as `&`. */
const OPERATORS = ["<<<", "||", "&&", ";;", "|&", "<(", ">>", ">&", "<&", "&", ";", "(", ")", "|", "<", ">"];
const OPERATOR_START = new Set(OPERATORS.map((o) => o[0]));
const BLANK = new Set([" ", "\t", "\n", "\r", "\f", "\v"]);

/**
 * Rio's `command` and `args`: a list is taken as is; a string is split into words as a shell would (blanks
 * separate words; single quotes keep everything; double quotes keep everything but `\"`, `\\` and `\$`; a
 * backslash outside quotes keeps the next character) but never run through a shell: `$` is kept literally as
 * Rio's shlex did (there is no shell to expand it), and operators such as `|`, `&&` or `>` and `#` comments are
 * refused rather than silently passed as words. One pass over the string, so any length splits in linear time.
 */
export function splitCommand(input: string | readonly string[] | undefined): string[] | undefined {
    if (input === undefined) return undefined;
    if (Array.isArray(input)) return [...(input as readonly string[])];
    const text = input as string;
    const words: string[] = [];
    let word: string[] = [];
    // `""` is a word (an empty one) although it adds no character.
    let inWord = false;
    const shellSyntax = (what: string) =>
        new RioInputError(
            [],
            `"${text}" uses shell syntax (${what}); give a list, or ["sh", "-c", "..."] to run a shell`,
        );
    const unclosed = (quote: string) =>
        new RioInputError([], `"${text}" cannot be split into words: its ${quote} quote is never closed`);
    let i = 0;
    while (i < text.length) {
        const c = text[i]!;
        if (BLANK.has(c)) {
            if (inWord) words.push(word.join(""));
            word = [];
            inWord = false;
            i++;
        } else if (c === "'") {
            const end = text.indexOf("'", i + 1);
            if (end < 0) throw unclosed("'");
            word.push(text.slice(i + 1, end));
            inWord = true;
            i = end + 1;
        } else if (c === '"') {
            i++;
            for (;;) {
                if (i >= text.length) throw unclosed('"');
                const d = text[i]!;
                if (d === '"') break;
                if (d === "\\" && i + 1 < text.length && '"\\$'.includes(text[i + 1]!)) {
                    word.push(text[i + 1]!);
                    i += 2;
                } else {
                    word.push(d);
                    i++;
                }
            }
            inWord = true;
            i++;
        } else if (c === "\\") {
            if (i + 1 >= text.length)
                throw new RioInputError([], `"${text}" cannot be split into words: it ends with a lone backslash`);
            word.push(text[i + 1]!);
            inWord = true;
            i += 2;
        } else if (OPERATOR_START.has(c)) {
            throw shellSyntax(JSON.stringify(OPERATORS.find((o) => text.startsWith(o, i))));
        } else if (c === "#" && !inWord) {
            throw shellSyntax('"#", a comment');
        } else {
            word.push(c);
            inWord = true;
            i++;
        }
    }
    if (inWord) words.push(word.join(""));
    return words;
}
