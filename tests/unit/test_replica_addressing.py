"""Several replicas of a service on one host: how peers, the gateway and the mesh find them."""

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import ValidationError
from sqlalchemy import make_url

from adapters.grpc.peers import open_channel
from adapters.local.mesh_ca import LocalMeshCA
from services import gateway
from services.runtime import build_server, set_serving
from services.settings import Settings
from services.tools.mesh import Mesh, mesh_environment
from tests.unit.test_settings_secrets import CLUSTER_SECRETS


def test_peers_dial_every_replica_port_and_single_services_stay_host_and_port(monkeypatch):
    monkeypatch.setenv("MESSAGING_REPLICA_PORTS", "6059, 6069,6079")
    settings = Settings(_env_file=None, orchestrator_replica_ports=[6058, 6068])

    assert settings.address_of("messaging") == "ipv4:127.0.0.1:6059,127.0.0.1:6069,127.0.0.1:6079"
    assert settings.address_of("orchestrator") == "ipv4:127.0.0.1:6058,127.0.0.1:6068"
    assert settings.address_of("tenant") == "127.0.0.1:50051"
    assert settings.ports_of("tenant") == (50051,)
    assert not settings.single_replica("messaging") and settings.single_replica("tenant")


def test_an_ipv6_peer_host_is_bracketed_and_the_cluster_keeps_its_dns_names():
    local = Settings(_env_file=None, peer_host="::1", booking_replica_ports=[1, 2])
    assert local.address_of("booking") == "ipv6:[::1]:1,[::1]:2"

    cluster = Settings(
        _env_file=None, peer_namespace="crm", **CLUSTER_SECRETS, booking_replica_ports=[1, 2]
    )
    assert cluster.address_of("booking") == "dns:///booking.crm.svc.cluster.local:50054"
    assert not cluster.single_replica("tenant")  # pods come and go: never assumed alone


def test_several_replica_ports_need_a_peer_host_grpc_can_list():
    with pytest.raises(ValidationError, match=r"peer_host: 'peers\.local' must be an IP address"):
        Settings(_env_file=None, peer_host="peers.local", order_replica_ports=[1, 2])


async def test_round_robin_over_the_listed_addresses_reaches_every_replica(tmp_path):
    """Over mutual TLS, as the mesh calls: a list of addresses has no one host name to check."""
    ca = LocalMeshCA(tmp_path)
    replicas = []
    for name in ("replica.a", "replica.b"):  # each answers SERVING for its own name only
        server, health = build_server(lambda _: None, [name])
        port = server.add_secure_port("127.0.0.1:0", ca.credentials("order").for_server())
        await server.start()
        await set_serving(health, [name], True)
        replicas.append((server, port))
    target = "ipv4:" + ",".join(f"127.0.0.1:{port}" for _, port in replicas)
    seen: set[str] = set()
    try:
        async with open_channel(target, ca.credentials("booking")) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            for _ in range(50):
                try:
                    await stub.Check(health_pb2.HealthCheckRequest(service="replica.a"), timeout=5)
                    seen.add("a")
                except grpc.aio.AioRpcError as answer:
                    assert answer.code() == grpc.StatusCode.NOT_FOUND
                    seen.add("b")
                if seen == {"a", "b"}:
                    break
    finally:
        for server, _ in replicas:
            await server.stop(None)
    assert seen == {"a", "b"}


def test_the_local_gateway_lists_every_replica_and_checks_only_replicated_services():
    settings = Settings(_env_file=None, messaging_replica_ports=[7001, 7002, 7003])
    text = gateway.render(settings, "local", gateway.LOCAL_DESCRIPTOR)
    messaging = text[text.index("  - name: messaging\n") :]
    for port in (7001, 7002, 7003):
        assert f"address: 127.0.0.1, port_value: {port}" in messaging
    assert "grpc_health_check: { service_name: crm.messaging.v1.MessagingService }" in text
    assert text.count("grpc_health_check:") == 1  # a lone process is never ejected
    gateway.validate(text)


def test_the_mesh_gives_each_replica_its_own_port(tmp_path):
    database = make_url("postgresql+asyncpg://127.0.0.1/x")
    env = mesh_environment(database, tmp_path, replicas={"messaging": 3})
    mesh = Mesh(env, tmp_path)
    ports = mesh.settings.ports_of("messaging")

    assert len(set(ports)) == 3 and int(env["MESSAGING_PORT"]) == ports[0]
    assert "TENANT_REPLICA_PORTS" not in env
    assert mesh.members("messaging") == ["messaging/0", "messaging/1", "messaging/2"]
    assert mesh.members("tenant") == ["tenant"]
    assert mesh._env_of("messaging/2")["MESSAGING_PORT"] == str(ports[2])
    assert len({p for name in ("tenant", "order") for p in mesh.settings.ports_of(name)}) == 2


async def test_the_mesh_waits_for_the_replica_it_started_not_its_siblings(tmp_path, monkeypatch):
    database = make_url("postgresql+asyncpg://127.0.0.1/x")
    mesh = Mesh(mesh_environment(database, tmp_path, replicas={"booking": 2}), tmp_path)
    asked = []

    async def status_of(settings, names, within_seconds):
        asked.append(settings.address_of(names[0]))
        return dict.fromkeys(names, "SERVING")

    monkeypatch.setattr("services.tools.mesh.wait_until_serving", status_of)
    await mesh._wait_serving(["booking/1", "booking/0", "tenant"])
    booking = mesh.settings.ports_of("booking")
    assert asked == [f"127.0.0.1:{booking[1]}", f"127.0.0.1:{booking[0]}",
                     mesh.settings.address_of("tenant")]  # fmt: skip
