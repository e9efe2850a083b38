"""Shared composition-root pieces: peer clients as resources, a container made servable,
background workers beside the server."""

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from dependency_injector import containers, providers

from adapters.grpc.analytics_facts import GrpcFactSink
from core.shared.facts import relay_of

from .catalog import ServiceSpec
from .runtime import Register
from .settings import Settings


async def peer_client(factory: Callable[..., Any], *arguments: Any) -> AsyncIterator[Any]:
    """A gRPC client of one or more peer services (their addresses first among `arguments`),
    its channels closed when the process stops."""
    client = factory(*arguments)
    try:
        yield client
    finally:
        await client.aclose()


async def _resolved(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@asynccontextmanager
async def serving(
    container: containers.DeclarativeContainer, spec: ServiceSpec
) -> AsyncIterator[Register]:
    """Initialise the container's resources, hand its servicer to the runtime, shut down."""
    await _resolved(container.init_resources())
    try:
        servicer = await _resolved(container.servicer())
        yield lambda server: spec.adder()(servicer, server)
    finally:
        await _resolved(container.shutdown_resources())


Worker = Callable[[asyncio.Event], Awaitable[None]]


@asynccontextmanager
async def running_beside(workers: Sequence[Worker], grace_seconds: float) -> AsyncIterator[None]:
    """Run each worker (a drainer, a sweeper) while the server serves. On the way out the server
    has drained its RPCs; the workers are told to stop and get `grace_seconds` to finish what
    they hold (an unfinished item's lease brings it back later)."""
    stopping = asyncio.Event()
    tasks = [asyncio.create_task(work(stopping)) for work in workers]
    try:
        yield
    finally:
        stopping.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), grace_seconds)


def analytics_relay(
    unit_of_work: providers.Provider, config: Any, source: str
) -> providers.Provider:
    """The relay of a service's facts outbox to analytics (core.shared.facts), for its
    container: `config` gives analytics_address and currency."""
    sink = providers.Resource(
        peer_client, GrpcFactSink, config.analytics_address, config.currency, source
    )
    return providers.Singleton(relay_of, f"{source}-facts", unit_of_work, sink)


def facts_config(settings: Settings) -> dict[str, str]:
    """What analytics_relay reads from a container's configuration."""
    return {
        "analytics_address": settings.address_of("analytics"),
        "currency": settings.order_currency,
    }
