"""Outlets are the tenant service's: other contexts ask it whose an outlet is."""

import uuid
from typing import Protocol


class Outlets(Protocol):
    async def ensure_outlet(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> None:
        """Return when the outlet is the tenant's; else raise NotFound, exactly as for an id
        no tenant has (so another tenant's outlet ids reveal nothing)."""
        ...
