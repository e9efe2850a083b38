"""Domain errors. Inbound adapters map each class to one protocol status, in one table."""


class DomainError(Exception):
    """A request the domain refuses; the message is safe to show to the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """A field of the request is missing or malformed."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


class NotFound(DomainError):
    """The entity does not exist within the caller's tenant (which reveals nothing else)."""

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key} not found")


class AlreadyExists(DomainError):
    """A unique property is taken."""

    def __init__(self, entity: str, field: str, value: object) -> None:
        super().__init__(f"{entity} with {field} {value!r} already exists")
        self.field = field


class PermissionDenied(DomainError):
    """The caller, whoever they are, may not do this (not: the entity is hidden from them)."""


class FailedPrecondition(DomainError):
    """The entity is in a state that does not allow the operation."""


class Unavailable(DomainError):
    """A peer service is down or timed out: nothing is wrong with the request; try later."""
