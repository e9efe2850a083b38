"""JSON Schemas of messages and enums, as the gateway's transcoder reads and writes them.

Field names are the proto names (the gateway prints them so: preserve_proto_field_names), enums
are their value names, 64-bit integers are strings on the way out (proto3 JSON), and the
well-known types have their proto3 JSON forms. Each message has two schemas: the response form,
which says what may come back (default values are left out, so nothing is required), and the
request form (`...Input`), which leaves out OUTPUT_ONLY fields and carries the REQUIRED marks and
the buf.validate rules.
"""

from typing import Any, Literal

from google.api import field_behavior_pb2
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor

from . import validation
from .contracts import Contracts

Schema = dict[str, Any]
Direction = Literal["request", "response"]
REF = "#/components/schemas/"

INT64_PATTERN = "^-?[0-9]+$"
WELL_KNOWN: dict[str, Schema] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,9})?s$"},
    "google.protobuf.Struct": {"type": "object"},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array"},
    "google.protobuf.Empty": {"type": "object"},
    "google.protobuf.FieldMask": {
        "type": "string",
        "description": "Comma-separated field paths, e.g. `name,status`.",
    },
    "google.protobuf.Any": {
        "type": "object",
        "properties": {"@type": {"type": "string"}},
        "required": ["@type"],
    },
    "google.protobuf.DoubleValue": {"type": "number"},
    "google.protobuf.FloatValue": {"type": "number"},
    "google.protobuf.Int32Value": {"type": "integer", "format": "int32"},
    "google.protobuf.UInt32Value": {"type": "integer", "format": "int32", "minimum": 0},
    "google.protobuf.BoolValue": {"type": "boolean"},
    "google.protobuf.StringValue": {"type": "string"},
    "google.protobuf.BytesValue": {"type": "string", "contentEncoding": "base64"},
}
INT64_WRAPPERS = ("google.protobuf.Int64Value", "google.protobuf.UInt64Value")

T = FieldDescriptor
FLOATS = {T.TYPE_DOUBLE: "double", T.TYPE_FLOAT: "float"}
INT32S = {T.TYPE_INT32, T.TYPE_SINT32, T.TYPE_SFIXED32}
UINT32S = {T.TYPE_UINT32, T.TYPE_FIXED32}
INT64S = {T.TYPE_INT64, T.TYPE_SINT64, T.TYPE_SFIXED64}
UINT64S = {T.TYPE_UINT64, T.TYPE_FIXED64}


def behaviours(field: FieldDescriptor) -> set[int]:
    return set(field.GetOptions().Extensions[field_behavior_pb2.field_behavior])


def is_output_only(field: FieldDescriptor) -> bool:
    return field_behavior_pb2.OUTPUT_ONLY in behaviours(field)


def is_required(field: FieldDescriptor) -> bool:
    return field_behavior_pb2.REQUIRED in behaviours(field) or validation.is_required(field)


def int64_schema(direction: Direction, unsigned: bool) -> Schema:
    """Printed as a decimal string; read from a string or a number."""
    if direction == "response":
        return {"type": "string", "format": "int64", "pattern": INT64_PATTERN}
    return {"type": "integer", "format": "int64"} | ({"minimum": 0} if unsigned else {})


def _with_description(schema: Schema, description: str) -> Schema:
    return schema | {"description": description} if description else schema


class Schemas:
    """The components an API reaches, each made once on first use."""

    def __init__(self, contracts: Contracts) -> None:
        self.contracts = contracts
        self.components: dict[str, Schema] = {}

    def message_ref(self, message: Descriptor, direction: Direction) -> Schema:
        if message.full_name in WELL_KNOWN:
            return dict(WELL_KNOWN[message.full_name])
        if message.full_name in INT64_WRAPPERS:
            return int64_schema(direction, unsigned="UInt" in message.name)
        name = message.full_name + ("Input" if direction == "request" else "")
        if name not in self.components:
            self.components[name] = {}  # reserved first: messages may refer to themselves
            self.components[name] = self.message_schema(message, direction)
        return {"$ref": REF + name}

    def enum_ref(self, enum: EnumDescriptor) -> Schema:
        if enum.full_name == "google.protobuf.NullValue":
            return {"type": "null"}
        if enum.full_name not in self.components:
            self.components[enum.full_name] = self.enum_schema(enum)
        return {"$ref": REF + enum.full_name}

    def enum_schema(self, enum: EnumDescriptor) -> Schema:
        described = [
            f"- `{value.name}`: {comment}"
            for value in enum.values
            if (comment := self.contracts.comment(f"{enum.full_name}.{value.name}"))
        ]
        description = "\n".join(filter(None, [self.contracts.comment(enum.full_name), *described]))
        schema = {"type": "string", "enum": [value.name for value in enum.values]}
        return _with_description(schema, description)

    def message_schema(self, message: Descriptor, direction: Direction) -> Schema:
        fields = self.fields_of(message, direction)
        schema: Schema = {"type": "object", "properties": {}}
        for field in fields:
            schema["properties"][field.name] = self.field_schema(field, direction)
        required = [f.name for f in fields if direction == "request" and is_required(f)]
        if required:
            schema["required"] = required
        return _with_description(schema, self.contracts.comment(message.full_name))

    def fields_of(self, message: Descriptor, direction: Direction) -> list[FieldDescriptor]:
        if direction == "response":
            return list(message.fields)
        return [field for field in message.fields if not is_output_only(field)]

    def field_schema(self, field: FieldDescriptor, direction: Direction) -> Schema:
        """A field's schema: its value, repeated or as a map, with rules and comment."""
        rules = validation.keywords(field) if direction == "request" else {}
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            schema = {
                "type": "object",
                "additionalProperties": self.value_schema(value_field, direction),
            }
        elif field.is_repeated:
            items = self.value_schema(field, direction) | rules.pop("items", {})
            schema = {"type": "array", "items": items}
        else:
            schema = self.value_schema(field, direction)
        schema |= rules
        return _with_description(schema, self.contracts.comment(field.full_name))

    def value_schema(self, field: FieldDescriptor, direction: Direction) -> Schema:
        """The schema of one value of the field (an item, for a repeated field)."""
        kind = field.type
        if kind == T.TYPE_MESSAGE:
            return self.message_ref(field.message_type, direction)
        if kind == T.TYPE_ENUM:
            names = [value.name for value in field.enum_type.values]
            allowed = (
                validation.allowed_enum_values(field, names) if direction == "request" else names
            )
            ref = self.enum_ref(field.enum_type)
            return ref if allowed == names else {"type": "string", "enum": allowed}
        if kind in FLOATS:
            return {"type": "number", "format": FLOATS[kind]}
        if kind in INT32S:
            return {"type": "integer", "format": "int32"}
        if kind in UINT32S:
            return {"type": "integer", "format": "int32", "minimum": 0}
        if kind in INT64S or kind in UINT64S:
            return int64_schema(direction, unsigned=kind in UINT64S)
        if kind == T.TYPE_BOOL:
            return {"type": "boolean"}
        if kind == T.TYPE_BYTES:
            return {"type": "string", "contentEncoding": "base64"}
        return {"type": "string"}
