"""The one permission table: which roles may call each RPC of the mesh.

Data, not code paths: the access interceptor reads it for every call, docs/permissions.md is
rendered from it, and a test fails when an RPC of the descriptor set is missing here. A Python
table rather than proto method options so that a change of policy is a review of this file, not
a regeneration of the contracts.

Roles: `owner`, `admin` and `agent` are a tenant's staff (the user's role in the tenant
service); `operator` is platform staff (the `crm_role` claim), who may act on any tenant;
`service` is the mesh itself (queue workers, sweepers, the Router) calling a peer. A call made
by a service on someone's behalf carries that someone's role, so internal RPCs list every role
whose requests reach them. `ANYONE` marks the few RPCs that need no identity at all.
"""

from core.shared.scope import SERVICE_ROLE

OWNER, ADMIN, AGENT, OPERATOR, SERVICE = "owner", "admin", "agent", "operator", SERVICE_ROLE
ROLES = (OWNER, ADMIN, AGENT, OPERATOR, SERVICE)
ANYONE = "anyone"

Roles = frozenset[str]
PUBLIC: Roles = frozenset({ANYONE})
# Running the business: settings, catalog, resources, knowledge.
MANAGERS: Roles = frozenset({OWNER, ADMIN, OPERATOR})
# Everyone who works in a tenant, agents included: reading, and the conversations themselves.
STAFF: Roles = frozenset({OWNER, ADMIN, AGENT, OPERATOR})
# The tenant's money and people: the owner decides, the platform may step in.
OWNERS: Roles = frozenset({OWNER, OPERATOR})
PLATFORM: Roles = frozenset({OPERATOR})
INTERNAL: Roles = frozenset({SERVICE})


def _also(roles: Roles, *extra: str) -> Roles:
    return roles | frozenset(extra)


