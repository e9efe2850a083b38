"""The permission table against the contracts: every RPC has a rule, and the docs show them all."""

from pathlib import Path

from google.api import annotations_pb2
from google.protobuf import descriptor_pb2

from adapters.grpc import permissions
from adapters.grpc.permissions import PUBLIC, ROLES, TABLE

ROOT = Path(__file__).resolve().parents[3]


def contract_methods() -> dict[str, descriptor_pb2.MethodDescriptorProto]:
    """Every RPC of the descriptor set the gateway serves, by its wire name."""
    files = descriptor_pb2.FileDescriptorSet.FromString(
        (ROOT / "gen" / "crm_descriptor.pb").read_bytes()
    )
    return {
        f"/{file.package}.{service.name}/{method.name}": method
        for file in files.file
        if file.package.startswith("crm.")
        for service in file.service
        for method in service.method
    }


def test_every_rpc_of_the_contracts_has_a_rule():
    missing = sorted(set(contract_methods()) - set(TABLE))
    assert not missing, f"add these to adapters/grpc/permissions.py: {missing}"


def test_the_table_names_no_rpc_that_does_not_exist():
    ours = {method for method in TABLE if method.startswith("/crm.")}
    assert not sorted(ours - set(contract_methods()))


def test_rules_use_known_roles_and_public_stands_alone():
    for method, roles in TABLE.items():
        assert roles, method
        assert roles == PUBLIC or roles <= set(ROLES), (method, roles)


def test_only_the_webhook_is_public_among_the_services():
    public = {m for m, roles in TABLE.items() if roles == PUBLIC and m.startswith("/crm.")}
    assert public == {
        "/crm.messaging.v1.MessagingService/ReceiveWebhook",
        "/crm.messaging.v1.MessagingService/VerifyWebhook",
    }


def test_rpcs_without_a_route_are_for_the_mesh_alone():
    # Not reachable through the gateway: only a peer (role service) can call them at all.
    for name, method in contract_methods().items():
        if not method.options.HasExtension(annotations_pb2.http):
            assert permissions.SERVICE in TABLE[name], name


def test_agents_answer_conversations_and_only_read_bookings_and_orders():
    agent = {m.rsplit("/", 1)[1] for m, roles in TABLE.items() if permissions.AGENT in roles}
    assert {"ReplyAsAgent", "ListAwaitingAgent", "ReleaseHandoff", "GetBooking"} <= agent
    assert {"ListOrders", "GetOrder", "ListBookings"} <= agent
    assert not agent & {"CreateBooking", "CancelBooking", "UpdateOrderStatus", "CancelOrder"}
    assert not agent & {"CreateUser", "ChangeTier", "CreateDeposit", "CreateTenant"}


def test_operators_alone_onboard_tenants_and_top_up_deposits():
    for rpc in ("TenantService/CreateTenant", "TenantService/ListTenants",
                "BillingService/CreateDeposit"):  # fmt: skip
        (roles,) = [r for m, r in TABLE.items() if m.endswith(rpc)]
        assert roles == {permissions.OPERATOR}, rpc


def test_the_docs_show_the_table_as_it_is():
    documented = (ROOT / "docs" / "permissions.md").read_text()
    assert documented == permissions.markdown(), (
        "docs/permissions.md is stale: python -m adapters.grpc.permissions > docs/permissions.md"
    )
