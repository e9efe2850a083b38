"""The real Envoy gateway in front of real gRPC services: REST/JSON in, gRPC out, statuses back."""

import json
import uuid

import grpc
import httpx
import pytest
from crm.messaging.v1 import messaging_pb2_grpc
from crm.tenant.v1 import tenant_pb2, tenant_pb2_grpc
from google.api import httpbody_pb2

from adapters.grpc.access import AccessInterceptor, NoUsers
from adapters.grpc.identity import PAYLOAD_HEADER
from adapters.grpc.scope_metadata import KEYS as SCOPE_KEYS
from adapters.grpc.service_identity import PeerPolicy
from adapters.grpc.tenant_servicer import TenantServicer
from adapters.local.mesh_ca import LocalMeshCA
from adapters.local.token_issuer import LocalTokenIssuer
from adapters.postgres.database import session_factory
from adapters.postgres.tenant_repository import SqlAlchemyTenantUnitOfWork
from services import gateway
from services.catalog import CALLS, SERVICES
from services.runtime import build_server, set_serving
from services.settings import Settings
from services.tools.mesh import free_ports

TENANT = "crm.tenant.v1.TenantService"
SIGNATURE = "sha256=" + "ab" * 32
IDENTITY_HEADERS = (PAYLOAD_HEADER, *SCOPE_KEYS)


class FakeMessaging(messaging_pb2_grpc.MessagingServiceServicer):
    """Stands in for messaging: shows what arrived, and answers any status code on demand."""

    async def ReceiveWebhook(self, request, context):
        metadata = dict(context.invocation_metadata())
        seen = {
            "signature": metadata.get("x-hub-signature-256"),
            "content_type": request.content_type,
            "size": len(request.data),
            "head": request.data[:64].decode(errors="replace"),
            "identity": {k: v for k, v in metadata.items() if k in IDENTITY_HEADERS},
        }
        return httpbody_pb2.HttpBody(
            content_type="application/json", data=json.dumps(seen).encode()
        )

    async def VerifyWebhook(self, request, context):
        # hub.mode names a status code to fail with; "subscribe" is the real handshake.
        if request.hub.mode != "subscribe":
            await context.abort(grpc.StatusCode[request.hub.mode], f"failed: {request.hub.mode}")
        return httpbody_pb2.HttpBody(content_type="text/plain", data=request.hub.challenge.encode())


@pytest.fixture
def mesh_ca(tmp_path) -> LocalMeshCA:
    """The CA the gateway (data_dir=tmp_path) and the services below take certificates from."""
    return LocalMeshCA(tmp_path / "pki")


@pytest.fixture
async def tenant_port(db, mesh_ca):
    sessions = session_factory(db)
    servicer = TenantServicer(lambda: SqlAlchemyTenantUnitOfWork(sessions))
    server, health = build_server(
        lambda s: tenant_pb2_grpc.add_TenantServiceServicer_to_server(servicer, s),
        [TENANT],
        AccessInterceptor(NoUsers(), PeerPolicy.of(CALLS)),  # operators: a claim, no lookup
    )
    port = server.add_secure_port("127.0.0.1:0", mesh_ca.credentials("tenant").for_server())
    await server.start()
    await set_serving(health, [TENANT], True)
    yield port
    await server.stop(None)


@pytest.fixture
async def messaging_port(mesh_ca):
    limit = 64 * 1024 * 1024
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", limit),
            ("grpc.max_send_message_length", limit),
        ]
    )
    messaging_pb2_grpc.add_MessagingServiceServicer_to_server(FakeMessaging(), server)
    port = server.add_secure_port("127.0.0.1:0", mesh_ca.credentials("messaging").for_server())
    await server.start()
    yield port
    await server.stop(None)


@pytest.fixture
def settings(tenant_port, messaging_port, tmp_path) -> Settings:
    """Free ports: tenant and messaging up, the other seven on closed ports."""
    gateway_port, admin_port, *closed = free_ports(2 + len(SERVICES))
    ports = {name: closed.pop() for name in SERVICES}
    ports.update(tenant=tenant_port, messaging=messaging_port)
    return Settings(
        gateway_port=gateway_port,
        gateway_admin_port=admin_port,
        data_dir=tmp_path,
        bind_host="127.0.0.1",
        **{f"{name}_port": port for name, port in ports.items()},
    )


def signer(settings: Settings, **changed: str) -> LocalTokenIssuer:
    """Tokens as the gateway expects them, or with the issuer, audience or key `changed`."""
    return LocalTokenIssuer(
        changed.get("directory", gateway.auth_directory(settings)),
        changed.get("issuer", settings.auth_issuer),
        changed.get("audience", settings.auth_audience),
    )


@pytest.fixture
def operator(settings) -> dict[str, str]:
    token = signer(settings).mint("op-1", crm_role="operator")
    return {"authorization": f"Bearer {token}"}


