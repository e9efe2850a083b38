"""Billing where customers and owners meet it, through Envoy and every service: a create past
the plan's limit is a 429 naming the tier that lifts it, and a tenant whose quota is used up
with no overage to pay gets its conversations handed to staff after one holding reply."""

import asyncio
import uuid

from adapters.postgres.billing_repository import SqlAlchemyBillingUnitOfWork
from adapters.postgres.database import units_of_work
from adapters.postgres.urls import plain
from core.billing import usage
from core.billing.model import UsageEvent, UsageType
from core.conversation.model import utcnow
from core.orchestrator.replies import HOLDING
from core.shared.scope import acting_for
from tests import whatsapp_payloads as wa

from .test_whatsapp_path import (
    conversation_of,
    demo_tenant_id,
    post,
    replies,
    sent_to,
    staff,
    text_of,
    webhook,
)

FREE_QUOTA = 500


async def test_an_outlet_past_the_plans_limit_is_a_429_naming_the_lifting_tier(mesh):
    tenant_id = await demo_tenant_id(mesh)
    async with staff(mesh) as owner:  # the demo is on "pro": five outlets, one seeded

        async def create(n: int):
            outlet = {"name": f"Branch {n}", "waba_phone_number_id": f"20000000000000{n}"}
            return await owner.post(f"/v1/tenants/{tenant_id}/outlets", json=outlet)

        assert [(await create(n)).status_code for n in range(4)] == [200] * 4
        refused = await create(9)
    assert refused.status_code == 429, refused.text
    assert refused.json()["message"] == (
        "outlet limit of 5 reached on the pro tier; the enterprise tier lifts it"
    )


async def use_up_the_free_quota(database_url, tenant_id: str) -> None:
    """The month's messages so far, as the meter would have recorded them."""
    tenant = uuid.UUID(tenant_id)
    events = [
        UsageEvent(tenant, UsageType.MESSAGES_IN, 1, f"msg_in:earlier-{n}", utcnow())
        for n in range(FREE_QUOTA)
    ]
    async with units_of_work(plain(database_url), SqlAlchemyBillingUnitOfWork) as uow:
        with acting_for(tenant):
            await usage.record_usage(events, uow())


async def test_a_used_up_plan_hands_conversations_to_staff_after_one_holding_reply(
    mesh, empty_database_url
):
    tenant_id = await demo_tenant_id(mesh)
    async with staff(mesh) as owner:
        subscriptions = f"/v1/tenants/{tenant_id}/subscriptions"
        active = (await owner.get(f"{subscriptions}:active")).json()["subscription"]
        changed = await owner.post(
            f"{subscriptions}/{active['id']}:changeTier", json={"tier": "free"}
        )
        assert changed.status_code == 200, changed.text
        await use_up_the_free_quota(empty_database_url, tenant_id)

        customer = "34600000201"
        await post(mesh, webhook(wa.text_message("Table for two tonight?", **{"from": customer})))
        (holding,) = await replies(mesh, customer)
        assert text_of(holding) == HOLDING
        waiting = await owner.get(f"/v1/tenants/{tenant_id}/conversations:awaitingAgent")
        conversation = await conversation_of(owner, tenant_id, customer)
        assert conversation["id"] in [c["id"] for c in waiting.json()["conversations"]]

        await post(mesh, webhook(wa.text_message("Hello?", **{"from": customer})))
        await asyncio.sleep(2)
        assert len(await sent_to(mesh, customer)) == 1  # staff answer from here on
        history = f"/v1/tenants/{tenant_id}/conversations/{conversation['id']}/messages"
        stored = [m["content"] for m in (await owner.get(history)).json()["messages"]]
        alerts = (await owner.get(f"/v1/tenants/{tenant_id}/alerts")).json()["alerts"]
    assert sorted(stored) == sorted(["Table for two tonight?", HOLDING, "Hello?"])  # all kept
    assert {a["kind"] for a in alerts} == {"ALERT_KIND_QUOTA_80", "ALERT_KIND_QUOTA_100"}
