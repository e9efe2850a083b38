"""buf.validate field rules as the JSON Schema keywords they map onto; the rest stay unsaid.

The services enforce every rule (protovalidate); the description carries the ones a client can
check before sending: bounds, lengths, patterns, formats, sets of values and required fields.
"""

from typing import Any

from buf.validate import validate_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

Schema = dict[str, Any]

NUMBER_KINDS = (
    "float", "double", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
    "fixed32", "fixed64", "sfixed32", "sfixed64",
)  # fmt: skip
NUMBER_KEYWORDS = {
    "const": "const",
    "gt": "exclusiveMinimum",
    "gte": "minimum",
    "lt": "exclusiveMaximum",
    "lte": "maximum",
}
STRING_KEYWORDS = {
    "const": "const",
    "min_len": "minLength",
    "max_len": "maxLength",
    "pattern": "pattern",
}
STRING_FORMATS = ("uuid", "email", "uri", "hostname")
REPEATED_KEYWORDS = {"min_items": "minItems", "max_items": "maxItems", "unique": "uniqueItems"}
MAP_KEYWORDS = {"min_pairs": "minProperties", "max_pairs": "maxProperties"}


def rules_of(field: FieldDescriptor) -> validate_pb2.FieldRules | None:
    options = field.GetOptions()
    if not options.HasExtension(validate_pb2.field):
        return None
    return options.Extensions[validate_pb2.field]


def is_required(field: FieldDescriptor) -> bool:
    rules = rules_of(field)
    return bool(rules and rules.required)


def _set_keywords(rules: Message, keywords: dict[str, str]) -> Schema:
    return {
        keyword: getattr(rules, name) for name, keyword in keywords.items() if rules.HasField(name)
    }


def scalar_keywords(rules: validate_pb2.FieldRules) -> Schema:
    """Keywords for one value (a scalar field, or the items of a repeated one)."""
    kind = rules.WhichOneof("type")
    if kind in NUMBER_KINDS:
        numbers = getattr(rules, kind)
        schema = _set_keywords(numbers, NUMBER_KEYWORDS)
        if getattr(numbers, "in"):
            schema["enum"] = list(getattr(numbers, "in"))
        return schema
    if kind == "string":
        strings = rules.string
        schema = _set_keywords(strings, STRING_KEYWORDS)
        if strings.HasField("len"):
            schema["minLength"] = schema["maxLength"] = strings.len
        if getattr(strings, "in"):
            schema["enum"] = list(getattr(strings, "in"))
        if (well_known := strings.WhichOneof("well_known")) in STRING_FORMATS:
            schema["format"] = well_known
        return schema
    return {}


def keywords(field: FieldDescriptor) -> Schema:
    """The JSON Schema keywords for a field's own rules (items of a repeated field included)."""
    rules = rules_of(field)
    if rules is None:
        return {}
    kind = rules.WhichOneof("type")
    if kind == "repeated":
        schema = _set_keywords(rules.repeated, REPEATED_KEYWORDS)
        if rules.repeated.HasField("items"):
            schema["items"] = scalar_keywords(rules.repeated.items)
        return schema
    if kind == "map":
        return _set_keywords(rules.map, MAP_KEYWORDS)
    return scalar_keywords(rules)


def allowed_enum_values(field: FieldDescriptor, names: list[str]) -> list[str]:
    """The enum names a field accepts under its `in` / `not_in` rules."""
    rules = rules_of(field)
    if rules is None or rules.WhichOneof("type") != "enum":
        return names
    numbers = {value.name: value.number for value in field.enum_type.values}
    allowed = set(getattr(rules.enum, "in")) or set(numbers.values())
    allowed -= set(rules.enum.not_in)
    return [name for name in names if numbers[name] in allowed]
