"""A customer's WhatsApp message as Meta sends it, through Envoy and every service, to a reply."""

import asyncio
import base64
import signal
import time
import uuid
from typing import Any

import grpc
import httpx
import pytest
from crm.messaging.v1 import messaging_pb2, messaging_pb2_grpc
from crm.tenant.v1 import tenant_pb2, tenant_pb2_grpc

from adapters.grpc.peers import open_channel
from adapters.grpc.scope_metadata import outgoing
from core.shared.scope import Scope
from services.demo.knowledge import DOCUMENTS
from services.mesh_identity import credentials_of
from services.seed import DEMO_PHONE_NUMBER_ID
from tests import whatsapp_payloads as wa

WEBHOOK = "/webhooks/whatsapp"


def webhook(*messages: dict[str, Any], statuses=()) -> dict[str, Any]:
    return wa.webhook(messages, statuses, phone_number_id=DEMO_PHONE_NUMBER_ID)


async def post(mesh, payload: dict[str, Any], signature: str | None = "sign") -> httpx.Response:
    raw = wa.body(payload)
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["X-Hub-Signature-256"] = wa.sign(mesh.settings.whatsapp_app_secret, raw)
    elif signature:
        headers["X-Hub-Signature-256"] = signature
    async with httpx.AsyncClient(base_url=mesh.gateway_url) as client:
        return await client.post(WEBHOOK, content=raw, headers=headers)


async def sent_to(mesh, customer: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        reply = await client.get(f"{mesh.standin_url}/_standin/sent", params={"to": customer})
    return [s for s in reply.json() if s["type"] != "read"]


async def replies(mesh, customer: str, count: int = 1, within: float = 15) -> list[dict]:
    """The sends recorded for a customer once there are `count` of them."""
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        found = await sent_to(mesh, customer)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"{customer} got {await sent_to(mesh, customer)}, wanted {count}")


def staff(mesh, role: str = "owner") -> httpx.AsyncClient:
    """The admin REST API through the gateway, signed in as the demo tenant's `role`."""
    return httpx.AsyncClient(base_url=mesh.gateway_url, headers=mesh.bearer(role), timeout=60)


def as_peer(tenant_id: str | None = None) -> tuple[tuple[str, str], ...]:
    """Metadata of a call from inside the mesh (internal RPCs have no route through Envoy)."""
    return outgoing(Scope(uuid.UUID(tenant_id) if tenant_id else None, "e2e"))


async def inbox_items(mesh, **params) -> list[dict[str, Any]]:
    """Every tenant's inbox items (the "-" tenant), as a platform operator sees them."""
    async with staff(mesh, "operator") as client:
        listed = await client.get("/v1/tenants/-/inboxItems", params=params)
    assert listed.status_code == 200, listed.text
    return listed.json().get("inbox_items", [])


def text_of(send: dict[str, Any]) -> str:
    payload = send["payload"]
    return (
        payload["text"]["body"]
        if payload["type"] == "text"
        else payload["interactive"]["body"]["text"]
    )


async def test_verification_echoes_the_challenge_only_for_our_token(mesh):
    async with httpx.AsyncClient(base_url=mesh.gateway_url) as client:
        good = await client.get(
            WEBHOOK,
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": mesh.settings.whatsapp_verify_token,
                "hub.challenge": "1158201444",
            },
        )
        bad = await client.get(
            WEBHOOK,
            params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
        )
        wrong_mode = await client.get(
            WEBHOOK,
            params={
                "hub.mode": "unsubscribe",
                "hub.verify_token": mesh.settings.whatsapp_verify_token,
                "hub.challenge": "1",
            },
        )
    assert (good.status_code, good.text) == (200, "1158201444")
    assert good.headers["content-type"].startswith("text/plain")
    assert bad.status_code == wrong_mode.status_code == 403


async def test_a_text_gets_the_greeting_then_small_talk_is_answered(mesh):
    customer = "34600000101"
    hello = wa.text_message("Hola", **{"from": customer})
    first = await post(mesh, webhook(hello))
    assert first.status_code == 200
    (greeting,) = await replies(mesh, customer)
    assert "Demo Bistro" in text_of(greeting)
    assert greeting["payload"]["context"]["message_id"] == hello["id"]
    async with httpx.AsyncClient() as client:
        everything = (await client.get(f"{mesh.standin_url}/_standin/sent")).json()
    assert {"type": "read", "message_id": hello["id"]}.items() <= next(
        s for s in everything if s.get("message_id") == hello["id"]
    ).items()  # the customer sees blue ticks

    await post(mesh, webhook(wa.text_message("thanks a lot!", **{"from": customer})))
    second = (await replies(mesh, customer, 2))[1]
    assert "You're welcome" in text_of(second)


