"""The table of who calls what (services.catalog.CALLS) is what the code calls: an RPC left out
would be refused in production, one granted and never made is a door left open."""

import ast
from pathlib import Path

import pytest

from services.catalog import CALLS, DIRECTORY, SERVICES

ROOT = Path(__file__).resolve().parents[2]
# The members that are not services, and the code that is them (whole modules).
OUTSIDE_SERVICES = {
    "payments": [("adapters/local/payment_standin.py", None)],
    "seed": [("services/demo/knowledge.py", None), ("services/demo/templates.py", None)],
}
# Every member: the access interceptor's user directory.
EVERY_MEMBER = [("adapters/grpc/identity.py", "GrpcUserDirectory")]


def rpcs_of(service: str) -> set[str]:
    return {m.name for m in SERVICES[service].descriptor().methods}


def clients(member: str) -> list[tuple[str, str | None]]:
    """The peer clients a service's composition root wires: (module, class or function) for
    each name it imports from adapters.grpc, servicers (its own side) left out."""
    if member in OUTSIDE_SERVICES:
        return OUTSIDE_SERVICES[member]
    found = []
    for root in ("container.py", "main.py"):
        path = ROOT / "services" / member / root
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("adapters.grpc"):
                module = node.module.rsplit(".", 1)[-1]
                if not module.endswith("_servicer"):
                    found += [(f"adapters/grpc/{module}.py", alias.name) for alias in node.names]
            if isinstance(node, ast.Name) and node.id == "analytics_relay":  # services.assembly
                found.append(("adapters/grpc/analytics_facts.py", "GrpcFactSink"))
    return found + EVERY_MEMBER


def calls_in(module: str, name: str | None) -> set[tuple[str, str]]:
    """(service, rpc) for each RPC of a service whose stubs the module imports, named in the
    class or function `name` (the whole module for None) as an attribute (`stub.GetTenant`)
    or a string (a method looked up by name)."""
    tree = ast.parse((ROOT / module).read_text())
    services = {
        alias.name.removesuffix("_pb2_grpc")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.endswith("_pb2_grpc")
    }
    scope = tree
    if name is not None:
        (scope,) = (n for n in tree.body if getattr(n, "name", None) == name)
    words = {n.attr for n in ast.walk(scope) if isinstance(n, ast.Attribute)}
    words |= {n.value for n in ast.walk(scope) if isinstance(n, ast.Constant)}
    return {(s, rpc) for s in services if s in SERVICES for rpc in rpcs_of(s) & words}


def granted(member: str) -> set[tuple[str, str]]:
    return {(service, rpc) for service, rpcs in CALLS[member].items() for rpc in rpcs}


def test_members_are_the_services_and_the_two_outside_callers():
    assert set(CALLS) == set(SERVICES) | set(OUTSIDE_SERVICES)


@pytest.mark.parametrize("member", sorted(CALLS))
def test_a_member_is_granted_exactly_the_rpcs_its_code_makes(member):
    made = set().union(*(calls_in(*client) for client in clients(member)))
    directory = {("tenant", rpc) for rpc in DIRECTORY}
    assert made <= granted(member), "made but not granted"
    assert granted(member) - directory == made - directory, "granted but never made"


@pytest.mark.parametrize("member", sorted(CALLS))
def test_every_granted_rpc_exists(member):
    assert all(rpc in rpcs_of(service) for service, rpc in granted(member))


def test_the_tenant_directory_is_only_read():
    assert all(rpc.startswith(("Get", "Lookup", "Resolve")) for rpc in DIRECTORY)
