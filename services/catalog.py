"""The nine services of the mesh: names, contracts, and how each one is assembled."""

import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from types import ModuleType

from adapters.grpc.access import AccessInterceptor
from adapters.grpc.identity import GrpcUserDirectory

from .runtime import Register, Unit, serve
from .settings import DEFAULT_PORTS, Settings


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
    async with AsyncExitStack() as stack:
        users = GrpcUserDirectory(settings.address_of("tenant"))
        stack.push_async_callback(users.aclose)
        units = []
        for name in names:
            spec = SERVICES[name]
            register = await stack.enter_async_context(assembly_of(name)(spec, settings))
            address = f"{settings.bind_host}:{settings.port_of(name)}"
            units.append(Unit(name, address, register, [spec.grpc_service]))
        await serve(units, settings.shutdown_grace_seconds, AccessInterceptor(users))
