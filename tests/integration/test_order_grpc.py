"""OrderService over a real grpc.aio server and real PostgreSQL: mapping, status codes, agent."""

import uuid

import grpc
import pytest
from crm.common.v1 import common_pb2
from crm.order.v1 import order_pb2 as pb
from crm.order.v1 import order_pb2_grpc
from google.protobuf.field_mask_pb2 import FieldMask

from adapters.grpc.order_servicer import OrderServicer
from adapters.postgres.database import session_factory
from adapters.postgres.order_repository import SqlAlchemyOrderUnitOfWork
from core.conversation.model import utcnow
from core.order.agent.shop import Shop
from core.order.agent.transaction import TransactionAgent
from core.order.references import OrderReferences
from tests.fakes import FakeConversations, FakeNotifier, FakeOutlets, FakePaymentGateway

from .grpc_support import expect

CODE = grpc.StatusCode
TENANT, OUTLET = str(uuid.uuid4()), str(uuid.uuid4())
PHONE = "+34600111222"


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


@pytest.fixture
async def stub(grpc_channel_to, db, notifier):
    sessions = session_factory(db)

    def uow():
        return SqlAlchemyOrderUnitOfWork(sessions)

    payments = FakePaymentGateway()
    references = OrderReferences(FakeOutlets(), FakeConversations())
    agent = TransactionAgent(Shop(uow, payments, references, utcnow, "EUR"), 15)
    servicer = OrderServicer(uow, payments, references, notifier, agent, utcnow, "EUR")
    channel = await grpc_channel_to(
        lambda server: order_pb2_grpc.add_OrderServiceServicer_to_server(servicer, server),
        ["crm.order.v1.OrderService"],
    )
    return order_pb2_grpc.OrderServiceStub(channel)


def eur(amount: str) -> common_pb2.Money:
    return common_pb2.Money(amount=amount, currency="EUR")


async def new_product(stub, name="Pizza Margherita", price="12.00", stock=5, **extra):
    product = pb.Product(
        tenant_id=TENANT, name=name, price=eur(price), stock_quantity=stock, **extra
    )
    return (await stub.CreateProduct(pb.CreateProductRequest(product=product))).product


async def new_order(stub, product, quantity=1) -> pb.Order:
    order = pb.Order(
        tenant_id=TENANT,
        outlet_id=OUTLET,
        customer_phone=PHONE,
        fulfillment_type=pb.FULFILLMENT_TYPE_PICKUP,
        items=[pb.OrderItem(product_id=product.id, quantity=quantity)],
    )
    return (await stub.CreateOrder(pb.CreateOrderRequest(order=order))).order


async def test_catalog_crud_and_stock(stub):
    category = pb.Category(tenant_id=TENANT, name="Mains", display_order=1, description="Big")
    mains = (await stub.CreateCategory(pb.CreateCategoryRequest(category=category))).category
    pizza = await new_product(stub, category_id=mains.id, sku="PZ-1", low_stock_threshold=5)
    assert (pizza.category, pizza.price.amount, pizza.low_stock) == ("Mains", "12.00", True)
    renamed = pb.Product(id=pizza.id, tenant_id=TENANT, price=eur("13.5"))
    updated = await stub.UpdateProduct(
        pb.UpdateProductRequest(product=renamed, update_mask=FieldMask(paths=["price"]))
    )
    assert updated.product.price.amount == "13.50"
    adjusted = await stub.AdjustStock(
        pb.AdjustStockRequest(
            tenant_id=TENANT,
            product_id=pizza.id,
            quantity_change=10,
            adjustment_type=pb.ADJUSTMENT_TYPE_RESTOCK,
            reason="delivery",
        )
    )
    assert (adjusted.adjustment.new_quantity, adjusted.product.low_stock) == (15, False)
    history = await stub.ListStockAdjustments(
        pb.ListStockAdjustmentsRequest(tenant_id=TENANT, product_id=pizza.id)
    )
    assert [a.quantity_change for a in history.adjustments] == [10]
    listed = await stub.ListCategories(pb.ListCategoriesRequest(tenant_id=TENANT))
    assert [c.description for c in listed.categories] == ["Big"]
    await stub.DeleteProduct(pb.DeleteProductRequest(tenant_id=TENANT, product_id=pizza.id))
    await expect(
        CODE.NOT_FOUND, stub.GetProduct(pb.GetProductRequest(tenant_id=TENANT, product_id=pizza.id))
    )


