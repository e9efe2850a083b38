"""Requests to the tenant context, already parsed from the wire but not yet validated."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.shared.paging import PageQuery

from .model import OutletStatus, TenantStatus, UserRole


@dataclass(frozen=True)
class CreateTenant:
    name: str
    slug: str
    llm_tone: Mapping[str, Any] = field(default_factory=dict)
    greeting_message: str = ""
    error_message: str = ""
    contact_email: str = ""
    firebase_tenant_id: str = ""
    booking_reminder_minutes: int = 0


@dataclass(frozen=True)
class UpdateTenant:
    tenant_id: uuid.UUID
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class ListTenants:
    page: PageQuery
    status: TenantStatus | None = None


@dataclass(frozen=True)
class CreateOutlet:
    tenant_id: uuid.UUID
    name: str
    waba_phone_number_id: str
    waba_phone_number: str = ""
    waba_business_account_id: str = ""
    timezone: str = "UTC"
    latitude: float = 0.0
    longitude: float = 0.0
    delivery_radius_km: float = 0.0


@dataclass(frozen=True)
class UpdateOutlet:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class ListOutlets:
    tenant_id: uuid.UUID
    page: PageQuery
    status: OutletStatus | None = None


@dataclass(frozen=True)
class CreateUser:
    tenant_id: uuid.UUID
    firebase_uid: str
    email: str
    role: UserRole | None
    display_name: str = ""


@dataclass(frozen=True)
class UpdateUser:
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class ListUsers:
    tenant_id: uuid.UUID
    page: PageQuery
    role: UserRole | None = None
