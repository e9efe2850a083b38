"""Peers in the cluster are headless Services dialled through gRPC's DNS resolver."""

from grpc_health.v1 import health_pb2, health_pb2_grpc

from adapters.grpc.peers import open_channel
from services.runtime import build_server, set_serving
from services.settings import Settings
from tests.unit.test_settings_secrets import CLUSTER_SECRETS


def test_locally_peers_are_host_and_port():
    settings = Settings(_env_file=None, peer_host="10.0.0.7", booking_port=6054)

    assert settings.address_of("booking") == "10.0.0.7:6054"


def test_in_the_cluster_each_peer_is_its_headless_service_name():
    settings = Settings(_env_file=None, peer_namespace="crm", **CLUSTER_SECRETS)

    assert settings.address_of("orchestrator") == (
        "dns:///orchestrator.crm.svc.cluster.local:50058"
    )
    assert settings.address_of("tenant").startswith("dns:///tenant.crm.")


async def test_a_dns_target_reaches_a_server_with_round_robin():
    server, health = build_server(lambda _: None, ["crm.tenant.v1.TenantService"])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    await set_serving(health, ["crm.tenant.v1.TenantService"], True)
    try:
        async with open_channel(f"dns:///localhost:{port}") as channel:
            answer = await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="crm.tenant.v1.TenantService"), timeout=5
            )
        assert answer.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        await server.stop(None)
