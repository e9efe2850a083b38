"""What the Router says in its own voice, in each language it speaks (agents and the knowledge
speak for themselves). English is the reference; a phrase missing from a catalog is said in
English rather than not at all."""

from core.messaging.model import ReplyOption
from core.shared.wording import ENGLISH, phrase

from .model import TenantProfile

DEFAULT_LANGUAGE = ENGLISH

TEXT_ONLY = (
    "Thanks! I can only read text messages for now. Could you write what you need in a message?"
)
HANDOFF_STARTED = (
    "I'm handing you over to a member of our team. They'll reply here as soon as they can."
)
HANDOFF_DECLINED = "No problem! Is there anything else I can help you with?"
# The bot's one word when the tenant's plan no longer pays for its replies (billing).
HOLDING = "Thanks — a member of our team will reply here shortly."
NOT_IN_DOCUMENTS = (
    "I couldn't find that in our information, and I'd rather not guess. "
    "Would you like me to connect you with a person?"
)
NOTHING_PENDING = "Sorry, I'm not sure what that refers to. How can I help you?"
THANKS = "You're welcome! Anything else I can do for you?"
GOODBYE = "Thanks for writing to us. Have a great day!"
COMING_SOON = "{feature} on WhatsApp is coming soon. Meanwhile, a person from our team can help."

