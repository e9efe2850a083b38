"""ORM tables of every service; importing this module registers them all on Base.metadata."""

from . import (
    analytics,
    billing,
    booking,
    conversation,
    knowledge,
    messaging,
    order,
    tenant,
)
from .base import Base

# Every service schema, in creation order (the initial migration creates the same set).
SCHEMAS: tuple[str, ...] = (
    tenant.SCHEMA,
    billing.SCHEMA,
    conversation.SCHEMA,
    knowledge.SCHEMA,
    booking.SCHEMA,
    order.SCHEMA,
    analytics.SCHEMA,
    messaging.SCHEMA,
)

__all__ = ["SCHEMAS", "Base"]
