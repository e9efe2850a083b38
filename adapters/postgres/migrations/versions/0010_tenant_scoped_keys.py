"""Keys unique per tenant, not across tenants: one tenant's rows never refuse another's.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

A unique rule that leaves the tenant out lets tenant A learn what tenant B stored: A's row with
B's key (an idempotency key, an event id, a WhatsApp message id) was refused or dropped as a
duplicate, and A's opening hours or conversation on B's outlet collided with B's. Each rule
below gains tenant_id as its first column.

Safe on existing data: every new rule is weaker than the one it replaces (rows unique on the
key are unique on (tenant, key)), so building it cannot fail. The new rule is built before the
old one goes, so the table is never without one. Each build holds a write lock on its table
for as long as it takes (seconds for analytics.events at millions of rows).

Left global on purpose: messaging.inbox_items and messaging.outbox_messages on
whatsapp_message_id. Meta's ids are unique platform-wide, inbound ones are deduplicated before
their tenant is known, and status webhooks find an outbound message by its id alone.

The downgrade restores the global rules; it fails if two tenants have come to share a key.
"""

from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class Rule(NamedTuple):
    """A unique rule on `columns`, global as `old`, per tenant (tenant_id first) as `new`;
    with a predicate it is a partial unique index, else a unique constraint."""

    schema: str
    table: str
    columns: tuple[str, ...]
    old: str
    new: str
    where: str | None = None

    def create(self, name: str, columns: Sequence[str]) -> None:
        if self.where is None:
            op.create_unique_constraint(name, self.table, list(columns), schema=self.schema)
        else:
            op.create_index(
                name,
                self.table,
                list(columns),
                unique=True,
                schema=self.schema,
                postgresql_where=sa.text(self.where),
            )

    def drop(self, name: str) -> None:
        if self.where is None:
            op.drop_constraint(name, self.table, schema=self.schema)
        else:
            op.drop_index(name, self.table, schema=self.schema)


RULES: tuple[Rule, ...] = (
    Rule(
        "booking",
        "opening_hours",
        ("outlet_id", "weekday", "opens_at"),
        "uq_opening_hours_outlet_id_weekday_opens_at",
        "uq_opening_hours_tenant_id_outlet_id_weekday_opens_at",
    ),
    Rule(
        "booking",
        "closed_dates",
        ("outlet_id", "closed_on"),
        "uq_closed_dates_outlet_id_closed_on",
        "uq_closed_dates_tenant_id_outlet_id_closed_on",
    ),
    Rule(
        "conversation",
        "conversations",
        ("outlet_id", "customer_phone"),
        "uq_conversations_outlet_id_customer_phone_open",
        "uq_conversations_tenant_id_outlet_id_customer_phone_open",
        "status = 'open'",
    ),
    Rule(
        "conversation",
        "messages",
        ("whatsapp_message_id",),
        "uq_messages_whatsapp_message_id",
        "uq_messages_tenant_id_whatsapp_message_id",
        "whatsapp_message_id IS NOT NULL",
    ),
    Rule(
        "messaging",
        "outbox_messages",
        ("idempotency_key",),
        "uq_outbox_messages_idempotency_key",
        "uq_outbox_messages_tenant_id_idempotency_key",
    ),
    Rule(
        "billing",
        "usage_events",
        ("idempotency_key",),
        "uq_usage_events_idempotency_key",
        "uq_usage_events_tenant_id_idempotency_key",
    ),
    Rule(
        "billing",
        "deposit_ledger",
        ("idempotency_key",),
        "uq_deposit_ledger_idempotency_key",
        "uq_deposit_ledger_tenant_id_idempotency_key",
    ),
    Rule(
        "analytics", "events", ("event_id",), "uq_events_event_id", "uq_events_tenant_id_event_id"
    ),
)


def upgrade() -> None:
    for rule in RULES:
        rule.create(rule.new, ("tenant_id", *rule.columns))
        rule.drop(rule.old)


def downgrade() -> None:
    for rule in reversed(RULES):
        rule.create(rule.old, rule.columns)
        rule.drop(rule.new)
