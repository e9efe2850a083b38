"""Tables of the tenant service (schema `tenant`): tenants, outlets, staff users."""

import uuid
from typing import Any

from sqlalchemy import Double, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from core.tenant.model import OutletStatus, TenantStatus, UserRole, UserStatus

from .base import Base, CreatedAt, UpdatedAt, UuidPk, one_of

SCHEMA = "tenant"


def _values(enum: type) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


class TenantRow(Base):
    __tablename__ = "tenants"
    __table_args__ = (
        one_of("status", _values(TenantStatus)),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    status: Mapped[str] = mapped_column(String(20), server_default=TenantStatus.ACTIVE.value)
    llm_tone: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    greeting_message: Mapped[str] = mapped_column(Text, server_default="")
    error_message: Mapped[str] = mapped_column(Text, server_default="")
    contact_email: Mapped[str] = mapped_column(String(320), server_default="")
    firebase_tenant_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    booking_reminder_minutes: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class OutletRow(Base):
    __tablename__ = "outlets"
    __table_args__ = (
        one_of("status", _values(OutletStatus)),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.tenants.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    waba_phone_number: Mapped[str] = mapped_column(String(32), server_default="")
    waba_phone_number_id: Mapped[str] = mapped_column(String(64), unique=True)
    waba_business_account_id: Mapped[str] = mapped_column(String(64), server_default="")
    status: Mapped[str] = mapped_column(String(20), server_default=OutletStatus.ACTIVE.value)
    timezone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    latitude: Mapped[float] = mapped_column(Double, server_default="0")
    longitude: Mapped[float] = mapped_column(Double, server_default="0")
    delivery_radius_km: Mapped[float] = mapped_column(Double, server_default="0")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (
        one_of("role", _values(UserRole)),
        one_of("status", _values(UserStatus)),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.tenants.id", ondelete="CASCADE"), index=True
    )
    firebase_uid: Mapped[str] = mapped_column(String(128), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200), server_default="")
    status: Mapped[str] = mapped_column(String(20), server_default=UserStatus.ACTIVE.value)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
