"""ORM tables of every service; importing this module registers them all on Base.metadata."""

from . import (
    analytics,
    billing,
    booking,
    conversation,
    knowledge,
    messaging,
    messaging_media,  # noqa: F401 (registers messaging.media; its schema is messaging's)
    orchestrator,
    order,
    tenant,
)
from .base import Base

# Every service schema, in creation order (migrations 0001 and 0003 create the same set).
SCHEMAS: tuple[str, ...] = (
    tenant.SCHEMA,
    billing.SCHEMA,
    conversation.SCHEMA,
    knowledge.SCHEMA,
    booking.SCHEMA,
    order.SCHEMA,
    analytics.SCHEMA,
    messaging.SCHEMA,
    orchestrator.SCHEMA,
)

__all__ = ["SCHEMAS", "Base"]