_SERVICES: dict[str, dict[str, Roles]] = {
    "crm.tenant.v1.TenantService": {
        "CreateTenant": PLATFORM,
        "GetTenant": _also(STAFF, SERVICE),
        "UpdateTenant": MANAGERS,
        "ListTenants": PLATFORM,
        "DeactivateTenant": PLATFORM,
        "CreateOutlet": MANAGERS,
        "GetOutlet": _also(STAFF, SERVICE),
        "UpdateOutlet": MANAGERS,
        "ListOutlets": STAFF,
        "DeactivateOutlet": MANAGERS,
        "ResolveOutlet": INTERNAL,
        "CreateUser": OWNERS,
        "GetUser": STAFF,
        "UpdateUser": OWNERS,
        "ListUsers": STAFF,
        "DeactivateUser": OWNERS,
        "LookupUser": INTERNAL,
    },
    "crm.conversation.v1.ConversationService": {
        "CreateOrGetConversation": INTERNAL,
        "GetConversation": _also(STAFF, SERVICE),
        "ListConversations": STAFF,
        "UpdateConversation": STAFF,
        "CloseConversation": STAFF,
        "AppendMessage": INTERNAL,
        "ListMessages": _also(STAFF, SERVICE),
        "ReplyAsAgent": STAFF,
        "ListAwaitingAgent": STAFF,
        "RequestHandoff": _also(STAFF, SERVICE),
        "AssignHandoff": STAFF,
        "ReleaseHandoff": STAFF,
    },
    "crm.knowledge.v1.KnowledgeService": {
        "CreateKnowledgeBase": MANAGERS,
        "GetKnowledgeBase": STAFF,
        "UpdateKnowledgeBase": MANAGERS,
        "ListKnowledgeBases": STAFF,
        "DeleteKnowledgeBase": MANAGERS,
        "UploadDocument": MANAGERS,
        "GetDocument": STAFF,
        "ListDocuments": STAFF,
        "DeleteDocument": MANAGERS,
        "ReindexDocument": MANAGERS,
        "Search": _also(STAFF, SERVICE),
    },
    "crm.booking.v1.BookingService": {
        "CreateResource": MANAGERS,
        "GetResource": STAFF,
        "UpdateResource": MANAGERS,
        "ListResources": _also(STAFF, SERVICE),
        "DeleteResource": MANAGERS,
        "SetOpeningHours": MANAGERS,
        "GetOpeningHours": STAFF,
        "CheckAvailability": STAFF,
        "CreateBooking": MANAGERS,
        "GetBooking": STAFF,
        "ListBookings": STAFF,
        "ConfirmBooking": MANAGERS,
        "CancelBooking": MANAGERS,
        "RescheduleBooking": MANAGERS,
        "CompleteBooking": MANAGERS,
        "MarkNoShow": MANAGERS,
        "HandleBookingTurn": INTERNAL,
    },
    "crm.order.v1.OrderService": {
        "CreateCategory": MANAGERS,
        "GetCategory": STAFF,
        "UpdateCategory": MANAGERS,
        "ListCategories": STAFF,
        "DeleteCategory": MANAGERS,
        "CreateProduct": MANAGERS,
        "GetProduct": STAFF,
        "UpdateProduct": MANAGERS,
        "ListProducts": _also(STAFF, SERVICE),
        "DeleteProduct": MANAGERS,
        "AdjustStock": MANAGERS,
        "ListStockAdjustments": MANAGERS,
        "CreateOrder": MANAGERS,
        "GetOrder": STAFF,
        "ListOrders": STAFF,
        "Checkout": MANAGERS,
        # The payment provider (the stand-in locally) reports payments as the mesh would.
        "RecordPayment": _also(MANAGERS, SERVICE),
        "UpdateOrderStatus": MANAGERS,
        "CancelOrder": MANAGERS,
        "HandleOrderTurn": INTERNAL,
    },
    "crm.billing.v1.BillingService": {
        "ListTiers": MANAGERS,
        "GetTier": MANAGERS,
        "CreateSubscription": OWNERS,
        "GetSubscription": MANAGERS,
        "GetActiveSubscription": MANAGERS,
        "ChangeTier": OWNERS,
        "CancelSubscription": OWNERS,
        "ListSubscriptions": MANAGERS,
        "RecordUsage": INTERNAL,
        "RecordUsageBatch": INTERNAL,
        "GetUsage": MANAGERS,
        # Asked by whichever service is about to create something, on whoever's behalf.
        "CheckQuota": _also(STAFF, SERVICE),
        "CreateDeposit": PLATFORM,
        "GetDeposit": MANAGERS,
        "ListDeposits": MANAGERS,
        "GetBalance": MANAGERS,
        "ListLedgerEntries": MANAGERS,
        "GetStatement": MANAGERS,
        "ListStatements": MANAGERS,
        "ClosePeriod": PLATFORM,
        "ListAlerts": MANAGERS,
    },
    "crm.analytics.v1.AnalyticsService": {
        "IngestEvents": INTERNAL,
        "GetMessageVolume": MANAGERS,
        "GetIntentBreakdown": MANAGERS,
        "GetConversionFunnel": MANAGERS,
        "GetRevenue": MANAGERS,
        "GetLatency": MANAGERS,
        "GetHandoffShare": MANAGERS,
        "GetTopProducts": MANAGERS,
        "GetUnansweredQuestions": MANAGERS,
    },
    "crm.orchestrator.v1.OrchestratorService": {
        "HandleMessage": INTERNAL,
        "GetDialogueState": STAFF,
        "ResetDialogueState": STAFF,
    },
    "crm.messaging.v1.MessagingService": {
        # Signed by Meta (HMAC over the body), not by a user: the service checks the signature.
        "ReceiveWebhook": PUBLIC,
        "VerifyWebhook": PUBLIC,
        "SendMessage": _also(STAFF, SERVICE),
        "GetOutboundMessage": MANAGERS,
        "ListOutboxMessages": MANAGERS,
        "RetryOutboxMessage": MANAGERS,
        "GetInboxItem": MANAGERS,
        "ListInboxItems": MANAGERS,
        "RetryInboxItem": MANAGERS,
        "ListOptOuts": MANAGERS,
        # Agents answer handed-off chats, where a customer's photo or document usually is.
        "GetMedia": STAFF,
        # Staff see which templates can reach a customer whose window closed; managers add them.
        "ListMessageTemplates": STAFF,
        "CreateMessageTemplate": MANAGERS,
        "SyncMessageTemplates": MANAGERS,
    },
    # Probes and tooling: they reveal no tenant's data.
    "grpc.health.v1.Health": {"Check": PUBLIC, "Watch": PUBLIC},
    "grpc.reflection.v1alpha.ServerReflection": {"ServerReflectionInfo": PUBLIC},
    "grpc.reflection.v1.ServerReflection": {"ServerReflectionInfo": PUBLIC},
}

# "/crm.tenant.v1.TenantService/GetTenant" -> roles, as gRPC names a method on the wire.
TABLE: dict[str, Roles] = {
    f"/{service}/{method}": roles
    for service, methods in _SERVICES.items()
    for method, roles in methods.items()
}


def roles_for(method: str) -> Roles | None:
    """Who may call `method` (its wire name); None for a method the table does not know."""
    return TABLE.get(method)


def markdown() -> str:
    """The table as docs/permissions.md shows it (a test keeps the two the same)."""
    lines = [
        "# Who may call what",
        "",
        "Generated from `adapters/grpc/permissions.py` (`python -m adapters.grpc.permissions`);",
        "a test fails when this file and the table differ. `public` needs no identity.",
        "",
        "| service | method | " + " | ".join(ROLES) + " |",
        "|---|---|" + "---|" * len(ROLES),
    ]
    for service, methods in _SERVICES.items():
        for method, roles in methods.items():
            marks = ["public"] * len(ROLES) if roles == PUBLIC else []
            marks = marks or ["✓" if role in roles else "" for role in ROLES]
            lines.append(f"| {service.rsplit('.', 1)[-1]} | {method} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
