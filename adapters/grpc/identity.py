"""Who an admin call comes from: the claims the gateway verified, and the user they name.

Envoy's jwt_authn filter checks the token (signature, issuer, audience, expiry) and forwards
its payload, base64url JSON, in PAYLOAD_HEADER; the gateway strips any copy a client sent, so
a payload here was verified. The user behind it comes from TenantService.LookupUser.
"""

import base64
import binascii
import json
import uuid
from dataclasses import dataclass

from crm.tenant.v1 import tenant_pb2 as pb
from crm.tenant.v1 import tenant_pb2_grpc

from core.shared.errors import NotFound
from core.shared.scope import across_tenants, acting_for

from .memo import Memo
from .peers import call, open_channel
from .permissions import OPERATOR

PAYLOAD_HEADER = "x-jwt-payload"
# The custom claim that makes a token a platform operator's (set with the Firebase Admin SDK).
ROLE_CLAIM = "crm_role"
# A deactivated user keeps access for at most this long.
CACHE_SECONDS = 30.0
_ROLES = {pb.USER_ROLE_OWNER: "owner", pb.USER_ROLE_ADMIN: "admin", pb.USER_ROLE_AGENT: "agent"}


class MalformedClaims(ValueError):
    """A payload header that the gateway would not have written."""


@dataclass(frozen=True, slots=True)
class Claims:
    """What the services use of a verified Firebase ID token."""

    uid: str
    operator: bool = False
    firebase_tenant: str = ""  # the `firebase.tenant` claim of a multi-tenant project


def claims_from(payload_header: str) -> Claims:
    """The claims in the gateway's payload header (base64url JSON, unpadded)."""
    try:
        raw = base64.urlsafe_b64decode(payload_header + "=" * (-len(payload_header) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError) as bad:
        raise MalformedClaims(f"{PAYLOAD_HEADER} is not base64url JSON") from bad
    if (
        not isinstance(payload, dict)
        or not payload.get("sub")
        or not isinstance(payload["sub"], str)
    ):
        raise MalformedClaims(f"{PAYLOAD_HEADER} has no subject")
    firebase = payload.get("firebase")
    tenant = firebase.get("tenant", "") if isinstance(firebase, dict) else ""
    return Claims(
        uid=payload["sub"],
        operator=payload.get(ROLE_CLAIM) == OPERATOR,
        firebase_tenant=tenant if isinstance(tenant, str) else "",
    )


@dataclass(frozen=True, slots=True)
class StaffMember:
    """An active user: their tenant, their role there, and the Firebase tenant that signs in
    the tenant's staff (empty when the project's default pool does)."""

    tenant_id: uuid.UUID
    role: str
    firebase_tenant: str
    user_id: uuid.UUID | None = None


class GrpcUserDirectory:
    """Users by Firebase uid over TenantService, remembered for CACHE_SECONDS."""

    def __init__(self, address: str, cache_seconds: float = CACHE_SECONDS) -> None:
        self._channel = open_channel(address)
        self._stub = tenant_pb2_grpc.TenantServiceStub(self._channel)
        self._memo: Memo[StaffMember] = Memo(cache_seconds)

    async def member(self, uid: str) -> StaffMember | None:
        """The active user with this uid; None for an unknown or deactivated one, or one whose
        tenant was deactivated."""
        if (known := self._memo.get(uid)) is not None:
            return known
        try:
            # Sign-in precedes knowing the tenant: the one lookup by identity across tenants.
            with across_tenants("sign-in"):
                user = (
                    await call(self._stub.LookupUser, pb.LookupUserRequest(firebase_uid=uid))
                ).user
            tenant_id = uuid.UUID(user.tenant_id)
            with acting_for(tenant_id, "sign-in"):
                tenant = await call(
                    self._stub.GetTenant, pb.GetTenantRequest(tenant_id=user.tenant_id)
                )
        except NotFound:
            return None
        role = _ROLES.get(user.role)
        if role is None or tenant.tenant.status == pb.TENANT_STATUS_INACTIVE:
            return None
        member = StaffMember(
            tenant_id,
            role,
            tenant.tenant.firebase_tenant_id,
            uuid.UUID(user.id) if user.id else None,
        )
        self._memo.put(uid, member)
        return member

    async def aclose(self) -> None:
        await self._channel.close()
