"""Tenant A cannot reach tenant B's rows through any RPC of any service.

The whole mesh runs in this process as production assembles it (access interceptor, containers,
each service's own roles under row-level security). Two tenants are seeded alike; then, for every
RPC of the descriptor set, A's staff (by token, as through the gateway) and A's peers (by scope
metadata) try B's rows two ways:

1. naming tenant B (`tenant_id`, or a nested one such as `outlet.tenant_id`): NOT_FOUND;
2. naming their own tenant with B's ids: NOT_FOUND (a row of B's), or an answer for A alone
   (a list, a query) -- either way exactly what an id nobody has gets, and holding no id or text
   of B's. B's row is then unchanged, as the tables' owner sees it.

Then the same call acting for B succeeds: the refusals come from isolation, not from a request
no one could make. An RPC the table neither covers nor exempts (with a reason) fails the test.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from crm.analytics.v1 import analytics_pb2 as analytics
from crm.billing.v1 import billing_pb2 as billing
from crm.booking.v1 import booking_pb2 as booking
from crm.conversation.v1 import conversation_pb2 as conversation
from crm.knowledge.v1 import knowledge_pb2 as knowledge
from crm.messaging.v1 import messaging_pb2 as messaging
from crm.orchestrator.v1 import orchestrator_pb2 as orchestrator
from crm.order.v1 import order_pb2 as order
from crm.tenant.v1 import tenant_pb2 as tenant
from google.protobuf import descriptor_pb2
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message

from adapters.grpc.addressed import addressed_tenants
from adapters.grpc.convert import timestamp
from adapters.grpc.permissions import PLATFORM, PUBLIC, roles_for
from core.shared.scope import SERVICE_ROLE
from services.settings import ROOT

from .cross_tenant_support import (
    BOOKING_DAY,
    REPLY,
    STATEMENT_PERIOD,
    Caller,
    Rows,
    digits,
    document_text,
    money,
    request_of,
    rows_as_owner,
    secrets_of,
)

CODE = grpc.StatusCode
DESCRIPTORS = ROOT / "gen" / "crm_descriptor.pb"
# Whom A's calls come as: signed-in staff (the gateway's way) and peers (the mesh's way).
CALLERS = (
    Caller("owner", "token"),
    Caller("owner"),
    Caller("admin"),
    Caller("agent", "token"),
    Caller(SERVICE_ROLE),
)
# The window of the analytics queries: the seeded events (an hour ago) fall inside it.
TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
WINDOW = analytics.TimeRange(
    start_time=timestamp(TODAY - timedelta(days=2)), end_time=timestamp(TODAY + timedelta(days=1))
)

HIDDEN = "hidden"  # names a row of B's: NOT_FOUND
OWN = "own"  # a list or a query: answered, for A alone
TENANT = "tenant"  # names no row of B's but the tenant (a create): only naming B is tried

Build = Callable[[str, Rows, Rows], Message]


@dataclass(frozen=True)
class Case:
    """One RPC tried against B's rows.

    `build(tenant, rows, me)` makes its request addressed to `tenant`, with the ids of `rows`
    (B's, or a stranger's) and, where it needs them, of `me` (the caller's own tenant).
    `target` is the rows that must stay as they were: (table, key column, name in Rows), every
    tenant's rows with that key (so a row A wrote under B's id counts). `same` picks what of
    A's answer must equal a stranger's (None: answers differ by nature, a create's new id).
    `then` follows B's row after the positive control changed it."""

    rpc: str
    build: Build
    kind: str = HIDDEN
    target: tuple[str, str, str] | None = None
    same: Callable[[Message], Any] | None = str
    then: Callable[[Rows, Message], None] | None = None
    label: str = ""

    def __str__(self) -> str:
        return f"{self.rpc}{f'[{self.label}]' if self.label else ''}"

    @property
    def wire(self) -> str:
        service, method = self.rpc.split(".")
        return f"/crm.{service}.v1.{service.capitalize()}Service/{method}"


def mask(*paths: str) -> FieldMask:
    return FieldMask(paths=list(paths))


def fresh() -> str:
    return uuid.uuid4().hex[:12]


def _subscription_changed(rows: Rows, answer: Message) -> None:
    rows.ids["subscription"] = answer.subscription.id


# fmt: off
CASES: tuple[Case, ...] = (
    # -- tenant ----------------------------------------------------------------------------
    Case("tenant.GetTenant", lambda t, r, me: tenant.GetTenantRequest(tenant_id=t), OWN),
    Case("tenant.UpdateTenant", lambda t, r, me: tenant.UpdateTenantRequest(
        tenant=tenant.Tenant(id=t, greeting_message="Welcome!"),
        update_mask=mask("greeting_message")), TENANT, ("tenant.tenants", "id", "tenant")),
    Case("tenant.CreateOutlet", lambda t, r, me: tenant.CreateOutletRequest(outlet=tenant.Outlet(
        tenant_id=t, name="Annex", timezone="UTC", waba_phone_number_id=digits(15))), TENANT),
    Case("tenant.GetOutlet", lambda t, r, me: tenant.GetOutletRequest(tenant_id=t, outlet_id=r.outlet)),
    Case("tenant.UpdateOutlet", lambda t, r, me: tenant.UpdateOutletRequest(
        outlet=tenant.Outlet(tenant_id=t, id=r.outlet, name="Renamed"), update_mask=mask("name")),
        target=("tenant.outlets", "id", "outlet")),
    Case("tenant.ListOutlets", lambda t, r, me: tenant.ListOutletsRequest(tenant_id=t), OWN),
    Case("tenant.DeactivateOutlet", lambda t, r, me: tenant.DeactivateOutletRequest(
        tenant_id=t, outlet_id=r.outlet_spare), target=("tenant.outlets", "id", "outlet_spare")),
    Case("tenant.ResolveOutlet", lambda t, r, me: tenant.ResolveOutletRequest(
        phone_number_id=r.outlet_number)),
    Case("tenant.CreateUser", lambda t, r, me: tenant.CreateUserRequest(user=tenant.User(
        tenant_id=t, firebase_uid=fresh(), email=f"{fresh()}@example.com",
        role=tenant.USER_ROLE_AGENT)), TENANT),
    Case("tenant.GetUser", lambda t, r, me: tenant.GetUserRequest(tenant_id=t, user_id=r.user_agent)),
    Case("tenant.UpdateUser", lambda t, r, me: tenant.UpdateUserRequest(
        user=tenant.User(tenant_id=t, id=r.user_agent, display_name="Renamed"),
        update_mask=mask("display_name")), target=("tenant.users", "id", "user_agent")),
    Case("tenant.ListUsers", lambda t, r, me: tenant.ListUsersRequest(tenant_id=t), OWN),
    Case("tenant.DeactivateUser", lambda t, r, me: tenant.DeactivateUserRequest(
        tenant_id=t, user_id=r.user_spare), target=("tenant.users", "id", "user_spare")),
    Case("tenant.LookupUser", lambda t, r, me: tenant.LookupUserRequest(firebase_uid=r.owner_uid)),
    # -- conversation ----------------------------------------------------------------------
    Case("conversation.CreateOrGetConversation", lambda t, r, me:
        conversation.CreateOrGetConversationRequest(
            tenant_id=t, outlet_id=r.outlet, customer_phone=r.customer_phone)),
    Case("conversation.GetConversation", lambda t, r, me: conversation.GetConversationRequest(
        tenant_id=t, conversation_id=r.conversation)),
    Case("conversation.ListConversations", lambda t, r, me: conversation.ListConversationsRequest(
        tenant_id=t), OWN),
    Case("conversation.UpdateConversation", lambda t, r, me: conversation.UpdateConversationRequest(
        conversation=conversation.Conversation(tenant_id=t, id=r.conversation, customer_name="X"),
        update_mask=mask("customer_name")),
        target=("conversation.conversations", "id", "conversation")),
    Case("conversation.CloseConversation", lambda t, r, me: conversation.CloseConversationRequest(
        tenant_id=t, conversation_id=r.conversation_close),
        target=("conversation.conversations", "id", "conversation_close")),
    Case("conversation.AppendMessage", lambda t, r, me: conversation.AppendMessageRequest(
        tenant_id=t, message=conversation.Message(
            conversation_id=r.conversation, sender_type=conversation.SENDER_TYPE_CUSTOMER,
            message_type=conversation.MESSAGE_TYPE_TEXT, content="One more thing",
            whatsapp_message_id=f"wamid.{fresh()}", timestamp=timestamp(datetime.now(UTC)))),
        target=("conversation.conversations", "id", "conversation")),
    Case("conversation.AppendMessage", lambda t, r, me: conversation.AppendMessageRequest(
        tenant_id=t, message=conversation.Message(
            conversation_id=me.conversation, sender_type=conversation.SENDER_TYPE_CUSTOMER,
            message_type=conversation.MESSAGE_TYPE_TEXT, content="Same words",
            whatsapp_message_id=r.conversation_wamid, timestamp=timestamp(datetime.now(UTC)))),
        OWN, same=lambda answer: answer.duplicate, label="B's WhatsApp message id"),
    Case("conversation.ListMessages", lambda t, r, me: conversation.ListMessagesRequest(
        tenant_id=t, conversation_id=r.conversation)),
    Case("conversation.ReplyAsAgent", lambda t, r, me: conversation.ReplyAsAgentRequest(
        tenant_id=t, conversation_id=r.conversation_agent, agent_id=r.user_agent,
        text="On my way"), target=("conversation.conversations", "id", "conversation_agent")),
    Case("conversation.ListAwaitingAgent", lambda t, r, me: conversation.ListAwaitingAgentRequest(
        tenant_id=t), OWN),
    Case("conversation.RequestHandoff", lambda t, r, me: conversation.RequestHandoffRequest(
        tenant_id=t, conversation_id=r.conversation_handoff, reason="help"),
        target=("conversation.conversations", "id", "conversation_handoff")),
    Case("conversation.AssignHandoff", lambda t, r, me: conversation.AssignHandoffRequest(
        tenant_id=t, conversation_id=r.conversation_handoff, agent_user_id=r.user_agent),
        target=("conversation.conversations", "id", "conversation_handoff")),
    Case("conversation.ReleaseHandoff", lambda t, r, me: conversation.ReleaseHandoffRequest(
        tenant_id=t, conversation_id=r.conversation_handoff),
        target=("conversation.conversations", "id", "conversation_handoff")),
    # -- knowledge -------------------------------------------------------------------------
    Case("knowledge.CreateKnowledgeBase", lambda t, r, me: knowledge.CreateKnowledgeBaseRequest(
        knowledge_base=knowledge.KnowledgeBase(tenant_id=t, outlet_id=r.outlet, name=fresh()))),
    Case("knowledge.GetKnowledgeBase", lambda t, r, me: knowledge.GetKnowledgeBaseRequest(
        tenant_id=t, knowledge_base_id=r.knowledge_base)),
    Case("knowledge.UpdateKnowledgeBase", lambda t, r, me: knowledge.UpdateKnowledgeBaseRequest(
        knowledge_base=knowledge.KnowledgeBase(
            tenant_id=t, id=r.knowledge_base, description="Changed"),
        update_mask=mask("description")),
        target=("knowledge.knowledge_bases", "id", "knowledge_base")),
    Case("knowledge.ListKnowledgeBases", lambda t, r, me: knowledge.ListKnowledgeBasesRequest(
        tenant_id=t), OWN),
    Case("knowledge.DeleteKnowledgeBase", lambda t, r, me: knowledge.DeleteKnowledgeBaseRequest(
        tenant_id=t, knowledge_base_id=r.knowledge_base_spare),
        target=("knowledge.knowledge_bases", "id", "knowledge_base_spare")),
    Case("knowledge.UploadDocument", lambda t, r, me: knowledge.UploadDocumentRequest(
        tenant_id=t, knowledge_base_id=r.knowledge_base, filename="extra.txt",
        content_type="text/plain", content=document_text(fresh(), "extra").encode()),
        target=("knowledge.knowledge_bases", "id", "knowledge_base")),
    Case("knowledge.GetDocument", lambda t, r, me: knowledge.GetDocumentRequest(
        tenant_id=t, knowledge_base_id=r.knowledge_base, document_id=r.document)),
    Case("knowledge.ListDocuments", lambda t, r, me: knowledge.ListDocumentsRequest(
        tenant_id=t, knowledge_base_id=r.knowledge_base)),
    Case("knowledge.DeleteDocument", lambda t, r, me: knowledge.DeleteDocumentRequest(
        tenant_id=t, knowledge_base_id=r.knowledge_base, document_id=r.document_spare),
        target=("knowledge.documents", "id", "document_spare")),
    Case("knowledge.ReindexDocument", lambda t, r, me: knowledge.ReindexDocumentRequest(
        tenant_id=t, knowledge_base_id=r.knowledge_base, document_id=r.document),
        target=("knowledge.documents", "id", "document")),
    Case("knowledge.Search", lambda t, r, me: knowledge.SearchRequest(
        tenant_id=t, query="terrace tasting menu parking", top_k=10), OWN, label="words"),
    Case("knowledge.Search", lambda t, r, me: knowledge.SearchRequest(
        tenant_id=t, query="terrace", knowledge_base_ids=[r.knowledge_base]), OWN, label="base"),
    # -- booking ---------------------------------------------------------------------------
    Case("booking.CreateResource", lambda t, r, me: booking.CreateResourceRequest(
        resource=booking.Resource(tenant_id=t, outlet_id=r.outlet, name=fresh(),
                                  type=booking.RESOURCE_TYPE_COURT))),
    Case("booking.GetResource", lambda t, r, me: booking.GetResourceRequest(
        tenant_id=t, resource_id=r.resource)),
    Case("booking.UpdateResource", lambda t, r, me: booking.UpdateResourceRequest(
        resource=booking.Resource(tenant_id=t, id=r.resource, description="Changed"),
        update_mask=mask("description")), target=("booking.resources", "id", "resource")),
    Case("booking.ListResources", lambda t, r, me: booking.ListResourcesRequest(tenant_id=t), OWN),
    Case("booking.DeleteResource", lambda t, r, me: booking.DeleteResourceRequest(
        tenant_id=t, resource_id=r.resource_spare),
        target=("booking.resources", "id", "resource_spare")),
    # Every day an hour earlier than seeded: B's own change (the positive control) keeps the
    # booking cases' day open.
    Case("booking.SetOpeningHours", lambda t, r, me: booking.SetOpeningHoursRequest(
        opening_hours=booking.OpeningHours(tenant_id=t, outlet_id=r.outlet, periods=[
            booking.OpeningPeriod(weekday=day, open_time="09:00", close_time="23:59")
            for day in range(booking.WEEKDAY_MONDAY, booking.WEEKDAY_SUNDAY + 1)])),
        target=("booking.opening_hours", "outlet_id", "outlet")),
    Case("booking.GetOpeningHours", lambda t, r, me: booking.GetOpeningHoursRequest(
        tenant_id=t, outlet_id=r.outlet)),
    Case("booking.CheckAvailability", lambda t, r, me: booking.CheckAvailabilityRequest(
        tenant_id=t, outlet_id=r.outlet, date=BOOKING_DAY, party_size=2), OWN),
    Case("booking.CreateBooking", lambda t, r, me: booking.CreateBookingRequest(
        booking=booking.Booking(
            tenant_id=t, outlet_id=r.outlet, resource_id=r.resource_free, party_size=2,
            customer_phone="+34600000000", booking_date=BOOKING_DAY, start_time="10:00")),
        target=("booking.resources", "id", "resource_free")),
    Case("booking.GetBooking", lambda t, r, me: booking.GetBookingRequest(
        tenant_id=t, booking_id=r.booking)),
    Case("booking.ListBookings", lambda t, r, me: booking.ListBookingsRequest(
        tenant_id=t, resource_id=r.resource), OWN),
    Case("booking.ConfirmBooking", lambda t, r, me: booking.ConfirmBookingRequest(
        tenant_id=t, booking_id=r.booking_confirm),
        target=("booking.bookings", "id", "booking_confirm")),
    Case("booking.CancelBooking", lambda t, r, me: booking.CancelBookingRequest(
        tenant_id=t, booking_id=r.booking_cancel, reason="rain"),
        target=("booking.bookings", "id", "booking_cancel")),
    Case("booking.RescheduleBooking", lambda t, r, me: booking.RescheduleBookingRequest(
        tenant_id=t, booking_id=r.booking_reschedule, booking_date=BOOKING_DAY,
        start_time="14:00", resource_id=r.resource_free),
        target=("booking.bookings", "id", "booking_reschedule")),
    Case("booking.CompleteBooking", lambda t, r, me: booking.CompleteBookingRequest(
        tenant_id=t, booking_id=r.booking_complete),
        target=("booking.bookings", "id", "booking_complete")),
    Case("booking.MarkNoShow", lambda t, r, me: booking.MarkNoShowRequest(
        tenant_id=t, booking_id=r.booking_noshow),
        target=("booking.bookings", "id", "booking_noshow")),
    Case("booking.HandleBookingTurn", lambda t, r, me: booking.HandleBookingTurnRequest(
        tenant_id=t, outlet_id=r.outlet, conversation_id=r.conversation,
        customer_phone=r.customer_phone, text="A table for 2 on Friday at 7pm please",
        intent="booking.new", entities={"party_size": "2", "date": BOOKING_DAY},
        message_time=timestamp(datetime.now(UTC)))),
    # -- order -----------------------------------------------------------------------------
    Case("order.CreateCategory", lambda t, r, me: order.CreateCategoryRequest(
        category=order.Category(tenant_id=t, name=fresh())), TENANT),
    Case("order.GetCategory", lambda t, r, me: order.GetCategoryRequest(
        tenant_id=t, category_id=r.category)),
    Case("order.UpdateCategory", lambda t, r, me: order.UpdateCategoryRequest(
        category=order.Category(tenant_id=t, id=r.category, description="Changed"),
        update_mask=mask("description")), target=("orders.categories", "id", "category")),
    Case("order.ListCategories", lambda t, r, me: order.ListCategoriesRequest(tenant_id=t), OWN),
    Case("order.DeleteCategory", lambda t, r, me: order.DeleteCategoryRequest(
        tenant_id=t, category_id=r.category_spare),
        target=("orders.categories", "id", "category_spare")),
    Case("order.CreateProduct", lambda t, r, me: order.CreateProductRequest(product=order.Product(
        tenant_id=t, name=fresh(), price=money("3.00"), category_id=r.category)),
        target=("orders.categories", "id", "category")),
    Case("order.GetProduct", lambda t, r, me: order.GetProductRequest(
        tenant_id=t, product_id=r.product)),
    Case("order.UpdateProduct", lambda t, r, me: order.UpdateProductRequest(
        product=order.Product(tenant_id=t, id=r.product, description="Changed"),
        update_mask=mask("description")), target=("orders.products", "id", "product")),
    Case("order.ListProducts", lambda t, r, me: order.ListProductsRequest(
        tenant_id=t, category_id=r.category), OWN),
    Case("order.DeleteProduct", lambda t, r, me: order.DeleteProductRequest(
        tenant_id=t, product_id=r.product_spare),
        target=("orders.products", "id", "product_spare")),
    Case("order.AdjustStock", lambda t, r, me: order.AdjustStockRequest(
        tenant_id=t, product_id=r.product, quantity_change=1,
        adjustment_type=order.ADJUSTMENT_TYPE_RESTOCK), target=("orders.products", "id", "product")),
    Case("order.ListStockAdjustments", lambda t, r, me: order.ListStockAdjustmentsRequest(
        tenant_id=t, product_id=r.product), OWN),
    Case("order.CreateOrder", lambda t, r, me: order.CreateOrderRequest(order=order.Order(
        tenant_id=t, outlet_id=r.outlet, customer_phone="+34600000000",
        fulfillment_type=order.FULFILLMENT_TYPE_PICKUP,
        items=[order.OrderItem(product_id=r.product, quantity=1)])),
        target=("orders.products", "id", "product")),
    Case("order.CreateOrder", lambda t, r, me: order.CreateOrderRequest(order=order.Order(
        tenant_id=t, outlet_id=r.outlet, customer_phone="+34600000000",
        fulfillment_type=order.FULFILLMENT_TYPE_PICKUP,
        items=[order.OrderItem(product_id=me.product, quantity=1)])),
        target=("orders.orders", "outlet_id", "outlet"), label="B's outlet"),
    Case("order.CreateOrder", lambda t, r, me: order.CreateOrderRequest(order=order.Order(
        tenant_id=t, outlet_id=me.outlet, conversation_id=r.conversation,
        customer_phone="+34600000000", fulfillment_type=order.FULFILLMENT_TYPE_PICKUP,
        items=[order.OrderItem(product_id=me.product, quantity=1)])),
        target=("orders.orders", "conversation_id", "conversation"), label="B's conversation"),
    Case("order.GetOrder", lambda t, r, me: order.GetOrderRequest(tenant_id=t, order_id=r.order)),
    Case("order.ListOrders", lambda t, r, me: order.ListOrdersRequest(tenant_id=t), OWN),
    Case("order.Checkout", lambda t, r, me: order.CheckoutRequest(tenant_id=t, order_id=r.order),
         target=("orders.orders", "id", "order")),
    Case("order.RecordPayment", lambda t, r, me: order.RecordPaymentRequest(
        tenant_id=t, order_id=r.order_pay, amount=money("10.00"), payment_reference=fresh()),
        target=("orders.orders", "id", "order_pay")),
    Case("order.UpdateOrderStatus", lambda t, r, me: order.UpdateOrderStatusRequest(
        tenant_id=t, order_id=r.order_paid, status=order.ORDER_STATUS_PROCESSING),
        target=("orders.orders", "id", "order_paid")),
    Case("order.CancelOrder", lambda t, r, me: order.CancelOrderRequest(
        tenant_id=t, order_id=r.order_cancel, reason="changed my mind"),
        target=("orders.orders", "id", "order_cancel")),
    Case("order.HandleOrderTurn", lambda t, r, me: order.HandleOrderTurnRequest(
        tenant_id=t, outlet_id=r.outlet, conversation_id=r.conversation,
        customer_phone=r.customer_phone, text="What do you sell?", intent="order.browse",
        message_time=timestamp(datetime.now(UTC))), OWN),
    # -- billing (the subscription's own cases come last: they end it) ----------------------
    Case("billing.GetSubscription", lambda t, r, me: billing.GetSubscriptionRequest(
        tenant_id=t, subscription_id=r.subscription)),
    Case("billing.GetActiveSubscription", lambda t, r, me: billing.GetActiveSubscriptionRequest(
        tenant_id=t), OWN),
    Case("billing.ListSubscriptions", lambda t, r, me: billing.ListSubscriptionsRequest(
        tenant_id=t), OWN),
    Case("billing.RecordUsage", lambda t, r, me: billing.RecordUsageRequest(
        tenant_id=t, outlet_id=me.outlet, usage_type=billing.USAGE_TYPE_MESSAGES_OUT, count=1,
        idempotency_key=r.usage_key), OWN, same=lambda answer: answer.duplicate),
    Case("billing.RecordUsageBatch", lambda t, r, me: billing.RecordUsageBatchRequest(events=[
        billing.RecordUsageRequest(
            tenant_id=t, outlet_id=me.outlet, usage_type=billing.USAGE_TYPE_MESSAGES_OUT,
            count=1, idempotency_key=r.usage_key_batch)]),
        OWN, same=lambda answer: (answer.recorded, answer.duplicates)),
    Case("billing.GetUsage", lambda t, r, me: billing.GetUsageRequest(tenant_id=t), OWN, same=None),
    Case("billing.CheckQuota", lambda t, r, me: billing.CheckQuotaRequest(
        tenant_id=t, usage_type=billing.USAGE_TYPE_MESSAGES_IN, amount=1), OWN, same=None),
    Case("billing.GetDeposit", lambda t, r, me: billing.GetDepositRequest(
        tenant_id=t, deposit_id=r.deposit)),
    Case("billing.ListDeposits", lambda t, r, me: billing.ListDepositsRequest(tenant_id=t), OWN),
    Case("billing.GetBalance", lambda t, r, me: billing.GetBalanceRequest(tenant_id=t), OWN),
    Case("billing.ListLedgerEntries", lambda t, r, me: billing.ListLedgerEntriesRequest(
        tenant_id=t), OWN),
    Case("billing.GetStatement", lambda t, r, me: billing.GetStatementRequest(
        tenant_id=t, period_date=STATEMENT_PERIOD.isoformat()), OWN),
    Case("billing.ListStatements", lambda t, r, me: billing.ListStatementsRequest(tenant_id=t), OWN),
    Case("billing.ListAlerts", lambda t, r, me: billing.ListAlertsRequest(tenant_id=t), OWN),
    # -- analytics: A's figures for B's outlet are a stranger outlet's, none ------------------
    Case("analytics.IngestEvents", lambda t, r, me: analytics.IngestEventsRequest(events=[
        analytics.Event(event_id=r.event, tenant_id=t, event_type="message.received",
                        occurred_at=timestamp(datetime.now(UTC)))]),
        OWN, same=lambda answer: (answer.accepted_count, answer.duplicate_count)),
    *(Case(f"analytics.{method}", lambda t, r, me, request=request: request(
        tenant_id=t, outlet_id=r.outlet, time_range=WINDOW), OWN) for method, request in (
            ("GetMessageVolume", analytics.GetMessageVolumeRequest),
            ("GetIntentBreakdown", analytics.GetIntentBreakdownRequest),
            ("GetConversionFunnel", analytics.GetConversionFunnelRequest),
            ("GetRevenue", analytics.GetRevenueRequest),
            ("GetLatency", analytics.GetLatencyRequest),
            ("GetHandoffShare", analytics.GetHandoffShareRequest),
            ("GetTopProducts", analytics.GetTopProductsRequest),
            ("GetUnansweredQuestions", analytics.GetUnansweredQuestionsRequest))),
    # -- orchestrator ----------------------------------------------------------------------
    Case("orchestrator.GetDialogueState", lambda t, r, me: orchestrator.GetDialogueStateRequest(
        tenant_id=t, conversation_id=r.conversation), OWN),
    Case("orchestrator.ResetDialogueState", lambda t, r, me: orchestrator.ResetDialogueStateRequest(
        tenant_id=t, conversation_id=r.conversation), OWN,
        target=("orchestrator.dialogue_states", "conversation_id", "conversation")),
    Case("orchestrator.HandleMessage", lambda t, r, me: orchestrator.HandleMessageRequest(
        tenant_id=t, outlet_id=r.outlet, conversation_id=r.conversation,
        customer_phone=r.customer_phone, text="Hello, are you open?",
        whatsapp_message_id=f"wamid.{fresh()}"), OWN),
    # -- messaging -------------------------------------------------------------------------
    Case("messaging.SendMessage", lambda t, r, me: messaging.SendMessageRequest(
        tenant_id=t, outlet_id=r.outlet, conversation_id=r.conversation, to=r.customer_phone,
        text=messaging.TextContent(body="Your order is ready"), idempotency_key=fresh()),
        target=("conversation.conversations", "id", "conversation")),
    Case("messaging.SendMessage", lambda t, r, me: messaging.SendMessageRequest(
        tenant_id=t, outlet_id=me.outlet, conversation_id=me.conversation, to=me.customer_phone,
        text=messaging.TextContent(body=REPLY), idempotency_key=r.outbound_key),
        OWN, same=lambda answer: answer.message.text.body, label="B's idempotency key"),
    Case("messaging.GetOutboundMessage", lambda t, r, me: messaging.GetOutboundMessageRequest(
        tenant_id=t, message_id=r.outbound)),
    Case("messaging.ListOutboxMessages", lambda t, r, me: messaging.ListOutboxMessagesRequest(
        tenant_id=t), OWN),
    Case("messaging.RetryOutboxMessage", lambda t, r, me: messaging.RetryOutboxMessageRequest(
        tenant_id=t, message_id=r.outbound),
        target=("messaging.outbox_messages", "id", "outbound")),
    Case("messaging.GetInboxItem", lambda t, r, me: messaging.GetInboxItemRequest(
        tenant_id=t, inbox_item_id=r.inbox_item)),
    Case("messaging.ListInboxItems", lambda t, r, me: messaging.ListInboxItemsRequest(
        tenant_id=t), OWN),
    Case("messaging.ListOptOuts", lambda t, r, me: messaging.ListOptOutsRequest(
        tenant_id=t), OWN),
    Case("messaging.ListMessageTemplates", lambda t, r, me: messaging.ListMessageTemplatesRequest(
        tenant_id=t), OWN),
    Case("messaging.CreateMessageTemplate", lambda t, r, me: messaging.CreateMessageTemplateRequest(
        tenant_id=t, outlet_id=r.outlet, template=messaging.MessageTemplate(
            name=f"notice_{fresh()}", language="en", category=messaging.TEMPLATE_CATEGORY_UTILITY,
            body="Your order is ready."))),
    Case("messaging.SyncMessageTemplates", lambda t, r, me: messaging.SyncMessageTemplatesRequest(
        tenant_id=t), TENANT),
    Case("messaging.GetMedia", lambda t, r, me: messaging.GetMediaRequest(
        tenant_id=t, media_id=r.media)),
    Case("messaging.RetryInboxItem", lambda t, r, me: messaging.RetryInboxItemRequest(
        tenant_id=t, inbox_item_id=r.inbox_item),
        target=("messaging.inbox_items", "id", "inbox_item")),
    # -- the subscription itself: changed, ended, started again ------------------------------
    Case("billing.ChangeTier", lambda t, r, me: billing.ChangeTierRequest(
        tenant_id=t, subscription_id=r.subscription, tier="pro"),
        target=("billing.subscriptions", "id", "subscription"), then=_subscription_changed),
    Case("billing.CancelSubscription", lambda t, r, me: billing.CancelSubscriptionRequest(
        tenant_id=t, subscription_id=r.subscription, reason="moving"),
        target=("billing.subscriptions", "id", "subscription")),
    Case("billing.CreateSubscription", lambda t, r, me: billing.CreateSubscriptionRequest(
        tenant_id=t, tier="starter"), TENANT, then=_subscription_changed),
)
# fmt: on

# RPCs no case covers, each with the reason.
EXEMPT: dict[str, str] = {
    "messaging.ReceiveWebhook": "public: signed by Meta, names no tenant (the worker resolves it)",
    "messaging.VerifyWebhook": "public: the webhook subscription handshake, no tenant's data",
    "billing.ListTiers": "the tiers on offer are the platform's, the same for every tenant",
    "billing.GetTier": "the tiers on offer are the platform's, the same for every tenant",
    "tenant.CreateTenant": "operators only",
    "tenant.ListTenants": "operators only",
    "tenant.DeactivateTenant": "operators only",
    "billing.CreateDeposit": "operators only (top-ups)",
    "billing.ClosePeriod": "operators only (and the period closer)",
}


def rpcs_of_descriptor_set() -> set[str]:
    """Every method of the mesh's services, as "service.Method"."""
    files = descriptor_pb2.FileDescriptorSet.FromString(DESCRIPTORS.read_bytes())
    return {
        f"{proto.package.split('.')[1]}.{method.name}"
        for proto in files.file
        if proto.package.startswith("crm.")
        for service in proto.service
        for method in service.method
    }


def test_every_rpc_is_tried_or_exempt_with_a_reason():
    covered = {case.rpc for case in CASES}
    rpcs = rpcs_of_descriptor_set()
    assert rpcs - covered - EXEMPT.keys() == set(), "add a Case (or an exemption with a reason)"
    assert (covered | EXEMPT.keys()) - rpcs == set(), "a case or exemption names no RPC"
    assert covered & EXEMPT.keys() == set()
    assert len({str(case) for case in CASES}) == len(CASES), "give repeated RPCs a label"


def test_exemptions_are_public_or_closed_to_tenants():
    for rpc, reason in EXEMPT.items():
        roles = roles_for(Case(rpc, lambda t, r, me: None).wire)
        if reason.startswith("public"):
            assert roles == PUBLIC, rpc
        elif reason.startswith("operators only"):
            assert roles == PLATFORM, rpc


# -- the world: the mesh and two tenants seeded alike --------------------------------------


@pytest.fixture(scope="module")
def world(cross_tenant_world):
    return cross_tenant_world


async def _outcome(mesh, rpc: str, request: Message, metadata) -> tuple[CODE, Any]:
    """(status, the answer or the error's details) of one call."""
    try:
        return CODE.OK, await mesh.call(rpc, request, metadata)
    except grpc.aio.AioRpcError as refused:
        return refused.code(), refused.details()


def _normalized(answer: Any, rows: Rows) -> str:
    """The answer with the ids and keys of `rows` written as their names."""
    text = str(answer)
    for value, name in rows.names_of().items():
        text = text.replace(value, f"<{name}>")
    return text


def _leaks(answer: Any, request: Message, markers: set[str]) -> set[str]:
    """What of B's the answer holds that the request did not already name."""
    asked, told = str(request), str(answer)
    return {marker for marker in markers if marker in told and marker not in asked}


async def _state_of(owner, case: Case, rows: Rows) -> Any:
    if case.target is None:
        return None
    table, key, name = case.target
    return await rows_as_owner(owner, table, key, getattr(rows, name))


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_tenant_a_cannot_reach_tenant_b(world, case: Case):
    mesh, owner, a, b = world.mesh, world.owner, world.a, world.b
    roles = roles_for(case.wire)
    callers = [caller for caller in CALLERS if caller.role in roles]
    assert callers, f"{case} is open to no tenant's staff: exempt it instead"
    before = await _state_of(owner, case, b)
    secrets = await secrets_of(owner, b.tenant, a.tenant) | {b.label}

    # 1. Acting for A, naming tenant B.
    if addressed_tenants(case.build(b.tenant, b, a)):
        for caller in callers:
            request = case.build(b.tenant, b, a)
            code, details = await _outcome(mesh, case.rpc, request, caller.metadata(a))
            assert code is CODE.NOT_FOUND, f"{caller}: {code.name} {details}"
            assert not _leaks(details, request, secrets), f"{caller}: {details}"

    # 2. Acting for A, naming A, with B's ids: refused, or answered for A alone.
    if case.kind != TENANT:
        expected = CODE.NOT_FOUND if case.kind == HIDDEN else CODE.OK
        for n, caller in enumerate(callers):
            request = case.build(a.tenant, b, a)
            code, answer = await _outcome(mesh, case.rpc, request, caller.metadata(a))
            assert code is expected, f"{caller}: {code.name} {answer}"
            leaked = _leaks(answer, request, secrets)
            assert not leaked, f"{caller}: {leaked} in {answer}"
            stranger = b.stranger()
            unknown_request = case.build(a.tenant, stranger, a)
            if n == 0 and case.same is not None and str(unknown_request) != str(request):
                unknown = await _outcome(mesh, case.rpc, unknown_request, caller.metadata(a))
                pick = case.same if code is CODE.OK else str
                ours = (code.name, _normalized(pick(answer), b))
                theirs = (unknown[0].name, _normalized(pick(unknown[1]), stranger))
                assert ours == theirs, f"{caller}: B's ids are answered unlike unknown ones"

    assert await _state_of(owner, case, b) == before, "B's rows changed"

    # 3. The same call acting for B is answered: the refusals above came from isolation.
    role = next(role for role in ("owner", "admin", "agent", SERVICE_ROLE) if role in roles)
    answer = await mesh.call(case.rpc, case.build(b.tenant, b, b), Caller(role).metadata(b))
    if case.then is not None:
        case.then(b, answer)


@pytest.mark.parametrize("rpc", [rpc for rpc, why in EXEMPT.items() if why.startswith("operators")])
async def test_operator_rpcs_refuse_every_tenant_caller(world, rpc):
    request = request_of(rpc)
    if "tenant_id" in request.DESCRIPTOR.fields_by_name:
        request.tenant_id = world.a.tenant  # even A's own tenant
    for caller in CALLERS:
        code, details = await _outcome(world.mesh, rpc, request, caller.metadata(world.a))
        assert code is CODE.PERMISSION_DENIED, f"{caller}: {code.name} {details}"


@pytest.mark.parametrize(
    ("rpc", "request_"),
    [
        ("messaging.ListInboxItems", messaging.ListInboxItemsRequest(tenant_id="-")),
        ("messaging.ListOutboxMessages", messaging.ListOutboxMessagesRequest(tenant_id="-")),
        ("messaging.GetInboxItem", messaging.GetInboxItemRequest(tenant_id="-")),
    ],
)
async def test_a_tenants_staff_cannot_ask_for_every_tenant(world, rpc, request_):
    """The queues' "-" (every tenant) is the operators' alone: to anyone else, not found."""
    for caller in (Caller("owner", "token"), Caller("admin")):
        code, details = await _outcome(world.mesh, rpc, request_, caller.metadata(world.a))
        assert code is CODE.NOT_FOUND, f"{caller}: {code.name} {details}"
