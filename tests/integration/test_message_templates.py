"""Templates end to end over real PostgreSQL and the Cloud API stand-in: created and synced
through the real HTTP adapter, chosen in the customer's language once the 24-hour window
closed, checked by the stand-in as Meta checks them, and metered by category."""

import uuid
from datetime import timedelta

import httpx
import pytest

from adapters.local.cloud_api_standin import running_standin
from adapters.whatsapp.cloud_api import CloudApiSender
from adapters.whatsapp.templates import CloudApiTemplates
from adapters.whatsapp.webhook import parse_webhook
from core.messaging.handlers import OutboxSender, receive_webhook
from core.messaging.model import OutboundContent, SendFailure, TemplatePiece, WindowState
from core.messaging.sending import SendMessage, send_message
from core.messaging.template_registry import create_template, sync_templates
from core.messaging.templates import (
    Template,
    TemplateCategory,
    TemplateFallback,
    TemplateStatus,
)
from core.shared.errors import AlreadyExists, FailedPrecondition, InvalidInput
from core.shared.paging import PageQuery
from core.shared.scope import across_tenants, acting_for
from tests import whatsapp_payloads as wa

TENANT, OUTLET, CONVERSATION = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
PHONE_ID, ACCOUNT, TOKEN, SECRET = "1001", "2001", "test-token", "app-secret"
CUSTOMER = "+34600000001"
BODIES = {
    "en": "Your order #{{1}} is ready.",
    "es": "Tu pedido #{{1}} está listo.",
}


class Outlets:
    async def phone_number_id(self, tenant_id, outlet_id) -> str:
        return PHONE_ID

    async def business_account_id(self, tenant_id, outlet_id) -> str:
        return ACCOUNT

    async def business_accounts(self, tenant_id) -> list[str]:  # BusinessAccounts too
        return [ACCOUNT]


class Window:
    def __init__(self, open_: bool, language: str = "") -> None:
        self.now = WindowState(open_, language)

    async def state(self, tenant_id, conversation_id) -> WindowState:
        return self.now


def ready(language: str = "en", quick_replies: tuple[str, ...] = ()) -> Template:
    return Template(
        TENANT,
        "",
        "order_ready",
        language,
        TemplateCategory.UTILITY,
        BODIES[language],
        quick_replies=quick_replies,
    )


def notice(fallback: TemplateFallback | None, text="Your order #A1 is ready.") -> SendMessage:
    return SendMessage(
        TENANT, OUTLET, CONVERSATION, CUSTOMER, OutboundContent(text), template=fallback
    )


@pytest.fixture
async def cloud():
    async with (
        running_standin(token=TOKEN, numbers={PHONE_ID: ACCOUNT}) as (url, state),
        httpx.AsyncClient(base_url=url) as control,
    ):
        templates = CloudApiTemplates(base_url=url, token=TOKEN)
        sender = CloudApiSender(base_url=url, token=TOKEN, attempts=1)
        yield templates, sender, state, control
        await templates.aclose()
        await sender.aclose()


async def created(messaging_uow, templates, template: Template, examples=("A1",)) -> Template:
    with acting_for(TENANT, "test"):
        return await create_template(
            template, OUTLET, examples, messaging_uow(), Outlets(), templates
        )


async def sent(messaging_uow, cmd: SendMessage, window: Window):
    with acting_for(TENANT, "test"):
        return await send_message(cmd, messaging_uow(), Outlets(), window, lambda: None)


async def test_outside_the_window_the_approved_template_goes_in_the_customers_language(
    messaging_uow, cloud
):
    templates, sender, standin, _ = cloud
    for language in ("en", "es"):
        kept = await created(messaging_uow, templates, ready(language))
        assert (kept.status, kept.business_account_id) == (TemplateStatus.APPROVED, ACCOUNT)
        assert kept.external_id

    inside = await sent(
        messaging_uow, notice(TemplateFallback("order_ready", ("A1",))), Window(True)
    )
    assert inside[0].piece.body == "Your order #A1 is ready."  # free text while it is open

    fallback = TemplateFallback("order_ready", ("A1",))
    (queued,) = await sent(messaging_uow, notice(fallback), Window(False, "es"))
    assert queued.piece == TemplatePiece(
        "order_ready", "es", "utility", ("A1",), (), "Tu pedido #A1 está listo."
    )
    with acting_for(TENANT, "test"):
        await OutboxSender(messaging_uow, sender, timedelta(seconds=30)).handle(queued)
        async with messaging_uow() as uow:
            stored = await uow.outbox.get(TENANT, queued.id)
            used = await uow.usage.claim(10)
    assert stored.whatsapp_message_id  # the stand-in accepted it, as Meta would
    (body,) = [e["payload"] for e in standin.sent if e.get("type") == "template"]
    assert body["template"] == {
        "name": "order_ready",
        "language": {"code": "es"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "A1"}]}],
    }
    assert [(u.usage_type, u.idempotency_key) for u in used] == [
        ("template_utility", f"out:{queued.id}")
    ]


