"""The demo tenant `make run` starts with: a bistro with one WhatsApp outlet and its staff."""

import contextlib
import uuid

from adapters.postgres.database import units_of_work
from adapters.postgres.tenant_repository import SqlAlchemyTenantUnitOfWork
from core.shared.errors import AlreadyExists
from core.shared.scope import across_tenants, acting_for
from core.tenant import commands as c
from core.tenant import handlers
from core.tenant.model import UserRole

from .billing.seed import seed_billing
from .booking.seed import seed_demo_booking
from .order.seed import seed_demo_catalog

DEMO_SLUG = "demo"
DEMO_PHONE_NUMBER_ID = "100000000000001"
DEMO_BUSINESS_ACCOUNT_ID = "200000000000001"  # the WhatsApp Business Account holding it
# Puerta del Sol, Madrid, delivering within 5 km.
DEMO_LOCATION = {"latitude": 40.41690, "longitude": -3.70350, "delivery_radius_km": 5.0}
# Whom the seeds act as: onboarding is platform work.
SEEDER = "demo-seed"
# One user per role: Firebase uid (what `crm admin token` signs for), email, name.
DEMO_STAFF = {
    UserRole.OWNER: ("demo-owner", "owner@demo.example", "Demo Owner"),
    UserRole.ADMIN: ("demo-admin", "admin@demo.example", "Demo Admin"),
    UserRole.AGENT: ("demo-agent", "agent@demo.example", "Marta"),
}


async def seed_demo(database_url: str) -> tuple[uuid.UUID, uuid.UUID]:
    """Create the demo tenant, outlet and staff unless they exist (safe to repeat); their ids."""
    # A slug and a WhatsApp number are unique across every tenant: onboarding spans them.
    with across_tenants(SEEDER):
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
                        booking_reminder_minutes=180,
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
                        waba_business_account_id=DEMO_BUSINESS_ACCOUNT_ID,
                        timezone="UTC",
                        **DEMO_LOCATION,
                    ),
                    uow(),
                )
            for role, (uid, email, name) in DEMO_STAFF.items():
                staff = c.CreateUser(tenant.id, uid, email, role, display_name=name)
                with contextlib.suppress(AlreadyExists):
                    await handlers.create_user(staff, uow())
            outlet, _ = await handlers.resolve_outlet(DEMO_PHONE_NUMBER_ID, uow())
            # An outlet seeded before outlets had a business account or a location gets them.
            missing = {"waba_business_account_id": DEMO_BUSINESS_ACCOUNT_ID, **DEMO_LOCATION}
            missing = {k: v for k, v in missing.items() if not getattr(outlet, k)}
            if missing:
                await handlers.update_outlet(c.UpdateOutlet(tenant.id, outlet.id, missing), uow())
    return tenant.id, outlet.id


async def seed_demo_business(database_url: str) -> tuple[uuid.UUID, uuid.UUID]:
    """The demo tenant with all `make run` shows: staff, tables to book, a menu and a plan."""
    tenant_id, outlet_id = await seed_demo(database_url)
    with acting_for(tenant_id, SEEDER):
        await seed_demo_booking(database_url, tenant_id, outlet_id)
        await seed_demo_catalog(database_url, tenant_id)
        await seed_billing(database_url, tenant_id)
    return tenant_id, outlet_id
