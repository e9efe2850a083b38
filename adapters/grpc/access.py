"""Who may call what, enforced for every RPC in one place and driven by the permission table.

For each call: find the caller (a gateway-verified token, else a peer's scope metadata), each
honoured only from the mesh members that may send it; check their role against the table,
check that every tenant the request names is theirs, and run the handler inside that scope so
the database and further peer calls see it.
"""

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import grpc

from core.shared.scope import Scope, entering

from .addressed import addressed_tenants
from .identity import PAYLOAD_HEADER, Claims, MalformedClaims, StaffMember, claims_from
from .permissions import OPERATOR, PUBLIC, Roles, roles_for
from .scope_metadata import MalformedScope, incoming
from .service_identity import PeerPolicy, peer_members

log = logging.getLogger(__name__)


class UserDirectory(Protocol):
    async def member(self, uid: str) -> StaffMember | None: ...


class NoUsers:
    """The directory of a server that only peers call (a benchmark, a test): nobody signs in."""

    async def member(self, uid: str) -> StaffMember | None:
        return None


class Refused(Exception):
    """The call is refused with this status; the message names what was missing."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class AccessInterceptor(grpc.aio.ServerInterceptor):
    """Admits each unary call as its caller's scope, or aborts it: UNAUTHENTICATED without an
    identity, PERMISSION_DENIED for a role the table leaves out, NOT_FOUND for another tenant.
    Public RPCs (the webhook, health, reflection) pass untouched and run in no scope."""

    def __init__(self, users: UserDirectory, peers: PeerPolicy) -> None:
        self._users = users
        self._peers = peers

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = await continuation(details)
        roles = roles_for(details.method)
        if handler is None or roles == PUBLIC:
            return handler
        if handler.unary_unary is None:  # only public RPCs stream; anything else is unknown
            return None
        behaviour, method = handler.unary_unary, details.method

        async def guarded(request: Any, context: grpc.aio.ServicerContext) -> Any:
            try:
                scope = await self.admit(
                    method,
                    roles,
                    request,
                    dict(context.invocation_metadata()),
                    peer_members(context),
                )
            except Refused as refused:
                await context.abort(refused.code, refused.message)
            with entering(scope):
                return await behaviour(request, context)

        return grpc.unary_unary_rpc_method_handler(
            guarded,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )

    async def admit(
        self,
        method: str,
        roles: Roles | None,
        request: Any,
        metadata: Mapping[str, str],
        peers: frozenset[str],
    ) -> Scope:
        """The scope the handler runs in; Refused when the caller may not make this call."""
        caller = await self._caller(metadata, peers, method)
        if roles is None or caller.role not in roles:
            raise Refused(
                grpc.StatusCode.PERMISSION_DENIED, f"role {caller.role} may not call {method}"
            )
        return _narrowed(caller, addressed_tenants(request, str(caller.tenant_id or "")))

    async def _caller(
        self, metadata: Mapping[str, str], peers: frozenset[str], method: str
    ) -> Scope:
        payload = metadata.get(PAYLOAD_HEADER)
        try:
            if payload is not None:  # through the gateway: peer scope metadata never counts
                if not self._peers.forwards_users(peers):
                    raise Refused(
                        grpc.StatusCode.PERMISSION_DENIED,
                        f"{_named(peers)} may not forward a user's token: only the gateway may",
                    )
                return await self._signed_in(claims_from(payload))
            peer = incoming(metadata)
        except (MalformedClaims, MalformedScope) as malformed:
            raise Refused(grpc.StatusCode.UNAUTHENTICATED, str(malformed)) from None
        if peer is None:
            raise Refused(
                grpc.StatusCode.UNAUTHENTICATED,
                "sign in: send a Firebase ID token as `Authorization: Bearer <token>`",
            )
        service, rpc = _service_and_rpc(method)
        if not self._peers.sends_scope(peers, service, rpc):
            raise Refused(
                grpc.StatusCode.PERMISSION_DENIED, f"{_named(peers)} does not make {method}"
            )
        return peer

    async def _signed_in(self, claims: Claims) -> Scope:
        if claims.operator:
            if claims.firebase_tenant:  # operators sign in to the project, not to a business
                raise Refused(
                    grpc.StatusCode.PERMISSION_DENIED, "an operator token cannot be a tenant's"
                )
            return Scope(tenant_id=None, caller=claims.uid, role=OPERATOR)
        member = await self._users.member(claims.uid)
        if member is None:
            raise Refused(grpc.StatusCode.PERMISSION_DENIED, "no active user for this sign-in")
        if member.firebase_tenant != claims.firebase_tenant:
            log.warning("token of Firebase tenant %r for a user of another", claims.firebase_tenant)
            raise Refused(grpc.StatusCode.PERMISSION_DENIED, "no active user for this sign-in")
        return Scope(
            tenant_id=member.tenant_id, caller=claims.uid, role=member.role, user_id=member.user_id
        )


def _narrowed(caller: Scope, named: set[str]) -> Scope:
    """A tenant-bound caller may name only its own tenant: anything else, malformed or a
    wildcard included, is NOT_FOUND, which reveals nothing. A platform caller that names
    exactly one tenant acts for that tenant alone."""
    if caller.tenant_id is not None:
        if others := {value for value in named if _as_id(value) != caller.tenant_id}:
            raise Refused(grpc.StatusCode.NOT_FOUND, f"tenant {min(others)} not found")
        return caller
    if len(named) == 1 and (tenant := _as_id(next(iter(named)))) is not None:
        return Scope(tenant_id=tenant, caller=caller.caller, role=caller.role)
    return caller


def _service_and_rpc(method: str) -> tuple[str, str]:
    """(`tenant`, `GetTenant`) for /crm.tenant.v1.TenantService/GetTenant."""
    qualified, _, rpc = method.lstrip("/").partition("/")
    return qualified.split(".")[1], rpc


def _named(peers: frozenset[str]) -> str:
    return " and ".join(sorted(peers)) or "a caller without a mesh certificate"


def _as_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
