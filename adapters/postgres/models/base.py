"""Declarative base, naming convention and column helpers shared by every schema."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Index,
    MetaData,
    Numeric,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names, so migrations can refer to them and errors can be mapped.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


UuidPk = Annotated[
    uuid.UUID,
    mapped_column(UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
]
TenantId = Annotated[uuid.UUID, mapped_column(UUID(as_uuid=True), nullable=False, index=True)]
Money = Annotated[Decimal, mapped_column(Numeric(12, 2), nullable=False)]
CreatedAt = Annotated[
    datetime, mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
]
UpdatedAt = Annotated[
    datetime,
    mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    ),
]


def one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    """CHECK that a status-like column holds one of its documented values."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or f"{column}_allowed")


def tenant_key(table: str) -> UniqueConstraint:
    """(tenant_id, id) unique: what same_tenant references point at."""
    return UniqueConstraint("tenant_id", "id", name=f"uq_{table}_tenant_id_id")


def same_tenant(table: str, column: str, parent: str, ondelete: str) -> ForeignKeyConstraint:
    """A reference the database keeps inside one tenant: (tenant_id, column) must name a row of
    `parent` ("schema.table") with the same tenant_id, so a row cannot point at another
    tenant's. SET NULL clears `column` alone (PostgreSQL 15+), never the tenant."""
    on_delete = f"SET NULL ({column})" if ondelete == "SET NULL" else ondelete
    return ForeignKeyConstraint(
        ["tenant_id", column],
        [f"{parent}.tenant_id", f"{parent}.id"],
        name=f"fk_{table}_{column}_{parent.split('.')[1]}",
        ondelete=on_delete,
    )


class PendingFacts:
    """A service's outbox of facts for analytics (core.shared.facts), `facts_pending` in the
    schema the subclass names: written with the change they record, deleted by the relay once
    analytics has them."""

    __tablename__ = "facts_pending"
    schema: ClassVar[str]

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        # The relay sends the oldest first.
        return (Index("ix_facts_pending_occurred_at", "occurred_at"), {"schema": cls.schema})

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    outlet_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    event_type: Mapped[str] = mapped_column(String(64))
    properties: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
