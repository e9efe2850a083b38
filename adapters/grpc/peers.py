"""Channels to peer services, and calls that carry the current scope and turn peer failures
into domain errors.

A process of the mesh presents its certificate on every channel it opens: `use_credentials`
once at start-up. Until then channels are plaintext (a test's server without TLS).
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc

from core.shared.scope import current

from .scope_metadata import outgoing
from .service_identity import MeshCredentials
from .status import error_from

R = TypeVar("R")

# Per-call deadline: a slow peer becomes Unavailable, and the caller retries later.
DEFAULT_DEADLINE_SECONDS = 10.0

# Balance every call over the addresses a name resolves to (headless Services in the cluster).
CHANNEL_OPTIONS = [
    ("grpc.lb_policy_name", "round_robin"),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),
]


_credentials: grpc.ChannelCredentials | None = None


def use_credentials(credentials: MeshCredentials) -> None:
    """Open every later channel of this process over mutual TLS, as the member `credentials`
    names."""
    global _credentials
    _credentials = credentials.for_channel()


def open_channel(address: str, as_member: MeshCredentials | None = None) -> grpc.aio.Channel:
    """A channel to a peer, as the process's member of the mesh or as `as_member`."""
    credentials = as_member.for_channel() if as_member else _credentials
    if credentials is None:
        return grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)
    return grpc.aio.secure_channel(
        address, credentials, options=CHANNEL_OPTIONS + _authority(address)
    )


def _authority(address: str) -> list[tuple[str, str]]:
    """A list of replicas (ipv4:a:p,b:q) has no one host name; TLS checks the certificate
    against the first address, which every replica's certificate names alike."""
    scheme, _, addresses = address.partition(":")
    if scheme in ("ipv4", "ipv6") and "," in addresses:
        return [("grpc.default_authority", addresses.split(",")[0])]
    return []


async def call(
    method: Callable[..., Awaitable[R]], request: Any, deadline: float = DEFAULT_DEADLINE_SECONDS
) -> R:
    """Invoke a stub method in the current scope (the peer acts for no one wider); a failure
    arrives as the domain error it stands for."""
    try:
        return await method(request, timeout=deadline, metadata=outgoing(current()))
    except grpc.aio.AioRpcError as failure:
        raise error_from(failure) from failure