@pytest.mark.parametrize(
    ("signature", "status"), [(None, 401), ("sha256=" + "0" * 64, 403), ("garbage", 403)]
)
async def test_unsigned_or_badly_signed_updates_are_refused_and_nothing_is_stored(
    mesh, signature, status
):
    customer = "34600000102"
    response = await post(mesh, webhook(wa.text_message(**{"from": customer})), signature)
    assert response.status_code == status
    assert "message" in response.json()
    assert await inbox_items(mesh, customer_phone=customer) == []


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'{"object": "page"}'])
async def test_malformed_updates_are_a_clear_400(mesh, raw):
    headers = {"X-Hub-Signature-256": wa.sign(mesh.settings.whatsapp_app_secret, raw),
               "Content-Type": "application/json"}  # fmt: skip
    async with httpx.AsyncClient(base_url=mesh.gateway_url) as client:
        response = await client.post(WEBHOOK, content=raw, headers=headers)
    assert response.status_code == 400
    assert response.json()["message"]


async def test_every_message_type_is_stored_and_answered_except_reactions(mesh):
    kinds = {
        "text": wa.text_message(),
        "button_reply": wa.button_reply(),
        "list_reply": wa.list_reply(),
        "button": wa.template_button(),
        "image": wa.media_message("image"),
        "audio": wa.media_message("audio"),
        "video": wa.media_message("video"),
        "document": wa.media_message("document"),
        "sticker": wa.media_message("sticker"),
        "location": wa.location_message(),
        "contacts": wa.contacts_message(),
        "order": wa.order_message(),
        "unsupported": wa.unsupported_message(),
        "reaction": wa.reaction_message(),
    }
    customers = {kind: f"3460100{i:04d}" for i, kind in enumerate(kinds)}
    messages = [{**message, "from": customers[kind]} for kind, message in kinds.items()]
    assert (await post(mesh, webhook(*messages))).status_code == 200

    for kind, customer in customers.items():
        if kind != "reaction":
            assert len(await replies(mesh, customer)) == 1, kind
    stored = await inbox_items(mesh, **{"page.page_size": 100})
    assert {i["customer_phone"] for i in stored} >= set(customers.values())
    assert await sent_to(mesh, customers["reaction"]) == []


async def test_a_redelivered_webhook_changes_nothing_and_sends_no_second_reply(mesh):
    customer = "34600000103"
    payload = webhook(wa.text_message("Hola", **{"from": customer}))
    assert (await post(mesh, payload)).status_code == 200
    await replies(mesh, customer)
    assert (await post(mesh, payload)).status_code == 200
    await asyncio.sleep(1.5)
    assert len(await sent_to(mesh, customer)) == 1


async def test_delivery_statuses_move_the_outbound_message_forward(mesh):
    customer = "34600000104"
    await post(mesh, webhook(wa.text_message(**{"from": customer})))
    (sent,) = await replies(mesh, customer)
    read_first = [wa.status("read", sent["id"], recipient=customer),
                  wa.status("delivered", sent["id"], recipient=customer)]  # fmt: skip
    assert (await post(mesh, webhook(statuses=read_first))).status_code == 200
    # Raw gRPC through the gateway, with a token like any admin client.
    async with grpc.aio.insecure_channel(mesh.gateway_url.removeprefix("http://")) as channel:
        listed = await messaging_pb2_grpc.MessagingServiceStub(channel).ListOutboxMessages(
            messaging_pb2.ListOutboxMessagesRequest(tenant_id="-", to=customer),
            metadata=tuple(mesh.bearer("operator").items()),
        )
    (outbound,) = listed.messages
    assert outbound.whatsapp_message_id == sent["id"]
    assert outbound.status == messaging_pb2.OUTBOUND_STATUS_READ


