"""crm.tenant.v1.TenantService: proto -> command -> use case -> proto."""

from collections.abc import Callable

from crm.tenant.v1 import tenant_pb2 as pb
from crm.tenant.v1 import tenant_pb2_grpc

from core.billing.limits import PlanLimits
from core.shared.errors import InvalidInput
from core.shared.ids import parse_id
from core.tenant import commands as c
from core.tenant import handlers
from core.tenant.model import OutletStatus, TenantStatus, UserRole
from core.tenant.ports import TenantUnitOfWork

from .convert import changed_fields, enum_to_domain, page_query, present
from .tenant_mapping import (
    OUTLET_READERS,
    TENANT_READERS,
    USER_READERS,
    outlet_message,
    read_all,
    tenant_message,
    user_message,
)


class TenantServicer(tenant_pb2_grpc.TenantServiceServicer):
    def __init__(
        self, unit_of_work: Callable[[], TenantUnitOfWork], limits: PlanLimits | None = None
    ) -> None:
        self._uow = unit_of_work
        self._limits = limits  # billing's plan limits; None only where nothing is sold

    # -- tenants ---------------------------------------------------------------------------

    async def CreateTenant(self, request, context):
        fields = read_all(present(request, "tenant"), TENANT_READERS)
        tenant = await handlers.create_tenant(c.CreateTenant(**fields), self._uow())
        return pb.CreateTenantResponse(tenant=tenant_message(tenant))

    async def GetTenant(self, request, context):
        tenant_id = parse_id(request.tenant_id, "tenant_id")
        tenant = await handlers.get_tenant(tenant_id, self._uow())
        return pb.GetTenantResponse(tenant=tenant_message(tenant))

    async def UpdateTenant(self, request, context):
        tenant = present(request, "tenant")
        changes = changed_fields(tenant, request.update_mask, TENANT_READERS)
        command = c.UpdateTenant(tenant_id=parse_id(tenant.id, "tenant.id"), changes=changes)
        updated = await handlers.update_tenant(command, self._uow())
        return pb.UpdateTenantResponse(tenant=tenant_message(updated))

    async def ListTenants(self, request, context):
        command = c.ListTenants(
            page=page_query(request.page),
            status=enum_to_domain(request, "status", TenantStatus),
        )
        page = await handlers.list_tenants(command, self._uow())
        return pb.ListTenantsResponse(
            tenants=[tenant_message(t) for t in page.items],
            page={"next_page_token": page.next_token},
        )

    async def DeactivateTenant(self, request, context):
        tenant_id = parse_id(request.tenant_id, "tenant_id")
        tenant = await handlers.deactivate_tenant(tenant_id, self._uow())
        return pb.DeactivateTenantResponse(tenant=tenant_message(tenant))

    # -- outlets ---------------------------------------------------------------------------

    async def CreateOutlet(self, request, context):
        outlet = present(request, "outlet")
        command = c.CreateOutlet(
            tenant_id=parse_id(outlet.tenant_id, "outlet.tenant_id"),
            **read_all(outlet, OUTLET_READERS),
        )
        created = await handlers.create_outlet(command, self._uow(), self._limits)
        return pb.CreateOutletResponse(outlet=outlet_message(created))

    async def GetOutlet(self, request, context):
        outlet = await handlers.get_outlet(
            parse_id(request.tenant_id, "tenant_id"),
            parse_id(request.outlet_id, "outlet_id"),
            self._uow(),
        )
        return pb.GetOutletResponse(outlet=outlet_message(outlet))

    async def UpdateOutlet(self, request, context):
        outlet = present(request, "outlet")
        command = c.UpdateOutlet(
            tenant_id=parse_id(outlet.tenant_id, "outlet.tenant_id"),
            outlet_id=parse_id(outlet.id, "outlet.id"),
            changes=changed_fields(outlet, request.update_mask, OUTLET_READERS),
        )
        updated = await handlers.update_outlet(command, self._uow())
        return pb.UpdateOutletResponse(outlet=outlet_message(updated))

    async def ListOutlets(self, request, context):
        command = c.ListOutlets(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            page=page_query(request.page),
            status=enum_to_domain(request, "status", OutletStatus),
        )
        page = await handlers.list_outlets(command, self._uow())
        return pb.ListOutletsResponse(
            outlets=[outlet_message(o) for o in page.items],
            page={"next_page_token": page.next_token},
        )

    async def DeactivateOutlet(self, request, context):
        outlet = await handlers.deactivate_outlet(
            parse_id(request.tenant_id, "tenant_id"),
            parse_id(request.outlet_id, "outlet_id"),
            self._uow(),
        )
        return pb.DeactivateOutletResponse(outlet=outlet_message(outlet))

    async def ResolveOutlet(self, request, context):
        if not request.phone_number_id:
            raise InvalidInput("phone_number_id", "is required")
        outlet, tenant = await handlers.resolve_outlet(request.phone_number_id, self._uow())
        return pb.ResolveOutletResponse(
            outlet=outlet_message(outlet), tenant=tenant_message(tenant)
        )

    # -- users -----------------------------------------------------------------------------

    async def CreateUser(self, request, context):
        user = present(request, "user")
        command = c.CreateUser(
            tenant_id=parse_id(user.tenant_id, "user.tenant_id"), **read_all(user, USER_READERS)
        )
        created = await handlers.create_user(command, self._uow())
        return pb.CreateUserResponse(user=user_message(created))

    async def GetUser(self, request, context):
        user = await handlers.get_user(
            parse_id(request.tenant_id, "tenant_id"),
            parse_id(request.user_id, "user_id"),
            self._uow(),
        )
        return pb.GetUserResponse(user=user_message(user))

    async def UpdateUser(self, request, context):
        user = present(request, "user")
        command = c.UpdateUser(
            tenant_id=parse_id(user.tenant_id, "user.tenant_id"),
            user_id=parse_id(user.id, "user.id"),
            changes=changed_fields(user, request.update_mask, USER_READERS),
        )
        updated = await handlers.update_user(command, self._uow())
        return pb.UpdateUserResponse(user=user_message(updated))

    async def ListUsers(self, request, context):
        command = c.ListUsers(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            page=page_query(request.page),
            role=enum_to_domain(request, "role", UserRole),
        )
        page = await handlers.list_users(command, self._uow())
        return pb.ListUsersResponse(
            users=[user_message(u) for u in page.items], page={"next_page_token": page.next_token}
        )

    async def DeactivateUser(self, request, context):
        user = await handlers.deactivate_user(
            parse_id(request.tenant_id, "tenant_id"),
            parse_id(request.user_id, "user_id"),
            self._uow(),
        )
        return pb.DeactivateUserResponse(user=user_message(user))

    async def LookupUser(self, request, context):
        if not request.firebase_uid:
            raise InvalidInput("firebase_uid", "is required")
        user = await handlers.lookup_user(request.firebase_uid, self._uow())
        return pb.LookupUserResponse(user=user_message(user))
