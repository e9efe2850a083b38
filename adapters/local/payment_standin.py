"""A local stand-in for a payment provider: issues payment links, and a page that "pays" them.

    python -m adapters.local.payment_standin --port 8091 --order-address 127.0.0.1:50055

POST /v1/payments {tenant_id, order_id, amount, currency, description} -> {reference, url};
GET /pay/{reference} shows the amount and a Pay button; POST /pay/{reference} marks it paid
and reports it with OrderService.RecordPayment. (A real provider would call a webhook of ours
instead; the gateway behind the REST API would turn that into the same RecordPayment.)
"""

import argparse
import asyncio
import html
import logging
import signal
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from crm.common.v1 import common_pb2
from crm.order.v1 import order_pb2, order_pb2_grpc

from adapters.grpc.peers import call, open_channel, use_credentials
from adapters.grpc.service_identity import MeshCredentials
from core.shared.errors import DomainError
from core.shared.scope import acting_for

log = logging.getLogger("payment_standin")
PROVIDER = "standin"


@dataclass
class Payment:
    reference: str
    tenant_id: str
    order_id: str
    amount: str
    currency: str
    description: str
    paid: bool = False


@dataclass
class PaymentState:
    public_url: str = ""
    orders: Any = None  # an OrderService stub
    payments: dict[str, Payment] = field(default_factory=dict)

    def issue(self, body: dict[str, Any]) -> Payment:
        """One payment per order: a repeated request gets the first."""
        for payment in self.payments.values():
            if payment.order_id == body["order_id"] and not payment.paid:
                return payment
        reference = f"pay_{uuid.uuid4().hex[:16]}"
        fields = ("tenant_id", "order_id", "amount", "currency", "description")
        payment = Payment(reference, **{name: str(body.get(name, "")) for name in fields})
        self.payments[reference] = payment
        return payment


STATE = web.AppKey("state", PaymentState)
_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Pay</title></head>
<body style="font-family: sans-serif; max-width: 28em; margin: 3em auto">
<h1>{description}</h1><p>Amount: <b>{amount} {currency}</b></p>{body}</body></html>"""
_BUTTON = '<form method="post"><button type="submit">Pay</button></form>'


def _page(payment: Payment, body: str, status: int = 200) -> web.Response:
    values = {k: html.escape(getattr(payment, k)) for k in ("description", "amount", "currency")}
    return web.Response(
        text=_PAGE.format(body=body, **values), content_type="text/html", status=status
    )


async def create_payment(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await request.json()
    if not all(body.get(name) for name in ("tenant_id", "order_id", "amount")):
        raise web.HTTPBadRequest(text="tenant_id, order_id and amount are required")
    payment = state.issue(body)
    url = f"{state.public_url}/pay/{payment.reference}"
    return web.json_response({"reference": payment.reference, "url": url})


def _payment(request: web.Request) -> Payment:
    payment = request.app[STATE].payments.get(request.match_info["reference"])
    if payment is None:
        raise web.HTTPNotFound(text="no such payment")
    return payment


async def show(request: web.Request) -> web.Response:
    payment = _payment(request)
    return _page(payment, "<p>Paid. Thank you!</p>" if payment.paid else _BUTTON)


async def pay(request: web.Request) -> web.Response:
    payment = _payment(request)
    report = order_pb2.RecordPaymentRequest(
        tenant_id=payment.tenant_id,
        order_id=payment.order_id,
        payment_status=order_pb2.PAYMENT_STATUS_PAID,
        amount=common_pb2.Money(amount=payment.amount, currency=payment.currency),
        payment_reference=payment.reference,
        provider=PROVIDER,
    )
    try:
        # The provider reports for the tenant whose order it is, as a peer of the mesh would.
        with acting_for(uuid.UUID(payment.tenant_id), PROVIDER):
            await call(request.app[STATE].orders.RecordPayment, report)
    except DomainError as refused:  # shown to the payer; the order service has the details
        log.warning("RecordPayment refused %s: %s", payment.reference, refused)
        return _page(payment, f"<p>Payment not accepted: {html.escape(str(refused))}</p>", 409)
    payment.paid = True
    return _page(payment, "<p>Paid. Thank you! You can go back to WhatsApp.</p>")


async def list_payments(request: web.Request) -> web.Response:
    return web.json_response([vars(p) for p in request.app[STATE].payments.values()])


def build_app(state: PaymentState) -> web.Application:
    app = web.Application()
    app[STATE] = state
    app.router.add_post("/v1/payments", create_payment)
    app.router.add_get("/pay/{reference}", show)
    app.router.add_post("/pay/{reference}", pay)
    app.router.add_get("/_standin/payments", list_payments)
    return app


@asynccontextmanager
async def running_payment_standin(
    order_address: str, port: int = 0, host: str = "127.0.0.1", public_url: str = ""
) -> AsyncIterator[tuple[str, PaymentState]]:
    """Serve the stand-in in this event loop; yield its base URL and its state."""
    channel = open_channel(order_address)
    state = PaymentState(orders=order_pb2_grpc.OrderServiceStub(channel))
    runner = web.AppRunner(build_app(state))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound_host, bound_port = runner.addresses[0][:2]
    base_url = f"http://{bound_host}:{bound_port}"
    state.public_url = public_url.rstrip("/") or base_url
    try:
        yield base_url, state
    finally:
        await runner.cleanup()
        await channel.close()


async def serve(args: argparse.Namespace) -> None:
    """Run until SIGTERM or SIGINT, then stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if args.tls_dir:  # the order service takes payments only from the mesh's payment bridge
        use_credentials(MeshCredentials.read(args.tls_dir))
    standin = running_payment_standin(args.order_address, args.port, args.host, args.public_url)
    async with standin as (base_url, _):
        log.info("payment stand-in listening on %s", base_url)
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--order-address", default="127.0.0.1:50055")
    parser.add_argument("--public-url", default="", help="base of the links; default: bound URL")
    parser.add_argument(
        "--tls-dir", type=Path, help="this bridge's mesh certificate (ca.crt, tls.*)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
