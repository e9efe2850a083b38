"""crm.order.v1.OrderService: proto -> command -> use case -> proto; the agent turn too."""

from collections.abc import Callable
from decimal import Decimal

from crm.order.v1 import order_pb2 as pb
from crm.order.v1 import order_pb2_grpc

from core.order import commands as c
from core.order import order_handlers as orders
from core.order.agent.transaction import TransactionAgent
from core.order.catalog import money
from core.order.orders import Order, OrderStatus, PaymentStatus
from core.order.ports import Clock, Notifier, OrderUnitOfWork, PaymentGateway
from core.order.references import OrderReferences
from core.shared.errors import InvalidInput

from .catalog_servicer import CatalogRpcs
from .convert import amount_in, enum_to_domain, present, tenant_and, to_datetime
from .order_mapping import (
    create_order_command,
    list_orders_command,
    order_message,
    turn_of,
    turn_response,
)


def _succeeded(request) -> bool:
    outcome = enum_to_domain(request, "payment_status", PaymentStatus) or PaymentStatus.PAID
    if outcome not in (PaymentStatus.PAID, PaymentStatus.FAILED):
        raise InvalidInput("payment_status", "must be PAID or FAILED")
    return outcome is PaymentStatus.PAID


def _amount(request, currency: str) -> Decimal | None:
    paid = amount_in(request.amount, currency, "amount")
    return money(paid, "amount.amount") if paid else None


class OrderServicer(CatalogRpcs, order_pb2_grpc.OrderServiceServicer):
    def __init__(
        self,
        unit_of_work: Callable[[], OrderUnitOfWork],
        payments: PaymentGateway,
        references: OrderReferences,
        notifier: Notifier | None,
        agent: TransactionAgent,
        clock: Clock,
        currency: str,
    ) -> None:
        self._uow = unit_of_work
        self._payments = payments
        self._references = references
        self._notifier = notifier
        self._agent = agent
        self._now = clock
        self._currency = currency

    def _order(self, order: Order) -> pb.Order:
        return order_message(order, self._currency)

    async def CreateOrder(self, request, context):
        command = create_order_command(present(request, "order"))
        order = await orders.create_order(
            command, self._uow(), self._references, self._now().date()
        )
        return pb.CreateOrderResponse(order=self._order(order))

    async def GetOrder(self, request, context):
        order = await orders.get_order(*tenant_and(request, "order_id"), self._uow())
        return pb.GetOrderResponse(order=self._order(order))

    async def ListOrders(self, request, context):
        page = await orders.list_orders(list_orders_command(request), self._uow())
        return pb.ListOrdersResponse(
            orders=[self._order(x) for x in page.items], page={"next_page_token": page.next_token}
        )

    async def Checkout(self, request, context):
        ref = c.OrderRef(*tenant_and(request, "order_id"))
        order = await orders.checkout(ref, self._uow(), self._payments, self._currency)
        return pb.CheckoutResponse(order=self._order(order), payment_link=order.payment_link)

    async def RecordPayment(self, request, context):
        command = c.RecordPayment(
            *tenant_and(request, "order_id"),
            succeeded=_succeeded(request),
            amount=_amount(request, self._currency),
            payment_reference=request.payment_reference,
            paid_at=to_datetime(request, "paid_time"),
        )
        order = await orders.record_payment(command, self._uow(), self._notifier, self._now)
        return pb.RecordPaymentResponse(order=self._order(order))

    async def UpdateOrderStatus(self, request, context):
        status = enum_to_domain(request, "status", OrderStatus)
        ref = c.OrderRef(*tenant_and(request, "order_id"), status=status)
        order = await orders.update_status(ref, self._uow(), self._notifier)
        return pb.UpdateOrderStatusResponse(order=self._order(order))

    async def CancelOrder(self, request, context):
        ref = c.OrderRef(*tenant_and(request, "order_id"), reason=request.reason)
        order = await orders.cancel_order(ref, self._uow(), self._notifier, self._now)
        return pb.CancelOrderResponse(order=self._order(order))

    async def HandleOrderTurn(self, request, context):
        reply = await self._agent.handle(turn_of(request))
        return turn_response(reply, self._currency)