async def test_a_products_other_names_are_kept_changed_and_checked(stub):
    soft = await new_product(stub, aliases=["coke", " Coca  Cola ", "COKE", "jus jeruk"])
    assert list(soft.aliases) == ["coke", "Coca Cola", "jus jeruk"]  # trimmed, each once
    fetched = await stub.GetProduct(pb.GetProductRequest(tenant_id=TENANT, product_id=soft.id))
    assert list(fetched.product.aliases) == ["coke", "Coca Cola", "jus jeruk"]
    renamed = pb.Product(id=soft.id, tenant_id=TENANT, aliases=["refresco"])
    updated = await stub.UpdateProduct(
        pb.UpdateProductRequest(product=renamed, update_mask=FieldMask(paths=["aliases"]))
    )
    assert list(updated.product.aliases) == ["refresco"]
    for bad in ([""], ["x" * 61], [f"a{n}" for n in range(21)]):
        await expect(
            CODE.INVALID_ARGUMENT,
            stub.CreateProduct(
                pb.CreateProductRequest(
                    product=pb.Product(tenant_id=TENANT, name="X", price=eur("1"), aliases=bad)
                )
            ),
            "aliases",
        )
    blank = [" "]  # passes the contract's length, not the service's rule
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.CreateProduct(
            pb.CreateProductRequest(
                product=pb.Product(tenant_id=TENANT, name="X", price=eur("1"), aliases=blank)
            )
        ),
        "product.aliases",
    )


async def test_bad_input_names_the_field(stub):
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.CreateProduct(
            pb.CreateProductRequest(
                product=pb.Product(tenant_id=TENANT, name="X", price=eur("1.234"))
            )
        ),
        "product.price",
    )
    dollars = common_pb2.Money(amount="9.00", currency="USD")
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.CreateProduct(
            pb.CreateProductRequest(product=pb.Product(tenant_id=TENANT, name="X", price=dollars))
        ),
        "product.price.currency: must be EUR",
    )
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.GetOrder(pb.GetOrderRequest(tenant_id=TENANT, order_id="nope")),
        "order_id",
    )
    product = await new_product(stub)
    order = pb.Order(
        tenant_id=TENANT, outlet_id=OUTLET, items=[pb.OrderItem(product_id=product.id, quantity=1)]
    )
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.CreateOrder(pb.CreateOrderRequest(order=order)),
        "order.fulfillment_type",
    )
    order.fulfillment_type = pb.FULFILLMENT_TYPE_PICKUP
    order.customer_phone = "+34600111222"
    for long_ago_or_far_ahead in ("1900-01-01", "2999-01-01"):
        order.pickup_delivery_date = long_ago_or_far_ahead
        await expect(
            CODE.INVALID_ARGUMENT,
            stub.CreateOrder(pb.CreateOrderRequest(order=order)),
            "order.pickup_delivery_date",
        )
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.AdjustStock(
            pb.AdjustStockRequest(
                tenant_id=TENANT,
                product_id=product.id,
                quantity_change=-1,
                adjustment_type=pb.ADJUSTMENT_TYPE_RESTOCK,
            )
        ),
        "quantity_change",
    )
    restock_everything = pb.AdjustStockRequest(
        tenant_id=TENANT, product_id=product.id, quantity_change=2147483647,
        adjustment_type=pb.ADJUSTMENT_TYPE_RESTOCK,
    )  # fmt: skip
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.AdjustStock(restock_everything),
        "quantity_change: must be greater than or equal to -1000000",
    )
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.UpdateProduct(
            pb.UpdateProductRequest(
                product=pb.Product(id=product.id, tenant_id=TENANT),
                update_mask=FieldMask(paths=["stock_quantity"]),
            )
        ),
        "update_mask",
    )


