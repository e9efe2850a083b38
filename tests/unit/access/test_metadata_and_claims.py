"""Scope metadata between services, and the claims of the gateway's payload header."""

import base64
import json
import uuid

import pytest

from adapters.grpc.identity import Claims, MalformedClaims, claims_from
from adapters.grpc.scope_metadata import (
    EVERY_TENANT,
    TENANT_KEY,
    MalformedScope,
    incoming,
    outgoing,
)
from core.shared.scope import Scope

TENANT = uuid.UUID("6f1c1d7e-0000-4000-8000-00000000000a")


def header(payload: object) -> str:
    """As Envoy writes it: base64url without padding."""
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "scope",
    [
        Scope(TENANT, "inbox", "service"),
        Scope(None, "sweeper", "service"),
        Scope(TENANT, "uid-with-ünïcode and spaces", "agent"),
    ],
)
def test_a_scope_goes_out_and_comes_back_the_same(scope):
    assert incoming(dict(outgoing(scope))) == scope


def test_platform_scope_is_written_out_and_no_scope_sends_nothing():
    assert dict(outgoing(Scope(None, "sweeper")))[TENANT_KEY] == EVERY_TENANT
    assert outgoing(None) == ()
    assert incoming({}) is None


@pytest.mark.parametrize(
    "metadata",
    [
        {TENANT_KEY: "not-a-tenant", "x-crm-role": "service"},
        {TENANT_KEY: str(TENANT)},  # no role
        {TENANT_KEY: "", "x-crm-role": "owner"},
    ],
)
def test_metadata_no_peer_would_send_is_refused(metadata):
    with pytest.raises(MalformedScope):
        incoming(metadata)


def test_claims_of_a_staff_member_and_of_an_operator():
    staff = claims_from(header({"sub": "u1", "firebase": {"tenant": "acme-x1"}}))
    assert staff == Claims(uid="u1", operator=False, firebase_tenant="acme-x1")
    operator = claims_from(header({"sub": "op", "crm_role": "operator"}))
    assert operator == Claims(uid="op", operator=True)
    assert not claims_from(header({"sub": "u2", "crm_role": "owner"})).operator


@pytest.mark.parametrize(
    "value", ["%%%", header(["sub"]), header({"uid": "x"}), header({"sub": 3})]
)
def test_a_payload_the_gateway_would_not_write_is_refused(value):
    with pytest.raises(MalformedClaims):
        claims_from(value)
