"""Message templates in the Cloud API stand-in: each business account's templates, Meta's
checks when one is created, and its checks when one is sent (exists and approved in that
language, the right number of variables, a payload per quick reply).

Control endpoint for tests: POST /_standin/templates/status
{"business_account_id", "name", "language", "status": "PAUSED", "reason"?}.
"""

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .cloud_api_rules import Refusal, error_body

_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
_VARIABLE = re.compile(r"\{\{(\d+)\}\}")
CATEGORIES = frozenset({"MARKETING", "UTILITY", "AUTHENTICATION"})
STATUSES = frozenset({"PENDING", "APPROVED", "REJECTED", "PAUSED", "DISABLED"})
# Meta's codes for template sends it refuses.
NOT_FOUND, PARAMETERS, PAUSED, DISABLED = 132001, 132000, 132015, 132016
DUPLICATE_SUBCODE, SAMPLE_SUBCODE = 2388024, 2388043
_IDS = itertools.count(700000000000001)


@dataclass
class TemplateBook:
    """Templates per business account, and which account each business number belongs to.

    New templates get `review` as their status at once (Meta takes minutes to hours)."""

    numbers: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    review: str = "APPROVED"

    def create(self, account: str, body: Any) -> dict[str, Any]:
        template = _checked(body)
        held = self.accounts.setdefault(account, [])
        if any(_same(t, template["name"], template["language"]) for t in held):
            raise _Creation(
                "Message template already exists with this name and language", DUPLICATE_SUBCODE
            )
        template.update(id=str(next(_IDS)), status=self.review)
        held.append(template)
        return template

    def find(self, account: str, name: str, language: str) -> dict[str, Any] | None:
        return next((t for t in self.accounts.get(account, []) if _same(t, name, language)), None)

    def check_send(self, phone_number_id: str, template: Any) -> None:
        """Raise Refusal where Meta refuses a template send from this number."""
        if not isinstance(template, dict) or not isinstance(template.get("name"), str):
            raise Refusal(100, "The parameter template['name'] is required.")
        language = template.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        if not isinstance(code, str):
            raise Refusal(100, "The parameter template['language']['code'] is required.")
        found = self.find(self.numbers.get(phone_number_id, ""), template["name"], code)
        if found is None or found["status"] in {"PENDING", "REJECTED"}:
            raise Refusal(NOT_FOUND, f"template name ({template['name']}) does not exist in {code}")
        if found["status"] == "PAUSED":
            raise Refusal(PAUSED, f"template {template['name']} is paused")
        if found["status"] == "DISABLED":
            raise Refusal(DISABLED, f"template {template['name']} is disabled")
        _check_parameters(found, template.get("components") or [])


class _Creation(Exception):
    def __init__(self, message: str, subcode: int | None = None) -> None:
        super().__init__(message)
        self.subcode = subcode


def _same(template: dict[str, Any], name: str, language: str) -> bool:
    return template["name"] == name and template["language"] == language


def _checked(body: Any) -> dict[str, Any]:
    """The template as Meta would keep it, or _Creation with Meta's reason."""
    if not isinstance(body, dict):
        raise _Creation("The request body must be a JSON object")
    name, language, category = body.get("name"), body.get("language"), body.get("category")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _Creation("Param name must be lowercase letters, digits and underscores")
    if not isinstance(language, str) or not language:
        raise _Creation("Param language is required")
    if category not in CATEGORIES:
        raise _Creation(f"Param category must be one of {sorted(CATEGORIES)}")
    components = body.get("components")
    if not isinstance(components, list):
        raise _Creation("Param components is required")
    parts = {c.get("type"): c for c in components if isinstance(c, dict)}
    text = parts.get("BODY", {}).get("text")
    if not isinstance(text, str) or not text.strip():
        raise _Creation("A BODY component with text is required")
    variables = len(set(_VARIABLE.findall(text)))
    samples = parts.get("BODY", {}).get("example", {}).get("body_text", [[]])
    if variables and (not samples or len(samples[0]) != variables):
        raise _Creation("Each body variable needs a sample value in example", SAMPLE_SUBCODE)
    return {"name": name, "language": language, "category": category,
            "components": components, "rejected_reason": "NONE"}  # fmt: skip


def _check_parameters(found: dict[str, Any], components: list[Any]) -> None:
    parts = {c.get("type"): c for c in found["components"]}
    expected = len(set(_VARIABLE.findall(parts["BODY"]["text"])))
    given = [c for c in components if isinstance(c, dict)]
    body = next((c for c in given if c.get("type") == "body"), {})
    values = body.get("parameters") or []
    if len(values) != expected or any(
        not isinstance(v, dict) or v.get("type") != "text" or not str(v.get("text", "")).strip()
        for v in values
    ):
        raise Refusal(PARAMETERS, f"body expects {expected} text parameters, {len(values)} given")
    buttons = parts.get("BUTTONS", {}).get("buttons", [])
    for button in (c for c in given if c.get("type") == "button"):
        index = int(button.get("index", -1)) if str(button.get("index", "")).isdigit() else -1
        if not 0 <= index < len(buttons) or button.get("sub_type") != "quick_reply":
            raise Refusal(131009, f"button index {button.get('index')} is not a quick reply")


# -- HTTP -------------------------------------------------------------------------------


async def list_templates(request: web.Request) -> web.Response:
    book = _book(request)
    held = book.accounts.get(request.match_info["business_account_id"], [])
    start = int(request.query.get("after", "0") or 0)
    limit = max(1, min(int(request.query.get("limit", "25")), 250))
    page = held[start : start + limit]
    paging: dict[str, Any] = {"cursors": {"before": str(start), "after": str(start + len(page))}}
    if start + limit < len(held):
        paging["next"] = str(request.url.update_query({"after": str(start + limit)}))
    return web.json_response({"data": page, "paging": paging})


async def create_template(request: web.Request) -> web.Response:
    try:
        created = _book(request).create(
            request.match_info["business_account_id"], await request.json()
        )
    except ValueError:
        return web.json_response(error_body(100, "The request body is not valid JSON"), status=400)
    except _Creation as refused:
        body = error_body(100, str(refused))
        body["error"]["error_user_msg"] = str(refused)
        if refused.subcode:
            body["error"]["error_subcode"] = refused.subcode
        return web.json_response(body, status=400)
    return web.json_response(
        {"id": created["id"], "status": created["status"], "category": created["category"]}
    )


async def set_status(request: web.Request) -> web.Response:
    try:
        change = await request.json()
        account, name = change["business_account_id"], change["name"]
        language, status = change["language"], change["status"]
    except (ValueError, KeyError, TypeError) as error:
        expected = "expected {business_account_id, name, language, status}"
        raise web.HTTPBadRequest(text=f"{expected}: {error}") from error
    found = _book(request).find(account, name, language)
    if found is None or status not in STATUSES:
        raise web.HTTPNotFound(text="no such template, or an unknown status")
    found.update(status=status, rejected_reason=change.get("reason", "NONE"))
    return web.json_response(found)


BOOK = web.AppKey("templates", TemplateBook)


def _book(request: web.Request) -> TemplateBook:
    return request.app[BOOK]


def add_template_routes(app: web.Application, book: TemplateBook) -> None:
    app[BOOK] = book
    app.router.add_get("/{version}/{business_account_id}/message_templates", list_templates)
    app.router.add_post("/{version}/{business_account_id}/message_templates", create_template)
    app.router.add_post("/_standin/templates/status", set_status)
