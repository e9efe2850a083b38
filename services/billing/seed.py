"""The tiers on offer and the demo tenant's "pro" plan with a 50.00 deposit, seeded idempotently."""

import uuid

from adapters.postgres.billing_repository import SqlAlchemyBillingUnitOfWork
from adapters.postgres.database import units_of_work
from core.billing import commands as c
from core.billing import deposits, subscriptions
from core.billing.plans import SEED_TIERS
from core.conversation.model import utcnow
from core.shared.errors import NotFound
from core.shared.scope import acting_for

DEMO_TIER = "pro"
DEMO_DEPOSIT = "50.00"


async def seed_billing(database_url: str, tenant_id: uuid.UUID) -> None:
    """Tiers by name, a subscription unless one is live, the deposit once (by request id)."""
    tenant_id = uuid.UUID(str(tenant_id))
    async with units_of_work(database_url, SqlAlchemyBillingUnitOfWork) as uow:
        with acting_for(tenant_id, "billing-seed"):
            await subscriptions.put_tiers(SEED_TIERS, uow())
            try:
                await subscriptions.active_subscription(tenant_id, uow(), utcnow)
            except NotFound:
                command = c.CreateSubscription(tenant_id, DEMO_TIER)
                await subscriptions.create_subscription(command, uow(), utcnow)
            top_up = c.CreateDeposit(tenant_id, DEMO_DEPOSIT, note="demo", request_id="demo-seed")
            await deposits.create_deposit(top_up, uow(), utcnow)
