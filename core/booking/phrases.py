"""What the booking agent says, and how it writes days, times, slots and bookings, in each
language it speaks. English is the reference: a language it does not speak, or a phrase a
catalog lacks, is said in English. Days and months come from the CLDR (Babel), so they read as
people there write them ("vie 11 dic", "Jum 11 Des")."""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from babel.dates import format_date

from core.shared.wording import ENGLISH, phrase

if TYPE_CHECKING:
    from .availability import Slot
    from .model import Booking

CATALOGS: dict[str, dict[str, str]] = {
    "en": {
        "ask.date": "Which day would you like?",
        "ask.time": "What time would you like?",
        "ask.party": "For how many people?",
        "short.date": "which day",
        "short.time": "what time",
        "short.party": "for how many people",
        "and": "and",
        "known.party": "for {party}",
        "known.date": "on {day}",
        "known.time": "at {time}",
        "lead.known": "Sure, a booking {known}. ",
        "lead.new": "Happy to book for you! ",
        # A party larger than any one table: the team arranges such groups (the Router hands
        # over on "talk to a person"), or the customer gives a smaller number.
        "large_party": "A group of {size} is more than our largest table seats ({biggest}), "
        'so groups this size are arranged by our team directly. Write "talk to a person" and '
        "I'll pass you to them, or tell me a smaller number of people.",
        "nothing_fits": "Sorry, we have nothing to book for {size} people. How many are you?",
        "passed": "That time has already passed. Which day and time would you like instead?",
        "closed": "We're closed on {day}. Which other day would suit you?",
        "unavailable": "Sorry, {when} isn't available for {party}.",
        "propose": "{resource} for {party} on {when}. Confirmed for {time}?",
        "taken": "Sorry, that slot was just taken.",
        "booked": "Booked! Your booking number is {number}: {where} for {party} on {when}. "
        "See you then!",
        "none_free": "{lead} Nothing else is free that day. Which other day would suit you?",
        "nearest": "{lead} The nearest free times are below; tap one or tell me another.",
        "at": "{day} at {time}",
        "person": "person",
        "people": "people",
        "none_found": "I couldn't find an upcoming booking for this number. "
        "Would you like to make one?",
        "cancel?": "Cancel your booking {line}?",
        "cancelled": "Done: booking {number} on {when} is cancelled.",
        "reminder": "A reminder of your booking {line}. Will you be coming?",
        "reminder.confirm": "I'll be there",
        "reminder.cancel": "Cancel booking",
        "see_you": "Thank you! See you {when}.",
        "move_to?": "Sure. To what time (or day) shall I move {line}?",
        "move?": "Move booking {number} to {when} ({resource})?",
        "moved": "Done! Booking {number} is now on {when}.",
        "no_upcoming": "You have no upcoming bookings with us. Would you like to make one?",
        "upcoming": "Your upcoming bookings:",
        "side_question": 'You also asked: "{question}" I can only arrange the booking here; send '
        "that question again as a message of its own and I'll look it up for you.",
        "stopped": "No problem, I've left everything as it was. Anything else I can help with?",
        "yes": "Yes",
        "no": "No",
        "status.pending": "pending",
        "status.confirmed": "confirmed",
        "status.cancelled": "cancelled",
        "status.completed": "completed",
        "status.no_show": "no-show",
    },
    "es": {
        "ask.date": "¿Qué día te gustaría?",
        "ask.time": "¿A qué hora te gustaría?",
        "ask.party": "¿Para cuántas personas?",
        "short.date": "qué día",
        "short.time": "a qué hora",
        "short.party": "para cuántas personas",
        "and": "y",
        "known.party": "para {party}",
        "known.date": "el {day}",
        "known.time": "a las {time}",
        "lead.known": "Perfecto, una reserva {known}. ",
        "lead.new": "¡Encantados de reservarte! ",
        "large_party": "Un grupo de {size} supera nuestra mesa más grande ({biggest}), así que "
        'los grupos así los organiza nuestro equipo directamente. Escribe "hablar con una '
        'persona" y te paso con ellos, o dime un número menor de personas.',
        "nothing_fits": "Lo siento, no tenemos nada para {size} personas. ¿Cuántos sois?",
        "passed": "Esa hora ya ha pasado. ¿Qué día y hora prefieres?",
        "closed": "El {day} estamos cerrados. ¿Qué otro día te vendría bien?",
        "unavailable": "Lo siento, {when} no está disponible para {party}.",
        "propose": "{resource} para {party}, {when}. ¿Te lo confirmo a las {time}?",
        "taken": "Lo siento, esa hora se acaba de ocupar.",
        "booked": "¡Reservado! Tu número de reserva es {number}: {where} para {party}, {when}. "
        "¡Hasta pronto!",
        "none_free": "{lead} Ese día no queda nada libre. ¿Qué otro día te vendría bien?",
        "nearest": "{lead} Abajo tienes las horas libres más cercanas; toca una o dime otra.",
        "at": "{day} a las {time}",
        "person": "persona",
        "people": "personas",
        "none_found": "No encuentro ninguna reserva próxima con este número. ¿Quieres hacer una?",
        "cancel?": "¿Cancelo tu reserva {line}?",
        "cancelled": "Hecho: la reserva {number} del {when} está cancelada.",
        "reminder": "Te recordamos tu reserva {line}. ¿Vendrás?",
        "reminder.confirm": "Allí estaré",
        "reminder.cancel": "Cancelar reserva",
        "see_you": "¡Gracias! Nos vemos el {when}.",
        "move_to?": "Claro. ¿A qué hora (o día) cambio {line}?",
        "move?": "¿Cambio la reserva {number} al {when} ({resource})?",
        "moved": "¡Hecho! La reserva {number} queda el {when}.",
        "no_upcoming": "No tienes reservas próximas con nosotros. ¿Quieres hacer una?",
        "upcoming": "Tus próximas reservas:",
        "side_question": 'También preguntaste: "{question}". Aquí solo puedo gestionar la '
        "reserva; envíame esa pregunta en un mensaje aparte y te la busco.",
        "stopped": "Sin problema, lo he dejado todo como estaba. ¿Te ayudo con algo más?",
        "yes": "Sí",
        "no": "No",
        "status.pending": "pendiente",
        "status.confirmed": "confirmada",
        "status.cancelled": "cancelada",
        "status.completed": "completada",
        "status.no_show": "no presentada",
    },
    "id": {
        "ask.date": "Mau hari apa?",
        "ask.time": "Mau jam berapa?",
        "ask.party": "Untuk berapa orang?",
        "short.date": "hari apa",
        "short.time": "jam berapa",
        "short.party": "untuk berapa orang",
        "and": "dan",
        "known.party": "untuk {party} orang",
        "known.date": "hari {day}",
        "known.time": "pukul {time}",
        "lead.known": "Baik, reservasi {known}. ",
        "lead.new": "Dengan senang hati kami bantu reservasi! ",
        "large_party": "Rombongan {size} orang melebihi meja terbesar kami ({biggest}), jadi "
        'rombongan sebesar ini diatur langsung oleh tim kami. Tulis "bicara dengan orang" dan '
        "saya sambungkan, atau sebutkan jumlah orang yang lebih sedikit.",
        "nothing_fits": "Maaf, kami tidak punya tempat untuk {size} orang. Berapa orang?",
        "passed": "Waktu itu sudah lewat. Mau hari dan jam berapa?",
        "closed": "Kami tutup pada {day}. Hari lain yang cocok?",
        "unavailable": "Maaf, {when} tidak tersedia untuk {party} orang.",
        "propose": "{resource} untuk {party} orang, {when}. Konfirmasi pukul {time}?",
        "taken": "Maaf, slot itu baru saja terisi.",
        "booked": "Sudah dipesan! Nomor reservasi Anda {number}: {where} untuk {party} orang, "
        "{when}. Sampai jumpa!",
        "none_free": "{lead} Tidak ada lagi yang kosong hari itu. Hari lain yang cocok?",
        "nearest": "{lead} Waktu kosong terdekat ada di bawah; pilih satu atau sebutkan yang lain.",
        "at": "{day} pukul {time}",
        "person": "orang",
        "people": "orang",
        "none_found": "Saya tidak menemukan reservasi mendatang untuk nomor ini. "
        "Mau membuat reservasi?",
        "cancel?": "Batalkan reservasi {line}?",
        "cancelled": "Selesai: reservasi {number} pada {when} dibatalkan.",
        "reminder": "Pengingat reservasi Anda {line}. Apakah Anda akan datang?",
        "reminder.confirm": "Saya akan datang",
        "reminder.cancel": "Batalkan reservasi",
        "see_you": "Terima kasih! Sampai jumpa {when}.",
        "move_to?": "Baik. Dipindah ke jam (atau hari) apa {line}?",
        "move?": "Pindahkan reservasi {number} ke {when} ({resource})?",
        "moved": "Selesai! Reservasi {number} sekarang pada {when}.",
        "no_upcoming": "Anda belum punya reservasi mendatang. Mau membuat reservasi?",
        "upcoming": "Reservasi Anda yang akan datang:",
        "side_question": 'Anda juga bertanya: "{question}". Di sini saya hanya bisa mengatur '
        "reservasi; kirim pertanyaan itu sebagai pesan tersendiri dan akan saya carikan.",
        "stopped": "Baik, semuanya saya biarkan seperti semula. Ada lagi yang bisa dibantu?",
        "yes": "Ya",
        "no": "Tidak",
        "status.pending": "menunggu",
        "status.confirmed": "terkonfirmasi",
        "status.cancelled": "dibatalkan",
        "status.completed": "selesai",
        "status.no_show": "tidak datang",
    },
}


