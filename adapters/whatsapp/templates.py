"""CloudApiTemplates: the CloudTemplates port over a business account's template endpoints
(`GET`/`POST {base_url}/{version}/{business_account_id}/message_templates`)."""

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import httpx

from core.messaging.templates import Template, TemplateCategory, TemplateStatus
from core.shared.errors import AlreadyExists, InvalidInput, Unavailable

from .responses import GraphClient, json_body, refusal

# Meta's answer when a template of that name and language exists already.
DUPLICATE_SUBCODE = 2388024
PAGE = 100


class CloudApiTemplates(GraphClient):
    """One call per page or creation: these are an administrator's requests, who sees the
    Cloud API's reason when it refuses and may simply try again when it is down."""

    async def list(self, tenant_id: uuid.UUID, business_account_id: str) -> list[Template]:
        url = f"{self._base}/{business_account_id}/message_templates"
        params: dict[str, Any] = {"limit": PAGE}
        found: list[Template] = []
        while True:
            body = await self._call("GET", url, business_account_id, params=params)
            found += [_template(tenant_id, business_account_id, t) for t in body.get("data", [])]
            after = body.get("paging", {}).get("cursors", {}).get("after")
            if not after or "next" not in body.get("paging", {}):
                return found
            params = {"limit": PAGE, "after": after}

    async def create(self, template: Template, examples: Sequence[str]) -> Template:
        url = f"{self._base}/{template.business_account_id}/message_templates"
        named = f"{template.name}/{template.language}"
        body = await self._call("POST", url, named, json=_submission(template, examples))
        status = str(body.get("status", "")).lower()
        return replace(
            template,
            external_id=str(body.get("id", "")),
            status=TemplateStatus(status) if status in _STATUSES else TemplateStatus.PENDING,
        )

    async def _call(self, method: str, url: str, named: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self._client.request(method, url, headers=self._headers, **kwargs)
        except httpx.TransportError as error:
            raise Unavailable(f"the WhatsApp Cloud API cannot be reached: {error!r}") from error
        if response.is_success:
            return json_body(response)
        failure = refusal(response)
        if failure.retryable or response.status_code == 401:
            raise Unavailable(f"the WhatsApp Cloud API refused for now: {failure}")
        if failure.details.get("error_subcode") == DUPLICATE_SUBCODE:
            raise AlreadyExists("template", "name and language", named)
        reason = failure.details.get("error_user_msg") or failure.details.get("message") or ""
        raise InvalidInput("template", f"the Cloud API refused it: {reason}")


_STATUSES = {s.value for s in TemplateStatus}
_CATEGORIES = {c.value for c in TemplateCategory}


def _submission(template: Template, examples: Sequence[str]) -> dict[str, Any]:
    """The creation body Meta takes: components, with a sample for each body variable."""
    body: dict[str, Any] = {"type": "BODY", "text": template.body}
    if examples:
        body["example"] = {"body_text": [list(examples)]}
    components: list[dict[str, Any]] = [body]
    if template.header:
        components.insert(0, {"type": "HEADER", "format": "TEXT", "text": template.header})
    if template.footer:
        components.append({"type": "FOOTER", "text": template.footer})
    if template.quick_replies:
        buttons = [{"type": "QUICK_REPLY", "text": title} for title in template.quick_replies]
        components.append({"type": "BUTTONS", "buttons": buttons})
    return {
        "name": template.name,
        "language": template.language,
        "category": template.category.value.upper(),
        "components": components,
    }


def _template(tenant_id: uuid.UUID, account: str, raw: dict[str, Any]) -> Template:
    """A template as the Cloud API lists it; statuses we do not know read as paused (not
    sendable), categories as utility."""
    parts = {c.get("type", "").upper(): c for c in raw.get("components", [])}
    buttons = parts.get("BUTTONS", {}).get("buttons", [])
    status = str(raw.get("status", "")).lower()
    category = str(raw.get("category", "")).lower()
    return Template(
        tenant_id=tenant_id,
        business_account_id=account,
        name=str(raw.get("name", "")),
        language=str(raw.get("language", "")),
        category=TemplateCategory(category if category in _CATEGORIES else "utility"),
        body=str(parts.get("BODY", {}).get("text", "")),
        status=TemplateStatus(status) if status in _STATUSES else TemplateStatus.PAUSED,
        header=str(parts.get("HEADER", {}).get("text", "")),
        footer=str(parts.get("FOOTER", {}).get("text", "")),
        quick_replies=tuple(b.get("text", "") for b in buttons if b.get("type") == "QUICK_REPLY"),
        external_id=str(raw.get("id", "")),
        rejected_reason=str(raw.get("rejected_reason", "") or "").removeprefix("NONE"),
    )