@pytest.fixture
async def gateway_url(settings, tmp_path):
    """Envoy in front of them, with the local signing key."""
    config = tmp_path / "envoy.yaml"
    config.write_text(gateway.render(settings, "local", gateway.LOCAL_DESCRIPTOR))
    log = tmp_path / "envoy.log"
    with log.open("wb") as output:
        process = await gateway.run_envoy(settings, config, output=output)
    try:
        yield f"http://127.0.0.1:{settings.gateway_port}"
    finally:
        await gateway.stop_envoy(process)
        print(log.read_text())  # shown by pytest when the test failed


@pytest.fixture
async def http(gateway_url, operator):
    """The gateway as a signed-in platform operator sees it."""
    async with httpx.AsyncClient(base_url=gateway_url, headers=operator, timeout=20) as client:
        yield client


@pytest.fixture
async def anonymous(gateway_url):
    async with httpx.AsyncClient(base_url=gateway_url, timeout=20) as client:
        yield client


def error_message(answer: httpx.Response) -> str:
    assert answer.headers["content-type"].startswith("application/json"), answer.headers
    return answer.json()["message"]


# -- configs -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", gateway.MODES)
def test_rendered_config_passes_envoy_validate(mode, tmp_path):
    settings = Settings(data_dir=tmp_path)
    certificate = gateway.local_tls_dir(settings)
    gateway.validate(gateway.render(settings, mode, gateway.LOCAL_DESCRIPTOR, tls_dir=certificate))


def test_validate_reports_envoys_own_complaint():
    broken = gateway.render(Settings(), "local", gateway.LOCAL_DESCRIPTOR).replace(
        f"- {TENANT}", "- crm.tenant.v1.NoSuchService"
    )
    with pytest.raises(gateway.InvalidConfig, match="NoSuchService"):
        gateway.validate(broken)


def test_cluster_config_names_the_headless_services_and_keeps_admin_private():
    settings = Settings()
    text = gateway.render(settings, "cluster", gateway.CLUSTER_DESCRIPTOR, namespace="shop")
    for name in SERVICES:
        port = settings.port_of(name)
        assert f"address: {name}.shop.svc.cluster.local, port_value: {port}" in text
    assert text.count("type: STRICT_DNS") == len(SERVICES)
    assert text.count("lb_policy: ROUND_ROBIN") == len(SERVICES)
    assert f'proto_descriptor: "{gateway.CLUSTER_DESCRIPTOR}"' in text
    assert "address: 0.0.0.0, port_value: 8080" in text
    assert "address: 127.0.0.1, port_value: 9901" in text
    config_lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert sum("127.0.0.1" in line for line in config_lines) == 1  # the admin only


def test_local_config_points_at_loopback_ports_and_only_exposes_http_rules():
    text = gateway.render(Settings(tenant_port=6001), "local", gateway.LOCAL_DESCRIPTOR)
    assert "address: 127.0.0.1, port_value: 6001" in text
    assert "STRICT_DNS" not in text
    assert f'path: "/{TENANT}/CreateTenant"' in text
    # Internal RPCs have no HTTP rule and no route.
    routes = [line for line in text.splitlines() if "match: { path:" in line]
    assert not [line for line in routes if "ResolveOutlet" in line or "SendMessage" in line]


def test_sign_in_settings_come_from_configuration(tmp_path):
    settings = Settings(
        data_dir=tmp_path,
        auth_audience="acme-prod",
        auth_issuer="https://securetoken.google.com/acme-prod",
        auth_jwks_url="https://keys.example.com:8443/jwks",
    )
    cluster = gateway.render(settings, "cluster", gateway.CLUSTER_DESCRIPTOR)
    assert 'issuer: "https://securetoken.google.com/acme-prod"' in cluster
    assert 'audiences: ["acme-prod"]' in cluster
    assert 'uri: "https://keys.example.com:8443/jwks", cluster: firebase_jwks' in cluster
    assert "address: keys.example.com, port_value: 8443" in cluster
    assert "local_jwks" not in cluster
    local = gateway.render(settings, "local", gateway.LOCAL_DESCRIPTOR)
    assert f'filename: "{tmp_path / "auth" / "jwks.json"}"' in local
    assert "remote_jwks" not in local and "firebase_jwks" not in local
    # Only the webhook skips the token, by its REST and its gRPC path.
    assert gateway.public_paths() == [
        "/crm.messaging.v1.MessagingService/ReceiveWebhook",
        "/webhooks/whatsapp",
        "/crm.messaging.v1.MessagingService/VerifyWebhook",
    ]


def test_cli_renders_into_a_file(tmp_path):
    out = tmp_path / "cluster.yaml"
    assert gateway.main(["render", "--mode", "cluster", "--out", str(out)]) == 0
    assert "tenant.crm.svc.cluster.local" in out.read_text()


