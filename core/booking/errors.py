"""Refusals particular to bookings: a slot someone else holds, a booking number taken."""

from core.shared.errors import AlreadyExists, DomainError

from .availability import Slot
from .phrases import IN_ENGLISH


class SlotTaken(AlreadyExists):
    """The wished slot overlaps an active booking; carries the nearest free alternatives."""

    def __init__(self, alternatives: tuple[Slot, ...] = ()) -> None:
        nearby = f"; nearest free: {IN_ENGLISH.slot_list(alternatives)}" if alternatives else ""
        DomainError.__init__(self, f"that slot was just taken{nearby}")
        self.field = "slot"
        self.alternatives = alternatives


class BookingNumberTaken(Exception):
    """A freshly drawn booking number collided with another of the tenant's; draw again."""
