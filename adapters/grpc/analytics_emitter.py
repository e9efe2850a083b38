"""The Events port over AnalyticsService: buffered in memory, shipped in batches, lossy by design."""

import asyncio
import contextlib
import logging
import uuid
from collections import deque
from datetime import UTC, datetime

import grpc
from crm.analytics.v1 import analytics_pb2 as pb
from crm.analytics.v1 import analytics_pb2_grpc

from core.orchestrator.ports import Event
from core.shared.scope import across_tenants

from .convert import struct, timestamp
from .peers import open_channel
from .scope_metadata import outgoing

log = logging.getLogger(__name__)

SEND_DEADLINE_SECONDS = 2.0
# Shutdown waits at most this long for the last batches.
CLOSE_DEADLINE_SECONDS = 5.0
# Properties the emitters may set that the wire format carries as fields of their own.
_LIFTED = ("conversation_id", "amount")


def event_message(event: Event, event_id: str, occurred_at: datetime, source: str) -> pb.Event:
    properties = {k: v for k, v in event.properties.items() if k not in _LIFTED}
    amount = event.properties.get("amount")
    return pb.Event(
        event_id=event_id,
        tenant_id=str(event.tenant_id),
        outlet_id=str(event.outlet_id or ""),
        conversation_id=str(event.properties.get("conversation_id") or ""),
        event_type=event.name,
        occurred_at=timestamp(occurred_at),
        properties=struct(properties),
        value=event.value,
        amount={"amount": f"{amount:.2f}"} if amount is not None else None,
        source=source,
    )


class BufferedAnalyticsEmitter:
    """emit() only appends to a bounded buffer; a background task ships batches. A full buffer,
    or a batch the analytics service refused or never got, is dropped and counted."""

    def __init__(
        self,
        address: str,
        batch_size: int = 200,
        flush_seconds: float = 0.5,
        capacity: int = 10_000,
        source: str = "",
    ) -> None:
        self._address, self._batch_size, self._flush_seconds = address, batch_size, flush_seconds
        self._capacity, self._source = capacity, source
        self._buffer: deque[pb.Event] = deque()
        self._due = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._channel: grpc.aio.Channel | None = None
        self._closing = False
        self.sent = self.dropped = 0

    async def emit(self, event: Event) -> None:
        """Never waits: no I/O, no lock; when the buffer is full the event is dropped."""
        if len(self._buffer) >= self._capacity:
            self.dropped += 1
            return
        now = datetime.now(UTC)
        self._buffer.append(event_message(event, str(uuid.uuid4()), now, self._source))
        if len(self._buffer) >= self._batch_size:
            self._due.set()

    async def start(self) -> None:
        self._channel = open_channel(self._address)
        self._stub = analytics_pb2_grpc.AnalyticsServiceStub(self._channel)
        self._task = asyncio.create_task(self._run(), name="analytics-emitter")

    async def aclose(self) -> None:
        """Ship what is buffered (for at most CLOSE_DEADLINE_SECONDS), then close the channel."""
        if self._task is None:
            return
        self._closing = True
        self._due.set()
        try:
            await asyncio.wait_for(self._task, CLOSE_DEADLINE_SECONDS)
        except TimeoutError:
            self.dropped += len(self._buffer)
            self._buffer.clear()
        assert self._channel is not None
        await self._channel.close()
        self._task = None

    async def _run(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._due.wait(), self._flush_seconds)
            self._due.clear()
            await self.flush()

    async def flush(self) -> None:
        while self._buffer:
            size = min(self._batch_size, len(self._buffer))
            await self._send([self._buffer.popleft() for _ in range(size)])

    async def _send(self, batch: list[pb.Event]) -> None:
        try:
            # A batch mixes tenants, whoever's work emitted its first event.
            with across_tenants("analytics-emitter") as scope:
                reply = await self._stub.IngestEvents(
                    pb.IngestEventsRequest(events=batch),
                    timeout=SEND_DEADLINE_SECONDS,
                    metadata=outgoing(scope),
                )
        except asyncio.CancelledError:
            self.dropped += len(batch)
            raise
        except grpc.aio.AioRpcError as failure:
            # No retry: the service is down or slow, and a retry would only add to its load.
            self.dropped += len(batch)
            log.warning("analytics batch of %d dropped: %s", len(batch), failure.code().name)
            return
        self.sent += reply.accepted_count + reply.duplicate_count
        self.dropped += len(reply.rejected)
        if reply.rejected:
            log.warning(
                "analytics refused %d events, e.g. %s",
                len(reply.rejected),
                reply.rejected[0].reason,
            )
