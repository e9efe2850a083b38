"""Every request is checked against the rules its contract declares (buf.validate) before a
handler sees it, so a number out of range or an oversized string never reaches the domain."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
import protovalidate
from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import DecodeError, Message
from google.protobuf.struct_pb2 import ListValue, Struct, Value

from core.shared.errors import InvalidInput

_FREE_JSON = (Struct.DESCRIPTOR, ListValue.DESCRIPTOR, Value.DESCRIPTOR)


def field_path(violation: protovalidate.Violation) -> str:
    """The violated field as a person reads it: `booking.party_size`, `items[2].quantity`."""
    path = ""
    for element in violation.proto.field.elements:
        path += f".{element.field_name}" if path else element.field_name
        if element.subscript is not None:  # an index into a list or a key into a map
            key = element.subscript.value
            path += f"[{key!r}]" if isinstance(key, str) else f"[{key}]"
    return path or "request"


# Rules every request keeps whatever its contract says: Postgres text holds no NUL, and free
# JSON (google.protobuf.Struct: metadata, tone) is bounded in depth and size.
MAX_STRUCT_DEPTH = 10
MAX_STRUCT_BYTES = 64 * 1024


def _walk(message: Message, path: str) -> None:
    for field, value in message.ListFields():
        where = f"{path}.{field.name}" if path else field.name
        parts = value if field.is_repeated else (value,)
        if field.message_type in _FREE_JSON:
            for part in parts:
                _free_json(part, where)
        elif field.type == FieldDescriptor.TYPE_STRING:
            if any("\x00" in text for text in parts):
                raise InvalidInput(where, "must not contain a NUL character")
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.message_type.GetOptions().map_entry:
                parts = (
                    value.values()
                    if field.message_type.fields_by_name["value"].message_type
                    else ()
                )
            for part in parts:
                _walk(part, where)


def _free_json(part: Message, where: str) -> None:
    if part.ByteSize() > MAX_STRUCT_BYTES:
        raise InvalidInput(where, f"must be at most {MAX_STRUCT_BYTES // 1024} KiB of JSON")
    # Walked without recursion: the nesting is the caller's to choose.
    stack = [(json_format.MessageToDict(part), 1)]
    while stack:
        node, level = stack.pop()
        if level > MAX_STRUCT_DEPTH:
            raise InvalidInput(where, f"must nest at most {MAX_STRUCT_DEPTH} levels")
        children = list(node.values()) if isinstance(node, dict) else node
        texts = [*node, *children] if isinstance(node, dict) else children
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise InvalidInput(where, "must not contain a NUL character")
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))


def check(validator: protovalidate.Validator, request: Any) -> None:
    """InvalidInput naming the first violated field, with every violation in the message."""
    _walk(request, "")
    violations = validator.collect_violations(request)
    if not violations:
        return
    first, *others = violations
    problems = "; ".join(f"{field_path(v)}: {v.proto.message}" for v in others if v.proto.message)
    message = first.proto.message or first.proto.rule_id
    raise InvalidInput(field_path(first), message + (f" (also {problems})" if problems else ""))


class ValidationInterceptor(grpc.aio.ServerInterceptor):
    """INVALID_ARGUMENT naming the field for a request that breaks its contract's rules."""

    def __init__(self) -> None:
        self._validator = protovalidate.Validator()

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = await continuation(details)
        if handler is None or handler.unary_unary is None:
            return handler
        behaviour, parse = handler.unary_unary, handler.request_deserializer

        async def checked(request: Any, context: grpc.aio.ServicerContext) -> Any:
            if isinstance(request, Unreadable):
                raise InvalidInput("request", f"cannot be read: {request.reason}")
            check(self._validator, request)
            return await behaviour(request, context)

        return grpc.unary_unary_rpc_method_handler(
            checked,
            request_deserializer=lambda data: readable(parse, data),
            response_serializer=handler.response_serializer,
        )


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A request body protobuf could not parse (JSON nested past its limit, broken bytes)."""

    reason: str


def readable(parse: Callable[[bytes], Any] | None, data: bytes) -> Any:
    """The parsed request, or Unreadable: a parse failure is the caller's fault, INVALID_ARGUMENT
    with a reason, where gRPC itself would answer INTERNAL."""
    if parse is None:
        return data
    try:
        return parse(data)
    except DecodeError as error:
        return Unreadable(str(error))
