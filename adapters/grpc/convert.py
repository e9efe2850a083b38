"""Proto <-> Python conversions every servicer needs: ids, times, structs, enums, masks."""

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from crm.common.v1 import common_pb2
from google.protobuf import json_format
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message
from google.protobuf.struct_pb2 import Struct
from google.protobuf.timestamp_pb2 import Timestamp

from core.shared.errors import InvalidInput
from core.shared.ids import parse_id
from core.shared.paging import PageQuery

E = TypeVar("E", bound=StrEnum)


def tenant_and(request: Any, field: str) -> tuple[uuid.UUID, uuid.UUID]:
    """The (tenant id, <field>) pair most requests name."""
    return parse_id(request.tenant_id, "tenant_id"), parse_id(getattr(request, field), field)


def optional_id(value: str, field: str) -> uuid.UUID | None:
    """An id filter: empty means no filter."""
    return parse_id(value, field) if value else None


def money_message(amount: Any, currency: str = "") -> common_pb2.Money:
    """A decimal amount as Money, two places; the currency where the caller knows it."""
    return common_pb2.Money(amount=f"{amount:.2f}", currency=currency)


def amount_in(money: common_pb2.Money, currency: str, field: str) -> str:
    """The amount of Money meant in the service's currency (empty reads as that currency);
    another currency is refused, never stored or compared as if it were this one."""
    if money.currency and money.currency.upper() != currency.upper():
        raise InvalidInput(f"{field}.currency", f"must be {currency}")
    return money.amount


def timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(UTC))
    return stamp


def to_datetime(message: Message, field: str) -> datetime | None:
    """A Timestamp field as an aware UTC datetime; None when unset."""
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=UTC)


def present(message: Message, field: str) -> Any:
    """A sub-message the request must carry."""
    if not message.HasField(field):
        raise InvalidInput(field, "is required")
    return getattr(message, field)


def struct(value: dict[str, Any]) -> Struct:
    message = Struct()
    message.update(value)
    return message


def from_struct(message: Struct) -> dict[str, Any]:
    return json_format.MessageToDict(message)


def enum_to_domain(message: Message, field: str, domain: type[E]) -> E | None:
    """A proto enum field as the domain enum (FOO_STATUS_ACTIVE -> "active"); None if unset."""
    descriptor = message.DESCRIPTOR.fields_by_name[field].enum_type
    number = getattr(message, field)
    if number == 0:
        return None
    if number not in descriptor.values_by_number:
        raise InvalidInput(field, f"unknown value {number}")
    name = descriptor.values_by_number[number].name
    prefix = _enum_prefix(descriptor)
    return domain(name.removeprefix(prefix).lower())


def enum_to_proto(value: StrEnum, enum_type: Any) -> int:
    """The proto enum number of a domain enum value ("active" -> FOO_STATUS_ACTIVE)."""
    return enum_type.Value(_enum_prefix(enum_type.DESCRIPTOR) + value.value.upper())


def _enum_prefix(descriptor: Any) -> str:
    return descriptor.values_by_number[0].name.removesuffix("UNSPECIFIED")


def page_query(page: Any) -> PageQuery:
    return PageQuery.of(page.page_size, page.page_token)


def changed_fields(message: Message, mask: FieldMask, readers: dict[str, Any]) -> dict[str, Any]:
    """The values an update asks for, read from `message` by each field's reader.

    With a mask, exactly the named fields (unknown names are refused). Without one, the
    fields that carry a non-default value, so a REST PATCH need not spell out a mask.
    """
    if mask.paths:
        unknown = [path for path in mask.paths if path not in readers]
        if unknown:
            raise InvalidInput("update_mask", f"cannot update {', '.join(unknown)}")
        names = list(mask.paths)
    else:
        present = {field.name for field, _ in message.ListFields()}
        names = [name for name in readers if name in present]
    if not names:
        raise InvalidInput("update_mask", "names no field to update")
    return {name: readers[name](message) for name in names}
