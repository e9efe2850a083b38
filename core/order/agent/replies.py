"""What the Transaction agent says, in each language it speaks; the wording lives here, the
decisions in the agent. English is the reference: a language it does not speak, or a phrase a
catalog lacks, is said in English."""

from functools import cache

from core.shared.wording import ENGLISH, phrase

from ..orders import Order

CATALOGS: dict[str, dict[str, str]] = {
    "en": {
        "MENU": "Here is our menu. Which category would you like to see?",
        "EMPTY_MENU": "Sorry, we have nothing to order right now.",
        "CATEGORY": "Here is what we have in {name}. Tap one to add it, or tell me what you'd "
        "like.",
        "NOT_FOUND": "Sorry, I couldn't find {name} on our menu. Would you like to see the menu?",
        "MISSING": "Sorry, I couldn't find {names} on our menu.",
        "OR": "or",
        "ASK_LATER": "{name!r} matches several items too: tell me which one after this.",
        "WHICH": "Which one did you mean by {name!r}?",
        "SOLD_OUT": "Sorry, {name} is sold out right now.",
        "ONLY_LEFT": "Sorry, only {left} of {name} left.",
        "ALTERNATIVES": " How about one of these?",
        "IN_CART": "Added to your cart:\n{cart}\n\n",
        "ADDED": "Added to your cart:\n{cart}\n\nAnything else, or shall we check out?",
        "WHAT_TO_ADD": 'What would you like to order? You can tell me, e.g. "2 Pizza Margherita".',
        "EMPTY_CART": "Your cart is empty. What would you like to order?",
        "PICKUP_OR_DELIVERY": "Would you like to pick it up or have it delivered?",
        "ADDRESS": "What is the delivery address?",
        "OUTSIDE_AREA": "Sorry, that place is {distance} km from us and we deliver within "
        "{radius} km. Would you like to pick it up instead, or send another address?",
        "WHICH_DAY": "For which day? (today, tomorrow or a date like 2025-03-14)",
        "SUMMARY": "Your order:\n{cart}\n{how} on {day}.\n\nShall I place it?",
        "PICKUP": "Pickup",
        "DELIVERY_TO": "Delivery to {address}",
        "PLACED": "Order #{number} is placed. Total {total} {currency}.\nPay here to confirm it: "
        "{link}\nThe link is valid for {minutes} minutes; we'll message you once it's paid.",
        "NOT_PLACED": "Sorry, I couldn't place the order: {reason}",
        "LOST_RACE": "Sorry, {name} just sold out, so I've taken it out of your cart.",
        "AN_ITEM": "an item",
        "KEEP_CART": "No problem, nothing was ordered. Your cart is kept; add more or say "
        '"checkout".',
        "NOTHING_PENDING": "There's nothing waiting for your confirmation.",
        "NO_ORDERS": "I can't find an order from this number.",
        "CANCEL_WHICH": "Cancel order #{number} ({total} {currency})?",
        "CANCELLED": "Order #{number} is cancelled.",
        "KEPT": "Alright, order #{number} stays as it is.",
        "NOT_CANCELLABLE": "Order #{number} is already {status}, so I can't cancel it here; "
        "please ask our staff.",
        "CART_CLEARED": "I've emptied your cart.",
        "TOTAL": "Total",
        "STATUS_LINE": "Order #{number} ({items}; {total} {currency}) is {state}.",
        # Buttons: at most 20 characters.
        "BUTTON_MENU": "See the menu",
        "BUTTON_CHECKOUT": "Check out",
        "BUTTON_PICKUP": "Pickup",
        "BUTTON_DELIVERY": "Delivery",
        "BUTTON_TODAY": "Today",
        "BUTTON_TOMORROW": "Tomorrow",
        "BUTTON_YES": "Yes",
        "BUTTON_NO": "No",
        "created": "received, not yet checked out",
        "pending_payment": "waiting for payment ({link})",
        "paid": "paid; waiting for the kitchen",
        "processing": "being prepared in the kitchen",
        "ready": "ready",
        "delivered": "delivered",
        "cancelled": "cancelled",
    },
    "es": {
        "MENU": "Aquí tienes nuestra carta. ¿Qué categoría quieres ver?",
        "EMPTY_MENU": "Lo siento, ahora mismo no tenemos nada para pedir.",
        "CATEGORY": "Esto es lo que tenemos en {name}. Toca uno para añadirlo o dime qué te "
        "apetece.",
        "NOT_FOUND": "Lo siento, no encuentro {name} en nuestra carta. ¿Quieres ver la carta?",
        "MISSING": "Lo siento, no encuentro {names} en nuestra carta.",
        "OR": "ni",
        "ASK_LATER": "{name!r} también coincide con varios productos: dime cuál después.",
        "WHICH": "¿Cuál de ellos querías decir con {name!r}?",
        "SOLD_OUT": "Lo siento, {name} está agotado ahora mismo.",
        "ONLY_LEFT": "Lo siento, solo quedan {left} de {name}.",
        "ALTERNATIVES": " ¿Te apetece alguno de estos?",
        "IN_CART": "Añadido a tu pedido:\n{cart}\n\n",
        "ADDED": "Añadido a tu pedido:\n{cart}\n\n¿Algo más, o finalizamos el pedido?",
        "WHAT_TO_ADD": '¿Qué te gustaría pedir? Puedes decirme, p. ej., "2 Pizza Margherita".',
        "EMPTY_CART": "Tu pedido está vacío. ¿Qué te gustaría pedir?",
        "PICKUP_OR_DELIVERY": "¿Lo recoges tú o te lo llevamos a domicilio?",
        "ADDRESS": "¿Cuál es la dirección de entrega?",
        "OUTSIDE_AREA": "Lo siento, ese sitio está a {distance} km y repartimos hasta "
        "{radius} km. ¿Prefieres recogerlo, o me mandas otra dirección?",
        "WHICH_DAY": "¿Para qué día? (hoy, mañana o una fecha como 2025-03-14)",
        "SUMMARY": "Tu pedido:\n{cart}\n{how}, el {day}.\n\n¿Lo confirmo?",
        "PICKUP": "Para recoger",
        "DELIVERY_TO": "Entrega en {address}",
        "PLACED": "Pedido #{number} realizado. Total {total} {currency}.\nPaga aquí para "
        "confirmarlo: {link}\nEl enlace vale {minutes} minutos; te escribiremos cuando esté "
        "pagado.",
        "NOT_PLACED": "Lo siento, no he podido hacer el pedido: {reason}",
        "LOST_RACE": "Lo siento, {name} se acaba de agotar, así que lo he quitado de tu pedido.",
        "AN_ITEM": "un producto",
        "KEEP_CART": "Sin problema, no se ha pedido nada. Guardo tu pedido; añade más o di "
        '"finalizar".',
        "NOTHING_PENDING": "No hay nada pendiente de tu confirmación.",
        "NO_ORDERS": "No encuentro ningún pedido de este número.",
        "CANCEL_WHICH": "¿Cancelo el pedido #{number} ({total} {currency})?",
        "CANCELLED": "El pedido #{number} está cancelado.",
        "KEPT": "De acuerdo, el pedido #{number} se queda como está.",
        "NOT_CANCELLABLE": "El pedido #{number} ya está {status}, así que no puedo cancelarlo "
        "aquí; pregunta a nuestro equipo.",
        "CART_CLEARED": "He vaciado tu pedido.",
        "TOTAL": "Total",
        "STATUS_LINE": "El pedido #{number} ({items}; {total} {currency}) está {state}.",
        "BUTTON_MENU": "Ver la carta",
        "BUTTON_CHECKOUT": "Finalizar pedido",
        "BUTTON_PICKUP": "Recoger",
        "BUTTON_DELIVERY": "A domicilio",
        "BUTTON_TODAY": "Hoy",
        "BUTTON_TOMORROW": "Mañana",
        "BUTTON_YES": "Sí",
        "BUTTON_NO": "No",
        "created": "recibido, aún sin finalizar",
        "pending_payment": "pendiente de pago ({link})",
        "paid": "pagado; esperando a la cocina",
        "processing": "preparándose en la cocina",
        "ready": "listo",
        "delivered": "entregado",
        "cancelled": "cancelado",
    },
    "id": {
        "MENU": "Ini menu kami. Mau lihat kategori apa?",
        "EMPTY_MENU": "Maaf, saat ini belum ada yang bisa dipesan.",
        "CATEGORY": "Ini pilihan kami di {name}. Pilih satu untuk ditambahkan, atau sebutkan "
        "yang Anda mau.",
        "NOT_FOUND": "Maaf, {name} tidak ada di menu kami. Mau lihat menunya?",
        "MISSING": "Maaf, {names} tidak ada di menu kami.",
        "OR": "atau",
        "ASK_LATER": "{name!r} juga cocok dengan beberapa menu: sebutkan yang mana setelah ini.",
        "WHICH": "Yang mana maksud Anda dengan {name!r}?",
        "SOLD_OUT": "Maaf, {name} sedang habis.",
        "ONLY_LEFT": "Maaf, {name} tinggal {left}.",
        "ALTERNATIVES": " Mau salah satu dari ini?",
        "IN_CART": "Ditambahkan ke keranjang:\n{cart}\n\n",
        "ADDED": "Ditambahkan ke keranjang:\n{cart}\n\nAda lagi, atau langsung checkout?",
        "WHAT_TO_ADD": 'Mau pesan apa? Sebutkan saja, misalnya "2 Pizza Margherita".',
        "EMPTY_CART": "Keranjang Anda kosong. Mau pesan apa?",
        "PICKUP_OR_DELIVERY": "Mau diambil sendiri atau diantar?",
        "ADDRESS": "Alamat pengantarannya di mana?",
        "OUTSIDE_AREA": "Maaf, lokasi itu {distance} km dari kami dan kami mengantar sampai "
        "{radius} km. Mau ambil sendiri, atau kirim alamat lain?",
        "WHICH_DAY": "Untuk hari apa? (hari ini, besok, atau tanggal seperti 2025-03-14)",
        "SUMMARY": "Pesanan Anda:\n{cart}\n{how}, tanggal {day}.\n\nPesanan dibuat sekarang?",
        "PICKUP": "Ambil sendiri",
        "DELIVERY_TO": "Diantar ke {address}",
        "PLACED": "Pesanan #{number} sudah dibuat. Total {total} {currency}.\nBayar di sini "
        "untuk konfirmasi: {link}\nTautan berlaku {minutes} menit; kami kabari setelah "
        "pembayaran diterima.",
        "NOT_PLACED": "Maaf, pesanan tidak bisa dibuat: {reason}",
        "LOST_RACE": "Maaf, {name} baru saja habis, jadi saya keluarkan dari keranjang.",
        "AN_ITEM": "satu item",
        "KEEP_CART": "Baik, belum ada yang dipesan. Keranjang tetap disimpan; tambah lagi atau "
        'ketik "checkout".',
        "NOTHING_PENDING": "Tidak ada yang menunggu konfirmasi Anda.",
        "NO_ORDERS": "Saya tidak menemukan pesanan dari nomor ini.",
        "CANCEL_WHICH": "Batalkan pesanan #{number} ({total} {currency})?",
        "CANCELLED": "Pesanan #{number} dibatalkan.",
        "KEPT": "Baik, pesanan #{number} tetap seperti semula.",
        "NOT_CANCELLABLE": "Pesanan #{number} sudah {status}, jadi tidak bisa dibatalkan di "
        "sini; silakan hubungi staf kami.",
        "CART_CLEARED": "Keranjang Anda sudah saya kosongkan.",
        "TOTAL": "Total",
        "STATUS_LINE": "Pesanan #{number} ({items}; {total} {currency}) {state}.",
        "BUTTON_MENU": "Lihat menu",
        "BUTTON_CHECKOUT": "Checkout",
        "BUTTON_PICKUP": "Ambil sendiri",
        "BUTTON_DELIVERY": "Diantar",
        "BUTTON_TODAY": "Hari ini",
        "BUTTON_TOMORROW": "Besok",
        "BUTTON_YES": "Ya",
        "BUTTON_NO": "Tidak",
        "created": "sudah diterima, belum checkout",
        "pending_payment": "menunggu pembayaran ({link})",
        "paid": "sudah dibayar; menunggu dapur",
        "processing": "sedang disiapkan di dapur",
        "ready": "siap",
        "delivered": "sudah diantar",
        "cancelled": "dibatalkan",
    },
}


class Words:
    """The agent's phrases in one language, as attributes: `words.MENU`."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __getattr__(self, key: str) -> str:
        try:
            return phrase(CATALOGS, self.__dict__["language"], key)
        except KeyError:
            raise AttributeError(key) from None

    def status_line(self, order: Order, currency: str) -> str:
        items = ", ".join(f"{i.quantity}x {i.product_name}" for i in order.items)
        return self.STATUS_LINE.format(
            number=order.order_number,
            items=items,
            total=f"{order.total:.2f}",
            currency=currency,
            state=self.status_text(order),
        )

    def status_text(self, order: Order) -> str:
        """Where the order is: "being prepared in the kitchen"."""
        return phrase(CATALOGS, self.language, order.status.value).format(link=order.payment_link)


@cache
def words(language: str = ENGLISH) -> Words:
    return Words(language)