class Phrases:
    """The agent's words in one language (English for one it does not speak)."""

    def __init__(self, language: str = ENGLISH) -> None:
        self.language = language if language in CATALOGS else ENGLISH

    def say(self, key: str, **values: object) -> str:
        return phrase(CATALOGS, self.language, key).format(**values)

    def clock(self, minutes: int) -> str:
        """As people there write a time: "7 PM", "7:30 PM" in English; "19:30" in Spanish,
        "19.30" in Indonesian."""
        hour, minute = divmod(minutes % (24 * 60), 60)
        if self.language == "es":
            return f"{hour}:{minute:02d}"
        if self.language == "id":
            return f"{hour:02d}.{minute:02d}"
        suffix = "AM" if hour < 12 else "PM"
        shown = hour % 12 or 12
        return f"{shown}:{minute:02d} {suffix}" if minute else f"{shown} {suffix}"

    def day_name(self, day: date) -> str:
        return format_date(day, "EEE d MMM", locale=self.language)

    def when(self, day: date, start: int) -> str:
        return self.say("at", day=self.day_name(day), time=self.clock(start))

    def slot_title(self, slot: "Slot", today: date) -> str:
        """A short option title (WhatsApp buttons take 20 characters): "7:30 PM" or
        "Sat 7:30 PM"."""
        if slot.day == today:
            return self.clock(slot.start)
        return f"{format_date(slot.day, 'EEE', locale=self.language)} {self.clock(slot.start)}"

    def slot_list(self, slots: Iterable["Slot"]) -> str:
        return ", ".join(f"{s.resource.name} {self.when(s.day, s.start)}" for s in slots)

    def booking_line(self, booking: "Booking", resource_name: str) -> str:
        people = self.say("person" if booking.party_size == 1 else "people")
        where = f"{resource_name}, " if resource_name else ""
        return (
            f"{booking.booking_number}: {where}{self.when(booking.booking_date, booking.start)}, "
            f"{booking.party_size} {people}"
        )


# What the admin API and the logs say (errors, conflicts): the business's staff read English.
IN_ENGLISH = Phrases()
