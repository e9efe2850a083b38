"""Paying through the local payment stand-in reaches OrderService.RecordPayment over gRPC."""

import uuid

import httpx
import pytest
from crm.common.v1 import common_pb2
from crm.order.v1 import order_pb2 as pb
from crm.order.v1 import order_pb2_grpc

from adapters.grpc.order_servicer import OrderServicer
from adapters.grpc.peers import open_channel
from adapters.local.payment_gateway import StandinPaymentGateway
from adapters.local.payment_standin import running_payment_standin
from adapters.postgres.database import session_factory
from adapters.postgres.order_repository import SqlAlchemyOrderUnitOfWork
from core.conversation.model import utcnow
from core.order.agent.shop import Shop
from core.order.agent.transaction import TransactionAgent
from core.order.references import OrderReferences
from services.runtime import build_server
from services.tools.mesh import free_ports
from tests.fakes import FakeConversations, FakeNotifier, FakeOutlets

TENANT, OUTLET = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture
async def paying(db):
    """The stand-in and an OrderService that issues its links and hears back from it."""
    (port,) = free_ports(1)
    address = f"127.0.0.1:{port}"
    async with running_payment_standin(address) as (base_url, state):
        sessions = session_factory(db)

        def uow():
            return SqlAlchemyOrderUnitOfWork(sessions)

        payments, notifier = StandinPaymentGateway(base_url), FakeNotifier()
        references = OrderReferences(FakeOutlets(), FakeConversations())
        agent = TransactionAgent(Shop(uow, payments, references, utcnow, "EUR"), 15)
        servicer = OrderServicer(uow, payments, references, notifier, agent, utcnow, "EUR")
        server, _ = build_server(
            lambda s: order_pb2_grpc.add_OrderServiceServicer_to_server(servicer, s),
            ["crm.order.v1.OrderService"],
        )
        server.add_insecure_port(address)
        await server.start()
        channel = open_channel(address)
        yield order_pb2_grpc.OrderServiceStub(channel), state, notifier
        await channel.close()
        await server.stop(None)
        await payments.aclose()


async def test_paying_the_link_marks_the_order_paid(paying):
    stub, state, notifier = paying
    product = pb.Product(
        tenant_id=TENANT, name="Coffee", price=common_pb2.Money(amount="2.00"), stock_quantity=5
    )
    product = (await stub.CreateProduct(pb.CreateProductRequest(product=product))).product
    order = pb.Order(
        tenant_id=TENANT,
        outlet_id=OUTLET,
        customer_phone="+34600111222",
        fulfillment_type=pb.FULFILLMENT_TYPE_PICKUP,
        items=[pb.OrderItem(product_id=product.id, quantity=3)],
    )
    created = (await stub.CreateOrder(pb.CreateOrderRequest(order=order))).order
    target = {"tenant_id": TENANT, "order_id": created.id}
    link = (await stub.Checkout(pb.CheckoutRequest(**target))).payment_link
    async with httpx.AsyncClient() as browser:
        page = await browser.get(link)
        assert page.status_code == 200 and "6.00" in page.text and "Pay</button>" in page.text
        paid_page = await browser.post(link)
        assert paid_page.status_code == 200 and "Paid" in paid_page.text
    paid = (await stub.GetOrder(pb.GetOrderRequest(**target))).order
    assert (paid.status, paid.payment_status) == (pb.ORDER_STATUS_PAID, pb.PAYMENT_STATUS_PAID)
    assert paid.payment_reference == link.rsplit("/", 1)[1]
    assert [key for _, _, key in notifier.sent] == [f"order:{created.id}:paid"]
    assert [p.paid for p in state.payments.values()] == [True]


async def test_paying_a_cancelled_order_is_refused(paying):
    stub, _, _ = paying
    product = pb.Product(
        tenant_id=TENANT, name="Tea", price=common_pb2.Money(amount="2.50"), stock_quantity=1
    )
    product = (await stub.CreateProduct(pb.CreateProductRequest(product=product))).product
    order = pb.Order(
        tenant_id=TENANT,
        outlet_id=OUTLET,
        fulfillment_type=pb.FULFILLMENT_TYPE_PICKUP,
        items=[pb.OrderItem(product_id=product.id, quantity=1)],
    )
    created = (await stub.CreateOrder(pb.CreateOrderRequest(order=order))).order
    target = {"tenant_id": TENANT, "order_id": created.id}
    link = (await stub.Checkout(pb.CheckoutRequest(**target))).payment_link
    await stub.CancelOrder(pb.CancelOrderRequest(**target, reason="changed my mind"))
    async with httpx.AsyncClient() as browser:
        refused = await browser.post(link)
    assert refused.status_code == 409 and "is cancelled" in refused.text
