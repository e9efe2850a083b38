"""Every request is checked against the rules its contract declares (buf.validate) before a
handler sees it, so a number out of range or an oversized string never reaches the domain."""

from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import protovalidate

from core.shared.errors import InvalidInput


def field_path(violation: protovalidate.Violation) -> str:
    """The violated field as a person reads it: `booking.party_size`, `items[2].quantity`."""
    path = ""
    for element in violation.proto.field.elements:
        path += f".{element.field_name}" if path else element.field_name
        if element.subscript is not None:  # an index into a list or a key into a map
            key = element.subscript.value
            path += f"[{key!r}]" if isinstance(key, str) else f"[{key}]"
    return path or "request"


def check(validator: protovalidate.Validator, request: Any) -> None:
    """InvalidInput naming the first violated field, with every violation in the message."""
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
        behaviour = handler.unary_unary

        async def checked(request: Any, context: grpc.aio.ServicerContext) -> Any:
            check(self._validator, request)
            return await behaviour(request, context)

        return grpc.unary_unary_rpc_method_handler(
            checked,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
