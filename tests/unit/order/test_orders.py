"""Order use cases over fakes: create, checkout reserves, payment notifies, cancel releases."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from core.order import commands as c
from core.order import inventory, order_handlers
from core.order.orders import FulfillmentType, OrderStatus, PaymentStatus
from core.order.stock import AdjustmentType
from core.order.sweeper import PaymentSweeper
from core.shared.errors import FailedPrecondition, InvalidInput, NotFound

from .conftest import OUTLET, PHONE, REFERENCES, TENANT, THEIR_CONVERSATION, THEIR_OUTLET


async def new_order(uow, product, quantity=1):
    command = c.CreateOrder(
        TENANT,
        OUTLET,
        (c.ItemRequest(product.id, quantity),),
        fulfillment_type=FulfillmentType.PICKUP,
        customer_phone=PHONE,
    )
    return await order_handlers.create_order(command, uow, REFERENCES)


async def checked_out(uow, payments, product, quantity=1):
    order = await new_order(uow, product, quantity)
    return await order_handlers.checkout(c.OrderRef(TENANT, order.id), uow, payments, "EUR")


async def stock_of(uow, product) -> int:
    return (await uow.products.get(TENANT, product.id)).stock_quantity


async def test_create_snapshots_prices_and_numbers_orders(uow, menu):
    first = await new_order(uow, menu["Pizza Margherita"], 2)
    second = await new_order(uow, menu["Coffee"])
    assert first.total == Decimal("24.00") and first.status is OrderStatus.CREATED
    assert (first.order_number, second.order_number) == ("1001", "1002")
    assert await stock_of(uow, menu["Pizza Margherita"]) == 50  # nothing held before checkout


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"items": ()}, "order.items"),
        ({"fulfillment_type": None}, "order.fulfillment_type"),
        ({"fulfillment_type": FulfillmentType.DELIVERY}, "order.delivery_address"),
        ({"customer_phone": "12345"}, "order.customer_phone"),
    ],
)
async def test_bad_orders_name_the_field(uow, menu, changes, field):
    fields = {
        "items": (c.ItemRequest(menu["Coffee"].id, 1),),
        "fulfillment_type": FulfillmentType.PICKUP,
        **changes,
    }
    with pytest.raises(InvalidInput) as refused:
        await order_handlers.create_order(c.CreateOrder(TENANT, OUTLET, **fields), uow, REFERENCES)
    assert refused.value.field == field


async def test_checkout_reserves_stock_and_writes_the_adjustment(uow, payments, menu):
    order = await checked_out(uow, payments, menu["Pizza Margherita"], 3)
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert order.payment_link == f"https://pay.test/{order.id}"
    assert await stock_of(uow, menu["Pizza Margherita"]) == 47
    (adjustment,) = [a for a in uow.adjustments.rows.values() if a.order_id == order.id]
    assert (adjustment.adjustment_type, adjustment.quantity_change, adjustment.new_quantity) == (
        AdjustmentType.RESERVATION,
        -3,
        47,
    )


async def test_the_last_item_goes_once_and_sells_out(uow, payments, menu):
    paella = menu["Seafood paella for two"]
    await checked_out(uow, payments, paella)
    assert (await uow.products.get(TENANT, paella.id)).status.value == "out_of_stock"
    with pytest.raises(FailedPrecondition):
        await new_order(uow, paella)


async def test_payment_moves_to_paid_and_tells_the_customer(uow, payments, notifier, clock, menu):
    order = await checked_out(uow, payments, menu["Coffee"], 2)
    command = c.RecordPayment(TENANT, order.id, amount=Decimal("4.00"), payment_reference="p1")
    paid = await order_handlers.record_payment(command, uow, notifier, clock)
    assert (paid.status, paid.payment_status) == (OrderStatus.PAID, PaymentStatus.PAID)
    assert notifier.sent == [(PHONE, notifier.sent[0][1], f"order:{order.id}:paid")]
    # outside the window, the tenant's order_paid template says it with the number and total
    told = notifier.sent[0][1]
    assert (told.template, told.parameters) == ("order_paid", (order.order_number, "4.00"))
    again = await order_handlers.record_payment(command, uow, notifier, clock)
    assert again == paid and len(notifier.sent) == 1  # a provider's repeat changes nothing


async def test_wrong_amount_is_refused(uow, payments, notifier, clock, menu):
    order = await checked_out(uow, payments, menu["Coffee"])
    command = c.RecordPayment(TENANT, order.id, amount=Decimal("1.00"))
    with pytest.raises(InvalidInput, match=r"2\.00"):
        await order_handlers.record_payment(command, uow, notifier, clock)


async def test_staff_steps_notify_and_a_failing_notifier_changes_nothing(
    uow, payments, notifier, clock, menu
):
    order = await checked_out(uow, payments, menu["Coffee"])
    paying = c.RecordPayment(TENANT, order.id, amount=order.total)
    await order_handlers.record_payment(paying, uow, notifier, clock)
    notifier.failing = True
    step = c.OrderRef(TENANT, order.id, status=OrderStatus.PROCESSING)
    assert (
        await order_handlers.update_status(step, uow, notifier)
    ).status is OrderStatus.PROCESSING
    notifier.failing = False
    for status in (OrderStatus.READY, OrderStatus.DELIVERED):
        await order_handlers.update_status(
            c.OrderRef(TENANT, order.id, status=status), uow, notifier
        )
    assert [key.rsplit(":", 1)[1] for _, _, key in notifier.sent] == ["paid", "ready", "delivered"]
    assert "ready for pickup" in notifier.sent[1][1].text
    assert notifier.sent[1][1].template == "order_ready"


async def test_staff_cannot_skip_or_pay(uow, payments, notifier, menu):
    order = await checked_out(uow, payments, menu["Coffee"])
    with pytest.raises(FailedPrecondition, match="is pending_payment"):
        await order_handlers.update_status(
            c.OrderRef(TENANT, order.id, status=OrderStatus.PROCESSING), uow, notifier
        )
    with pytest.raises(InvalidInput, match="status"):
        await order_handlers.update_status(
            c.OrderRef(TENANT, order.id, status=OrderStatus.PAID), uow, notifier
        )


async def test_cancel_releases_the_reservation(uow, payments, clock, menu):
    pizza = menu["Pizza Diavola"]
    order = await checked_out(uow, payments, pizza, 4)
    cancelled = await order_handlers.cancel_order(
        c.OrderRef(TENANT, order.id, reason="changed my mind"), uow, None, clock
    )
    assert (
        cancelled.status is OrderStatus.CANCELLED and cancelled.cancel_reason == "changed my mind"
    )
    assert await stock_of(uow, pizza) == 50
    kinds = [a.adjustment_type for a in uow.adjustments.rows.values() if a.order_id == order.id]
    assert kinds == [AdjustmentType.RESERVATION, AdjustmentType.RELEASE]


async def test_sweeper_cancels_overdue_orders_only(uow, payments, notifier, clock, menu):
    pizza = menu["Pizza Margherita"]
    late = await checked_out(uow, payments, pizza, 2)
    sweeper = PaymentSweeper(lambda: uow, notifier, clock, timedelta(minutes=15), 1.0)
    uow.orders.rows[late.id] = replace(late, updated_at=clock() - timedelta(minutes=16))
    fresh = await checked_out(uow, payments, pizza, 1)
    uow.orders.rows[fresh.id] = replace(fresh, updated_at=clock())
    assert await sweeper.sweep() == 1
    assert (await uow.orders.get(TENANT, late.id)).status is OrderStatus.CANCELLED
    assert (await uow.orders.get(TENANT, fresh.id)).status is OrderStatus.PENDING_PAYMENT
    assert await stock_of(uow, pizza) == 49
    assert "did not arrive in time" in notifier.sent[-1][1].text


async def test_adjust_stock_checks_the_sign_and_never_goes_negative(uow, menu):
    coffee = menu["Coffee"]
    with pytest.raises(InvalidInput, match="negative"):
        await inventory.adjust_stock(
            c.AdjustStock(TENANT, coffee.id, AdjustmentType.DAMAGE, 3), uow
        )
    with pytest.raises(FailedPrecondition, match="only 50 left"):
        await inventory.adjust_stock(
            c.AdjustStock(TENANT, coffee.id, AdjustmentType.DAMAGE, -51), uow
        )
    adjustment, product = await inventory.adjust_stock(
        c.AdjustStock(TENANT, coffee.id, AdjustmentType.CORRECTION, -50, reason="count"), uow
    )
    assert (adjustment.new_quantity, product.status.value) == (0, "out_of_stock")
    _, product = await inventory.adjust_stock(
        c.AdjustStock(TENANT, coffee.id, AdjustmentType.RESTOCK, 5), uow
    )
    assert (product.stock_quantity, product.status.value) == (5, "active")


async def test_a_payment_that_succeeded_must_state_its_amount(uow, payments, notifier, clock, menu):
    order = await checked_out(uow, payments, menu["Coffee"])
    with pytest.raises(InvalidInput, match="amount: is required"):
        await order_handlers.record_payment(c.RecordPayment(TENANT, order.id), uow, notifier, clock)


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ({"outlet_id": THEIR_OUTLET}, f"outlet {THEIR_OUTLET} not found"),
        ({"conversation_id": THEIR_CONVERSATION}, f"conversation {THEIR_CONVERSATION} not found"),
    ],
)
async def test_an_order_on_another_tenants_outlet_or_conversation_is_not_found(
    uow, menu, where, named
):
    command = c.CreateOrder(
        TENANT,
        where.get("outlet_id", OUTLET),
        (c.ItemRequest(menu["Coffee"].id, 1),),
        fulfillment_type=FulfillmentType.PICKUP,
        customer_phone=PHONE,
        conversation_id=where.get("conversation_id"),
    )
    with pytest.raises(NotFound, match=named):
        await order_handlers.create_order(command, uow, REFERENCES)
    assert uow.orders.rows == {}


async def test_each_change_records_what_analytics_hears_of_it(uow, payments, notifier, clock, menu):
    order = await checked_out(uow, payments, menu["Pizza Margherita"], 2)
    paying = c.RecordPayment(TENANT, order.id, amount=order.total, payment_reference="p")
    await order_handlers.record_payment(paying, uow, notifier, clock)
    await order_handlers.update_status(
        c.OrderRef(TENANT, order.id, OrderStatus.PROCESSING), uow, notifier
    )
    assert uow.facts.names() == [
        "order.created", "order.status_changed", "order.paid", "order.status_changed",
    ]  # fmt: skip
    paid = uow.facts.facts[2]
    assert paid.amount == Decimal("24.00") and paid.properties["from_status"] == "pending_payment"
    assert paid.properties["items"] == [
        {"name": "Pizza Margherita", "quantity": 2, "product_id": str(menu["Pizza Margherita"].id)}
    ]
