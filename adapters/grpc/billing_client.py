"""Billing as other services see it: plan limits for creators, the bot's allowance for messages."""

import asyncio
import logging
import time
import uuid
from dataclasses import fields

from crm.billing.v1 import billing_pb2 as pb
from crm.billing.v1 import billing_pb2_grpc

from core.billing.limits import PlanLimit
from core.billing.model import UsageType
from core.billing.quota import QuotaDecision
from core.shared.errors import DomainError, Unavailable

from .convert import enum_to_proto
from .peers import DEFAULT_DEADLINE_SECONDS, call, open_channel

log = logging.getLogger(__name__)

# An admin waits on a create; a slow billing should fail it soon, not after the full deadline.
LIMIT_DEADLINE_SECONDS = 5.0


def _decision(reply: pb.CheckQuotaResponse) -> QuotaDecision:
    return QuotaDecision(**{f.name: getattr(reply, f.name) for f in fields(QuotaDecision)})


class GrpcPlanLimits:
    """PlanLimits over BillingService.CheckQuota; never cached, as the count changes per call."""

    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = billing_pb2_grpc.BillingServiceStub(self._channel)

    async def check(self, tenant_id: uuid.UUID, limit: PlanLimit, needed: int) -> QuotaDecision:
        request = pb.CheckQuotaRequest(
            tenant_id=str(tenant_id), limit=enum_to_proto(limit, pb.PlanLimit), needed=needed
        )
        try:
            reply = await call(self._stub.CheckQuota, request, LIMIT_DEADLINE_SECONDS)
        except Unavailable:
            what = limit.value.replace("_", " ")
            raise Unavailable(
                f"billing cannot be reached to check the plan's limit on {what};"
                " nothing was created, try again shortly"
            ) from None
        return _decision(reply)

    async def aclose(self) -> None:
        await self._channel.close()


class GrpcBotAllowance:
    """May the bot answer a tenant: is its message quota left, or the overage payable?

    One answer per tenant, kept `refresh_seconds`; an older one is served while a refresh runs
    in the background, so a message never waits on billing, except a tenant's first in this
    process (at most `first_wait_seconds`). When billing cannot answer, the last answer stands,
    and with none the bot answers (fail open): billing trouble never silences a conversation.
    A tenant without an active subscription is not held back either (nothing is used up).
    """

    def __init__(
        self, address: str, refresh_seconds: float = 5.0, first_wait_seconds: float = 1.0
    ) -> None:
        self._channel = open_channel(address)
        self._stub = billing_pb2_grpc.BillingServiceStub(self._channel)
        self._refresh = refresh_seconds
        self._first_wait = first_wait_seconds
        self._answers: dict[uuid.UUID, tuple[float, bool]] = {}
        self._refreshing: dict[uuid.UUID, asyncio.Task[bool]] = {}

    async def may_answer(self, tenant_id: uuid.UUID) -> bool:
        known = self._answers.get(tenant_id)
        if known is None:
            return await self._ask(tenant_id, self._first_wait)
        asked_at, allowed = known
        if time.monotonic() - asked_at >= self._refresh and tenant_id not in self._refreshing:
            task = asyncio.create_task(self._ask(tenant_id, DEFAULT_DEADLINE_SECONDS))
            self._refreshing[tenant_id] = task
            task.add_done_callback(lambda _: self._refreshing.pop(tenant_id, None))
        return allowed

    async def _ask(self, tenant_id: uuid.UUID, deadline: float) -> bool:
        request = pb.CheckQuotaRequest(
            tenant_id=str(tenant_id),
            usage_type=enum_to_proto(UsageType.MESSAGES_IN, pb.UsageType),
            amount=1,
        )
        try:
            allowed = not _decision(await call(self._stub.CheckQuota, request, deadline)).exhausted
        except DomainError as failure:
            known = self._answers.get(tenant_id)
            allowed = known[1] if known else True
            log.warning("billing gave no allowance for tenant %s: %s", tenant_id, failure.message)
        self._answers[tenant_id] = (time.monotonic(), allowed)
        return allowed

    async def aclose(self) -> None:
        for task in list(self._refreshing.values()):
            task.cancel()
        await self._channel.close()
