"""Who is on the other end of a call: the mesh member its certificate names.

Every member of the mesh (each service, the gateway, the payment bridge, the seeding tool)
holds a certificate from the mesh's CA that names it `spiffe://crm/<name>`. Mutual TLS proves
the name; the access interceptor decides what that name may say: only the gateway may forward
a verified user token, and only the members that make an RPC may send it scope metadata.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import grpc

TRUST_DOMAIN = "spiffe://crm/"
GATEWAY = "gateway"
# cert-manager's layout of a certificate Secret, mounted as a directory.
CA_FILE, CERTIFICATE_FILE, KEY_FILE = "ca.crt", "tls.crt", "tls.key"


def spiffe_id(member: str) -> str:
    return f"{TRUST_DOMAIN}{member}"


def peer_members(context: grpc.aio.ServicerContext) -> frozenset[str]:
    """The mesh members the caller's certificate names; empty without a certificate."""
    uris = context.auth_context().get("peer_uri", [])
    names = (uri.decode() for uri in uris)
    return frozenset(n.removeprefix(TRUST_DOMAIN) for n in names if n.startswith(TRUST_DOMAIN))


@dataclass(frozen=True, repr=False)
class MeshCredentials:
    """This process's certificate and key, and the CA every member's certificate comes from."""

    ca: bytes
    certificate: bytes
    key: bytes

    @classmethod
    def read(cls, directory: Path) -> "MeshCredentials":
        return cls(*((directory / name).read_bytes() for name in (CA_FILE, CERTIFICATE_FILE,
                                                                   KEY_FILE)))  # fmt: skip

    def for_server(self) -> grpc.ServerCredentials:
        """A server that serves only callers with a certificate of the mesh."""
        return grpc.ssl_server_credentials(
            [(self.key, self.certificate)], root_certificates=self.ca, require_client_auth=True
        )

    def for_channel(self) -> grpc.ChannelCredentials:
        return grpc.ssl_channel_credentials(self.ca, self.key, self.certificate)


@dataclass(frozen=True)
class PeerPolicy:
    """Which members may speak for whom: the gateway for signed-in users, and for each RPC of a
    service the members that make it (services.catalog.CALLS) for the scope they act in."""

    callers: Mapping[tuple[str, str], frozenset[str]]  # (service, rpc) -> members
    checked: bool = True

    @classmethod
    def of(cls, calls: Mapping[str, Mapping[str, Iterable[str]]]) -> "PeerPolicy":
        """The policy from who calls what: member -> service -> the RPCs it makes there."""
        callers: dict[tuple[str, str], set[str]] = {}
        for member, services in calls.items():
            for service, rpcs in services.items():
                for rpc in rpcs:
                    callers.setdefault((service, rpc), set()).add(member)
        return cls({key: frozenset(members) for key, members in callers.items()})

    @classmethod
    def unchecked(cls) -> "PeerPolicy":
        """For a server in a test that listens without TLS, where no caller has a name."""
        return cls({}, checked=False)

    def forwards_users(self, peers: frozenset[str]) -> bool:
        return not self.checked or GATEWAY in peers

    def sends_scope(self, peers: frozenset[str], service: str, rpc: str) -> bool:
        return not self.checked or bool(peers & self.callers.get((service, rpc), frozenset()))
