/**
 * `pulumi up` of a Riofile that the program refuses, in a process of its own: the program throws, as a Pulumi
 * program reports bad input, and Pulumi's inline host reports that rejection again once the run is over, which
 * node's test runner would count against whatever test runs then. Prints the update's error as one JSON line.
 *
 *   node failingUp.js <state home> <project> <Riofile> <namespace> <kubeconfig>
 */
import { deployRiofile } from "../../components/riofile/deploy";
import { loadRiofile } from "../../components/riofile/load";
import { openStack } from "./pulumi";

async function main(): Promise<void> {
    const [home, project, file, namespace, kubeconfig] = process.argv.slice(2) as [
        string,
        string,
        string,
        string,
        string,
    ];
    const stack = await openStack(
        home,
        project,
        async () => {
            deployRiofile(loadRiofile(file), { namespace, gateway: { domain: "apps.example.com" } });
        },
        { kubeconfig },
    );
    try {
        await stack.up();
        process.stdout.write(JSON.stringify({ failed: false }) + "\n");
    } catch (e) {
        process.stdout.write(JSON.stringify({ failed: true, message: (e as Error).message }) + "\n");
    }
    process.exit(0);
}

main().catch((e) => {
    console.error((e as Error).stack);
    process.exit(1);
});
