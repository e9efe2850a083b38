"""google.api.http rules as OpenAPI operations: path, query and body, as the transcoder binds them.

A path variable binds a request field; with `body: "*"` every other field is in the body; with
`body: "field"` that field is the body and the rest are query parameters; without a body every
field not in the path is a query parameter (nested messages as dotted names, e.g.
`page.page_size`). A field bound by the path may not appear in the body: the gateway refuses the
collision, so the body schemas leave those fields out.
"""

import re
from dataclasses import dataclass
from typing import Any

from google.api import annotations_pb2, http_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor

from .schemas import REF, WELL_KNOWN, Schemas

Schema = dict[str, Any]
HTTP_BODY = "google.api.HttpBody"
VARIABLE = re.compile(r"\{([a-z0-9_.]+)(?:=\*)?\}")
# Messages that have a query-string form: a single value, like a scalar.
QUERYABLE = {
    "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask",
    "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int32Value",
    "google.protobuf.UInt32Value", "google.protobuf.Int64Value", "google.protobuf.UInt64Value",
    "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue",
}  # fmt: skip


@dataclass(frozen=True)
class Binding:
    """One HTTP binding of an RPC: verb, path template and body field."""

    verb: str
    template: str
    body: str

    @classmethod
    def of(cls, rule: http_pb2.HttpRule) -> "Binding":
        kind = rule.WhichOneof("pattern")
        if kind == "custom":
            return cls(rule.custom.kind.lower(), rule.custom.path, rule.body)
        return cls(kind, getattr(rule, kind), rule.body)

    @property
    def variables(self) -> list[str]:
        """The field paths the path binds, e.g. ["resource.tenant_id", "resource.id"]."""
        if "{" in VARIABLE.sub("", self.template):
            raise ValueError(f"{self.template}: only single-segment variables are supported")
        return VARIABLE.findall(self.template)


def bindings(method: MethodDescriptor) -> list[Binding]:
    options = method.GetOptions()
    if not options.HasExtension(annotations_pb2.http):
        return []
    rule = options.Extensions[annotations_pb2.http]
    return [Binding.of(r) for r in (rule, *rule.additional_bindings)]


def parameter_name(field_path: str) -> str:
    """`resource.tenant_id` -> `tenant_id`; `resource.id` -> `resource_id`."""
    *parents, last = field_path.split(".")
    return f"{parents[-1]}_id" if last == "id" and parents else last


def openapi_path(binding: Binding) -> str:
    names = [parameter_name(v) for v in binding.variables]
    if len(set(names)) != len(names):
        raise ValueError(f"{binding.template}: two path variables would share a name")
    return VARIABLE.sub(lambda m: "{" + parameter_name(m.group(1)) + "}", binding.template)


def field_at(message: Descriptor, path: str) -> FieldDescriptor:
    *parents, last = path.split(".")
    for name in parents:
        message = message.fields_by_name[name].message_type
    return message.fields_by_name[last]


class Operations:
    """Builds the operations of RPCs, adding the schemas they use to `schemas`."""

    def __init__(self, schemas: Schemas) -> None:
        self.schemas = schemas

    def parameters(self, method: MethodDescriptor, binding: Binding) -> list[Schema]:
        request = method.input_type
        found = [
            self.parameter(field_at(request, variable), parameter_name(variable), "path")
            for variable in binding.variables
        ]
        if binding.body == "*" or request.full_name == HTTP_BODY:
            return found
        skip = set(binding.variables) | {binding.body}
        found += self.query_parameters(request, "", skip, depth=0)
        return found

    def parameter(self, field: FieldDescriptor, name: str, where: str) -> Schema:
        schema = self.schemas.field_schema(field, "request")
        description = schema.pop("description", "")
        parameter = {"name": name, "in": where, "schema": schema}
        if where == "path":
            parameter["required"] = True
        if description:
            parameter["description"] = description
        return parameter

    def query_parameters(
        self, message: Descriptor, prefix: str, skip: set[str], depth: int
    ) -> list[Schema]:
        found: list[Schema] = []
        for field in self.schemas.fields_of(message, "request"):
            path = prefix + field.name
            if path in skip:
                continue
            nested = field.message_type
            if nested is None or nested.full_name in QUERYABLE:
                found.append(self.parameter(field, path, "query"))
            elif not field.is_repeated and nested.full_name not in WELL_KNOWN and depth < 3:
                found += self.query_parameters(nested, path + ".", skip, depth + 1)
        return found

    def request_body(self, method: MethodDescriptor, binding: Binding) -> Schema | None:
        request = method.input_type
        if request.full_name == HTTP_BODY:
            return {"required": True, "content": {"application/json": {"schema": {}}}}
        if not binding.body:
            return None
        if binding.body == "*":
            schema = self.body_schema(request, binding.variables)
        else:
            field = request.fields_by_name[binding.body]
            inner = [v.removeprefix(binding.body + ".") for v in binding.variables]
            bound = [v for v, full in zip(inner, binding.variables, strict=True) if v != full]
            # An update names what it sets in update_mask: no field of the body is required.
            partial = any(
                f.message_type and f.message_type.full_name == "google.protobuf.FieldMask"
                for f in request.fields
            )
            schema = self.body_schema(field.message_type, bound, partial)
        return {"required": True, "content": {"application/json": {"schema": schema}}}

    def body_schema(self, message: Descriptor, bound: list[str], partial: bool = False) -> Schema:
        """The message's request schema without the fields the path binds."""
        ref = self.schemas.message_ref(message, "request")
        if "$ref" not in ref or not (bound or partial):
            return ref
        schema = dict(self.schemas.components[ref["$ref"].removeprefix(REF)])
        properties = dict(schema["properties"])
        for name in {path.split(".")[0] for path in bound}:
            deeper = [p.split(".", 1)[1] for p in bound if p.startswith(name + ".")]
            if deeper:
                nested = message.fields_by_name[name].message_type
                properties[name] = self.body_schema(nested, deeper)
            else:
                properties.pop(name, None)
        schema["properties"] = properties
        required = [n for n in schema.pop("required", []) if n not in bound]
        if required and not partial:
            schema["required"] = required
        return schema

    def response(self, method: MethodDescriptor) -> Schema:
        if method.output_type.full_name == HTTP_BODY:
            return {
                "description": "The body as the service made it.",
                "content": {"*/*": {"schema": {}}},
            }
        schema = self.schemas.message_ref(method.output_type, "response")
        return {"description": "OK", "content": {"application/json": {"schema": schema}}}
