"""Requests to the booking context, already parsed from the wire but not yet validated."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.shared.paging import PageQuery

from .model import BookingStatus, ResourceStatus, ResourceType
from .venue import Period


@dataclass(frozen=True)
class CreateResource:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class UpdateResource:
    tenant_id: uuid.UUID
    resource_id: uuid.UUID
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class ListResources:
    tenant_id: uuid.UUID
    page: PageQuery
    outlet_id: uuid.UUID | None = None
    type: ResourceType | None = None
    status: ResourceStatus | None = None


@dataclass(frozen=True)
class SetOpeningHours:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    periods: tuple[Period, ...]
    closed_dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class CreateBooking:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    customer_phone: str
    booking_date: date
    start: int
    end: int | None = None  # None: the resource type's default duration
    resource_id: uuid.UUID | None = None  # None: the smallest free resource that fits
    party_size: int = 1
    resource_type: ResourceType | None = None
    customer_name: str = ""
    conversation_id: uuid.UUID | None = None
    notes: str = ""
    confirmed: bool = False  # the agent books after the customer's "yes"


@dataclass(frozen=True)
class RescheduleBooking:
    tenant_id: uuid.UUID
    booking_id: uuid.UUID
    booking_date: date
    start: int
    end: int | None = None  # None: keep the duration
    resource_id: uuid.UUID | None = None  # None: keep the resource if free, else another


@dataclass(frozen=True)
class CancelBooking:
    tenant_id: uuid.UUID
    booking_id: uuid.UUID
    reason: str = ""


@dataclass(frozen=True)
class ListBookings:
    tenant_id: uuid.UUID
    page: PageQuery
    outlet_id: uuid.UUID | None = None
    resource_id: uuid.UUID | None = None
    customer_phone: str = ""
    conversation_id: uuid.UUID | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: BookingStatus | None = None