async def test_a_handed_off_conversation_gets_no_bot_reply_but_keeps_the_messages(mesh):
    customer = "34600000105"
    await post(mesh, webhook(wa.text_message("Hola", **{"from": customer})))
    await replies(mesh, customer)
    tenant_id = await demo_tenant_id(mesh)
    async with staff(mesh, "agent") as client:
        conversation = await conversation_of(client, tenant_id, customer)
        conversations = f"/v1/tenants/{tenant_id}/conversations/{conversation['id']}"
        handed = await client.post(
            f"{conversations}:requestHandoff", json={"reason": "customer asked for a person"}
        )
        assert handed.status_code == 200, handed.text
        await post(mesh, webhook(wa.text_message("Are you there?", **{"from": customer})))
        await asyncio.sleep(2)
        assert len(await sent_to(mesh, customer)) == 1
        history = (await client.get(f"{conversations}/messages")).json()["messages"]
    assert "Are you there?" in [m["content"] for m in history]


async def conversation_of(client: httpx.AsyncClient, tenant_id: str, customer: str) -> dict:
    found = await client.get(
        f"/v1/tenants/{tenant_id}/conversations", params={"customer_phone": f"+{customer}"}
    )
    assert found.status_code == 200, found.text
    (conversation,) = found.json()["conversations"]
    return conversation


async def demo_tenant_id(mesh) -> str:
    """Which tenant owns the demo number: an internal RPC, asked as the mesh asks it."""
    as_messaging = credentials_of(mesh.settings, "messaging")
    async with open_channel(mesh.settings.address_of("tenant"), as_messaging) as channel:
        resolved = await tenant_pb2_grpc.TenantServiceStub(channel).ResolveOutlet(
            tenant_pb2.ResolveOutletRequest(phone_number_id=DEMO_PHONE_NUMBER_ID),
            metadata=as_peer(),
        )
    return resolved.tenant.id


async def test_nothing_is_lost_when_the_orchestrator_is_down_and_messaging_restarts(mesh):
    customer = "34600000106"
    await mesh.stop("orchestrator")
    assert (
        await post(mesh, webhook(wa.text_message("Hola", **{"from": customer})))
    ).status_code == 200
    await asyncio.sleep(1)
    await mesh.stop("messaging", signal.SIGKILL)
    await mesh.start("orchestrator", "messaging")
    (reply,) = await replies(mesh, customer, within=30)
    assert "Demo Bistro" in text_of(reply)


async def test_a_throttled_cloud_api_is_retried_until_the_reply_goes_out(mesh):
    customer = "34600000107"
    async with httpx.AsyncClient() as client:
        await client.post(
            f"{mesh.standin_url}/_standin/fail", json={"status": 429, "count": 2, "code": 130429}
        )
    await post(mesh, webhook(wa.text_message(**{"from": customer})))
    assert len(await replies(mesh, customer)) == 1
    await asyncio.sleep(1)
    assert len(await sent_to(mesh, customer)) == 1


async def test_staff_can_write_inside_the_window(mesh):
    customer = "34600000108"
    now = str(int(time.time()))  # the window runs from the customer's last message
    await post(mesh, webhook(wa.text_message("Hola", timestamp=now, **{"from": customer})))
    await replies(mesh, customer)
    tenant_id = await demo_tenant_id(mesh)
    async with staff(mesh, "agent") as client:
        conversation = await conversation_of(client, tenant_id, customer)
    as_conversation = credentials_of(mesh.settings, "conversation")
    async with open_channel(mesh.settings.address_of("messaging"), as_conversation) as channel:
        sent = await messaging_pb2_grpc.MessagingServiceStub(channel).SendMessage(
            messaging_pb2.SendMessageRequest(
                tenant_id=tenant_id, outlet_id=conversation["outlet_id"],
                conversation_id=conversation["id"], to=f"+{customer}",
                text=messaging_pb2.TextContent(body="This is Marta from the bistro 👋"),
            ),
            metadata=as_peer(tenant_id),
        )  # fmt: skip
    assert sent.message.status == messaging_pb2.OUTBOUND_STATUS_QUEUED
    assert text_of((await replies(mesh, customer, 2))[1]) == "This is Marta from the bistro 👋"


