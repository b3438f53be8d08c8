/**
 * Validates every object of a multi-document YAML stream on stdin against the schemas the tests use; prints
 * one line per invalid object and exits 1 if any. `.ci/run` pipes `rio render` of Rio's own Riofiles into it.
 *
 *   rio render -f Riofile | node dist/test/support/validateYaml.js Riofile
 */
import * as fs from "fs";
import { parseAllDocuments } from "yaml";
import { validateObject } from "./schema";

const label = process.argv[2] ?? "<stdin>";
const objects = parseAllDocuments(fs.readFileSync(0, "utf8"))
    .map((d) => d.toJS())
    .filter((o) => o !== null);
let bad = 0;
for (const o of objects) {
    try {
        validateObject(o);
    } catch (e) {
        bad++;
        process.stderr.write(`${label}: ${(e as Error).message}\n`);
    }
}
if (objects.length === 0) {
    process.stderr.write(`${label}: no objects\n`);
    bad++;
}
process.stdout.write(`${label}: ${objects.length} objects, ${objects.length === 0 ? 0 : objects.length - bad} valid\n`);
process.exitCode = bad === 0 ? 0 : 1;
