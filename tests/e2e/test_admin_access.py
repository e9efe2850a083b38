"""Admin sign-in through Envoy and the mesh: tokens the gateway refuses, roles the table refuses,
tenants a token cannot reach, and every admin route checked against the permission table."""

import base64
import json
import re
import uuid

import grpc
import httpx
import pytest
from crm.tenant.v1 import tenant_pb2, tenant_pb2_grpc
from google.api import annotations_pb2

from adapters.grpc.permissions import ADMIN, AGENT, OPERATOR, OWNER, roles_for
from adapters.local.token_issuer import LocalTokenIssuer
from services.admin_token import OPERATOR_UID
from services.billing.seed import DEMO_TIER
from services.catalog import SERVICES
from services.gateway import auth_directory
from services.seed import DEMO_SLUG

UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND = 16, 7, 5


@pytest.fixture
def mesh(shared_mesh):
    """These tests only read, or create what no other test looks at: one mesh serves all."""
    return shared_mesh


@pytest.fixture
async def gateway(mesh):
    async with httpx.AsyncClient(base_url=mesh.gateway_url, timeout=30) as client:
        yield client


async def demo_tenant(mesh, gateway) -> str:
    listed = await gateway.get("/v1/tenants", headers=mesh.bearer(OPERATOR))
    assert listed.status_code == 200, listed.text
    (demo,) = [t for t in listed.json()["tenants"] if t["slug"] == DEMO_SLUG]
    return demo["id"]


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def refused(answer: httpx.Response, status: int, code: int) -> str:
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code, answer.text
    return answer.json()["message"]


async def test_a_token_for_the_tenants_owner_reads_the_tenant(mesh, gateway):
    tenant_id = await demo_tenant(mesh, gateway)
    got = await gateway.get(f"/v1/tenants/{tenant_id}", headers=mesh.bearer(OWNER))
    assert got.status_code == 200, got.text
    assert got.json()["tenant"]["slug"] == DEMO_SLUG


async def test_tokens_the_gateway_does_not_accept_are_401(mesh, gateway, tmp_path):
    tenant_id = await demo_tenant(mesh, gateway)
    path = f"/v1/tenants/{tenant_id}"
    settings = mesh.settings
    ours = auth_directory(settings)
    issuer = LocalTokenIssuer(ours, settings.auth_issuer, settings.auth_audience)
    elsewhere = "https://securetoken.google.com/another-project"
    wrong_issuer = LocalTokenIssuer(ours, elsewhere, settings.auth_audience)
    wrong_audience = LocalTokenIssuer(ours, settings.auth_issuer, "another-project")
    forger = LocalTokenIssuer(
        tmp_path / "another-key", settings.auth_issuer, settings.auth_audience
    )

    cases = {
        "missing": {},
        "not a jwt": bearer("not-a-token"),
        "expired": bearer(issuer.mint("demo-owner", expires_in=-120)),
        "wrong issuer": bearer(wrong_issuer.mint("demo-owner")),
        "wrong audience": bearer(wrong_audience.mint("demo-owner")),
        "forged signature": bearer(forger.mint("demo-owner")),
        "never expires": bearer(issuer.mint("demo-owner", exp=None)),
        "no subject": bearer(issuer.mint("")),
    }
    for case, headers in cases.items():
        answer = await gateway.get(path, headers=headers)
        assert answer.status_code == 401, (case, answer.text)
        assert answer.json()["code"] == UNAUTHENTICATED, (case, answer.text)
    # A valid token in the URL is not read: URLs end up in logs and proxies.
    in_url = await gateway.get(path, params={"access_token": issuer.mint("demo-owner")})
    assert in_url.status_code == 401, in_url.text
    assert (await gateway.get(path, headers=bearer(issuer.mint("demo-owner")))).status_code == 200


async def test_raw_grpc_through_the_gateway_needs_a_token_too(mesh):
    async with grpc.aio.insecure_channel(mesh.gateway_url.removeprefix("http://")) as channel:
        stub = tenant_pb2_grpc.TenantServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await stub.ListTenants(tenant_pb2.ListTenantsRequest())
        assert failed.value.code() == grpc.StatusCode.UNAUTHENTICATED
        listed = await stub.ListTenants(
            tenant_pb2.ListTenantsRequest(), metadata=tuple(mesh.bearer(OPERATOR).items())
        )
    assert DEMO_SLUG in [t.slug for t in listed.tenants]


async def test_a_role_the_table_does_not_allow_is_403_naming_it(mesh, gateway):
    tenant_id = await demo_tenant(mesh, gateway)
    answer = await gateway.post(
        f"/v1/tenants/{tenant_id}/knowledgeBases",
        json={"name": "Agents may not"},
        headers=mesh.bearer(AGENT),
    )
    message = refused(answer, 403, PERMISSION_DENIED)
    assert (
        message == "role agent may not call /crm.knowledge.v1.KnowledgeService/CreateKnowledgeBase"
    )
    onboarding = await gateway.post(
        "/v1/tenants", json={"name": "X", "slug": "x-co"}, headers=mesh.bearer(OWNER)
    )
    refused(onboarding, 403, PERMISSION_DENIED)


async def test_another_tenants_resources_are_404(mesh, gateway):
    created = await gateway.post(
        "/v1/tenants", json={"name": "Other Bistro", "slug": "other"}, headers=mesh.bearer(OPERATOR)
    )
    assert created.status_code == 200, created.text
    other = created.json()["tenant"]["id"]
    for path in (
        f"/v1/tenants/{other}",
        f"/v1/tenants/{other}/outlets",
        f"/v1/tenants/{other}/orders",
    ):
        refused(await gateway.get(path, headers=mesh.bearer(OWNER)), 404, NOT_FOUND)
    moved = await gateway.patch(
        f"/v1/tenants/{other}", json={"name": "Mine now"}, headers=mesh.bearer(OWNER)
    )
    refused(moved, 404, NOT_FOUND)
    # The operator reaches it, so it is there: the 404s above revealed nothing.
    assert (
        await gateway.get(f"/v1/tenants/{other}", headers=mesh.bearer(OPERATOR))
    ).status_code == 200


