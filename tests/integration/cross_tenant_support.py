"""What the cross-tenant tests share: the nine services served in this process as `crm serve all`
assembles them (production containers, the access interceptor, each service's own database roles),
callers acting for one tenant, two tenants seeded alike, and the owner's view of a row.

Each tenant's rows are named by what a test does with them (`booking_cancel` is the booking the
CancelBooking case cancels), so a case that changes one row never disturbs another case's row.
"""

import base64
import json
import random
import string
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
from crm.analytics.v1 import analytics_pb2 as analytics
from crm.billing.v1 import billing_pb2 as billing
from crm.booking.v1 import booking_pb2 as booking
from crm.common.v1 import common_pb2
from crm.conversation.v1 import conversation_pb2 as conversation
from crm.knowledge.v1 import knowledge_pb2 as knowledge
from crm.messaging.v1 import messaging_pb2 as messaging
from crm.order.v1 import order_pb2 as order
from crm.tenant.v1 import tenant_pb2 as tenant
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from sqlalchemy import insert, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.grpc.access import AccessInterceptor
from adapters.grpc.convert import timestamp
from adapters.grpc.identity import PAYLOAD_HEADER, GrpcUserDirectory
from adapters.grpc.peers import open_channel
from adapters.grpc.permissions import OPERATOR
from adapters.grpc.scope_metadata import outgoing
from adapters.grpc.service_identity import PeerPolicy
from adapters.local.cloud_api_standin import running_standin
from adapters.local.payment_standin import running_payment_standin
from adapters.postgres.billing_repository import SqlAlchemyBillingUnitOfWork
from adapters.postgres.database import session_factory
from adapters.postgres.models import Base
from adapters.postgres.models.billing import AlertRow, StatementRow
from adapters.postgres.models.messaging import InboxItemRow, OutboxMessageRow
from adapters.postgres.models.messaging_media import MediaRow
from adapters.postgres.models.orchestrator import DialogueStateRow
from adapters.postgres.urls import plain
from core.billing.plans import SEED_TIERS
from core.billing.subscriptions import put_tiers
from core.shared.scope import SERVICE_ROLE, Scope, across_tenants
from services.catalog import SERVICES, assembly_of
from services.runtime import build_server
from services.settings import Settings
from services.tools.mesh import free_ports

from .booking_support import friday_ahead

Metadata = tuple[tuple[str, str], ...]
TIER = "enterprise"  # no outlet or knowledge-base limit in the way of the positive controls
BOOKING_DAY = friday_ahead().isoformat()  # every slot is still upcoming
STATEMENT_PERIOD = date(2024, 1, 1)  # a closed period, stored for both tenants
REPLY = "Your order is ready"  # what each tenant sends its customer (and fails to, once)


# -- the mesh --------------------------------------------------------------------------------


@dataclass
class Mesh:
    """A stub of each service, by the service's name."""

    stubs: dict[str, Any]

    async def call(self, rpc: str, request: Message, metadata: Metadata) -> Message:
        """`rpc` as "service.Method", e.g. "booking.GetBooking"."""
        service, method = rpc.split(".")
        return await getattr(self.stubs[service], method)(request, metadata=metadata, timeout=30)


@asynccontextmanager
async def running_mesh(owner_url: URL, data_dir: Path) -> AsyncIterator[Mesh]:
    """Every service of the catalog served from this event loop on free ports, the WhatsApp
    Cloud API and payment stand-ins beside them; each service reaches the database as its own roles."""
    ports = dict(zip(SERVICES, free_ports(len(SERVICES)), strict=True))
    async with AsyncExitStack() as stack:
        cloud_url, _ = await stack.enter_async_context(running_standin())
        payments_url, _ = await stack.enter_async_context(
            running_payment_standin(f"127.0.0.1:{ports['order']}")
        )
        settings = Settings(
            _env_file=None,
            database_url=plain(owner_url),
            service_database_url=None,
            data_dir=data_dir,
            redis_url=None,  # dialogue state in Postgres, under row-level security
            qdrant_url=None,  # Qdrant local mode under data_dir
            embedder="hashing",
            openai_api_key=None,
            peer_namespace=None,
            whatsapp_api_base_url=cloud_url,
            payment_base_url=payments_url,
            **{f"{name}_port": port for name, port in ports.items()},
        )
        users = GrpcUserDirectory(settings.address_of("tenant"))
        stack.push_async_callback(users.aclose)
        access = AccessInterceptor(users, PeerPolicy.unchecked())
        stubs = {}
        for name, spec in SERVICES.items():
            channel = open_channel(settings.address_of(name))
            stack.push_async_callback(channel.close)
            stubs[name] = getattr(spec.grpc_module(), f"{spec.pascal}ServiceStub")(channel)
        servers: list[grpc.aio.Server] = []
        try:
            for name, spec in SERVICES.items():
                register = await stack.enter_async_context(assembly_of(name)(spec, settings))
                server, _ = build_server(register, [spec.grpc_service], access)
                server.add_insecure_port(settings.address_of(name))
                await server.start()
                servers.append(server)
            yield Mesh(stubs)
        finally:  # the servers stop before the containers they use shut down
            for server in servers:
                await server.stop(None)


