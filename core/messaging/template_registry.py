"""Keeping the tenant's template registry in step with the Cloud API: create and sync."""

import uuid
from collections.abc import Sequence
from dataclasses import replace

from core.shared.errors import AlreadyExists, FailedPrecondition, InvalidInput

from .ports import BusinessAccounts, CloudTemplates, MessagingUnitOfWork, OutletDirectory
from .templates import Template, check_new


async def create_template(
    template: Template,
    outlet_id: uuid.UUID,
    examples: Sequence[str],
    uow: MessagingUnitOfWork,
    outlets: OutletDirectory,
    cloud: CloudTemplates,
) -> Template:
    """Submit a template through the outlet's business account and keep what Meta answered."""
    check_new(template)
    if len(examples) != template.parameter_count or not all(e.strip() for e in examples):
        raise InvalidInput(
            "examples",
            f"give one sample value for each of the {template.parameter_count} variables",
        )
    account = await _account(outlets, template.tenant_id, outlet_id)
    async with uow:
        held = await uow.templates.named(template.tenant_id, account, template.name)
    if any(t.language == template.language for t in held):
        raise AlreadyExists("template", "name and language", f"{template.name}/{template.language}")
    submitted = await cloud.create(replace(template, business_account_id=account), examples)
    async with uow:
        stored = await uow.templates.save(submitted)
        await uow.commit()
    return stored


async def sync_templates(
    tenant_id: uuid.UUID,
    uow: MessagingUnitOfWork,
    accounts: BusinessAccounts,
    cloud: CloudTemplates,
) -> tuple[list[Template], int]:
    """Every template of every business account of the tenant, as Meta has it now; the ones
    Meta no longer has are removed. Returns (templates, how many removed)."""
    synced: list[Template] = []
    removed = 0
    for account in await accounts.business_accounts(tenant_id):
        remote = await cloud.list(tenant_id, account)
        async with uow:
            synced += [await uow.templates.save(t) for t in remote]
            removed += await uow.templates.keep_only(tenant_id, account, remote)
            await uow.commit()
    return sorted(synced, key=lambda t: (t.name, t.language)), removed


async def _account(outlets: OutletDirectory, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> str:
    account = await outlets.business_account_id(tenant_id, outlet_id)
    if not account:
        raise FailedPrecondition(
            "the outlet has no WhatsApp Business Account id on record: set "
            "waba_business_account_id on the outlet first"
        )
    return account
