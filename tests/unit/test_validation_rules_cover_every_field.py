"""Every field a caller can send carries a buf.validate rule, or a written reason why it needs
none: a contract whose new field has no bound fails here, before an oversized value reaches
a handler or a column."""

from buf.validate import validate_pb2
from google.api import field_behavior_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor

from services.catalog import SERVICES

_FREE_JSON = "google.protobuf.Struct"

# Fields without a rule of their own, each with the reason it needs none.
_PER_EVENT = (
    "checked per event by ingestion (core.analytics.ingestion.validate): one bad event of a "
    "batch is rejected by its index, where a contract rule would refuse the whole batch"
)
REASONS = {
    "crm.analytics.v1.Event.event_id": _PER_EVENT,
    "crm.analytics.v1.Event.event_type": _PER_EVENT,
    "crm.analytics.v1.Event.occurred_at": _PER_EVENT,
    "crm.analytics.v1.Event.value": _PER_EVENT,
}


def _output_only(field: FieldDescriptor) -> bool:
    behaviours = field.GetOptions().Extensions[field_behavior_pb2.field_behavior]
    return field_behavior_pb2.OUTPUT_ONLY in behaviours


def _needs_no_rule(field: FieldDescriptor) -> str:
    """Why a field needs no rule of its own, by its kind; empty when it does need one."""
    if field.type == FieldDescriptor.TYPE_BOOL and not field.is_repeated:
        return "every value of a bool is valid"
    if field.message_type is not None and field.message_type.full_name == _FREE_JSON:
        return "free JSON: depth, size and NUL are checked for every request by the interceptor"
    if _output_only(field) and field.name != "id":
        # An id is read back from the request by updates (`patch .../{tenant.id}`), so it
        # keeps a rule; the rest of an output-only field is dropped by the servicers.
        return "output-only: the servicer never reads it from a request"
    if _nested_one(field):
        return "a single crm.* message: its own fields carry the rules"
    return REASONS.get(field.full_name, "")


def _nested_one(field: FieldDescriptor) -> bool:
    return (
        field.message_type is not None
        and field.message_type.full_name.startswith("crm.")
        and not field.is_repeated
    )


def request_types() -> list[Descriptor]:
    """The input message of every method of every service that is one of ours."""
    inputs = (
        method.input_type for spec in SERVICES.values() for method in spec.descriptor().methods
    )
    return [message for message in inputs if message.full_name.startswith("crm.")]


def reachable(roots: list[Descriptor]) -> list[Descriptor]:
    """The request messages and every crm.* message inside them, each once."""
    seen: dict[str, Descriptor] = {}
    stack = list(roots)
    while stack:
        message = stack.pop()
        if message.full_name in seen:
            continue
        seen[message.full_name] = message
        for field in message.fields:
            inner = field.message_type
            if inner is not None and inner.GetOptions().map_entry:
                inner = inner.fields_by_name["value"].message_type
            if inner is not None and inner.full_name.startswith("crm."):
                stack.append(inner)
    return sorted(seen.values(), key=lambda message: message.full_name)


def has_rule(field: FieldDescriptor) -> bool:
    return field.GetOptions().HasExtension(validate_pb2.field)


def unruled() -> list[str]:
    return [
        field.full_name
        for message in reachable(request_types())
        for field in message.fields
        if not has_rule(field) and not _needs_no_rule(field)
    ]


def test_every_request_field_has_a_rule_or_a_written_reason():
    missing = unruled()
    assert not missing, f"{len(missing)} fields have no buf.validate rule:\n" + "\n".join(missing)


def test_every_written_reason_is_still_needed():
    fields = {f.full_name: f for m in reachable(request_types()) for f in m.fields}
    stale = [name for name in REASONS if name not in fields or has_rule(fields[name])]
    assert not stale, f"reasons for fields that have a rule or are gone: {stale}"


def test_the_walk_reaches_nested_messages():
    names = {message.full_name for message in reachable(request_types())}
    assert {"crm.order.v1.OrderItem", "crm.common.v1.Money", "crm.common.v1.PageRequest"} <= names