async def test_order_through_its_states_and_refusals(stub, notifier):
    product = await new_product(stub, stock=3)
    order = await new_order(stub, product, 2)
    assert (order.status, order.total.amount) == (pb.ORDER_STATUS_CREATED, "24.00")
    target = {"tenant_id": TENANT, "order_id": order.id}
    await expect(
        CODE.FAILED_PRECONDITION,
        stub.UpdateOrderStatus(
            pb.UpdateOrderStatusRequest(**target, status=pb.ORDER_STATUS_PROCESSING)
        ),
        "is created",
    )
    checked = await stub.Checkout(pb.CheckoutRequest(**target))
    assert checked.payment_link and checked.order.status == pb.ORDER_STATUS_PENDING_PAYMENT
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.RecordPayment(pb.RecordPaymentRequest(**target, amount=eur("1.00"))),
        "amount",
    )
    # The right figure in another currency, or no amount at all, marks nothing paid.
    usd = common_pb2.Money(amount="24.00", currency="USD")
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.RecordPayment(pb.RecordPaymentRequest(**target, amount=usd)),
        "amount.currency: must be EUR",
    )
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.RecordPayment(pb.RecordPaymentRequest(**target)),
        "amount: is required",
    )
    paid = await stub.RecordPayment(
        pb.RecordPaymentRequest(**target, amount=eur("24.00"), payment_reference="p1")
    )
    assert paid.order.status == pb.ORDER_STATUS_PAID and paid.order.HasField("paid_time")
    await expect(
        CODE.FAILED_PRECONDITION, stub.CancelOrder(pb.CancelOrderRequest(**target)), "is paid"
    )
    for status in (pb.ORDER_STATUS_PROCESSING, pb.ORDER_STATUS_READY, pb.ORDER_STATUS_DELIVERED):
        moved = await stub.UpdateOrderStatus(pb.UpdateOrderStatusRequest(**target, status=status))
        assert moved.order.status == status
    assert [key.rsplit(":", 1)[1] for _, _, key in notifier.sent] == [
        "paid",
        "processing",
        "ready",
        "delivered",
    ]
    listed = await stub.ListOrders(pb.ListOrdersRequest(tenant_id=TENANT, customer_phone=PHONE))
    assert [o.order_number for o in listed.orders] == [order.order_number]
    await expect(
        CODE.NOT_FOUND,
        stub.GetOrder(pb.GetOrderRequest(tenant_id=str(uuid.uuid4()), order_id=order.id)),
    )


async def test_agent_turns_carry_the_cart_to_a_payment_link(stub):
    await new_product(stub, "Pizza Diavola", "14.00", 5)
    state = None
    turns = [
        ("2 pizza diavola", "order.add", "", {}),
        ("checkout", "order.checkout", "", {}),
        ("Pickup", "out_of_scope", "pickup", {}),
        ("today", "out_of_scope", "", {}),
        ("Yes", "confirm.yes", "yes", {}),
    ]
    replies = []
    for text, intent, reply_id, entities in turns:
        request = pb.HandleOrderTurnRequest(
            tenant_id=TENANT,
            outlet_id=OUTLET,
            conversation_id=str(uuid.uuid4()),
            customer_phone=PHONE,
            text=text,
            intent=intent,
            interactive_reply_id=reply_id,
            entities=entities,
            dialogue_state=state,
        )
        reply = await stub.HandleOrderTurn(request)
        state = reply.dialogue_state
        replies.append(reply)
    assert "2x Pizza Diavola — 28.00 EUR" in replies[0].reply_text
    assert replies[3].confirmation_pending and [o.id for o in replies[3].options] == ["yes", "no"]
    last = replies[-1]
    assert last.done and last.order_id and last.order.status == pb.ORDER_STATUS_PENDING_PAYMENT
    assert last.order.payment_link in last.reply_text
