"""Tenant context entities <-> crm.tenant.v1 messages."""

from typing import Any

from crm.tenant.v1 import tenant_pb2 as pb

from core.tenant import commands as c
from core.tenant.model import Outlet, Tenant, User, UserRole

from .convert import enum_to_domain, enum_to_proto, from_struct, struct, timestamp


def tenant_message(tenant: Tenant) -> pb.Tenant:
    return pb.Tenant(
        id=str(tenant.id),
        name=tenant.name,
        slug=tenant.slug,
        status=enum_to_proto(tenant.status, pb.TenantStatus),
        llm_tone=struct(tenant.llm_tone),
        greeting_message=tenant.greeting_message,
        error_message=tenant.error_message,
        contact_email=tenant.contact_email,
        firebase_tenant_id=tenant.firebase_tenant_id or "",
        booking_reminder_minutes=tenant.booking_reminder_minutes,
        create_time=timestamp(tenant.created_at),
        update_time=timestamp(tenant.updated_at),
    )


def outlet_message(outlet: Outlet) -> pb.Outlet:
    return pb.Outlet(
        id=str(outlet.id),
        tenant_id=str(outlet.tenant_id),
        name=outlet.name,
        waba_phone_number=outlet.waba_phone_number,
        waba_phone_number_id=outlet.waba_phone_number_id,
        waba_business_account_id=outlet.waba_business_account_id,
        status=enum_to_proto(outlet.status, pb.OutletStatus),
        timezone=outlet.timezone,
        latitude=outlet.latitude,
        longitude=outlet.longitude,
        delivery_radius_km=outlet.delivery_radius_km,
        create_time=timestamp(outlet.created_at),
        update_time=timestamp(outlet.updated_at),
    )


def user_message(user: User) -> pb.User:
    return pb.User(
        id=str(user.id),
        tenant_id=str(user.tenant_id),
        firebase_uid=user.firebase_uid,
        email=user.email,
        role=enum_to_proto(user.role, pb.UserRole),
        display_name=user.display_name,
        status=enum_to_proto(user.status, pb.UserStatus),
        create_time=timestamp(user.created_at),
        update_time=timestamp(user.updated_at),
    )


def _text(name: str):
    return lambda message: getattr(message, name)


# How each writable field is read from its message, for creates and masked updates alike.
TENANT_READERS: dict[str, Any] = {
    **{name: _text(name) for name in c.CreateTenant.__dataclass_fields__ if name != "llm_tone"},
    "llm_tone": lambda m: from_struct(m.llm_tone),
}
OUTLET_READERS: dict[str, Any] = {
    name: _text(name) for name in c.CreateOutlet.__dataclass_fields__ if name != "tenant_id"
}
USER_READERS: dict[str, Any] = {
    **{name: _text(name) for name in ("firebase_uid", "email", "display_name")},
    "role": lambda m: enum_to_domain(m, "role", UserRole),
}


def read_all(message: Any, readers: dict[str, Any]) -> dict[str, Any]:
    return {name: read(message) for name, read in readers.items()}
