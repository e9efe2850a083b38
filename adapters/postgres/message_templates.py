"""The tenant's WhatsApp templates (messaging.message_templates), kept in step with Meta."""

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.messaging.model import TemplateReview
from core.messaging.templates import Template, TemplateCategory, TemplateStatus
from core.shared.paging import Page, PageQuery

from .models.messaging import MessageTemplateRow
from .paging import by_creation, paginate, split_page

_ORDER = by_creation(MessageTemplateRow)
# What the Cloud API reports about a template; the rest is the registry's own.
_REPORTED = ("external_id", "category", "status", "header", "body", "footer",
             "quick_replies", "rejected_reason")  # fmt: skip


def _template(row: MessageTemplateRow) -> Template:
    return Template(
        tenant_id=row.tenant_id,
        business_account_id=row.business_account_id,
        name=row.name,
        language=row.language,
        category=TemplateCategory(row.category),
        body=row.body,
        status=TemplateStatus(row.status),
        header=row.header,
        footer=row.footer,
        quick_replies=tuple(row.quick_replies),
        external_id=row.external_id,
        rejected_reason=row.rejected_reason,
        id=row.id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _values(template: Template) -> dict[str, object]:
    return {
        "id": template.id,
        "tenant_id": template.tenant_id,
        "business_account_id": template.business_account_id,
        "name": template.name,
        "language": template.language,
        "category": template.category.value,
        "status": template.status.value,
        "header": template.header,
        "body": template.body,
        "footer": template.footer,
        "quick_replies": list(template.quick_replies),
        "external_id": template.external_id,
        "rejected_reason": template.rejected_reason,
    }


class SqlAlchemyTemplateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def named(
        self, tenant_id: uuid.UUID, business_account_id: str, name: str
    ) -> list[Template]:
        rows = await self._session.scalars(
            select(MessageTemplateRow).where(
                MessageTemplateRow.tenant_id == tenant_id,
                MessageTemplateRow.business_account_id == business_account_id,
                MessageTemplateRow.name == name,
            )
        )
        return [_template(row) for row in rows]

    async def list(
        self, tenant_id: uuid.UUID, page: PageQuery, status: TemplateStatus | None
    ) -> Page[Template]:
        statement = select(MessageTemplateRow).where(MessageTemplateRow.tenant_id == tenant_id)
        if status is not None:
            statement = statement.where(MessageTemplateRow.status == status.value)
        rows = (
            await self._session.scalars(paginate(statement, MessageTemplateRow, page, _ORDER))
        ).all()
        kept, token = split_page(rows, page, _ORDER)
        return Page([_template(row) for row in kept], token)

    async def save(self, template: Template) -> Template:
        statement = insert(MessageTemplateRow).values(_values(template))
        statement = statement.on_conflict_do_update(
            constraint="uq_message_templates_tenant_account_name_language",
            set_={
                **{name: statement.excluded[name] for name in _REPORTED},
                "updated_at": func.now(),
            },
        ).returning(MessageTemplateRow)
        row = (await self._session.scalars(statement)).one()
        return _template(row)

    async def review(self, review: TemplateReview) -> int:
        changed = await self._session.execute(
            update(MessageTemplateRow)
            .where(
                MessageTemplateRow.business_account_id == review.business_account_id,
                MessageTemplateRow.name == review.name,
                MessageTemplateRow.language == review.language,
            )
            .values(status=review.status, rejected_reason=review.reason, updated_at=func.now())
        )
        return changed.rowcount

    async def keep_only(
        self, tenant_id: uuid.UUID, business_account_id: str, kept: Sequence[Template]
    ) -> int:
        statement = delete(MessageTemplateRow).where(
            MessageTemplateRow.tenant_id == tenant_id,
            MessageTemplateRow.business_account_id == business_account_id,
        )
        if kept:
            statement = statement.where(
                tuple_(MessageTemplateRow.name, MessageTemplateRow.language).not_in(
                    [(t.name, t.language) for t in kept]
                )
            )
        return (await self._session.execute(statement)).rowcount