async def test_a_question_is_answered_from_an_uploaded_pdf(mesh):
    tenant_id = await demo_tenant_id(mesh)
    pdf = (DOCUMENTS / "private-events.pdf").read_bytes()
    async with staff(mesh, "admin") as client:
        created = await client.post(
            f"/v1/tenants/{tenant_id}/knowledgeBases",
            json={"tenant_id": tenant_id, "name": "Events"},
        )
        assert created.status_code == 200, created.text
        kb_id = created.json()["knowledge_base"]["id"]
        uploaded = await client.post(
            f"/v1/tenants/{tenant_id}/knowledgeBases/{kb_id}/documents",
            json={"filename": "private-events.pdf", "content_type": "application/pdf",
                  "content": base64.b64encode(pdf).decode()},
        )  # fmt: skip
    assert uploaded.status_code == 200, uploaded.text
    document = uploaded.json()["document"]
    assert (
        document["processing_status"] == "PROCESSING_STATUS_READY" and document["chunk_count"] > 0
    )

    customer = "34600000109"
    question = "How many people does the private room seat?"
    await post(mesh, webhook(wa.text_message(question, **{"from": customer})))
    (answer,) = await replies(mesh, customer)
    assert "24" in text_of(answer)


async def conversation_with(mesh, customer: str, *lines: str) -> list[str]:
    """Each line as the customer, in turn; every bot text that came back, in order."""
    seen = 0
    for line in lines:
        await post(
            mesh,
            webhook(wa.text_message(line, timestamp=str(int(time.time())), **{"from": customer})),
        )
        sends = await replies(mesh, customer, seen + 1)
        await asyncio.sleep(0.3)  # a long reply may come in several pieces
        sends = await sent_to(mesh, customer)
        seen = len(sends)
    return [text_of(s) for s in sends]


async def test_the_seeds_booking_sequence_through_the_webhook(mesh):
    texts = await conversation_with(
        mesh, "34600000110", "Book a table for 2 tomorrow", "7pm", "yes"
    )
    assert "What time" in texts[0]
    assert "Confirmed for 7 PM?" in texts[1]
    assert texts[2].startswith("Booked! Your booking number is B-")


async def test_an_order_from_first_message_to_payment_and_delivery(mesh):
    customer = "34600000111"
    texts = await conversation_with(
        mesh, customer, "I'd like 2 pizza margherita please", "checkout", "pickup", "today", "yes"
    )
    placed = texts[-1]
    assert "Order #" in placed and "Pay here" in placed
    link = next(word for word in placed.split() if word.startswith("http"))
    async with httpx.AsyncClient() as client:
        assert (await client.post(link)).status_code in (200, 303)
    paid = (await replies(mesh, customer, len(texts) + 1))[-1]
    assert text_of(paid).startswith("Payment received for order #")

    order_number = placed.split("Order #")[1].split()[0]
    tenant_id = await demo_tenant_id(mesh)
    async with staff(mesh, "owner") as client:
        orders = (await client.get(f"/v1/tenants/{tenant_id}/orders")).json()["orders"]
        order = next(o for o in orders if o["order_number"] == order_number)
        for status in ("ORDER_STATUS_PROCESSING", "ORDER_STATUS_READY", "ORDER_STATUS_DELIVERED"):
            moved = await client.post(
                f"/v1/tenants/{tenant_id}/orders/{order['id']}:updateStatus",
                json={"status": status},
            )
            assert moved.status_code == 200, moved.text
    notices = [text_of(s) for s in await replies(mesh, customer, len(texts) + 4)][-3:]
    assert "kitchen accepted your order" in notices[0]
    assert "is ready for pickup" in notices[1]
    assert "has been picked up" in notices[2]


async def business_figures(client: httpx.AsyncClient, tenant_id: str) -> dict[str, Any]:
    """The dashboards' figures of the last 30 days, as the owner reads them over REST."""
    base = f"/v1/tenants/{tenant_id}/analytics"
    funnel = await client.get(f"{base}/conversionFunnel", params={"kind": "FUNNEL_KIND_BOOKING"})
    revenue = (await client.get(f"{base}/revenue")).json()
    top = (await client.get(f"{base}/topProducts")).json().get("products", [])
    return {
        "booking_funnel": [int(s.get("count", 0)) for s in funnel.json()["stages"]],
        "order_revenue": float(revenue.get("total_order_revenue", {}).get("amount", 0)),
        "sold": {p["name"]: int(p["count"]) for p in top},
    }


