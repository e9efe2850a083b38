"""WhatsApp message templates: the only messages a business may start outside the customer's
24-hour window. Each tenant keeps the templates its business accounts hold, as the Cloud API
last reported them; a send outside the window picks an approved one and fills its variables.
"""

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.shared.errors import FailedPrecondition, InvalidInput

from .model import TemplatePiece

_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")  # Meta's codes: en, es, id, en_US, pt_BR
_VARIABLE = re.compile(r"\{\{(\d+)\}\}")
MAX_QUICK_REPLIES = 3  # the quick-reply buttons a template may carry in this registry
MAX_BODY, MAX_HEADER, MAX_FOOTER, MAX_BUTTON = 1024, 60, 60, 25
MAX_PARAMETER = 1024  # Meta's limit on one filled variable


class TemplateCategory(StrEnum):
    """Meta prices a business-initiated conversation by the template's category."""

    MARKETING = "marketing"
    UTILITY = "utility"
    AUTHENTICATION = "authentication"


class TemplateStatus(StrEnum):
    PENDING = "pending"  # submitted, in Meta's review
    APPROVED = "approved"
    REJECTED = "rejected"
    PAUSED = "paused"  # quality too low for now; Meta refuses sends
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class Template:
    """One template in one language of one business account."""

    tenant_id: uuid.UUID
    business_account_id: str
    name: str
    language: str
    category: TemplateCategory
    body: str  # with {{1}}, {{2}}, ... for its variables
    status: TemplateStatus = TemplateStatus.PENDING
    header: str = ""
    footer: str = ""
    quick_replies: tuple[str, ...] = ()  # button titles; a tap returns the payload we set
    external_id: str = ""  # Meta's template id
    rejected_reason: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def parameter_count(self) -> int:
        return len(set(_VARIABLE.findall(self.body)))

    def render(self, parameters: Sequence[str]) -> str:
        """The body as the customer will read it."""
        return _VARIABLE.sub(lambda m: parameters[int(m.group(1)) - 1], self.body)


def check_new(template: Template) -> None:
    """The rules Meta applies to a template before review, so a bad one is refused here."""
    if not _NAME.match(template.name):
        raise InvalidInput("name", "use lowercase letters, digits and underscores (at most 512)")
    if not _LANGUAGE.match(template.language):
        raise InvalidInput("language", f"{template.language!r} is not a language code like es")
    if not template.body.strip() or len(template.body) > MAX_BODY:
        raise InvalidInput("body", f"a body of 1 to {MAX_BODY} characters is required")
    numbers = sorted({int(n) for n in _VARIABLE.findall(template.body)})
    if numbers != list(range(1, len(numbers) + 1)):
        raise InvalidInput("body", "variables must be numbered {{1}}, {{2}}, ... without gaps")
    if len(template.header) > MAX_HEADER or len(template.footer) > MAX_FOOTER:
        raise InvalidInput("header", f"header and footer hold at most {MAX_HEADER} characters")
    if len(template.quick_replies) > MAX_QUICK_REPLIES:
        raise InvalidInput("quick_replies", f"at most {MAX_QUICK_REPLIES} quick replies")
    if any(not 1 <= len(title) <= MAX_BUTTON for title in template.quick_replies):
        raise InvalidInput("quick_replies", f"button titles hold 1 to {MAX_BUTTON} characters")


@dataclass(frozen=True, slots=True)
class TemplateFallback:
    """What a business-initiated message becomes when the window is closed: the named
    template, its variables in order, and the payloads its quick-reply buttons return."""

    name: str
    parameters: tuple[str, ...] = ()
    button_payloads: tuple[str, ...] = ()
    language: str = ""  # preferred; else the customer's, else the template's first approved


def choose(
    held: Sequence[Template], fallback: TemplateFallback, customer_language: str
) -> TemplatePiece:
    """The approved template to send, in the best language the customer can read, filled.

    Refused (FailedPrecondition, with the reason) when none of that name is approved, and
    InvalidInput when the caller's variables do not fit it."""
    named = [t for t in held if t.name == fallback.name]
    if not named:
        raise FailedPrecondition(
            f"the customer's 24-hour window is closed and the template {fallback.name!r} does "
            "not exist for this business number; create it and have it approved"
        )
    approved = [t for t in named if t.status is TemplateStatus.APPROVED]
    if not approved:
        states = ", ".join(sorted(f"{t.language}: {t.status.value}" for t in named))
        raise FailedPrecondition(
            f"the customer's 24-hour window is closed and the template {fallback.name!r} is "
            f"not approved in any language ({states})"
        )
    template = _best_language(approved, (fallback.language, customer_language))
    _check_fits(template, fallback)
    return TemplatePiece(
        template.name,
        template.language,
        template.category.value,
        fallback.parameters,
        fallback.button_payloads[: len(template.quick_replies)],
        template.render(fallback.parameters),
    )


def _best_language(approved: Sequence[Template], wanted: Sequence[str]) -> Template:
    """An exact language match first, then the same base language (es for es_MX)."""
    for language in filter(None, wanted):
        for template in approved:
            if template.language == language:
                return template
        base = language.split("_")[0]
        for template in approved:
            if template.language.split("_")[0] == base:
                return template
    return min(approved, key=lambda t: t.language)


def _check_fits(template: Template, fallback: TemplateFallback) -> None:
    if len(fallback.parameters) != template.parameter_count:
        raise InvalidInput(
            "template.parameters",
            f"{template.name!r} ({template.language}) takes {template.parameter_count} "
            f"variables, {len(fallback.parameters)} given",
        )
    if any(not p.strip() or len(p) > MAX_PARAMETER for p in fallback.parameters):
        raise InvalidInput(
            "template.parameters", f"each variable needs 1 to {MAX_PARAMETER} characters"
        )
    if len(fallback.button_payloads) < len(template.quick_replies) and fallback.button_payloads:
        raise InvalidInput(
            "template.button_payloads",
            f"{template.name!r} has {len(template.quick_replies)} quick replies, "
            f"{len(fallback.button_payloads)} payloads given",
        )
