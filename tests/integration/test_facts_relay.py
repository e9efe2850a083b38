"""What happens to bookings and orders reaches analytics (real Postgres, a real AnalyticsService):
stored with the change, nothing stored when the change fails, counted once though relayed twice
and by replicas at once."""

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from adapters.grpc.analytics_facts import GrpcFactSink
from adapters.postgres.database import session_factory
from adapters.postgres.order_repository import SqlAlchemyOrderUnitOfWork
from core.analytics import queries
from core.analytics.window import window
from core.booking import commands as bc
from core.booking import handlers
from core.booking.errors import SlotTaken
from core.order import catalog_handlers, order_handlers
from core.order import commands as oc
from core.order.orders import FulfillmentType, OrderStatus
from core.order.references import OrderReferences
from core.shared.facts import relay_of
from tests.fakes import FakeClock, FakeConversations, FakeOutlets, FakePaymentGateway

from .booking_support import FRIDAY, OUTLET, PHONE, TENANT, booking_uow, restaurant

__all__ = ["booking_uow", "restaurant"]
CONVERSATION = uuid.uuid4()


def on_thursday() -> FakeClock:
    return FakeClock(datetime.combine(FRIDAY - timedelta(days=1), time(10), tzinfo=UTC))


@pytest.fixture
def order_uow(db):
    sessions = session_factory(db)
    return lambda: SqlAlchemyOrderUnitOfWork(sessions)


async def counted(db, tenant: uuid.UUID) -> dict[str, int]:
    async with db.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT event_type, count(*) FROM analytics.events WHERE tenant_id = :t GROUP BY 1"
            ),
            {"t": tenant},
        )
        return dict(rows.all())


async def pending(db, schema: str) -> int:
    async with db.connect() as conn:
        return (await conn.execute(text(f"SELECT count(*) FROM {schema}.facts_pending"))).scalar()


async def test_a_bookings_life_is_stored_with_each_change_and_counted_once(
    db, booking_uow, restaurant, live_analytics
):
    address, _ = live_analytics
    made = bc.CreateBooking(
        TENANT, OUTLET, PHONE, FRIDAY, 19 * 60, party_size=2, conversation_id=CONVERSATION
    )
    booking = await handlers.create_booking(made, booking_uow(), on_thursday())
    with pytest.raises(SlotTaken):  # a change that fails tells nothing
        taken = bc.CreateBooking(
            TENANT, OUTLET, PHONE, FRIDAY, 19 * 60, party_size=2,
            resource_id=booking.resource_id,
        )  # fmt: skip
        await handlers.create_booking(taken, booking_uow(), on_thursday())
    now = on_thursday()()
    await handlers.change_booking(TENANT, booking.id, lambda b: b.confirmed(now), booking_uow())
    moved = bc.RescheduleBooking(TENANT, booking.id, FRIDAY, 20 * 60)
    await handlers.reschedule_booking(moved, booking_uow())
    await handlers.change_booking(
        TENANT, booking.id, lambda b: b.cancelled("plans changed", now), booking_uow()
    )
    assert await pending(db, "booking") == 4

    sink = GrpcFactSink(address, "EUR", "booking")
    try:
        # A relay that died after analytics took its batch, before it deleted the rows: the
        # next relay sends the same facts again.
        async with booking_uow() as uow:
            await sink.send(await uow.facts.claim(10))
        assert await relay_of("booking-facts", booking_uow, sink).relay_once() == 4
    finally:
        await sink.aclose()
    assert await pending(db, "booking") == 0
    assert await counted(db, TENANT) == {
        "booking.created": 1,
        "booking.confirmed": 1,
        "booking.rescheduled": 1,
        "booking.cancelled": 1,
    }


async def test_a_paid_order_is_revenue_and_sells_its_items_a_cancelled_one_is_not(
    db, order_uow, live_analytics
):
    address, analytics_uow = live_analytics
    tenant = uuid.uuid4()
    pizza = await catalog_handlers.create_product(
        oc.CreateProduct(tenant, "Pizza Margherita", "12.00", stock_quantity=10), order_uow()
    )
    references = OrderReferences(FakeOutlets(), FakeConversations())
    payments, clock = FakePaymentGateway(), FakeClock(datetime.now(UTC))

    async def placed(quantity: int):
        items = (oc.ItemRequest(pizza.id, quantity),)
        command = oc.CreateOrder(
            tenant, uuid.uuid4(), items, FulfillmentType.PICKUP, conversation_id=CONVERSATION,
            customer_phone=PHONE,
        )  # fmt: skip
        order = await order_handlers.create_order(command, order_uow(), references)
        ref = oc.OrderRef(tenant, order.id)
        return await order_handlers.checkout(ref, order_uow(), payments, "EUR")

    paid = await placed(2)
    paying = oc.RecordPayment(tenant, paid.id, amount=Decimal("24.00"), payment_reference="p-1")
    await order_handlers.record_payment(paying, order_uow(), None, clock)
    for step in (OrderStatus.PROCESSING, OrderStatus.READY, OrderStatus.DELIVERED):
        await order_handlers.update_status(oc.OrderRef(tenant, paid.id, step), order_uow(), None)
    dropped = await placed(3)
    await order_handlers.cancel_order(oc.OrderRef(tenant, dropped.id), order_uow(), None, clock)

    sink = GrpcFactSink(address, "EUR", "order")
    relays = [relay_of("order-facts", order_uow, sink) for _ in range(3)]
    try:  # replicas relaying at once each send their own rows
        await asyncio.gather(*(relay.relay_once() for relay in relays))
        await relays[0].relay_once()
    finally:
        await sink.aclose()
    assert await counted(db, tenant) == {
        "order.created": 2,
        "order.status_changed": 4,  # two checkouts, processing, ready
        "order.paid": 1,
        "order.delivered": 1,
        "order.cancelled": 1,
    }
    today = window(tenant, (None, None), datetime.now(UTC) + timedelta(minutes=1))
    revenue = await queries.revenue(today, analytics_uow())
    assert sum(point.order_revenue for point in revenue) == Decimal("24.00")
    top = await queries.top_products(today, 10, analytics_uow())
    assert [(p.name, p.count) for p in top] == [("Pizza Margherita", 2)]
