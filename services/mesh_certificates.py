"""The mesh's certificates in the cluster: one cert-manager Certificate per member, issued by
the namespace's crm-mesh Issuer (k8s/base/pki) into the Secret `<member>-tls` its pod mounts.

Rendered per overlay because the DNS names peers dial carry the namespace:
python -m services.mesh_certificates --namespace NS --out FILE (`make k8s-config` does it).
"""

from pathlib import Path
from typing import Annotated

import typer
import yaml

from adapters.grpc.service_identity import GATEWAY, spiffe_id

from .catalog import SERVICES

# Renewed a month before expiry; a pod reads its certificate at start, and rolling restarts
# (every deployment, at least monthly) pick up the renewed one.
DURATION, RENEW_BEFORE = "2160h", "720h"


def certificate(member: str, namespace: str) -> dict:
    host = f"{member}.{namespace}.svc"
    return {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": {"name": f"{member}-mesh"},
        "spec": {
            "secretName": f"{member}-tls",
            "duration": DURATION,
            "renewBefore": RENEW_BEFORE,
            "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
            "usages": ["server auth", "client auth", "digital signature"],
            "uris": [spiffe_id(member)],
            "dnsNames": [member, host, f"{host}.cluster.local"],
            "issuerRef": {"name": "crm-mesh", "kind": "Issuer"},
        },
    }


def render(namespace: str) -> str:
    members = [*SERVICES, GATEWAY]
    header = "# Rendered by `make k8s-config` from services/mesh_certificates.py: do not edit.\n"
    documents = [certificate(member, namespace) for member in members]
    return header + yaml.safe_dump_all(documents, sort_keys=False)


def main(
    namespace: Annotated[str, typer.Option(help="The overlay's namespace.")],
    out: Annotated[Path, typer.Option(help="Where to write the Certificates.")],
) -> None:
    out.write_text(render(namespace))


if __name__ == "__main__":
    typer.run(main)