def request_of(rpc: str) -> Message:
    """An empty request of `rpc` ("service.Method")."""
    service, method = rpc.split(".")
    return GetMessageClass(SERVICES[service].descriptor().methods_by_name[method].input_type)()


# -- callers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """How a call says whom it acts for: a peer's scope metadata, or (role owner, admin or
    agent) the verified token payload the gateway forwards for a signed-in user."""

    role: str
    via: str = "peer"

    def __str__(self) -> str:
        return f"{self.role} via {self.via}"

    def metadata(self, rows: "Rows") -> Metadata:
        if self.via == "token":
            return signed_in(rows.uid[self.role])
        return peer(rows.tenant, self.role)


def peer(tenant_id: str, role: str) -> Metadata:
    return outgoing(Scope(uuid.UUID(tenant_id), caller=f"cross-tenant-{role}", role=role))


def operator() -> Metadata:
    return outgoing(Scope(None, caller="cross-tenant-operator", role=OPERATOR))


def signed_in(uid: str) -> Metadata:
    """What the gateway forwards once it has verified a user's token."""
    payload = base64.urlsafe_b64encode(json.dumps({"sub": uid}).encode()).decode().rstrip("=")
    return ((PAYLOAD_HEADER, payload),)


# -- one tenant's rows -----------------------------------------------------------------------


@dataclass
class Rows:
    """One tenant's seeded rows by purpose (ids and keys as the requests carry them)."""

    tenant: str
    label: str  # in every text the tenant's rows hold, so a leak of them is plain to see
    uid: dict[str, str] = field(default_factory=dict)  # Firebase uid by role
    ids: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> str:
        try:
            return self.__dict__["ids"][name]
        except KeyError:
            raise AttributeError(name) from None

    def stranger(self) -> "Rows":
        """The same names bound to values no tenant has: what an unknown id answers is what
        another tenant's id must answer."""
        return Rows(
            tenant=self.tenant,
            label="stranger",
            ids={name: _unknown(value) for name, value in self.ids.items()},
        )

    def names_of(self) -> dict[str, str]:
        """Each id and key (value -> name), for telling request echoes apart from leaks."""
        return {value: name for name, value in self.ids.items()}


