"""The demo tenant `make run` starts with: a bistro with one WhatsApp outlet and an owner."""

import contextlib
import uuid

from adapters.postgres.database import units_of_work
from adapters.postgres.tenant_repository import SqlAlchemyTenantUnitOfWork
from core.shared.errors import AlreadyExists
from core.tenant import commands as c
from core.tenant import handlers
from core.tenant.model import UserRole

DEMO_SLUG = "demo"
DEMO_PHONE_NUMBER_ID = "100000000000001"


async def seed_demo(database_url: str) -> tuple[uuid.UUID, uuid.UUID]:
    """Create the demo tenant, outlet and owner unless they exist (safe to repeat); their ids."""
    async with units_of_work(database_url, SqlAlchemyTenantUnitOfWork) as uow:
        async with uow() as existing:
            tenant = await existing.tenants.get_by_slug(DEMO_SLUG)
        if tenant is None:
            tenant = await handlers.create_tenant(
                c.CreateTenant(
                    name="Demo Bistro",
                    slug=DEMO_SLUG,
                    llm_tone={"style": "warm", "language": "en"},
                    greeting_message="Hi! Welcome to Demo Bistro. How can we help?",
                    error_message="Sorry, something went wrong. A person will get back to you.",
                    contact_email="owner@demo.example",
                ),
                uow(),
            )
        with contextlib.suppress(AlreadyExists):
            await handlers.create_outlet(
                c.CreateOutlet(
                    tenant_id=tenant.id,
                    name="Demo Bistro Downtown",
                    waba_phone_number="+15550000001",
                    waba_phone_number_id=DEMO_PHONE_NUMBER_ID,
                    timezone="UTC",
                ),
                uow(),
            )
        with contextlib.suppress(AlreadyExists):
            await handlers.create_user(
                c.CreateUser(
                    tenant_id=tenant.id,
                    firebase_uid="demo-owner",
                    email="owner@demo.example",
                    role=UserRole.OWNER,
                    display_name="Demo Owner",
                ),
                uow(),
            )
        outlet, _ = await handlers.resolve_outlet(DEMO_PHONE_NUMBER_ID, uow())
    return tenant.id, outlet.id
