"""Finding the tenants a request names, wherever its type keeps them."""

from crm.analytics.v1 import analytics_pb2
from crm.billing.v1 import billing_pb2
from crm.conversation.v1 import conversation_pb2
from crm.tenant.v1 import tenant_pb2

from adapters.grpc.addressed import addressed_tenants

A = "6f1c1d7e-0000-4000-8000-00000000000a"
B = "6f1c1d7e-0000-4000-8000-00000000000b"


def test_a_top_level_tenant_id():
    assert addressed_tenants(tenant_pb2.GetOutletRequest(tenant_id=A, outlet_id=B)) == {A}


def test_a_nested_message_and_a_tenants_own_id():
    outlet = tenant_pb2.CreateOutletRequest(outlet=tenant_pb2.Outlet(tenant_id=A))
    assert addressed_tenants(outlet) == {A}
    update = tenant_pb2.UpdateTenantRequest(tenant=tenant_pb2.Tenant(id=B, name="x"))
    assert addressed_tenants(update) == {B}


def test_every_element_of_a_repeated_field():
    batch = analytics_pb2.IngestEventsRequest(
        events=[analytics_pb2.Event(tenant_id=A), analytics_pb2.Event(tenant_id=B)]
    )
    assert addressed_tenants(batch) == {A, B}
    usage = billing_pb2.RecordUsageBatchRequest(events=[billing_pb2.RecordUsageRequest()])
    assert addressed_tenants(usage) == set()


def test_a_request_naming_two_tenants_names_both():
    append = conversation_pb2.AppendMessageRequest(
        tenant_id=A, message=conversation_pb2.Message(tenant_id=B)
    )
    assert addressed_tenants(append) == {A, B}


def test_no_tenant_fields_at_all():
    assert addressed_tenants(tenant_pb2.ListTenantsRequest()) == set()
    assert addressed_tenants(tenant_pb2.LookupUserRequest(firebase_uid="u")) == set()


def test_a_default_fills_empty_tenants_only_where_the_request_has_a_message():
    request = conversation_pb2.AppendMessageRequest(message=conversation_pb2.Message(content="hi"))
    assert addressed_tenants(request, default=A) == {A}
    assert request.tenant_id == A and request.message.tenant_id == A

    without_message = conversation_pb2.AppendMessageRequest()
    addressed_tenants(without_message, default=A)
    assert not without_message.HasField("message")  # nothing is invented

    named = tenant_pb2.GetTenantRequest(tenant_id=B)
    assert addressed_tenants(named, default=A) == {B}  # a named tenant is kept, to be refused