def _unknown(value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        if value.isdigit():  # a phone number (its country code kept) or a WhatsApp number id
            return value[:2] + digits(len(value) - 2)
        return f"stranger-{uuid.uuid4().hex[:12]}"
    return str(uuid.uuid4())


def digits(count: int) -> str:
    return "".join(random.choices(string.digits, k=count))


def money(amount: str) -> common_pb2.Money:
    return common_pb2.Money(amount=amount, currency="EUR")


class Seeder:
    """Seeds one tenant through the services' own RPCs, acting as its staff (the operator
    onboards it), and through SQL as the owner for what only the services' workers write."""

    def __init__(self, mesh: Mesh, owner: AsyncEngine, label: str) -> None:
        self.mesh = mesh
        self.owner = owner
        self.label = label
        self.rows: Rows | None = None

    async def _as(self, role: str, rpc: str, request: Message) -> Message:
        assert self.rows is not None
        return await self.mesh.call(rpc, request, peer(self.rows.tenant, role))

    async def seed(self) -> Rows:
        label = self.label
        made = await self.mesh.call(
            "tenant.CreateTenant",
            tenant.CreateTenantRequest(
                tenant=tenant.Tenant(
                    name=f"{label} Bistro", slug=label, contact_email=f"owner@{label}.example"
                )
            ),
            operator(),
        )
        self.rows = Rows(tenant=made.tenant.id, label=label)
        await self._billing()
        await self._people()
        await self._conversations()
        await self._knowledge()
        await self._bookings()
        await self._shop()
        await self._analytics()
        await self._written_by_workers()
        return self.rows

    async def _billing(self) -> None:
        rows, t = self.rows, self.rows.tenant
        sub = await self._as(
            "owner",
            "billing.CreateSubscription",
            billing.CreateSubscriptionRequest(tenant_id=t, tier=TIER),
        )
        deposit = await self.mesh.call(
            "billing.CreateDeposit",
            billing.CreateDepositRequest(
                deposit=billing.Deposit(tenant_id=t, amount=money("40.00"), note=rows.label),
                request_id=f"{rows.label}-top-up",
            ),
            operator(),
        )
        rows.ids.update(subscription=sub.subscription.id, deposit=deposit.deposit.id)

    async def _people(self) -> None:
        rows, t = self.rows, self.rows.tenant
        for name in ("outlet", "outlet_spare"):
            number_id = digits(15)
            outlet = await self._as(
                "owner",
                "tenant.CreateOutlet",
                tenant.CreateOutletRequest(
                    outlet=tenant.Outlet(
                        tenant_id=t, name=f"{rows.label} {name}", timezone="UTC",
                        waba_phone_number=f"+1555{number_id[:7]}", waba_phone_number_id=number_id,
                        waba_business_account_id=digits(15),
                    )
                ),
            )  # fmt: skip
            rows.ids[name] = outlet.outlet.id
            rows.ids[f"{name}_number"] = number_id
        roles = {
            "owner": tenant.USER_ROLE_OWNER,
            "admin": tenant.USER_ROLE_ADMIN,
            "agent": tenant.USER_ROLE_AGENT,
            "spare": tenant.USER_ROLE_AGENT,
        }
        for name, role in roles.items():
            uid = f"{rows.label}-{name}"
            user = await self._as(
                "owner",
                "tenant.CreateUser",
                tenant.CreateUserRequest(
                    user=tenant.User(
                        tenant_id=t, firebase_uid=uid, email=f"{name}@{rows.label}.example",
                        role=role, display_name=f"{rows.label} {name}",
                    )
                ),
            )  # fmt: skip
            rows.uid[name] = uid
            rows.ids[f"user_{name}"] = user.user.id
        rows.ids["owner_uid"] = rows.uid["owner"]

    async def _conversation(self, name: str, phone: str) -> str:
        rows, t = self.rows, self.rows.tenant
        made = await self._as(
            SERVICE_ROLE,
            "conversation.CreateOrGetConversation",
            conversation.CreateOrGetConversationRequest(
                tenant_id=t, outlet_id=rows.outlet, customer_phone=phone,
                customer_name=f"{rows.label} customer",
            ),
        )  # fmt: skip
        conversation_id = made.conversation.id
        wamid = f"wamid.{uuid.uuid4().hex}"  # the customer's message, as WhatsApp named it
        for sender, words, message_id in (
            (conversation.SENDER_TYPE_CUSTOMER, "Do you have a table tonight?", wamid),
            (conversation.SENDER_TYPE_BOT, "We do. For how many?", ""),
        ):
            await self._as(
                SERVICE_ROLE,
                "conversation.AppendMessage",
                conversation.AppendMessageRequest(
                    tenant_id=t,
                    message=conversation.Message(
                        conversation_id=conversation_id, sender_type=sender,
                        message_type=conversation.MESSAGE_TYPE_TEXT,
                        content=f"{rows.label}: {words}", whatsapp_message_id=message_id,
                        timestamp=timestamp(datetime.now(UTC)),
                    ),
                ),
            )  # fmt: skip
        rows.ids[name] = conversation_id
        rows.ids[f"{name}_wamid"] = wamid
        return conversation_id

    async def _conversations(self) -> None:
        rows, t = self.rows, self.rows.tenant
        base = digits(9)
        rows.ids["customer_phone"] = f"34{base}0"
        await self._conversation("conversation", rows.customer_phone)
        await self._conversation("conversation_close", f"34{base}1")
        await self._conversation("conversation_handoff", f"34{base}2")
        agent = await self._conversation("conversation_agent", f"34{base}3")
        rows.ids["outbound_key"] = f"reply-{uuid.uuid4()}"
        await self._as(
            SERVICE_ROLE,
            "messaging.SendMessage",
            messaging.SendMessageRequest(
                tenant_id=t, outlet_id=rows.outlet, conversation_id=rows.conversation,
                to=rows.customer_phone, text=messaging.TextContent(body=REPLY),
                idempotency_key=rows.outbound_key,
            ),
        )  # fmt: skip
        await self._as(
            "owner",
            "conversation.RequestHandoff",
            conversation.RequestHandoffRequest(tenant_id=t, conversation_id=agent, reason="help"),
        )

    async def _knowledge(self) -> None:
        rows, t = self.rows, self.rows.tenant
        for name in ("knowledge_base", "knowledge_base_spare"):
            made = await self._as(
                "owner",
                "knowledge.CreateKnowledgeBase",
                knowledge.CreateKnowledgeBaseRequest(
                    knowledge_base=knowledge.KnowledgeBase(
                        tenant_id=t, outlet_id=rows.outlet, name=f"{rows.label} {name}"
                    )
                ),
            )
            rows.ids[name] = made.knowledge_base.id
        for name in ("document", "document_spare"):
            uploaded = await self._as(
                "owner",
                "knowledge.UploadDocument",
                knowledge.UploadDocumentRequest(
                    tenant_id=t, knowledge_base_id=rows.knowledge_base,
                    filename=f"{name}.txt", content_type="text/plain",
                    content=document_text(rows.label, name).encode(),
                ),
            )  # fmt: skip
            rows.ids[name] = uploaded.document.id

    async def _bookings(self) -> None:
        rows, t = self.rows, self.rows.tenant
        periods = [
            booking.OpeningPeriod(weekday=day, open_time="10:00", close_time="23:59")
            for day in range(booking.WEEKDAY_MONDAY, booking.WEEKDAY_SUNDAY + 1)
        ]
        await self._as(
            "owner",
            "booking.SetOpeningHours",
            booking.SetOpeningHoursRequest(
                opening_hours=booking.OpeningHours(
                    tenant_id=t, outlet_id=rows.outlet, periods=periods
                )
            ),
        )
        for name in ("resource", "resource_spare", "resource_free"):
            made = await self._as(
                "owner",
                "booking.CreateResource",
                booking.CreateResourceRequest(
                    resource=booking.Resource(
                        tenant_id=t, outlet_id=rows.outlet, name=f"{rows.label} {name}",
                        type=booking.RESOURCE_TYPE_TABLE, capacity=4,
                    )
                ),
            )  # fmt: skip
            rows.ids[name] = made.resource.id
        starts = {
            "booking": "10:00",
            "booking_confirm": "12:00",
            "booking_cancel": "14:00",
            "booking_reschedule": "16:00",
            "booking_complete": "18:00",
            "booking_noshow": "20:00",
        }
        for name, start in starts.items():
            made = await self._as(
                "owner",
                "booking.CreateBooking",
                booking.CreateBookingRequest(
                    booking=booking.Booking(
                        tenant_id=t, outlet_id=rows.outlet, resource_id=rows.resource,
                        party_size=2, customer_phone=f"+{rows.customer_phone}",
                        customer_name=f"{rows.label} guest", booking_date=BOOKING_DAY,
                        start_time=start,
                    )
                ),
            )  # fmt: skip
            rows.ids[name] = made.booking.id
        for name in ("booking_complete", "booking_noshow"):
            await self._as(
                "owner",
                "booking.ConfirmBooking",
                booking.ConfirmBookingRequest(tenant_id=t, booking_id=rows.ids[name]),
            )

    async def _shop(self) -> None:
        rows, t = self.rows, self.rows.tenant
        for name in ("category", "category_spare"):
            made = await self._as(
                "owner",
                "order.CreateCategory",
                order.CreateCategoryRequest(
                    category=order.Category(tenant_id=t, name=f"{rows.label} {name}")
                ),
            )
            rows.ids[name] = made.category.id
        for name in ("product", "product_spare"):
            made = await self._as(
                "owner",
                "order.CreateProduct",
                order.CreateProductRequest(
                    product=order.Product(
                        tenant_id=t, name=f"{rows.label} {name}", price=money("10.00"),
                        stock_quantity=50, category_id=rows.category,
                    )
                ),
            )  # fmt: skip
            rows.ids[name] = made.product.id
        adjusted = await self._as(
            "owner",
            "order.AdjustStock",
            order.AdjustStockRequest(
                tenant_id=t, product_id=rows.product, quantity_change=5,
                adjustment_type=order.ADJUSTMENT_TYPE_RESTOCK, reason=f"{rows.label} delivery",
            ),
        )  # fmt: skip
        rows.ids["stock_adjustment"] = adjusted.adjustment.id
        for name in ("order", "order_pay", "order_paid", "order_cancel"):
            made = await self._as(
                "owner",
                "order.CreateOrder",
                order.CreateOrderRequest(
                    order=order.Order(
                        tenant_id=t, outlet_id=rows.outlet, customer_phone=f"+{rows.customer_phone}",
                        customer_name=f"{rows.label} buyer",
                        fulfillment_type=order.FULFILLMENT_TYPE_PICKUP,
                        items=[order.OrderItem(product_id=rows.product, quantity=1)],
                    )
                ),
            )  # fmt: skip
            rows.ids[name] = made.order.id
        for name in ("order_pay", "order_paid"):
            ref = {"tenant_id": t, "order_id": rows.ids[name]}
            await self._as("owner", "order.Checkout", order.CheckoutRequest(**ref))
        await self._as(
            "owner",
            "order.RecordPayment",
            order.RecordPaymentRequest(
                tenant_id=t, order_id=rows.order_paid, amount=money("10.00"),
                payment_reference=f"{rows.label}-paid",
            ),
        )  # fmt: skip

    async def _analytics(self) -> None:
        rows, t = self.rows, self.rows.tenant
        now = datetime.now(UTC) - timedelta(hours=1)
        events = [
            analytics.Event(
                event_id=str(uuid.uuid4()), tenant_id=t, outlet_id=rows.outlet,
                conversation_id=rows.conversation, event_type=name, occurred_at=timestamp(now),
            )
            for name in ("message.received", "message.sent", "handoff.requested")
        ]  # fmt: skip
        await self._as(
            SERVICE_ROLE, "analytics.IngestEvents", analytics.IngestEventsRequest(events=events)
        )
        rows.ids["event"] = events[0].event_id
        # One key for RecordUsage's case, one for RecordUsageBatch's: A's call with the first
        # records it for A, which would make the second A's own repeat.
        for name in ("usage_key", "usage_key_batch"):
            rows.ids[name] = f"usage-{uuid.uuid4()}"
            await self._as(
                SERVICE_ROLE,
                "billing.RecordUsage",
                billing.RecordUsageRequest(
                    tenant_id=t, outlet_id=rows.outlet, usage_type=billing.USAGE_TYPE_MESSAGES_IN,
                    count=3, idempotency_key=rows.ids[name],
                ),
            )  # fmt: skip

    async def _written_by_workers(self) -> None:
        """Rows no admin RPC creates: a stored statement and an alert (the period closer),
        a dead inbox item and a failed send (the queue workers), dialogue state (the Router)."""
        rows = self.rows
        t = uuid.UUID(rows.tenant)
        now = datetime.now(UTC)
        inbox_id, outbox_id, media_id = uuid.uuid4(), uuid.uuid4(), digits(16)
        async with owner_view(self.owner) as conn:
            statement = await conn.scalar(
                insert(StatementRow)
                .values(
                    tenant_id=t, period_start=STATEMENT_PERIOD, period_end=date(2024, 1, 31),
                    tier=TIER, base_price=499, total=499, deposit_used=0, closed_at=now,
                )
                .returning(StatementRow.id)
            )  # fmt: skip
            alert = await conn.scalar(
                insert(AlertRow)
                .values(
                    tenant_id=t, period_start=STATEMENT_PERIOD, kind="quota_80",
                    message=f"{rows.label} used 80% of its messages",
                )
                .returning(AlertRow.id)
            )  # fmt: skip
            await conn.execute(
                insert(OutboxMessageRow).values(
                    id=outbox_id, tenant_id=t, outlet_id=uuid.UUID(rows.outlet),
                    conversation_id=uuid.UUID(rows.conversation),
                    phone_number_id=rows.outlet_number, to_phone=rows.customer_phone,
                    payload={"kind": "text", "body": REPLY}, status="failed", attempts=4,
                    error={"code": 131000},
                )
            )  # fmt: skip
            await conn.execute(
                insert(InboxItemRow).values(
                    id=inbox_id, tenant_id=t, outlet_id=uuid.UUID(rows.outlet),
                    whatsapp_message_id=f"wamid.{uuid.uuid4().hex}",
                    phone_number_id=rows.outlet_number, customer_phone=rows.customer_phone,
                    customer_name=f"{rows.label} customer", body=f"{rows.label}: hello?",
                    message_time=now, conversation_key=f"{rows.outlet_number}:{rows.customer_phone}",
                    payload={}, status="dead", attempts=9, last_error="orchestrator unavailable",
                )
            )  # fmt: skip
            await conn.execute(
                insert(MediaRow).values(
                    tenant_id=t, media_id=media_id, whatsapp_message_id=f"wamid.{media_id}",
                    kind="image", mime_type="image/jpeg", size_bytes=3, content=b"jpg",
                )
            )  # fmt: skip
            await conn.execute(
                insert(DialogueStateRow).values(
                    conversation_id=uuid.UUID(rows.conversation), tenant_id=t,
                    state={
                        "active_agent": "booking", "turn_count": 3, "pending": True,
                        "agent_state": {"note": f"{rows.label} party of four"},
                    },
                    expires_at=now + timedelta(days=1),
                )
            )  # fmt: skip
        rows.ids.update(
            statement=str(statement), alert=str(alert), inbox_item=str(inbox_id),
            outbound=str(outbox_id), media=media_id,
        )  # fmt: skip


def document_text(label: str, name: str) -> str:
    """A document only its tenant may find: the label is the word a search would match."""
    return (
        f"{label} {name}. The {label} terrace opens at noon; ask for the {label} tasting menu. "
        f"Parking for {label} guests is behind the building."
    )


# -- the owner's view ------------------------------------------------------------------------


@asynccontextmanager
async def owner_view(owner: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A transaction of the tables' owner in platform scope: every tenant's rows, as they are."""
    async with owner.begin() as conn:
        await conn.execute(text("SELECT set_config('app.platform', 'on', true)"))
        yield conn


async def offer_tiers(owner: AsyncEngine) -> None:
    """The tiers on offer (the platform's data, not a tenant's)."""
    with across_tenants("cross-tenant-seed"):
        await put_tiers(SEED_TIERS, SqlAlchemyBillingUnitOfWork(session_factory(owner)))


async def rows_as_owner(owner: AsyncEngine, table: str, key: str, value: str) -> Any:
    """Every tenant's rows whose `key` is `value`, as stored (a list, empty when none)."""
    async with owner_view(owner) as conn:
        found = await conn.execute(
            text(
                "SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]')"
                f" FROM {table} t WHERE {key}::text = :value"
            ),
            {"value": value},
        )
        return found.scalar()


async def secrets_of(owner: AsyncEngine, tenant_id: str, other_id: str) -> set[str]:
    """The ids of a tenant's rows (its own id too) that no answer to the other tenant may hold:
    all of them but those the other's own rows name (an id it was told, or wrote, itself)."""
    async with owner_view(owner) as conn:
        tables = [
            name
            for (name,) in await conn.execute(
                text(
                    "SELECT table_schema || '.' || table_name FROM information_schema.columns"
                    " WHERE column_name = 'tenant_id' AND table_schema NOT IN"
                    " ('pg_catalog', 'information_schema', 'public')"
                )
            )
        ]
        with_ids = await conn.execute(
            text(
                "SELECT table_schema || '.' || table_name FROM information_schema.columns"
                " WHERE column_name = 'id' AND table_schema || '.' || table_name = ANY(:tables)"
            ),
            {"tables": tables},
        )
        ids_sql = " UNION ALL ".join(
            f"SELECT id::text FROM {name} WHERE tenant_id = :t" for (name,) in with_ids
        )
        ids = {row[0] for row in await conn.execute(text(ids_sql), {"t": tenant_id})}
        held_sql = " UNION ALL ".join(
            f"SELECT to_jsonb(t)::text FROM {name} t WHERE tenant_id = :o" for name in tables
        )
        held = " ".join(row[0] for row in await conn.execute(text(held_sql), {"o": other_id}))
    return {value for value in ids | {tenant_id} if value not in held}


async def emptied(owner: AsyncEngine) -> None:
    """Every table emptied, as the `db` fixture leaves them for the next test."""
    tables = ", ".join(f'"{t.schema}"."{t.name}"' for t in Base.metadata.sorted_tables)
    async with owner.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} CASCADE"))


# -- the world -------------------------------------------------------------------------------


@dataclass
class World:
    mesh: Mesh
    owner: AsyncEngine  # the tables' owner, for looking at rows as they are stored
    a: Rows
    b: Rows


@asynccontextmanager
async def seeded_world(owner_url: URL, owner: AsyncEngine, data_dir: Path) -> AsyncIterator[World]:
    """The mesh, and tenants A and B seeded alike (their labels unique to this run)."""
    run = uuid.uuid4().hex[:8]
    async with running_mesh(owner_url, data_dir) as mesh:
        await offer_tiers(owner)
        alpha = await Seeder(mesh, owner, f"alpha{run}").seed()
        bravo = await Seeder(mesh, owner, f"bravo{run}").seed()
        yield World(mesh, owner, alpha, bravo)
