"""Whom the current work acts for.

Set once where work enters a process (an RPC, a queue item, a scheduled job) and read where
it leaves: the database scopes every transaction to it (row-level security) and calls to peer
services carry it as metadata. No layer in between passes it by hand.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# The role of work done by the platform itself: queue workers, sweepers, period close.
SERVICE_ROLE = "service"


@dataclass(frozen=True, slots=True)
class Scope:
    """One tenant's data, or (tenant_id None) every tenant's, for work that spans them."""

    tenant_id: uuid.UUID | None
    caller: str = ""
    role: str = SERVICE_ROLE
    user_id: uuid.UUID | None = None  # the signed-in staff member's User id, if a person calls

    @property
    def across_tenants(self) -> bool:
        return self.tenant_id is None


_current: ContextVar[Scope | None] = ContextVar("crm_scope", default=None)


def current() -> Scope | None:
    """The scope of the running work; None outside any scope, where the database shows nothing."""
    return _current.get()


@contextmanager
def entering(scope: Scope) -> Iterator[Scope]:
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def acting_for(tenant_id: uuid.UUID, caller: str = "", role: str = SERVICE_ROLE):
    """Work on one tenant's behalf: a queue item, an RPC for that tenant."""
    return entering(Scope(tenant_id=tenant_id, caller=caller, role=role))


def across_tenants(caller: str, role: str = SERVICE_ROLE):
    """Work that spans tenants by design (claiming queue items, period close, onboarding).

    Each use is deliberate and named by its caller, so a search for this function lists every
    place where one tenant's rows can meet another's.
    """
    return entering(Scope(tenant_id=None, caller=caller, role=role))
