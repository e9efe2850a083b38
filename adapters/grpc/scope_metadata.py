"""The scope of a call between services, as gRPC metadata: out with every peer call, back in.

Only peers inside the mesh can send these keys: the gateway strips them from every request
that comes from outside, and a call carrying a verified user token ignores them.
"""

import uuid
from collections.abc import Mapping
from urllib.parse import quote, unquote

from core.shared.scope import Scope

TENANT_KEY = "x-crm-tenant"
CALLER_KEY = "x-crm-caller"
ROLE_KEY = "x-crm-role"
KEYS = (TENANT_KEY, CALLER_KEY, ROLE_KEY)
# Written instead of a tenant id for work that spans tenants: platform scope is always explicit.
EVERY_TENANT = "*"

Metadata = tuple[tuple[str, str], ...]


class MalformedScope(ValueError):
    """Scope metadata that no peer of ours would send."""


def outgoing(scope: Scope | None) -> Metadata:
    """Metadata that makes the peer act in `scope`; none outside a scope (the peer refuses
    anything but public methods then)."""
    if scope is None:
        return ()
    tenant = EVERY_TENANT if scope.tenant_id is None else str(scope.tenant_id)
    # Metadata values are printable ASCII; a caller name may not be.
    return ((TENANT_KEY, tenant), (CALLER_KEY, quote(scope.caller)), (ROLE_KEY, scope.role))


def incoming(metadata: Mapping[str, str]) -> Scope | None:
    """The scope a peer called with, or None when the call carries no scope metadata."""
    tenant = metadata.get(TENANT_KEY)
    if tenant is None:
        return None
    role = metadata.get(ROLE_KEY, "")
    if not role:
        raise MalformedScope(f"{ROLE_KEY} is missing")
    caller = unquote(metadata.get(CALLER_KEY, ""))
    if tenant == EVERY_TENANT:
        return Scope(tenant_id=None, caller=caller, role=role)
    try:
        return Scope(tenant_id=uuid.UUID(tenant), caller=caller, role=role)
    except ValueError:
        raise MalformedScope(f"{TENANT_KEY} is neither a tenant id nor {EVERY_TENANT!r}") from None