# -- REST through Envoy --------------------------------------------------------------------


async def create(http, slug="casa-pepe", **extra) -> dict:
    answer = await http.post("/v1/tenants", json={"name": "Casa Pepe", "slug": slug, **extra})
    assert answer.status_code == 200, answer.text
    return answer.json()["tenant"]


async def test_tenant_crud_over_rest(http):
    created = await create(http, llm_tone={"style": "warm"}, contact_email="a@b.es")
    assert uuid.UUID(created["id"])
    # proto field names, enums by name, Struct as JSON, Timestamp as RFC 3339
    assert created["status"] == "TENANT_STATUS_ACTIVE"
    assert created["llm_tone"] == {"style": "warm"}
    assert created["contact_email"] == "a@b.es"
    assert created["create_time"].endswith("Z")

    got = await http.get(f"/v1/tenants/{created['id']}")
    assert got.status_code == 200
    assert got.json()["tenant"] == created

    patched = await http.patch(
        f"/v1/tenants/{created['id']}",
        params={"update_mask": "greeting_message"},
        json={"greeting_message": "Hola!", "name": "ignored, not in the mask"},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["tenant"]["greeting_message"] == "Hola!"
    assert patched.json()["tenant"]["name"] == "Casa Pepe"

    await create(http, slug="second-one")
    first_page = await http.get("/v1/tenants", params={"page.page_size": 1})
    assert first_page.status_code == 200
    assert len(first_page.json()["tenants"]) == 1
    token = first_page.json()["page"]["next_page_token"]
    second_page = await http.get(
        "/v1/tenants", params={"page.page_size": 1, "page.page_token": token}
    )
    assert len(second_page.json()["tenants"]) == 1
    assert second_page.json()["tenants"] != first_page.json()["tenants"]


async def test_domain_errors_become_http_statuses_with_json_bodies(http):
    await create(http, slug="taken")
    duplicate = await http.post("/v1/tenants", json={"name": "Other", "slug": "taken"})
    assert duplicate.status_code == 409
    assert "taken" in error_message(duplicate)
    assert duplicate.json()["code"] == grpc.StatusCode.ALREADY_EXISTS.value[0]

    bad_id = await http.get("/v1/tenants/not-a-uuid")
    assert bad_id.status_code == 400
    assert "tenant_id" in error_message(bad_id)

    unknown = await http.get(f"/v1/tenants/{uuid.uuid4()}")
    assert unknown.status_code == 404
    assert error_message(unknown)

    invalid = await http.post("/v1/tenants", json={"name": "No Slug"})
    assert invalid.status_code == 400
    assert "slug" in error_message(invalid)


async def test_envoy_refuses_what_the_contract_does_not_allow(http):
    unknown_param = await http.get("/v1/tenants", params={"colour": "red"})
    assert unknown_param.status_code == 400
    assert unknown_param.json()["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert "colour" in error_message(unknown_param)

    # Unknown JSON fields in a body are dropped by the transcoder (it has no option to refuse).
    unknown_field = await http.post("/v1/tenants", json={"name": "X", "slug": "ok-slug", "x": 1})
    assert unknown_field.status_code == 200

    # A body may not contradict a field the path binds.
    tenant_id = unknown_field.json()["tenant"]["id"]
    collision = await http.patch(f"/v1/tenants/{tenant_id}", json={"id": str(uuid.uuid4())})
    assert collision.status_code == 400, collision.text

    not_json = await http.post(
        "/v1/tenants", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400

    for method, path in [
        ("GET", "/no/such/path"),
        ("DELETE", "/v1/tenants"),  # a known path with a method it does not take
        ("POST", f"/{TENANT}/ResolveOutlet"),  # internal RPC, no HTTP rule
    ]:
        answer = await http.request(method, path, json={})
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json()["code"] == grpc.StatusCode.NOT_FOUND.value[0]
        assert "Could not resolve" in error_message(answer)


async def test_raw_grpc_passes_through_but_internal_rpcs_have_no_route(http, gateway_url, operator):
    created = await create(http)
    target = gateway_url.removeprefix("http://")
    signed_in = tuple(operator.items())
    async with grpc.aio.insecure_channel(target) as channel:
        stub = tenant_pb2_grpc.TenantServiceStub(channel)
        request = tenant_pb2.GetTenantRequest(tenant_id=created["id"])
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await stub.GetTenant(request)
        assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
        got = await stub.GetTenant(request, metadata=signed_in)
        assert got.tenant.slug == created["slug"]
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await stub.ResolveOutlet(
                tenant_pb2.ResolveOutletRequest(phone_number_id="1"), metadata=signed_in
            )
    # The catch-all's 404, which a gRPC client reads as UNIMPLEMENTED.
    assert failed.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "no such route" in failed.value.details()


async def test_a_service_that_is_down_is_503(http):
    # booking listens nowhere: Envoy's own reply after its connect-failure retries.
    answer = await http.get(f"/v1/tenants/{uuid.uuid4()}/resources")
    assert answer.status_code == 503
    assert answer.json()["code"] == grpc.StatusCode.UNAVAILABLE.value[0]
    assert "upstream connect error" in error_message(answer)


# -- sign-in -------------------------------------------------------------------------------


async def test_admin_routes_need_a_token_the_gateway_accepts(anonymous, settings, tmp_path):
    tenant = f"/v1/tenants/{uuid.uuid4()}"
    cases = {
        "missing": None,
        "expired": signer(settings).mint("op-1", expires_in=-120, crm_role="operator"),
        "wrong issuer": signer(settings, issuer="https://securetoken.google.com/x").mint("op-1"),
        "wrong audience": signer(settings, audience="another-project").mint("op-1"),
        "another key": signer(settings, directory=tmp_path / "k2").mint("op-1"),
    }
    for case, token in cases.items():
        headers = {"authorization": f"Bearer {token}"} if token else {}
        answer = await anonymous.get(tenant, headers=headers)
        assert answer.status_code == 401, (case, answer.text)
        assert answer.json()["code"] == grpc.StatusCode.UNAUTHENTICATED.value[0], case
        assert error_message(answer), case
    # Tokens are checked before anything else: even a path that does not exist is 401.
    assert (await anonymous.get("/no/such/path")).status_code == 401


async def test_a_verified_token_reaches_the_service_as_its_payload(http, anonymous):
    created = await create(http)  # the operator claim came through: CreateTenant is theirs
    assert (await anonymous.get(f"/v1/tenants/{created['id']}")).status_code == 401


async def test_identity_headers_a_client_sends_are_removed(anonymous):
    forged = {name: "*" for name in IDENTITY_HEADERS}
    answer = await anonymous.post(
        "/webhooks/whatsapp", content=b"{}", headers={**forged, "X-Hub-Signature-256": SIGNATURE}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["identity"] == {}
    refused = await anonymous.get("/v1/tenants", headers=forged)
    assert refused.status_code == 401


async def test_the_openapi_description_is_served_without_sign_in(anonymous):
    answer = await anonymous.get(gateway.OPENAPI_PATH)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == json.loads(gateway.OPENAPI_DOCUMENT.read_text())
    # Only read: any other method finds no RPC there.
    assert (await anonymous.post(gateway.OPENAPI_PATH, json={})).status_code == 404


# -- WhatsApp webhook ----------------------------------------------------------------------


async def test_webhook_body_and_signature_reach_messaging_untouched(http):
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    answer = await http.post(
        "/webhooks/whatsapp",
        content=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": SIGNATURE},
    )
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert seen == {
        "signature": SIGNATURE,
        "content_type": "application/json",
        "size": len(body),
        "head": body.decode(),
        "identity": {},
    }


async def test_large_bodies_pass_and_oversized_ones_are_413(http):
    big = b"x" * (20 * 1024 * 1024)
    answer = await http.post(
        "/webhooks/whatsapp", content=big, headers={"Content-Type": "application/octet-stream"}
    )
    assert answer.status_code == 200, answer.text[:500]
    assert answer.json()["size"] == len(big)

    too_big = b"x" * (gateway.MAX_BODY_BYTES + 1024)
    answer = await http.post(
        "/webhooks/whatsapp", content=too_big, headers={"Content-Type": "application/octet-stream"}
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]


async def test_verify_handshake_binds_dotted_query_parameters(http):
    answer = await http.get(
        "/webhooks/whatsapp",
        params={"hub.mode": "subscribe", "hub.verify_token": "t", "hub.challenge": "1158201444"},
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text == "1158201444"


# Envoy's grpc -> HTTP mapping (Grpc::Utility::grpcToHttpStatus), as observed.
STATUS_MAPPING = {
    "INVALID_ARGUMENT": 400,
    "FAILED_PRECONDITION": 400,
    "OUT_OF_RANGE": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "ABORTED": 409,
    "RESOURCE_EXHAUSTED": 429,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INTERNAL": 500,
    "DATA_LOSS": 500,
    "UNIMPLEMENTED": 501,
    "UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504,
}


async def test_grpc_status_codes_map_to_http_statuses(http):
    observed = {}
    for code in STATUS_MAPPING:
        answer = await http.get(
            "/webhooks/whatsapp", params={"hub.mode": code, "hub.challenge": "x"}
        )
        observed[code] = answer.status_code
        assert answer.json() == {
            "code": grpc.StatusCode[code].value[0],
            "message": f"failed: {code}",
        }
    assert observed == STATUS_MAPPING
