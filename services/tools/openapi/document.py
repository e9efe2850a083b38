"""The whole OpenAPI 3.1 document: one operation per HTTP binding of every exposed RPC."""

from collections import Counter
from typing import Any

from google.protobuf.descriptor import MethodDescriptor

from adapters.grpc.permissions import PUBLIC, roles_for

from .contracts import Contracts, load
from .links import created_resource, links_from
from .operations import Binding, Operations, bindings, openapi_path
from .schemas import WELL_KNOWN, Schemas

Schema = dict[str, Any]
VERSION = "1.0.0"
ERROR = {
    "description": "An error: a gRPC status as JSON (google.rpc.Status), the same shape whether a "
    "service or the gateway itself refused the request.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/google.rpc.Status"}}},
}
STATUS = {
    "type": "object",
    "properties": {
        "code": {
            "type": "integer",
            "format": "int32",
            "description": "The gRPC status code, e.g. 3 INVALID_ARGUMENT, 5 NOT_FOUND.",
        },
        "message": {"type": "string", "description": "What went wrong, for a person to read."},
        "details": {"type": "array", "items": WELL_KNOWN["google.protobuf.Any"]},
    },
    "required": ["code"],
}
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "A Firebase Authentication ID token of a tenant's staff member or an operator.",
}
INFO = {
    "title": "CRM mesh admin API",
    "version": VERSION,
    "description": "The gateway's REST API, transcoded to the services' gRPC contracts. Generated "
    "from proto/ by `make proto`; do not edit by hand.",
}


def _operation_ids(contracts: Contracts) -> dict[str, str]:
    """Each RPC's operationId: its method name, or Service_Method where names repeat."""
    methods = [
        (service, method.name)
        for service in contracts.services
        for method in contracts.pool.FindServiceByName(service).methods
        if bindings(method)
    ]
    counts = Counter(name for _, name in methods)
    return {
        f"{service}/{name}": name if counts[name] == 1 else f"{service.rsplit('.', 1)[1]}_{name}"
        for service, name in methods
    }


def _description(contracts: Contracts, full_method: str) -> str:
    roles = roles_for("/" + full_method) or frozenset()
    who = "Public: no sign-in." if roles == PUBLIC else "Roles: " + ", ".join(sorted(roles)) + "."
    comment = contracts.comment(full_method.replace("/", "."))
    return f"{comment}\n\n{who}" if comment else who


def add_links(contracts: Contracts, paths: dict[str, dict[str, Schema]]) -> None:
    """Links on each create's answer to what can then be done with what it created."""
    for path, operations in paths.items():
        create = operations.get("post")
        if create is None or path.endswith("}") or ":" in path.rsplit("/", 1)[-1]:
            continue
        service, method = create["x-grpc-method"].split("/")
        resource = created_resource(
            contracts.pool.FindServiceByName(service).methods_by_name[method]
        )
        if resource and (links := links_from(path, resource, paths)):
            create["responses"]["200"]["links"] = links


def operation_of(
    contracts: Contracts, operations: Operations, method: MethodDescriptor, binding: Binding
) -> Schema:
    """One binding of an RPC as an operation (its operationId is set by the caller)."""
    full = f"{method.containing_service.full_name}/{method.name}"
    operation: Schema = {
        "tags": [method.containing_service.name],
        "description": _description(contracts, full),
        "x-grpc-method": full,
    }
    if parameters := operations.parameters(method, binding):
        operation["parameters"] = parameters
    if body := operations.request_body(method, binding):
        operation["requestBody"] = body
    operation["responses"] = {
        "200": operations.response(method),
        "default": {"$ref": "#/components/responses/Error"},
    }
    if roles_for("/" + full) == PUBLIC:
        operation["security"] = []
    return operation


def build(contracts: Contracts | None = None) -> Schema:
    contracts = contracts or load()
    schemas = Schemas(contracts)
    operations = Operations(schemas)
    operation_ids = _operation_ids(contracts)
    paths: dict[str, dict[str, Schema]] = {}
    tags = []
    for service_name in contracts.services:
        service = contracts.pool.FindServiceByName(service_name)
        for method in service.methods:
            full = f"{service_name}/{method.name}"
            for index, binding in enumerate(bindings(method)):
                operation = {"operationId": operation_ids[full] + (f"_{index}" if index else "")}
                operation |= operation_of(contracts, operations, method, binding)
                path = paths.setdefault(openapi_path(binding), {})
                if binding.verb in path:
                    raise ValueError(f"{full}: {binding.verb} {binding.template} is bound twice")
                path[binding.verb] = operation
        if any(bindings(m) for m in service.methods):
            tags.append({"name": service.name, "description": contracts.comment(service_name)})
    add_links(contracts, paths)
    components = {
        "schemas": dict(sorted(schemas.components.items())) | {"google.rpc.Status": STATUS},
        "responses": {"Error": ERROR},
        "securitySchemes": {"bearer": BEARER},
    }
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "tags": tags,
        "security": [{"bearer": []}],
        "paths": paths,
        "components": components,
    }
