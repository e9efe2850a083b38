"""Which tenants a request names: every `tenant_id` field, at the top or in nested messages
(`outlet.tenant_id`, `events[].tenant_id`), and the `id` of a Tenant message (UpdateTenant).

Where each request type keeps them is worked out once per type from its descriptor.
"""

from dataclasses import dataclass
from functools import cache

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

TENANT_FIELD = "tenant_id"
TENANT_MESSAGE = "crm.tenant.v1.Tenant"


@dataclass(frozen=True, slots=True)
class _Nested:
    field: str
    repeated: bool
    plan: tuple["_Step", ...]


_Step = str | _Nested  # a string names a tenant field of the message itself


def addressed_tenants(request: Message, default: str = "") -> set[str]:
    """The tenant ids the request names. With a default, each empty tenant field of the request
    and of the nested messages it sets is filled with it first (the caller's own tenant)."""
    found: set[str] = set()
    _walk(request, _plan(request.DESCRIPTOR), default, found)
    return found


def _walk(message: Message, plan: tuple[_Step, ...], default: str, found: set[str]) -> None:
    for step in plan:
        if isinstance(step, str):
            if default and not getattr(message, step):
                setattr(message, step, default)
            if value := getattr(message, step):
                found.add(value)
        elif step.repeated:
            for item in getattr(message, step.field):
                _walk(item, step.plan, default, found)
        elif message.HasField(step.field):
            _walk(getattr(message, step.field), step.plan, default, found)


@cache
def _plan(descriptor: Descriptor, seen: frozenset[str] = frozenset()) -> tuple[_Step, ...]:
    if descriptor.full_name in seen:  # a recursive type: its fields are walked already
        return ()
    seen = seen | {descriptor.full_name}
    steps: list[_Step] = []
    for field in descriptor.fields:
        if field.type == FieldDescriptor.TYPE_STRING and not field.is_repeated:
            if field.name == TENANT_FIELD or (
                descriptor.full_name == TENANT_MESSAGE and field.name == "id"
            ):
                steps.append(field.name)
        elif field.type == FieldDescriptor.TYPE_MESSAGE and _ours(field.message_type):
            if field.message_type.GetOptions().map_entry:
                continue
            if nested := _plan(field.message_type, seen):
                steps.append(_Nested(field.name, field.is_repeated, nested))
    return tuple(steps)


def _ours(descriptor: Descriptor) -> bool:
    """Only the mesh's own messages name tenants (not Struct, Timestamp, HttpBody, ...)."""
    return descriptor.full_name.startswith("crm.")
