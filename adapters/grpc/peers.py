"""Channels to peer services, and calls that carry the current scope and turn peer failures
into domain errors."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc

from core.shared.scope import current

from .scope_metadata import outgoing
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


def open_channel(address: str) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)


async def call(
    method: Callable[..., Awaitable[R]], request: Any, deadline: float = DEFAULT_DEADLINE_SECONDS
) -> R:
    """Invoke a stub method in the current scope (the peer acts for no one wider); a failure
    arrives as the domain error it stands for."""
    try:
        return await method(request, timeout=deadline, metadata=outgoing(current()))
    except grpc.aio.AioRpcError as failure:
        raise error_from(failure) from failure
