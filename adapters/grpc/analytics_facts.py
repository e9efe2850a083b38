"""The FactSink port over AnalyticsService.IngestEvents: a relayed batch of facts, each under
its own id (analytics counts an id once, so a batch sent again is not counted twice)."""

import logging

from crm.analytics.v1 import analytics_pb2 as pb
from crm.analytics.v1 import analytics_pb2_grpc

from core.shared.facts import Fact

from .convert import struct, timestamp
from .peers import call, open_channel

log = logging.getLogger(__name__)


def fact_message(fact: Fact, currency: str, source: str) -> pb.Event:
    return pb.Event(
        event_id=str(fact.id),
        tenant_id=str(fact.tenant_id),
        outlet_id=str(fact.outlet_id or ""),
        conversation_id=str(fact.conversation_id or ""),
        event_type=fact.name,
        occurred_at=timestamp(fact.occurred_at),
        properties=struct(dict(fact.properties)),
        amount={"amount": f"{fact.amount:.2f}", "currency": currency}
        if fact.amount is not None
        else None,
        source=source,
    )


class GrpcFactSink:
    """Sends facts to analytics; Unavailable (from `call`) when it cannot be reached. Facts it
    refuses as malformed are logged: sending them again would not change its mind."""

    def __init__(self, address: str, currency: str, source: str) -> None:
        self._channel = open_channel(address)
        self._stub = analytics_pb2_grpc.AnalyticsServiceStub(self._channel)
        self._currency, self._source = currency, source

    async def send(self, facts: list[Fact]) -> None:
        request = pb.IngestEventsRequest(
            events=[fact_message(f, self._currency, self._source) for f in facts]
        )
        reply = await call(self._stub.IngestEvents, request)
        for refused in reply.rejected:
            log.error("analytics refused fact %s: %s", refused.event_id, refused.reason)

    async def aclose(self) -> None:
        await self._channel.close()