async def figures_once_changed(client, tenant_id: str, before: dict, within: float = 20) -> dict:
    """The figures once the relays have told analytics (they poll every second)."""
    deadline = time.monotonic() + within
    while await business_figures(client, tenant_id) == before:
        assert time.monotonic() < deadline, "analytics never heard of the booking and orders"
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)  # the rest of what the relays hold
    return await business_figures(client, tenant_id)


async def test_what_happens_in_chat_is_what_the_dashboards_count(mesh):
    """A booking made in chat shows in the funnel; a paid order in revenue and top products;
    an order cancelled before payment in neither."""
    tenant_id = await demo_tenant_id(mesh)
    async with staff(mesh, "owner") as client:
        before = await business_figures(client, tenant_id)
        await conversation_with(mesh, "34600000120", "Book a table for 2 tomorrow", "7pm", "yes")
        paid = await conversation_with(
            mesh, "34600000121", "3 pizza diavola please", "checkout", "pickup", "today", "yes"
        )
        link = next(word for word in paid[-1].split() if word.startswith("http"))
        assert (await httpx.AsyncClient().post(link)).status_code in (200, 303)
        dropped = await conversation_with(
            mesh, "34600000122", "1 burrata please", "checkout", "pickup", "today", "yes"
        )
        number = dropped[-1].split("Order #")[1].split()[0]
        orders = (await client.get(f"/v1/tenants/{tenant_id}/orders")).json()["orders"]
        order = next(o for o in orders if o["order_number"] == number)
        cancelled = await client.post(f"/v1/tenants/{tenant_id}/orders/{order['id']}:cancel")
        assert cancelled.status_code == 200, cancelled.text
        after = await figures_once_changed(client, tenant_id, before)
    intent, created, confirmed = (
        a - b for a, b in zip(after["booking_funnel"], before["booking_funnel"], strict=True)
    )
    assert (intent, created, confirmed) == (1, 1, 1)
    assert after["order_revenue"] - before["order_revenue"] == pytest.approx(42.0)  # 3 x 14.00
    assert after["sold"]["Pizza Diavola"] - before["sold"].get("Pizza Diavola", 0) == 3
    assert after["sold"].get("Burrata", 0) == before["sold"].get("Burrata", 0)


async def test_a_customer_cancels_their_booking(mesh):
    customer = "34600000112"
    await conversation_with(mesh, customer, "Book a table for 4 tomorrow at 8pm", "yes")
    texts = await conversation_with(mesh, customer, "please cancel my booking", "yes")
    assert "Cancel your booking" in texts[-2] and "cancelled" in texts[-1]


async def test_a_person_takes_over_answers_over_rest_and_gives_the_chat_back(mesh):
    customer = "34600000113"
    texts = await conversation_with(mesh, customer, "hi", "I want to talk to a person")
    assert "handing you over" in texts[-1]
    tenant_id = await demo_tenant_id(mesh)
    async with staff(mesh, "agent") as client:
        waiting = (await client.get(f"/v1/tenants/{tenant_id}/conversations:awaitingAgent")).json()
        (conversation,) = [
            c for c in waiting["conversations"] if c["customer_phone"] == f"+{customer}"
        ]
        path = f"/v1/tenants/{tenant_id}/conversations/{conversation['id']}/messages"
        someone_else = str(uuid.uuid4())  # an agent cannot post as the owner, or anyone else
        posing = await client.post(path, json={"agent_id": someone_else, "text": "It's the boss"})
        assert posing.status_code == 403, posing.text
        answered = await client.post(path, json={"text": "Hi! Marta here, how can I help?"})
        assert answered.status_code == 200, answered.text
        assert answered.json()["message"]["sender_id"] not in ("", someone_else)
        assert (await replies(mesh, customer, len(texts) + 1))[-1]["payload"]["text"]["body"] == (
            "Hi! Marta here, how can I help?"
        )
        released = await client.post(
            f"/v1/tenants/{tenant_id}/conversations/{conversation['id']}:releaseHandoff", json={}
        )
        assert released.status_code == 200, released.text
        history = (
            await client.get(f"/v1/tenants/{tenant_id}/conversations/{conversation['id']}/messages")
        ).json()["messages"]
    assert "SENDER_TYPE_AGENT" in [m["sender_type"] for m in history]
    back = await conversation_with(mesh, customer, "thanks a lot!")
    assert "You're welcome" in back[-1]
