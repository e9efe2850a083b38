"""STOP and START: a customer's word on messages the business starts (WhatsApp's opt-out).

A message made of one stop word (in a language the bot speaks) opts the customer out for
that tenant: notices, staff messages and anything else the business starts are refused, and
counted, until they write START. Replies to what the customer writes are not starting
anything, so the bot still answers them.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.shared.wording import phrase

from .model import InboundMessage, InboundType


class OptCommand(StrEnum):
    STOP = "stop"
    START = "start"


# Whole messages only: "stop" inside a sentence ("the bus stop?") is not an opt-out.
_WORDS = {
    OptCommand.STOP: {
        "en": {"stop", "unsubscribe", "stop all", "opt out", "optout"},
        "es": {"baja", "darse de baja", "parar", "cancelar suscripción"},
        "id": {"berhenti", "stop langganan", "berhenti langganan"},
    },
    OptCommand.START: {
        "en": {"start", "subscribe", "unstop", "opt in"},
        "es": {"alta", "darse de alta", "reanudar"},
        "id": {"mulai", "langganan", "mulai lagi"},
    },
}
_CONFIRMATIONS = {
    "en": {
        "stop": "Done: we will not write to you first any more. Send START to undo.",
        "start": "Welcome back: we may write to you again. Send STOP to opt out.",
    },
    "es": {
        "stop": "Hecho: ya no te escribiremos por iniciativa propia. Envía ALTA para deshacerlo.",
        "start": "De nuevo de alta: podemos volver a escribirte. Envía BAJA para salir.",
    },
    "id": {
        "stop": "Baik: kami tidak akan menghubungi Anda lebih dulu lagi. Kirim MULAI untuk "
        "membatalkan.",
        "start": "Selamat datang kembali: kami boleh menghubungi Anda lagi. Kirim BERHENTI untuk "
        "berhenti.",
    },
}
OPTED_OUT = "the customer opted out (wrote STOP): the business may not write to them first"


@dataclass(frozen=True, slots=True)
class OptRequest:
    command: OptCommand
    language: str


@dataclass(frozen=True, slots=True)
class OptOut:
    tenant_id: uuid.UUID
    customer_phone: str
    opted_out_at: datetime
    refused_sends: int = 0


def opt_request(message: InboundMessage) -> OptRequest | None:
    """The STOP or START a text message is, with the language it was said in; else None."""
    if message.type is not InboundType.TEXT:
        return None
    said = " ".join(re.sub(r"[^\w\s]", " ", message.text.lower()).split())
    for command, languages in _WORDS.items():
        for language, words in languages.items():
            if said in words:
                return OptRequest(command, language)
    return None


def confirmation(request: OptRequest) -> str:
    return phrase(_CONFIRMATIONS, request.language, request.command.value)
