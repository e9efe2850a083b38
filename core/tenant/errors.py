"""Refusals of the tenant context that must read the same whoever's row caused them."""

from core.shared.errors import AlreadyExists, DomainError


class SignInTaken(AlreadyExists):
    """A Firebase uid signs in one user of one tenant, so a second user cannot have it.

    Raised alike whether the holder is a user of the caller's tenant or of another, and naming
    neither: the caller learns that this sign-in cannot be added, never where it is used.
    """

    def __init__(self) -> None:
        DomainError.__init__(
            self,
            "firebase_uid: this sign-in cannot be added, it already belongs to a user;"
            " ask the person for another sign-in, or update the user who has it",
        )
        self.field = "firebase_uid"
