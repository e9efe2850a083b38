"""Messaging inbox/outbox entities -> crm.messaging.v1 messages."""

from crm.messaging.v1 import messaging_pb2 as pb

from core.messaging.media import StoredMedia
from core.messaging.model import ButtonsPiece, DeliveryStatus, ListPiece, TemplatePiece
from core.messaging.opt_out import OptOut
from core.messaging.queue import InboxItem, OutboxMessage, ProcessingStatus
from core.messaging.templates import Template, TemplateCategory

from .convert import enum_to_proto, struct, timestamp

# The outbox keeps one status; the proto splits the worker's view from WhatsApp's.
_PROCESSING_OF = {
    DeliveryStatus.QUEUED: ProcessingStatus.PENDING,
    DeliveryStatus.FAILED: ProcessingStatus.DEAD,
}


def inbox_item_message(item: InboxItem, media: dict[str, StoredMedia]) -> pb.InboxItem:
    """`media`: the stored media of messages by wamid (this item's, if it carried any)."""
    message = item.message
    kept = media.get(message.whatsapp_message_id)
    return pb.InboxItem(
        id=str(item.id),
        whatsapp_message_id=message.whatsapp_message_id,
        phone_number_id=message.phone_number_id,
        tenant_id=str(item.tenant_id or ""),
        outlet_id=str(item.outlet_id or ""),
        customer_phone=message.customer_phone,
        customer_name=message.customer_name,
        message_type=enum_to_proto(message.type, pb.InboundMessageType),
        text=message.text,
        interactive_reply_id=message.reply_id,
        context_message_id=message.context_message_id,
        payload=struct(message.payload),
        status=enum_to_proto(item.status, pb.ProcessingStatus),
        attempt_count=item.attempts,
        last_error=item.last_error,
        message_time=timestamp(message.sent_at),
        next_attempt_time=timestamp(item.next_attempt_at),
        process_time=timestamp(item.processed_at),
        create_time=timestamp(item.received_at),
        reaction=item.reaction,
        original_text=item.original_text,
        edit_time=timestamp(item.edited_at),
        revoke_time=timestamp(item.revoked_at),
        media=inbound_media(kept) if kept else None,
    )


def inbound_media(media: StoredMedia) -> pb.InboundMedia:
    return pb.InboundMedia(
        media_id=media.media_id,
        mime_type=media.mime_type,
        size_bytes=media.size_bytes,
        sha256=media.sha256,
        refusal=media.refusal,
        transcript=media.transcript,
    )


def _content(outbound: pb.OutboundMessage, message: OutboxMessage) -> None:
    piece = message.piece
    if isinstance(piece, ButtonsPiece | ListPiece):
        options = piece.buttons if isinstance(piece, ButtonsPiece) else piece.rows
        outbound.interactive.kind = (
            pb.INTERACTIVE_KIND_BUTTONS
            if isinstance(piece, ButtonsPiece)
            else pb.INTERACTIVE_KIND_LIST
        )
        outbound.interactive.body = piece.body
        outbound.interactive.list_button_text = getattr(piece, "button", "")
        outbound.interactive.options.extend(
            pb.InteractiveOption(id=o.id, title=o.title, description=o.description) for o in options
        )
    elif isinstance(piece, TemplatePiece):
        outbound.template.CopyFrom(
            pb.TemplateContent(
                name=piece.name,
                language=piece.language,
                category=enum_to_proto(TemplateCategory(piece.category), pb.TemplateCategory),
                parameters=piece.parameters,
                button_payloads=piece.button_payloads,
                text=piece.text,
            )
        )
    else:
        outbound.text.body = piece.body


def template_message(template: Template) -> pb.MessageTemplate:
    return pb.MessageTemplate(
        id=str(template.id),
        tenant_id=str(template.tenant_id),
        business_account_id=template.business_account_id,
        name=template.name,
        language=template.language,
        category=enum_to_proto(template.category, pb.TemplateCategory),
        status=enum_to_proto(template.status, pb.TemplateStatus),
        header=template.header,
        body=template.body,
        footer=template.footer,
        quick_replies=template.quick_replies,
        parameter_count=template.parameter_count,
        external_id=template.external_id,
        rejected_reason=template.rejected_reason,
        create_time=timestamp(template.created_at),
        update_time=timestamp(template.updated_at),
    )


def opt_out_message(opt_out: OptOut) -> pb.OptOut:
    return pb.OptOut(
        tenant_id=str(opt_out.tenant_id),
        customer_phone=f"+{opt_out.customer_phone}",
        opt_out_time=timestamp(opt_out.opted_out_at),
        refused_sends=opt_out.refused_sends,
    )


def outbound_message(message: OutboxMessage) -> pb.OutboundMessage:
    outbound = pb.OutboundMessage(
        id=str(message.id),
        tenant_id=str(message.tenant_id),
        outlet_id=str(message.outlet_id),
        conversation_id=str(message.conversation_id or ""),
        phone_number_id=message.phone_number_id,
        to=message.to_phone,
        reply_to_message_id=message.reply_to_message_id,
        whatsapp_message_id=message.whatsapp_message_id,
        status=enum_to_proto(message.status, pb.OutboundStatus),
        processing_status=enum_to_proto(
            _PROCESSING_OF.get(message.status, ProcessingStatus.DONE), pb.ProcessingStatus
        ),
        attempt_count=message.attempts,
        idempotency_key=message.idempotency_key,
        next_attempt_time=timestamp(message.next_attempt_at),
        create_time=timestamp(message.created_at),
        reaction=message.reaction,
    )
    if message.error:
        outbound.error.message = str(message.error.get("message", ""))
        outbound.error.code = int(message.error.get("code") or 0)
        outbound.error.retryable = bool(message.error.get("retryable", False))
    _content(outbound, message)
    return outbound
