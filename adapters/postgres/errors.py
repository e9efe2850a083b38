"""Turn the database's refusals into domain errors the caller can act on."""

from sqlalchemy.exc import IntegrityError

from core.shared.errors import AlreadyExists, DomainError, FailedPrecondition, InvalidInput

# SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html)
UNIQUE_VIOLATION = "23505"
CHECK_VIOLATION = "23514"
FOREIGN_KEY_VIOLATION = "23503"
EXCLUSION_VIOLATION = "23P01"


def _diagnostics(exc: IntegrityError) -> tuple[str, str, str]:
    original = getattr(exc.orig, "__cause__", None) or exc.orig
    sqlstate = getattr(original, "sqlstate", "") or ""
    table = getattr(original, "table_name", "") or ""
    constraint = getattr(original, "constraint_name", "") or ""
    return sqlstate, table, constraint


def translate(exc: IntegrityError) -> DomainError:
    """The domain error for a constraint the naming convention lets us read."""
    sqlstate, table, constraint = _diagnostics(exc)
    entity = table.removesuffix("s") or "record"
    if sqlstate == UNIQUE_VIOLATION:
        field = constraint.removeprefix(f"uq_{table}_") if constraint else "key"
        return AlreadyExists(entity, field, "given")
    if sqlstate == CHECK_VIOLATION:
        return InvalidInput(entity, f"violates {constraint or 'a check constraint'}")
    if sqlstate == EXCLUSION_VIOLATION:
        return FailedPrecondition(f"{entity} conflicts with an existing one ({constraint})")
    if sqlstate == FOREIGN_KEY_VIOLATION:
        return FailedPrecondition(f"{entity} refers to something that does not exist")
    return DomainError(f"{entity} could not be saved")
