"""`crm admin token`: a token to call the admin API with locally, as a tenant's staff or as an
operator, signed with the key the local gateway trusts."""

from adapters.grpc.permissions import OPERATOR
from adapters.local.token_issuer import LocalTokenIssuer
from adapters.postgres.database import units_of_work
from adapters.postgres.tenant_repository import SqlAlchemyTenantUnitOfWork
from core.shared.errors import NotFound
from core.shared.paging import PageQuery
from core.shared.scope import across_tenants
from core.tenant import commands as c
from core.tenant import handlers
from core.tenant.model import UserRole, UserStatus

from .gateway import auth_directory
from .settings import Settings

# The uid of the local operator; operators are not users of any tenant, only a claim.
OPERATOR_UID = "local-operator"
ROLES = (*(role.value for role in UserRole), OPERATOR)


def issuer(settings: Settings) -> LocalTokenIssuer:
    return LocalTokenIssuer(auth_directory(settings), settings.auth_issuer, settings.auth_audience)


async def staff_uid(database_url: str, slug: str, role: UserRole) -> str:
    """The Firebase uid of the tenant's first active user with this role."""
    with across_tenants("admin-token"):  # finding a tenant by its slug spans tenants
        async with units_of_work(database_url, SqlAlchemyTenantUnitOfWork) as uow:
            async with uow() as existing:
                tenant = await existing.tenants.get_by_slug(slug)
            if tenant is None:
                raise NotFound("tenant", slug)
            page = await handlers.list_users(c.ListUsers(tenant.id, PageQuery(), role), uow())
    active = [user for user in page.items if user.status is UserStatus.ACTIVE]
    if not active:
        raise NotFound(f"active {role.value} of tenant", slug)
    return active[0].firebase_uid


async def token(settings: Settings, database_url: str, slug: str, role: str, minutes: float) -> str:
    """A token for the tenant's user of `role`, or for the local operator, valid `minutes`."""
    seconds = minutes * 60
    if role == OPERATOR:
        return issuer(settings).mint(OPERATOR_UID, seconds, crm_role=OPERATOR)
    uid = await staff_uid(database_url, slug, UserRole(role))
    return issuer(settings).mint(uid, seconds)
