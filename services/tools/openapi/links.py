"""OpenAPI links from each create to what can be done with what it made.

A POST on a collection (`/v1/tenants/{tenant_id}/bookings`) that answers with one resource
(`{"booking": {"id": ...}}`) links to the operations on that collection's item
(`/v1/tenants/{tenant_id}/bookings/{booking_id}`, `...:confirm`, `.../{outlet_id}/openingHours`): the new id from the response, the other
path parameters from the request. Clients and stateful testers follow them.
"""

import re
from typing import Any

from google.protobuf.descriptor import MethodDescriptor

Schema = dict[str, Any]
# The item's path parameter, then nothing, a custom verb or one fixed segment (`/openingHours`).
ITEM = re.compile(r"^/\{([a-z0-9_]+)\}(?:/[A-Za-z]+)?(?::[A-Za-z]+)?$")


def created_resource(method: MethodDescriptor) -> str | None:
    """The response field holding the one resource a create returns, if it has an id."""
    fields = method.output_type.fields
    if len(fields) != 1 or fields[0].message_type is None:
        return None
    return fields[0].name if "id" in fields[0].message_type.fields_by_name else None


def _parameters(target: Schema) -> list[str]:
    return [p["name"] for p in target.get("parameters", []) if p["in"] == "path"]


def links_from(collection: str, resource: str, paths: dict[str, dict[str, Schema]]) -> Schema:
    """Links from the create on `collection` to the operations on the items below it."""
    found: Schema = {}
    for path, operations in paths.items():
        item = ITEM.match(path.removeprefix(collection)) if path.startswith(collection) else None
        if item is None:
            continue
        for target in operations.values():
            bound = {
                name: f"$request.path.{name}" for name in _parameters(target) if name != item[1]
            }
            bound[item[1]] = f"$response.body#/{resource}/id"
            found[target["operationId"]] = {
                "operationId": target["operationId"],
                "parameters": bound,
            }
    return found
