/** Where the portable Riofile and PreviewEnv read their Riofile: a file, or its text, with the template's answers. */
import { RioInputError } from "../errors";
import { loadRiofile, parseRiofile, Riofile } from "../riofile/load";

/** A Riofile to deploy: `file` or `text` (one of them), and its template's answers. */
export interface RiofileSource {
    /**
     * Path of the Riofile (relative to the program's folder): its folder's `Riofile-answers` and git commit
     * answer its template, and its local builds (`image: ./app`) are relative to it. A Dockerfile's path
     * deploys that Dockerfile as one service, as `rio up` did.
     */
    file?: string;
    /** The Riofile's text instead of a file (local builds are then relative to the program's folder). */
    text?: string;
    /** Answers to the template's questions; they win over a `Riofile-answers` file and the questions' defaults. */
    answers?: Record<string, string>;
    /** Refuse what would only be warned about (an unset template variable, a key Rio ignored). Default false. */
    strict?: boolean;
}

/** The loaded Riofile, its template answered with `namespace` as NAMESPACE. Errors carry file, line and key. */
export function loadSource(source: RiofileSource, namespace: string): Riofile {
    const options = {
        namespace,
        ...(source.answers !== undefined && { answers: source.answers }),
        ...(source.strict !== undefined && { strict: source.strict }),
    };
    // An SDK sends an Output it was given as it is; the Riofile decides which objects exist, so it must be plain.
    for (const key of ["file", "text"] as const)
        if (source[key] !== undefined && typeof source[key] !== "string")
            throw new RioInputError(
                [key],
                "must be a plain string, not an Output: the Riofile decides which objects exist",
            );
    if (typeof namespace !== "string")
        throw new RioInputError(["namespace"], "must be a plain string, not an Output: it is the template's NAMESPACE");
    if (source.file !== undefined && source.text !== undefined)
        throw new RioInputError(["text"], "give the Riofile's file or its text, not both");
    if (source.file === undefined && source.text === undefined)
        throw new RioInputError([], "needs the Riofile: its file or its text");
    return source.file !== undefined
        ? loadRiofile(source.file, options)
        : parseRiofile(source.text!, "Riofile", options);
}
