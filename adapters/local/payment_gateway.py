"""The PaymentGateway port over HTTP to the local payment stand-in (a real provider's shape)."""

import httpx

from core.order.orders import Order
from core.order.ports import PaymentLink
from core.shared.errors import Unavailable


class StandinPaymentGateway:
    """Asks the provider for a payment request, as one would a Stripe Checkout Session: the
    order id is the idempotency key, so a retried checkout gets the same link."""

    def __init__(self, base_url: str, client: httpx.AsyncClient | None = None) -> None:
        self._base_url = base_url.rstrip("/")
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))

    async def create_payment(self, order: Order, currency: str) -> PaymentLink:
        body = {
            "tenant_id": str(order.tenant_id),
            "order_id": str(order.id),
            "amount": f"{order.total:.2f}",
            "currency": currency,
            "description": f"Order #{order.order_number}",
        }
        try:
            answer = await self._client.post(f"{self._base_url}/v1/payments", json=body)
            answer.raise_for_status()
        except httpx.HTTPError as failure:
            raise Unavailable(f"the payment provider did not answer: {failure}") from failure
        payment = answer.json()
        return PaymentLink(url=payment["url"], reference=payment["reference"])

    async def aclose(self) -> None:
        await self._client.aclose()
