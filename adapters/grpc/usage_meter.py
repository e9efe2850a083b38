"""Usage metering off the message path: record() buffers in memory, a task flushes batches."""

import asyncio
import contextlib
import logging
import uuid
from datetime import UTC, datetime

from crm.billing.v1 import billing_pb2 as pb
from crm.billing.v1 import billing_pb2_grpc

from core.billing.model import UsageType
from core.shared import scope
from core.shared.errors import DomainError

from .convert import enum_to_proto, timestamp
from .peers import call, open_channel

log = logging.getLogger(__name__)

BATCH = 1_000
Pending = tuple[uuid.UUID, UsageType, int, uuid.UUID | None, datetime]


class BufferedUsageMeter:
    """Never blocks a caller: events wait in a bounded buffer (deduplicated by idempotency
    key) and go to RecordUsageBatch every `flush_seconds`; a full buffer drops and counts."""

    def __init__(self, address: str, flush_seconds: float = 1.0, capacity: int = 50_000) -> None:
        self._channel = open_channel(address)
        self._stub = billing_pb2_grpc.BillingServiceStub(self._channel)
        self._flush_seconds = flush_seconds
        self._capacity = capacity
        self._buffer: dict[str, Pending] = {}
        self._task: asyncio.Task | None = None
        self._stopping = asyncio.Event()
        self.dropped = 0

    def record(
        self,
        tenant_id: uuid.UUID,
        usage_type: UsageType | str,
        idempotency_key: str,
        count: int = 1,
        outlet_id: uuid.UUID | None = None,
    ) -> None:
        """Buffer one use; a key seen in the buffer already is a redelivery and ignored."""
        if len(self._buffer) >= self._capacity:
            self.dropped += 1
            return
        now = datetime.now(UTC)
        kind = UsageType(usage_type)  # callers outside billing name it by its value
        self._buffer.setdefault(idempotency_key, (tenant_id, kind, count, outlet_id, now))
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    @property
    def pending(self) -> int:
        return len(self._buffer)

    async def _run(self) -> None:
        """Flush every period until told to stop, then once more."""
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._flush_seconds)
            try:
                await self.flush()
            except Exception:  # a bug in one flush must not end metering for the process
                log.exception("usage flush failed; the meter carries on")

    async def flush(self) -> None:
        """Send what is buffered; a batch the service did not take is kept for the next try.

        A batch mixes tenants, so it is sent for the platform, whichever tenant's message
        happened to start the flusher (a task inherits its creator's scope)."""
        taken, self._buffer = self._buffer, {}
        keys = list(taken)
        for at in range(0, len(keys), BATCH):
            batch = {key: taken[key] for key in keys[at : at + BATCH]}
            try:
                with scope.across_tenants("usage-meter"):
                    await call(self._stub.RecordUsageBatch, _request(batch))
            except DomainError as failure:
                log.warning("usage flush of %d events failed: %s", len(batch), failure.message)
                room = self._capacity - len(self._buffer)
                self._buffer.update(dict(list(batch.items())[:room]))
                self.dropped += max(len(batch) - room, 0)

    async def aclose(self) -> None:
        """Stop the flusher, send what is left, close the channel."""
        self._stopping.set()
        if self._task is not None:
            await self._task
        await self.flush()
        await self._channel.close()


def _request(batch: dict[str, Pending]) -> pb.RecordUsageBatchRequest:
    return pb.RecordUsageBatchRequest(
        events=[
            pb.RecordUsageRequest(
                tenant_id=str(tenant_id),
                outlet_id=str(outlet_id) if outlet_id else "",
                usage_type=enum_to_proto(usage_type, pb.UsageType),
                count=count,
                idempotency_key=key,
                occurred_at=timestamp(occurred_at),
            )
            for key, (tenant_id, usage_type, count, outlet_id, occurred_at) in batch.items()
        ]
    )