CATALOGS: dict[str, dict[str, str]] = {
    "en": {
        "text_only": TEXT_ONLY,
        "handoff_started": HANDOFF_STARTED,
        "handoff_declined": HANDOFF_DECLINED,
        "holding": HOLDING,
        "not_in_documents": NOT_IN_DOCUMENTS,
        "nothing_pending": NOTHING_PENDING,
        "thanks": THANKS,
        "goodbye": GOODBYE,
        "location_noted": "Thanks for the location! Is it for a delivery? Order what you'd "
        "like and I'll ask for the address when we get there.",
        "media_image": "Thanks for the photo! I can't see images, so could you tell me in a "
        "message what you need?",
        "media_document": "Thanks for the document! I can't open files myself. Could you tell "
        "me in a message what you need? Our team can look at it if you'd like a person.",
        "media_audio": "Thanks for the voice message! I can't listen to audio, so could you "
        "write what you need?",
        "media_video": "Thanks for the video! I can't watch videos, so could you write what "
        "you need?",
        "media_sticker": "😊 How can I help you?",
        "yes": "Yes, please",
        "no": "No, thanks",
        "out_of_scope": "I can help with bookings, orders and questions about {name}. "
        "What would you like to do?",
        "hello_again": "Hi again! How can {name} help you today?",
        "about_me": "I'm {name}'s automated assistant: I can book, take orders and answer "
        'questions from our information. Write "person" any time to talk to our team.',
    },
    "es": {
        "text_only": "¡Gracias! De momento solo puedo leer mensajes de texto. "
        "¿Puedes escribirme lo que necesitas?",
        "handoff_started": "Te paso con una persona de nuestro equipo. "
        "Te responderá aquí en cuanto pueda.",
        "handoff_declined": "¡Sin problema! ¿Te ayudo con algo más?",
        "holding": "Gracias — una persona de nuestro equipo te responderá aquí en breve.",
        "not_in_documents": "No lo encuentro en nuestra información y prefiero no adivinar. "
        "¿Quieres que te pase con una persona?",
        "nothing_pending": "Perdona, no sé a qué te refieres. ¿En qué te puedo ayudar?",
        "thanks": "¡De nada! ¿Algo más en lo que te pueda ayudar?",
        "goodbye": "Gracias por escribirnos. ¡Que tengas un buen día!",
        "location_noted": "¡Gracias por la ubicación! ¿Es para una entrega? Pide lo que "
        "quieras y te pediré la dirección cuando lleguemos ahí.",
        "media_image": "¡Gracias por la foto! No puedo ver imágenes: ¿me cuentas en un "
        "mensaje lo que necesitas?",
        "media_document": "¡Gracias por el documento! No puedo abrir archivos. ¿Me cuentas en "
        "un mensaje lo que necesitas? Si prefieres, una persona de nuestro equipo lo revisa.",
        "media_audio": "¡Gracias por el audio! No puedo escuchar mensajes de voz: ¿me escribes "
        "lo que necesitas?",
        "media_video": "¡Gracias por el vídeo! No puedo ver vídeos: ¿me escribes lo que necesitas?",
        "media_sticker": "😊 ¿En qué te puedo ayudar?",
        "yes": "Sí, por favor",
        "no": "No, gracias",
        "out_of_scope": "Puedo ayudarte con reservas, pedidos y preguntas sobre {name}. "
        "¿Qué te gustaría hacer?",
        "hello_again": "¡Hola de nuevo! ¿En qué te puede ayudar {name} hoy?",
        "about_me": "Soy el asistente automático de {name}: puedo reservar, tomar pedidos y "
        'responder con nuestra información. Escribe "persona" cuando quieras hablar con '
        "nuestro equipo.",
    },
    "id": {
        "text_only": "Terima kasih! Saat ini saya hanya bisa membaca pesan teks. "
        "Bisa tuliskan kebutuhan Anda dalam pesan?",
        "handoff_started": "Saya sambungkan Anda ke tim kami. "
        "Mereka akan membalas di sini secepatnya.",
        "handoff_declined": "Baik! Ada lagi yang bisa saya bantu?",
        "holding": "Terima kasih — tim kami akan segera membalas di sini.",
        "not_in_documents": "Saya tidak menemukannya di informasi kami dan tidak mau menebak. "
        "Mau saya sambungkan ke staf kami?",
        "nothing_pending": "Maaf, saya kurang paham maksudnya. Ada yang bisa saya bantu?",
        "thanks": "Sama-sama! Ada lagi yang bisa saya bantu?",
        "goodbye": "Terima kasih sudah menghubungi kami. Semoga harinya menyenangkan!",
        "location_noted": "Terima kasih atas lokasinya! Untuk pengantaran? Silakan pesan dulu, "
        "nanti saya tanyakan alamatnya.",
        "media_image": "Terima kasih atas fotonya! Saya tidak bisa melihat gambar, bisa "
        "tuliskan kebutuhan Anda dalam pesan?",
        "media_document": "Terima kasih atas dokumennya! Saya tidak bisa membuka file. Bisa "
        "tuliskan kebutuhan Anda? Kalau mau, tim kami bisa memeriksanya.",
        "media_audio": "Terima kasih atas pesan suaranya! Saya tidak bisa mendengarkan audio, "
        "bisa tuliskan kebutuhan Anda?",
        "media_video": "Terima kasih atas videonya! Saya tidak bisa menonton video, bisa "
        "tuliskan kebutuhan Anda?",
        "media_sticker": "😊 Ada yang bisa saya bantu?",
        "yes": "Ya, boleh",
        "no": "Tidak, terima kasih",
        "out_of_scope": "Saya bisa membantu reservasi, pesanan, dan pertanyaan tentang {name}. "
        "Ada yang bisa dibantu?",
        "hello_again": "Halo lagi! Ada yang bisa {name} bantu hari ini?",
        "about_me": "Saya asisten otomatis {name}: bisa membuat reservasi, menerima pesanan, "
        'dan menjawab dari informasi kami. Ketik "staf" kapan saja untuk bicara dengan tim kami.',
    },
}


def say(key: str, language: str = DEFAULT_LANGUAGE, **fields: str) -> str:
    """The phrase `key` in `language` (English when that catalog lacks it), fields filled in."""
    return phrase(CATALOGS, language, key).format(**fields)


def yes_no(language: str = DEFAULT_LANGUAGE) -> tuple[ReplyOption, ReplyOption]:
    """The yes/no buttons; their ids stay "yes" and "no" in every language."""
    return ReplyOption("yes", say("yes", language)), ReplyOption("no", say("no", language))


def out_of_scope(profile: TenantProfile, language: str = DEFAULT_LANGUAGE) -> str:
    return say("out_of_scope", language, name=profile.name)


def hello_again(profile: TenantProfile, language: str = DEFAULT_LANGUAGE) -> str:
    return say("hello_again", language, name=profile.name)


def about_me(profile: TenantProfile, language: str = DEFAULT_LANGUAGE) -> str:
    """The bot's honest word on what it is."""
    return say("about_me", language, name=profile.name)
