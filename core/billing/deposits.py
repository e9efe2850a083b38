"""Use cases of prepaid deposits and their ledger."""

import uuid
from decimal import Decimal

from core.shared.errors import InvalidInput, NotFound
from core.shared.paging import Page, PageQuery

from . import commands as c
from .model import CENT, Deposit, LedgerEntry, LedgerKind, Period
from .ports import BillingUnitOfWork, Clock

MAX_TOP_UP = Decimal("1000000.00")


def _amount(text: str) -> Decimal:
    try:
        amount = Decimal(text.strip())
    except ArithmeticError:
        raise InvalidInput("deposit.amount", f"{text!r} is not a decimal amount") from None
    if not amount.is_finite() or not 0 < amount <= MAX_TOP_UP or amount != amount.quantize(CENT):
        raise InvalidInput(
            "deposit.amount", f"must be a positive amount up to {MAX_TOP_UP} in cents"
        )
    return amount


async def create_deposit(
    cmd: c.CreateDeposit, uow: BillingUnitOfWork, now: Clock
) -> tuple[Deposit, Decimal]:
    """A top-up and its ledger entry; a retried request_id returns the first deposit."""
    amount = _amount(cmd.amount)
    deposit = Deposit(cmd.tenant_id, amount, amount, reference=cmd.reference, note=cmd.note)
    key = f"top_up:{cmd.tenant_id}:{cmd.request_id or deposit.id}"
    entry = LedgerEntry(
        cmd.tenant_id, LedgerKind.TOP_UP, amount, Period.of(now().date()).start, key, deposit.id
    )
    async with uow:
        stored = await uow.deposits.add(deposit, entry) or await uow.deposits.by_key(
            cmd.tenant_id, key
        )
        balance = await uow.deposits.balance(cmd.tenant_id)
        await uow.commit()
    if stored is None:
        raise InvalidInput("request_id", "was used for another tenant's deposit")
    return stored, balance


async def get_deposit(
    tenant_id: uuid.UUID, deposit_id: uuid.UUID, uow: BillingUnitOfWork
) -> Deposit:
    async with uow:
        found = await uow.deposits.get(tenant_id, deposit_id)
    if found is None:
        raise NotFound("deposit", deposit_id)
    return found


async def list_deposits(
    cmd: c.ListDeposits, uow: BillingUnitOfWork
) -> tuple[Page[Deposit], Decimal]:
    async with uow:
        return await uow.deposits.list(cmd), await uow.deposits.balance(cmd.tenant_id)


async def balance(tenant_id: uuid.UUID, uow: BillingUnitOfWork) -> Decimal:
    async with uow:
        return await uow.deposits.balance(tenant_id)


async def ledger(
    tenant_id: uuid.UUID, page: PageQuery, uow: BillingUnitOfWork
) -> Page[LedgerEntry]:
    async with uow:
        return await uow.deposits.ledger(tenant_id, page)
