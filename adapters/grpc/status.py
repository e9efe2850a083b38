"""The one table from domain errors to gRPC status codes, applied by an interceptor."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from core.billing.limits import QuotaExceeded
from core.messaging.errors import SignatureMismatch, SignatureMissing
from core.messaging.subscription import VerificationRefused
from core.shared.errors import (
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unavailable,
)

log = logging.getLogger(__name__)

STATUS_OF: dict[type[DomainError], grpc.StatusCode] = {
    InvalidInput: grpc.StatusCode.INVALID_ARGUMENT,
    NotFound: grpc.StatusCode.NOT_FOUND,
    AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    Unavailable: grpc.StatusCode.UNAVAILABLE,
    PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    QuotaExceeded: grpc.StatusCode.RESOURCE_EXHAUSTED,
    SignatureMissing: grpc.StatusCode.UNAUTHENTICATED,
    SignatureMismatch: grpc.StatusCode.PERMISSION_DENIED,
    VerificationRefused: grpc.StatusCode.PERMISSION_DENIED,
}
# What a peer's status means to the caller; anything else is a fault of the peer.
ERROR_OF: dict[grpc.StatusCode, type[DomainError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidInput,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
}


def status_for(error: DomainError) -> grpc.StatusCode:
    for kind in type(error).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return grpc.StatusCode.FAILED_PRECONDITION


def error_from(rpc_error: grpc.aio.AioRpcError) -> DomainError:
    """A peer's refusal as the domain error it stands for; transport trouble is Unavailable."""
    kind = ERROR_OF.get(rpc_error.code(), Unavailable)
    error = kind.__new__(kind)
    DomainError.__init__(error, rpc_error.details() or rpc_error.code().name)
    return error


class DomainErrorInterceptor(grpc.aio.ServerInterceptor):
    """Domain errors become their status with the domain's message; anything else becomes
    INTERNAL with a generic message, and the details go to the log, not to the caller."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        if handler is None or handler.unary_unary is None:
            return handler
        behaviour = handler.unary_unary
        method = details.method

        async def guarded(request: Any, context: grpc.aio.ServicerContext) -> Any:
            try:
                return await behaviour(request, context)
            except DomainError as error:
                await context.abort(status_for(error), error.message)
            except grpc.aio.AbortError:
                raise
            except NotImplementedError:
                # The generated base servicer's answer for an RPC not built yet.
                await context.abort(
                    grpc.StatusCode.UNIMPLEMENTED, f"{method} is not implemented yet"
                )
            except Exception:
                log.exception("unhandled error in %s", method)
                await context.abort(grpc.StatusCode.INTERNAL, "internal error; see server logs")

        return grpc.unary_unary_rpc_method_handler(
            guarded,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
