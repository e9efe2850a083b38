"""The OpenAPI description: current with proto/, and true to how the gateway binds each RPC."""

import json

import pytest

from services import gateway
from services.catalog import SERVICES
from services.tools.openapi.__main__ import DEFAULT, main, render


@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads(render())


def operation(document: dict, grpc_method: str) -> dict:
    found = [
        op
        for path in document["paths"].values()
        for op in path.values()
        if op["x-grpc-method"] == grpc_method
    ]
    assert len(found) == 1, grpc_method
    return found[0]


def parameters(op: dict) -> dict[str, dict]:
    return {p["name"]: p for p in op.get("parameters", [])}


def test_the_committed_description_is_what_make_proto_would_write():
    assert main(["check", str(DEFAULT)]) == 0, "docs/openapi.json is stale: run `make proto`"


def test_a_description_that_differs_from_the_protos_is_stale(tmp_path):
    stale = tmp_path / "openapi.json"
    stale.write_text(DEFAULT.read_text().replace('"CreateBooking"', '"MakeBooking"'))
    assert main(["check", str(stale)]) == 1


def test_every_rpc_the_gateway_routes_has_an_operation(document):
    routed = {
        f"{spec.grpc_service}/{route.name}"
        for name, spec in SERVICES.items()
        for route in gateway.exposed_methods(name)
    }
    described = {op["x-grpc-method"] for path in document["paths"].values() for op in path.values()}
    assert described == routed


def test_path_variables_are_parameters_and_bound_fields_leave_the_body(document):
    op = operation(document, "crm.booking.v1.BookingService/UpdateResource")
    assert set(parameters(op)) == {"tenant_id", "resource_id", "update_mask"}
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert "tenant_id" not in body["properties"] and "id" not in body["properties"]
    # OUTPUT_ONLY fields are not part of a request; an update requires nothing.
    assert "create_time" not in body["properties"] and "required" not in body


def test_required_fields_and_validation_rules_are_carried(document):
    create = operation(document, "crm.booking.v1.BookingService/CreateBooking")
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert "customer_phone" in body["required"] and "tenant_id" not in body["required"]
    availability = parameters(
        operation(document, "crm.booking.v1.BookingService/CheckAvailability")
    )
    duration = availability["duration_minutes"]["schema"]
    assert (duration["minimum"], duration["maximum"]) == (0, 1440)
    assert availability["outlet_id"]["schema"]["format"] == "uuid"
    assert availability["date"]["schema"]["pattern"] == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    assert availability["date"]["description"].startswith('"YYYY-MM-DD"')


def test_responses_use_proto_names_enum_names_and_json_forms(document):
    schemas = document["components"]["schemas"]
    booking = schemas["crm.booking.v1.Booking"]["properties"]
    assert booking["create_time"] == {"type": "string", "format": "date-time"}
    assert booking["status"]["$ref"].endswith("crm.booking.v1.BookingStatus")
    assert "BOOKING_STATUS_CONFIRMED" in schemas["crm.booking.v1.BookingStatus"]["enum"]
    assert "required" not in schemas["crm.booking.v1.Booking"]  # defaults are left out


def test_list_filters_are_query_parameters_with_dotted_names(document):
    listing = parameters(operation(document, "crm.booking.v1.BookingService/ListBookings"))
    assert {"page.page_size", "page.page_token", "status"} <= set(listing)
    assert listing["page.page_size"]["in"] == "query"


def test_the_webhook_is_public_and_admin_routes_need_a_token(document):
    assert document["security"] == [{"bearer": []}]
    webhook = operation(document, "crm.messaging.v1.MessagingService/ReceiveWebhook")
    assert webhook["security"] == []
    assert "security" not in operation(document, "crm.tenant.v1.TenantService/GetTenant")


def test_errors_are_described_as_a_status(document):
    error = document["components"]["responses"]["Error"]["content"]["application/json"]
    status = document["components"]["schemas"]["google.rpc.Status"]
    assert error["schema"]["$ref"].endswith("google.rpc.Status")
    assert set(status["properties"]) == {"code", "message", "details"}


def test_a_create_links_to_what_can_be_done_with_what_it_made(document):
    create = operation(document, "crm.booking.v1.BookingService/CreateBooking")
    links = create["responses"]["200"]["links"]
    assert links["ConfirmBooking"]["parameters"] == {
        "tenant_id": "$request.path.tenant_id",
        "booking_id": "$response.body#/booking/id",
    }
    assert {"GetBooking", "CancelBooking", "RescheduleBooking"} <= set(links)
    assert "CreateBooking" not in links and "ListBookings" not in links