async def test_an_order_on_another_tenants_outlet_is_404_and_not_stored(mesh, gateway):
    operator = mesh.bearer(OPERATOR)
    created = await gateway.post(
        "/v1/tenants", json={"name": "Rival Bistro", "slug": "rival"}, headers=operator
    )
    assert created.status_code == 200, created.text
    rival = created.json()["tenant"]["id"]
    subscribed = await gateway.post(
        f"/v1/tenants/{rival}/subscriptions", json={"tier": DEMO_TIER}, headers=operator
    )
    assert subscribed.status_code == 200, subscribed.text  # the plan that allows an outlet
    outlet = await gateway.post(
        f"/v1/tenants/{rival}/outlets",
        json={"name": "Rival", "waba_phone_number_id": "990000000000001", "timezone": "UTC"},
        headers=operator,
    )
    assert outlet.status_code == 200, outlet.text
    theirs = outlet.json()["outlet"]["id"]
    tenant_id = await demo_tenant(mesh, gateway)
    products = await gateway.get(f"/v1/tenants/{tenant_id}/products", headers=mesh.bearer(OWNER))
    product = products.json()["products"][0]["id"]
    order = {
        "outlet_id": theirs,
        "customer_phone": "+34600000000",
        "fulfillment_type": "FULFILLMENT_TYPE_PICKUP",
        "items": [{"product_id": product, "quantity": 1}],
    }
    placed = await gateway.post(
        f"/v1/tenants/{tenant_id}/orders", json=order, headers=mesh.bearer(OWNER)
    )
    assert refused(placed, 404, NOT_FOUND) == f"outlet {theirs} not found"
    listed = await gateway.get(f"/v1/tenants/{tenant_id}/orders", headers=mesh.bearer(OWNER))
    assert theirs not in listed.text


async def test_headers_a_client_forges_never_reach_a_service(mesh, gateway):
    as_operator = base64.urlsafe_b64encode(
        json.dumps({"sub": OPERATOR_UID, "crm_role": OPERATOR}).encode()
    ).decode()
    forged = {"x-jwt-payload": as_operator, "x-crm-tenant": "*", "x-crm-role": "operator"}
    alone = await gateway.get("/v1/tenants", headers=forged)
    refused(alone, 401, UNAUTHENTICATED)
    with_a_token = await gateway.get("/v1/tenants", headers={**forged, **mesh.bearer(ADMIN)})
    refused(with_a_token, 403, PERMISSION_DENIED)  # still the admin the token names


# -- every admin route against the table ---------------------------------------------------


def admin_routes() -> list[tuple[str, str, str, bool]]:
    """(gRPC method, HTTP verb, path template, has body) of every RPC with a REST rule."""
    routes = []
    for spec in SERVICES.values():
        for method in spec.descriptor().methods:
            options = method.GetOptions()
            if not options.HasExtension(annotations_pb2.http):
                continue
            rule = options.Extensions[annotations_pb2.http]
            verb = rule.WhichOneof("pattern")
            if getattr(rule, verb).startswith("/v1/"):
                grpc_path = f"/{spec.grpc_service}/{method.name}"
                routes.append((grpc_path, verb.upper(), getattr(rule, verb), bool(rule.body)))
    return routes


def concrete(template: str, tenant_id: str) -> str:
    """A path for the template: the demo tenant where a tenant goes, fresh ids elsewhere."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name.endswith("tenant_id") or name == "tenant.id":
            return tenant_id
        return "pro" if name == "tier_name" else str(uuid.uuid4())

    return re.sub(r"\{([^}=]+)\}", value, template)


async def test_every_admin_route_needs_a_token_and_refuses_roles_the_table_leaves_out(
    mesh, gateway
):
    tenant_id = await demo_tenant(mesh, gateway)
    routes = admin_routes()
    assert len(routes) > 80
    checked_roles = 0
    for method, verb, template, has_body in routes:
        path = concrete(template, tenant_id)
        body = {"json": {}} if has_body else {}
        answer = await gateway.request(verb, path, **body)
        assert answer.status_code == 401, (method, path, answer.text)

        allowed = roles_for(method)
        assert allowed is not None, method
        outsider = next((r for r in (AGENT, ADMIN, OWNER) if r not in allowed), None)
        if outsider is None:
            continue
        answer = await gateway.request(verb, path, headers=mesh.bearer(outsider), **body)
        assert answer.status_code == 403, (method, outsider, answer.text)
        assert answer.json()["message"] == f"role {outsider} may not call {method}"
        checked_roles += 1
    assert checked_roles > 40


async def test_only_the_owner_may_change_which_sign_in_pool_the_staff_use(mesh, gateway):
    tenant_id = await demo_tenant(mesh, gateway)
    path, mask = f"/v1/tenants/{tenant_id}", {"update_mask": "firebase_tenant_id"}
    # An admin who could set it could lock the owner out.
    taken = {"id": tenant_id, "firebase_tenant_id": "admins-own-pool"}
    by_admin = await gateway.patch(path, json=taken, params=mask, headers=mesh.bearer(ADMIN))
    assert "only the owner" in refused(by_admin, 403, PERMISSION_DENIED)
    same = {"id": tenant_id, "firebase_tenant_id": ""}  # left as it is: other tests sign in
    by_owner = await gateway.patch(path, json=same, params=mask, headers=mesh.bearer(OWNER))
    assert by_owner.status_code == 200, by_owner.text
