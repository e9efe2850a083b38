"""The demo business's WhatsApp templates (what it may send once a customer's 24-hour window
closed), created through the messaging service as the business would in Meta's manager."""

import uuid

from crm.messaging.v1 import messaging_pb2 as pb
from crm.messaging.v1 import messaging_pb2_grpc

from adapters.grpc.peers import call, open_channel
from adapters.grpc.permissions import OPERATOR
from core.shared.scope import acting_for
from services.mesh_identity import credentials_of
from services.seed import SEEDER
from services.settings import Settings

from .knowledge import SEED_MEMBER

UTILITY = pb.TEMPLATE_CATEGORY_UTILITY
# name -> language -> (body, quick replies); the examples are what Meta's review reads.
TEMPLATES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "order_paid": {
        "en": ("Payment received for order #{{1}} ({{2}}). Thank you!", ()),
        "es": ("Hemos recibido el pago del pedido #{{1}} ({{2}}). ¡Gracias!", ()),
        "id": ("Pembayaran pesanan #{{1}} ({{2}}) sudah kami terima. Terima kasih!", ()),
    },
    "order_processing": {
        "en": ("The kitchen is preparing your order #{{1}} now.", ()),
        "es": ("La cocina ya está preparando tu pedido #{{1}}.", ()),
        "id": ("Dapur sedang menyiapkan pesanan #{{1}} Anda.", ()),
    },
    "order_ready": {
        "en": ("Your order #{{1}} is ready.", ()),
        "es": ("Tu pedido #{{1}} está listo.", ()),
        "id": ("Pesanan #{{1}} Anda sudah siap.", ()),
    },
    "order_delivered": {
        "en": ("Your order #{{1}} has been handed over. Enjoy your meal!", ()),
        "es": ("Tu pedido #{{1}} ha sido entregado. ¡Buen provecho!", ()),
        "id": ("Pesanan #{{1}} Anda sudah diserahkan. Selamat menikmati!", ()),
    },
    "order_cancelled": {
        "en": ("Your order #{{1}} was cancelled. Write to us if you have questions.", ()),
        "es": ("Tu pedido #{{1}} fue cancelado. Escríbenos si tienes dudas.", ()),
        "id": ("Pesanan #{{1}} Anda dibatalkan. Hubungi kami jika ada pertanyaan.", ()),
    },
    "booking_reminder": {
        "en": (
            "A reminder of your booking {{1}}, {{2}}. Will you be coming?",
            ("I'll be there", "Cancel booking"),
        ),
        "es": (
            "Te recordamos tu reserva {{1}}, {{2}}. ¿Vendrás?",
            ("Allí estaré", "Cancelar reserva"),
        ),
        "id": (
            "Pengingat reservasi Anda {{1}}, {{2}}. Apakah Anda akan datang?",
            ("Saya akan datang", "Batalkan reservasi"),
        ),
    },
}
EXAMPLES = {
    "order_paid": ("A1B2C3", "24.50 EUR"),
    "booking_reminder": ("B-1042", "Fri 11 Dec at 8 PM"),
}


async def seed_demo_templates(settings: Settings, tenant: uuid.UUID, outlet: uuid.UUID) -> int:
    """Create each template the demo's business account lacks, through messaging; how many
    were created. The registry is synced first: the account is the truth (the local Cloud API
    stand-in starts empty each run)."""
    with acting_for(tenant, SEEDER, OPERATOR):
        seeder = credentials_of(settings, SEED_MEMBER)
        async with open_channel(settings.address_of("messaging"), seeder) as channel:
            stub = messaging_pb2_grpc.MessagingServiceStub(channel)
            synced = await call(
                stub.SyncMessageTemplates, pb.SyncMessageTemplatesRequest(tenant_id=str(tenant))
            )
            held = {(t.name, t.language) for t in synced.templates}
            created = 0
            for name, languages in TEMPLATES.items():
                for language, (body, quick_replies) in languages.items():
                    if (name, language) in held:
                        continue
                    await call(
                        stub.CreateMessageTemplate,
                        _creation(tenant, outlet, name, language, body, quick_replies),
                    )
                    created += 1
    return created


def _creation(
    tenant: uuid.UUID,
    outlet: uuid.UUID,
    name: str,
    language: str,
    body: str,
    quick_replies: tuple[str, ...],
) -> pb.CreateMessageTemplateRequest:
    return pb.CreateMessageTemplateRequest(
        tenant_id=str(tenant),
        outlet_id=str(outlet),
        template=pb.MessageTemplate(
            name=name, language=language, category=UTILITY, body=body,
            quick_replies=quick_replies,
        ),
        examples=EXAMPLES.get(name, ("A1B2C3",)),
    )  # fmt: skip
