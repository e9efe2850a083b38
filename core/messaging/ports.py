"""What the messaging use cases need from the outside world."""

from typing import Protocol

from .model import Piece, SendResult


class WhatsAppSender(Protocol):
    """Sends through the WhatsApp Cloud API. Raises SendFailure when the API refuses."""

    async def send(
        self, phone_number_id: str, to: str, piece: Piece, reply_to: str = ""
    ) -> SendResult: ...

    async def mark_read(self, phone_number_id: str, whatsapp_message_id: str) -> None: ...
