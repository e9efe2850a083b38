"""The nine services of the mesh: names, contracts, and how each one is assembled."""

import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from types import ModuleType

from adapters.grpc.access import AccessInterceptor
from adapters.grpc.identity import GrpcUserDirectory
from adapters.grpc.peers import use_credentials
from adapters.grpc.service_identity import PeerPolicy

from .mesh_identity import credentials_of
from .runtime import Register, Unit, serve
from .settings import DEFAULT_PORTS, PROBE_PORT_OFFSET, Settings


@dataclass(frozen=True)
class ServiceSpec:
    name: str

    @property
    def pascal(self) -> str:
        return self.name.capitalize()

    @property
    def grpc_service(self) -> str:
        """Full name of the gRPC service, e.g. crm.tenant.v1.TenantService."""
        return f"crm.{self.name}.v1.{self.pascal}Service"

    def grpc_module(self) -> ModuleType:
        return importlib.import_module(f"crm.{self.name}.v1.{self.name}_pb2_grpc")

    def descriptor(self):
        """The service's descriptor, for tools that walk its methods."""
        module = importlib.import_module(f"crm.{self.name}.v1.{self.name}_pb2")
        return module.DESCRIPTOR.services_by_name[f"{self.pascal}Service"]

    def adder(self) -> Callable:
        return getattr(self.grpc_module(), f"add_{self.pascal}ServiceServicer_to_server")


SERVICES = {name: ServiceSpec(name) for name in DEFAULT_PORTS}

# Who calls what: each member of the mesh, the services it dials, and the RPCs it makes there.
# Scope metadata is honoured only for these calls, so a member taken over reaches no more than
# its own work (knowledge parses untrusted PDFs: it may check a quota, not list every tenant);
# the cluster's NetworkPolicies open only these connections (both checked against the code by
# tests). Every member also reads the tenant directory, itself included: the access
# interceptor's user look-up, and outlets, numbers and profiles.
DIRECTORY = ("LookupUser", "GetTenant", "GetUser", "ResolveOutlet", "GetOutlet")
_CALLS: dict[str, dict[str, tuple[str, ...]]] = {
    "tenant": {"billing": ("CheckQuota",)},
    "conversation": {"analytics": ("IngestEvents",), "messaging": ("SendMessage",)},
    "knowledge": {"billing": ("CheckQuota",)},
    "booking": {
        "analytics": ("IngestEvents",),
        # reminders: the customer's language, then the message
        "conversation": ("GetConversation",),
        "messaging": ("SendMessage",),
    },
    "order": {
        "analytics": ("IngestEvents",),
        "conversation": ("GetConversation",),
        "messaging": ("SendMessage",),
    },
    "billing": {},
    "analytics": {},
    "orchestrator": {
        "analytics": ("IngestEvents",),
        "billing": ("CheckQuota",),
        "booking": ("HandleBookingTurn", "ListResources"),
        "conversation": (
            "CreateOrGetConversation",
            "AppendMessage",
            "ListMessages",
            "RequestHandoff",
        ),
        "knowledge": ("Search",),
        "order": ("HandleOrderTurn", "ListProducts"),
    },
    "messaging": {
        "billing": ("RecordUsageBatch",),
        "conversation": ("GetConversation",),
        "orchestrator": ("HandleMessage",),
        "tenant": ("ListOutlets",),  # the business accounts whose templates it syncs
    },
    "payments": {"order": ("RecordPayment",)},  # the payment provider's bridge
    "seed": {  # `make run` uploading the demo business's documents and templates
        "knowledge": ("ListKnowledgeBases", "CreateKnowledgeBase", "UploadDocument"),
        "messaging": ("SyncMessageTemplates", "CreateMessageTemplate"),
    },
}
CALLS: dict[str, dict[str, frozenset[str]]] = {
    member: {
        **{service: frozenset(rpcs) for service, rpcs in calls.items()},
        "tenant": frozenset({*calls.get("tenant", ()), *DIRECTORY}),
    }
    for member, calls in _CALLS.items()
}
DIALS: dict[str, frozenset[str]] = {member: frozenset(calls) for member, calls in CALLS.items()}

Assembly = Callable[[ServiceSpec, Settings], AbstractAsyncContextManager[Register]]


@asynccontextmanager
async def contract_only(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    """The generated base servicer: it answers UNIMPLEMENTED until the service is built."""
    servicer = getattr(spec.grpc_module(), f"{spec.pascal}ServiceServicer")()
    yield lambda server: spec.adder()(servicer, server)


def assembly_of(name: str) -> Assembly:
    """How to assemble a service: its composition root, if it has one yet."""
    try:
        module = importlib.import_module(f"services.{name}.main")
    except ModuleNotFoundError as missing:
        if missing.name != f"services.{name}.main" and missing.name != f"services.{name}":
            raise
        return contract_only
    return module.assemble


async def serve_services(names: list[str], settings: Settings) -> None:
    """Assemble the named services and serve them from this process until SIGTERM."""
    # One process serving several services (`serve all`) is each of them to its peers.
    credentials = credentials_of(settings, *names)
    use_credentials(credentials)
    async with AsyncExitStack() as stack:
        users = GrpcUserDirectory(settings.address_of("tenant"))
        stack.push_async_callback(users.aclose)
        units = []
        for name in names:
            spec = SERVICES[name]
            register = await stack.enter_async_context(assembly_of(name)(spec, settings))
            port = settings.port_of(name)
            address, probes = (
                f"{settings.bind_host}:{p}" for p in (port, port + PROBE_PORT_OFFSET)
            )
            units.append(Unit(name, address, probes, register, [spec.grpc_service]))
        access = AccessInterceptor(users, PeerPolicy.of(CALLS))
        await serve(units, settings.shutdown_grace_seconds, access, credentials)
