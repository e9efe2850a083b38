"""Webhook updates as Meta sends them for a customer's message: for the chat and load tools."""

import json
import time
import uuid
from typing import Any

from core.messaging.signature import sign


def _update(phone_number_id: str, customer: str, name: str, message: dict[str, Any]) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "0",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "0", "phone_number_id": phone_number_id},
                    "contacts": [{"profile": {"name": name}, "wa_id": customer}],
                    "messages": [message],
                },
            }],
        }],
    }  # fmt: skip


def customer_message(
    phone_number_id: str,
    customer: str,
    name: str,
    text: str = "",
    reply: tuple[str, str, str] | None = None,
) -> dict[str, Any]:
    """A text, or with `reply` = (button_reply|list_reply, id, title) a tap on an option."""
    message: dict[str, Any] = {
        "from": customer,
        "id": f"wamid.local.{uuid.uuid4().hex}",
        "timestamp": str(int(time.time())),
    }
    if reply:
        kind, option_id, title = reply
        message.update(
            type="interactive", interactive={"type": kind, kind: {"id": option_id, "title": title}}
        )
    else:
        message.update(type="text", text={"body": text})
    return _update(phone_number_id, customer, name, message)


def signed(update: dict[str, Any], app_secret: str) -> tuple[bytes, dict[str, str]]:
    """The body and the headers Meta would send with it."""
    raw = json.dumps(update).encode()
    return raw, {"Content-Type": "application/json", "X-Hub-Signature-256": sign(app_secret, raw)}
