"""A Python Pulumi program using pulumi-rio through its generated Python SDK, for the cluster tier.

The program deploys a Riofile (its namespace, one service) and a RioService in that namespace with a secret env
value, through `pulumi_rio`, the SDK Pulumi's Python generator wrote from the plugin's schema. It runs inline
through Pulumi's Python Automation API: the CLI connects back to this process for the program, so no Python
language host is needed (its Go module is not served), while the engine, the pulumi-rio plugin and the Kubernetes
provider are the real ones.

Usage: python rio_program.py preview|up|destroy|remove

The environment gives everything else: RIO_PY_WORKDIR (the project folder), RIO_PY_SECRET (the secret value),
RIO_PY_DOMAIN, and the CLI's own (PATH, PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, KUBECONFIG, ...). Each step
prints one JSON line: the operations it counted and, after `up`, the stack's outputs.
"""

import json
import os
import sys

import pulumi
from pulumi import automation as auto

import pulumi_rio as rio

PROJECT = "python-rio"
STACK = "test"
RIOFILE = "services:\n  hello:\n    image: rancher/hello-world\n    ports: 80/http\n"


def program() -> None:
    gateway = rio.GatewayArgs(domain=os.environ["RIO_PY_DOMAIN"], implementation=rio.GatewayImplementation.TRAEFIK)
    app = rio.Riofile("app", text=RIOFILE, namespace="python-rio", gateway=gateway)
    web = rio.RioService(
        "web",
        image="nginx:1.27-alpine",
        ports=["80:8080/http"],
        env=pulumi.Output.secret({"GREETING": os.environ["RIO_PY_SECRET"]}),
        namespace=app.namespace,
        gateway=gateway,
    )
    pulumi.export("url", web.url)
    pulumi.export("serviceName", web.service_name)
    pulumi.export("riofileUrls", app.urls)


def stack() -> auto.Stack:
    backend = os.environ["PULUMI_BACKEND_URL"]
    return auto.create_or_select_stack(
        stack_name=STACK,
        project_name=PROJECT,
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=os.environ["RIO_PY_WORKDIR"],
            project_settings=auto.ProjectSettings(
                name=PROJECT, runtime="python", backend=auto.ProjectBackend(url=backend)
            ),
        ),
    )


def counted(ops: dict | None) -> dict:
    return {op: n for op, n in (ops or {}).items() if n}


def main(step: str) -> dict:
    s = stack()
    if step == "preview":
        return {"changes": counted(s.preview().change_summary)}
    if step == "up":
        result = s.up()
        return {
            "changes": counted(result.summary.resource_changes),
            "outputs": {k: v.value for k, v in result.outputs.items()},
        }
    if step == "destroy":
        return {"changes": counted(s.destroy().summary.resource_changes)}
    if step == "remove":
        s.workspace.remove_stack(STACK)
        return {}
    raise SystemExit(f"unknown step {step!r}: preview, up, destroy or remove")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(json.dumps(main(sys.argv[1])))
