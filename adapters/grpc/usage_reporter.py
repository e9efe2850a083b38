"""Usage handed to billing: a batch of pending rows as one RecordUsageBatch."""

from collections.abc import Sequence

from crm.billing.v1 import billing_pb2 as pb
from crm.billing.v1 import billing_pb2_grpc

from core.billing.model import UsageType
from core.messaging.usage import UsageEntry

from .convert import enum_to_proto, timestamp
from .peers import call, open_channel


class GrpcUsageReporter:
    """UsageReporter over BillingService.RecordUsageBatch, idempotent per (tenant, key).

    A batch mixes tenants, so it goes in the caller's platform scope (the relay's)."""

    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = billing_pb2_grpc.BillingServiceStub(self._channel)

    async def report(self, entries: Sequence[UsageEntry]) -> None:
        await call(self._stub.RecordUsageBatch, usage_batch(entries))

    async def aclose(self) -> None:
        await self._channel.close()


def usage_batch(entries: Sequence[UsageEntry]) -> pb.RecordUsageBatchRequest:
    return pb.RecordUsageBatchRequest(
        events=[
            pb.RecordUsageRequest(
                tenant_id=str(entry.tenant_id),
                outlet_id=str(entry.outlet_id) if entry.outlet_id else "",
                # messaging names usage types by billing's values
                usage_type=enum_to_proto(UsageType(entry.usage_type), pb.UsageType),
                count=entry.quantity,
                idempotency_key=entry.idempotency_key,
                occurred_at=timestamp(entry.occurred_at),
            )
            for entry in entries
        ]
    )
