"""Entities and value rules of the tenant context."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.shared.errors import InvalidInput
from core.shared.validation import optional_text, required_text, valid_phone


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    INACTIVE = "inactive"


class OutletStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class UserRole(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    AGENT = "agent"


class UserStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DIGITS = re.compile(r"^\d{1,64}$")


def valid_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise InvalidInput("slug", f"{value!r} must be 3-63 lowercase letters, digits or hyphens")
    return value


def valid_email(value: str, field_name: str = "email", *, required: bool = True) -> str:
    value = value.strip()
    if not value and not required:
        return ""
    if not _EMAIL.match(value):
        raise InvalidInput(field_name, f"{value!r} is not an email address")
    return value.lower()


def valid_numeric_id(value: str, field_name: str, *, required: bool) -> str:
    if not value and not required:
        return ""
    if not _DIGITS.match(value):
        raise InvalidInput(field_name, f"{value!r} must be the numeric ID Meta assigned")
    return value


def valid_timezone(value: str) -> str:
    value = value or "UTC"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("timezone", f"{value!r} is not an IANA time zone") from None
    return value


@dataclass(slots=True)
class Tenant:
    name: str
    slug: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: TenantStatus = TenantStatus.ACTIVE
    llm_tone: dict[str, Any] = field(default_factory=dict)
    greeting_message: str = ""
    error_message: str = ""
    contact_email: str = ""
    firebase_tenant_id: str | None = None
    booking_reminder_minutes: int = 0  # before a confirmed booking; 0: no reminders
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status is TenantStatus.ACTIVE


@dataclass(slots=True)
class Outlet:
    tenant_id: uuid.UUID
    name: str
    waba_phone_number_id: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    waba_phone_number: str = ""
    waba_business_account_id: str = ""
    status: OutletStatus = OutletStatus.ACTIVE
    timezone: str = "UTC"
    latitude: float = 0.0  # both 0: where it is is not on record
    longitude: float = 0.0
    delivery_radius_km: float = 0.0  # 0: delivers anywhere
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status is OutletStatus.ACTIVE


@dataclass(slots=True)
class User:
    tenant_id: uuid.UUID
    firebase_uid: str
    email: str
    role: UserRole
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    display_name: str = ""
    status: UserStatus = UserStatus.ACTIVE
    created_at: datetime | None = None
    updated_at: datetime | None = None


def _tone(value: Any, field_name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(field_name, "must be an object")
    return dict(value)


def _firebase_tenant(value: str, field_name: str) -> str | None:
    return optional_text(128)(value, field_name) or None


def _within(value: float, field_name: str, most: float, least: float | None = None) -> float:
    least = -most if least is None else least
    if not least <= value <= most:
        raise InvalidInput(field_name, f"must be from {least:g} to {most:g}")
    return float(value)


REMINDER_MINUTES_MAX = 7 * 24 * 60


def _reminder_minutes(value: int, field_name: str) -> int:
    if not 0 <= value <= REMINDER_MINUTES_MAX:
        raise InvalidInput(field_name, f"minutes from 0 (no reminders) to {REMINDER_MINUTES_MAX}")
    return value


# Writable fields of each entity and the rule each must pass (create and update alike).
# WhatsApp caps a text message at 4096 characters, hence the message limits.
TENANT_FIELDS = {
    "name": required_text,
    "slug": lambda v, _: valid_slug(v),
    "llm_tone": _tone,
    "greeting_message": optional_text(4096),
    "error_message": optional_text(4096),
    "contact_email": lambda v, f: valid_email(v, f, required=False),
    "firebase_tenant_id": _firebase_tenant,
    "booking_reminder_minutes": _reminder_minutes,
}
OUTLET_FIELDS = {
    "name": required_text,
    "waba_phone_number": valid_phone,
    "waba_phone_number_id": lambda v, f: valid_numeric_id(v, f, required=True),
    "waba_business_account_id": lambda v, f: valid_numeric_id(v, f, required=False),
    "timezone": lambda v, _: valid_timezone(v),
    "latitude": lambda v, f: _within(v, f, 90),
    "longitude": lambda v, f: _within(v, f, 180),
    "delivery_radius_km": lambda v, f: _within(v, f, 500, least=0),
}
USER_FIELDS = {
    "firebase_uid": lambda v, f: required_text(v, f, 128),
    "email": valid_email,
    "role": lambda v, f: _role(v, f),
    "display_name": optional_text(200),
}


def _role(value: UserRole | None, field_name: str) -> UserRole:
    if value is None:
        raise InvalidInput(field_name, "is required (owner, admin or agent)")
    return UserRole(value)
