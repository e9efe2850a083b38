"""This process's certificate in the mesh: mounted from a Secret in the cluster (TLS_DIR),
issued by the local CA under DATA_DIR otherwise."""

from pathlib import Path

from adapters.grpc.service_identity import MeshCredentials
from adapters.local.mesh_ca import LocalMeshCA

from .settings import Settings


def local_ca(settings: Settings) -> LocalMeshCA:
    return LocalMeshCA(settings.data_dir / "pki")


class NoCertificate(SystemExit):
    """Outside local mode a process of the mesh has a certificate mounted, or does not start."""


def credentials_folder(settings: Settings, *members: str) -> Path:
    """The folder holding ca.crt, tls.crt and tls.key for a process that is `members`."""
    if settings.tls_dir is not None:
        return settings.tls_dir
    if not settings.local_mode:
        raise NoCertificate(
            f"TLS_DIR must name the mesh certificate of {'+'.join(members)} outside local mode"
        )
    return local_ca(settings).folder(*members)


def credentials_of(settings: Settings, *members: str) -> MeshCredentials:
    return MeshCredentials.read(credentials_folder(settings, *members))