async def test_a_closed_window_without_an_approved_template_is_refused_with_the_reason(
    messaging_uow, cloud
):
    templates, _, _, control = cloud
    with pytest.raises(FailedPrecondition, match=r"24-hour.*template"):
        await sent(messaging_uow, notice(None), Window(False))
    with pytest.raises(FailedPrecondition, match="'order_ready' does not exist"):
        await sent(messaging_uow, notice(TemplateFallback("order_ready", ("A1",))), Window(False))

    await created(messaging_uow, templates, ready("en"))
    paused = {"business_account_id": ACCOUNT, "name": "order_ready", "language": "en"}
    assert (
        await control.post("/_standin/templates/status", json={**paused, "status": "PAUSED"})
    ).is_success
    synced, removed = await sync_templates_as_tenant(messaging_uow, templates)
    assert ([t.status for t in synced], removed) == ([TemplateStatus.PAUSED], 0)
    with pytest.raises(FailedPrecondition, match=r"not approved in any language \(en: paused\)"):
        await sent(messaging_uow, notice(TemplateFallback("order_ready", ("A1",))), Window(False))

    await control.post("/_standin/templates/status", json={**paused, "status": "APPROVED"})
    await sync_templates_as_tenant(messaging_uow, templates)
    with pytest.raises(InvalidInput, match="takes 1 variables, 0 given"):
        await sent(messaging_uow, notice(TemplateFallback("order_ready")), Window(False))


def review(event: str, language: str = "en", reason: str = "NONE") -> bytes:
    """Meta's message_template_status_update webhook for order_ready of our account."""
    value = {"event": event, "message_template_id": 7001, "message_template_name": "order_ready",
             "message_template_language": language, "reason": reason}  # fmt: skip
    root = {"object": "whatsapp_business_account", "entry": [
        {"id": ACCOUNT, "changes": [{"field": "message_template_status_update", "value": value}]}
    ]}  # fmt: skip
    return wa.body(root)


async def test_metas_review_webhook_moves_the_registry_and_so_what_may_be_sent(
    messaging_uow, cloud
):
    templates, _, _, _ = cloud
    await created(messaging_uow, templates, ready("en"))
    raw = review("PAUSED", reason="LOW_QUALITY")
    with across_tenants("webhook"):
        await receive_webhook(raw, wa.sign(SECRET, raw), SECRET, parse_webhook, messaging_uow())
    with pytest.raises(FailedPrecondition, match=r"\(en: paused\)"):
        await sent(messaging_uow, notice(TemplateFallback("order_ready", ("A1",))), Window(False))
    with acting_for(TENANT, "test"):
        async with messaging_uow() as uow:
            (kept,) = (await uow.templates.list(TENANT, PageQuery(), None)).items
    assert kept.rejected_reason == "LOW_QUALITY"
    raw = review("REINSTATED")
    with across_tenants("webhook"):
        await receive_webhook(raw, wa.sign(SECRET, raw), SECRET, parse_webhook, messaging_uow())
    (queued,) = await sent(
        messaging_uow, notice(TemplateFallback("order_ready", ("A1",))), Window(False)
    )
    assert queued.piece.name == "order_ready"


async def sync_templates_as_tenant(messaging_uow, templates):
    with acting_for(TENANT, "test"):
        return await sync_templates(TENANT, messaging_uow(), Outlets(), templates)


async def test_a_sync_removes_what_meta_no_longer_has_and_stays_in_the_tenant(messaging_uow, cloud):
    templates, _, standin, _ = cloud
    await created(messaging_uow, templates, ready("en"))
    await created(messaging_uow, templates, ready("es"))
    standin.templates.accounts[ACCOUNT] = [
        t for t in standin.templates.accounts[ACCOUNT] if t["language"] == "es"
    ]
    synced, removed = await sync_templates_as_tenant(messaging_uow, templates)
    assert ([t.language for t in synced], removed) == (["es"], 1)
    with acting_for(uuid.uuid4(), "test"):
        async with messaging_uow() as uow:
            assert (await uow.templates.list(uuid.uuid4(), PageQuery(), None)).items == []


async def test_creation_is_checked_here_and_by_the_cloud_api(messaging_uow, cloud):
    templates, _, _, _ = cloud
    with pytest.raises(InvalidInput, match="examples"):
        await created(messaging_uow, templates, ready("en"), examples=())
    shouted = Template(TENANT, "", "Order Ready!", "en", TemplateCategory.UTILITY, "Hi")
    with pytest.raises(InvalidInput, match="name"):
        await created(messaging_uow, templates, shouted, examples=())
    await created(messaging_uow, templates, ready("en", quick_replies=("Confirm", "Cancel")))
    with pytest.raises(AlreadyExists):
        await created(messaging_uow, templates, ready("en"))


async def test_the_stand_in_refuses_a_send_that_does_not_fit_the_template(messaging_uow, cloud):
    templates, sender, _, _ = cloud
    await created(messaging_uow, templates, ready("en"))
    wrong = TemplatePiece("order_ready", "en", "utility", (), (), "")
    with pytest.raises(SendFailure) as refused:
        await sender.send(PHONE_ID, CUSTOMER, wrong)
    assert (refused.value.code, refused.value.retryable) == (132000, False)
    missing = TemplatePiece("order_ready", "id", "utility", ("A1",), (), "")
    with pytest.raises(SendFailure) as refused:
        await sender.send(PHONE_ID, CUSTOMER, missing)
    assert refused.value.code == 132001
