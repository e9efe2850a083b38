"""Orders, their items, and the order state machine."""

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from core.shared.errors import FailedPrecondition


class OrderStatus(StrEnum):
    CREATED = "created"
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    PROCESSING = "processing"
    READY = "ready"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PENDING = "pending"
    PAID = "paid"
    REFUNDED = "refunded"
    FAILED = "failed"


class FulfillmentType(StrEnum):
    PICKUP = "pickup"
    DELIVERY = "delivery"


S = OrderStatus
# The seed's machine: CREATED -> PENDING_PAYMENT -> PAID -> PROCESSING -> READY -> DELIVERED,
# PENDING_PAYMENT -> CANCELLED (timeout or customer). CREATED -> CANCELLED is allowed too: an
# order never checked out (e.g. its checkout found the stock gone) holds nothing to release.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.CREATED: frozenset({S.PENDING_PAYMENT, S.CANCELLED}),
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.PROCESSING}),
    S.PROCESSING: frozenset({S.READY}),
    S.READY: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}
# The steps staff take through UpdateOrderStatus.
FULFILMENT_STEPS = frozenset({S.PROCESSING, S.READY, S.DELIVERED})


@dataclass(frozen=True, slots=True)
class OrderItem:
    product_id: uuid.UUID
    product_name: str
    product_price: Decimal
    quantity: int
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def subtotal(self) -> Decimal:
        return self.product_price * self.quantity


@dataclass(frozen=True, slots=True)
class Order:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    order_number: str
    items: tuple[OrderItem, ...]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    conversation_id: uuid.UUID | None = None
    status: OrderStatus = OrderStatus.CREATED
    payment_status: PaymentStatus = PaymentStatus.UNPAID
    fulfillment_type: FulfillmentType = FulfillmentType.PICKUP
    pickup_delivery_date: date | None = None
    customer_phone: str = ""
    customer_name: str = ""
    delivery_address: str = ""
    # Where the customer shared as the delivery address, when they shared a location.
    delivery_latitude: float | None = None
    delivery_longitude: float | None = None
    notes: str = ""
    payment_link: str = ""
    payment_reference: str = ""
    cancel_reason: str = ""
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def total(self) -> Decimal:
        return sum((item.subtotal for item in self.items), Decimal("0.00"))

    def moved_to(self, target: OrderStatus) -> "Order":
        """The order in `target`, if the machine allows the step from here."""
        if target not in TRANSITIONS[self.status]:
            raise FailedPrecondition(
                f"order {self.order_number} is {self.status.value}; it cannot become {target.value}"
            )
        return replace(self, status=target)

    def checked_out(self, link: str, reference: str) -> "Order":
        moved = self.moved_to(S.PENDING_PAYMENT)
        return replace(
            moved,
            payment_status=PaymentStatus.PENDING,
            payment_link=link,
            payment_reference=reference,
        )

    def paid(self, reference: str, at: datetime) -> "Order":
        moved = self.moved_to(S.PAID)
        return replace(
            moved, payment_status=PaymentStatus.PAID, payment_reference=reference, paid_at=at
        )

    def payment_failed(self) -> "Order":
        if self.status is not S.PENDING_PAYMENT:
            self.moved_to(S.PAID)  # raises, naming the current state
        return replace(self, payment_status=PaymentStatus.FAILED)

    def cancelled(self, reason: str, at: datetime) -> "Order":
        moved = self.moved_to(S.CANCELLED)
        return replace(moved, cancel_reason=reason, cancelled_at=at)

    @property
    def holds_stock(self) -> bool:
        """Stock is reserved from checkout on; a cancellation before payment gives it back."""
        return self.status is S.PENDING_PAYMENT
