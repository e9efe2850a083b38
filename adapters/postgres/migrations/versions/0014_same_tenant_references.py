"""References inside a schema stay inside one tenant: foreign keys on (tenant_id, id).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

A foreign key on the id alone accepts a row of tenant A that points at tenant B's row (an
order item for B's product, a message in B's conversation): row-level security checks the
new row's own tenant, and referential checks do not look at policies. Each reference between
tenant-owned rows now includes tenant_id on both sides, so the database itself refuses one
that crosses tenants. Every referenced table gains a unique (tenant_id, id) for it to point at.

SET NULL keeps its meaning with a column list (PostgreSQL 15 or newer): deleting the parent
clears the reference, never the child's tenant_id. An inbox item whose tenant is not known
yet (tenant_id NULL) is, as before, not checked (MATCH SIMPLE).

Safe on existing data when every reference already stays inside its tenant, which row-level
security has required of every write since 0008; a row that does not fails the upgrade,
naming the constraint, and is for an operator to look at. Each new key validates its table
under a SHARE ROW EXCLUSIVE lock (writes wait, reads go on).
"""

from collections.abc import Sequence
from typing import NamedTuple

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class Reference(NamedTuple):
    schema: str
    table: str
    column: str
    parent: str
    ondelete: str

    @property
    def name(self) -> str:
        return f"fk_{self.table}_{self.column}_{self.parent}"

    def create(self, same_tenant: bool) -> None:
        ondelete = self.ondelete
        if same_tenant and ondelete == "SET NULL":
            ondelete = f"SET NULL ({self.column})"
        local, remote = [self.column], ["id"]
        if same_tenant:
            local, remote = ["tenant_id", *local], ["tenant_id", *remote]
        op.create_foreign_key(
            self.name,
            self.table,
            self.parent,
            local,
            remote,
            source_schema=self.schema,
            referent_schema=self.schema,
            ondelete=ondelete,
        )


REFERENCES = (
    Reference("billing", "deposit_ledger", "deposit_id", "deposits", "SET NULL"),
    Reference("billing", "statement_lines", "statement_id", "statements", "CASCADE"),
    Reference("billing", "usage_events", "usage_record_id", "usage_records", "SET NULL"),
    Reference("booking", "bookings", "resource_id", "resources", "RESTRICT"),
    Reference("conversation", "messages", "conversation_id", "conversations", "CASCADE"),
    Reference("knowledge", "documents", "knowledge_base_id", "knowledge_bases", "CASCADE"),
    Reference(
        "messaging", "inbox_items", "reply_outbound_message_id", "outbox_messages", "SET NULL"
    ),
    Reference("orders", "products", "category_id", "categories", "SET NULL"),
    Reference("orders", "order_items", "order_id", "orders", "CASCADE"),
    Reference("orders", "order_items", "product_id", "products", "RESTRICT"),
    Reference("orders", "stock_adjustments", "order_id", "orders", "SET NULL"),
    Reference("orders", "stock_adjustments", "product_id", "products", "CASCADE"),
)
PARENTS = sorted({(reference.schema, reference.parent) for reference in REFERENCES})


def upgrade() -> None:
    for schema, table in PARENTS:
        op.create_unique_constraint(
            f"uq_{table}_tenant_id_id", table, ["tenant_id", "id"], schema=schema
        )
    for reference in REFERENCES:
        op.drop_constraint(reference.name, reference.table, schema=reference.schema)
        reference.create(same_tenant=True)


def downgrade() -> None:
    for reference in REFERENCES:
        op.drop_constraint(reference.name, reference.table, schema=reference.schema)
        reference.create(same_tenant=False)
    for schema, table in PARENTS:
        op.drop_constraint(f"uq_{table}_tenant_id_id", table, schema=schema)
