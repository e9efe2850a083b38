"""The tenant service as other services see it: outlet resolution, tenant profiles, staff."""

import uuid

from crm.tenant.v1 import tenant_pb2 as pb
from crm.tenant.v1 import tenant_pb2_grpc

from core.messaging.queue import OutletRef
from core.orchestrator.model import TenantProfile
from core.shared.errors import FailedPrecondition
from core.shared.places import Point

from .convert import from_struct
from .memo import Memo
from .peers import call, open_channel

# Outlets and tenant profiles change rarely; a short memory saves a call per message.
CACHE_SECONDS = 30.0


class GrpcTenantDirectory:
    """OutletDirectory, Outlets, TenantProfiles and Staff over TenantService."""

    def __init__(self, address: str, cache_seconds: float = CACHE_SECONDS) -> None:
        self._channel = open_channel(address)
        self._stub = tenant_pb2_grpc.TenantServiceStub(self._channel)
        self._memo = Memo(cache_seconds)

    async def resolve(self, phone_number_id: str) -> OutletRef:
        key = f"outlet:{phone_number_id}"
        if (known := self._memo.get(key)) is not None:
            return known  # type: ignore[return-value]
        reply = await call(
            self._stub.ResolveOutlet, pb.ResolveOutletRequest(phone_number_id=phone_number_id)
        )
        outlet = OutletRef(uuid.UUID(reply.tenant.id), uuid.UUID(reply.outlet.id))
        self._memo.put(key, outlet)
        return outlet

    async def _outlet(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> pb.Outlet:
        key = f"outlet-of:{tenant_id}:{outlet_id}"
        if (known := self._memo.get(key)) is not None:
            return known  # type: ignore[return-value]
        reply = await call(
            self._stub.GetOutlet,
            pb.GetOutletRequest(tenant_id=str(tenant_id), outlet_id=str(outlet_id)),
        )
        self._memo.put(key, reply.outlet)
        return reply.outlet

    async def ensure_outlet(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> None:
        """The tenant service answers NOT_FOUND (here NotFound) for another tenant's outlet."""
        await self._outlet(tenant_id, outlet_id)

    async def phone_number_id(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> str:
        return (await self._outlet(tenant_id, outlet_id)).waba_phone_number_id

    async def business_account_id(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> str:
        return (await self._outlet(tenant_id, outlet_id)).waba_business_account_id

    async def delivery_area(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID
    ) -> tuple[Point, float] | None:
        outlet = await self._outlet(tenant_id, outlet_id)
        located = (outlet.latitude, outlet.longitude) != (0.0, 0.0)
        if not located or not outlet.delivery_radius_km:
            return None
        return Point(outlet.latitude, outlet.longitude), outlet.delivery_radius_km

    async def outlet_timezone(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> str:
        return (await self._outlet(tenant_id, outlet_id)).timezone or "UTC"

    async def ensure_active_user(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Asked afresh each time (no memory): a deactivated user stops taking work at once."""
        reply = await call(
            self._stub.GetUser, pb.GetUserRequest(tenant_id=str(tenant_id), user_id=str(user_id))
        )
        if reply.user.status != pb.USER_STATUS_ACTIVE:
            raise FailedPrecondition(f"user {user_id} is inactive: pick an active user")

    async def _tenant(self, tenant_id: uuid.UUID) -> pb.Tenant:
        key = f"tenant:{tenant_id}"
        if (known := self._memo.get(key)) is not None:
            return known  # type: ignore[return-value]
        reply = await call(self._stub.GetTenant, pb.GetTenantRequest(tenant_id=str(tenant_id)))
        self._memo.put(key, reply.tenant)
        return reply.tenant

    async def profile(self, tenant_id: uuid.UUID) -> TenantProfile:
        """Read on every message: the built profile is remembered, not rebuilt each time."""
        key = f"profile:{tenant_id}"
        if (known := self._memo.get(key)) is not None:
            return known  # type: ignore[return-value]
        tenant = await self._tenant(tenant_id)
        profile = TenantProfile(
            tenant_id=tenant_id,
            name=tenant.name,
            greeting_message=tenant.greeting_message,
            error_message=tenant.error_message,
            tone=from_struct(tenant.llm_tone),
        )
        self._memo.put(key, profile)
        return profile

    async def booking_reminder_minutes(self, tenant_id: uuid.UUID) -> int:
        return (await self._tenant(tenant_id)).booking_reminder_minutes

    async def aclose(self) -> None:
        await self._channel.close()


class GrpcBusinessAccounts:
    """BusinessAccounts over TenantService.ListOutlets (messaging's template sync only)."""

    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = tenant_pb2_grpc.TenantServiceStub(self._channel)

    async def business_accounts(self, tenant_id: uuid.UUID) -> list[str]:
        """Asked afresh: a sync after adding an outlet must see it."""
        accounts: set[str] = set()
        token = ""
        while True:
            reply = await call(
                self._stub.ListOutlets,
                pb.ListOutletsRequest(
                    tenant_id=str(tenant_id), page={"page_size": 100, "page_token": token}
                ),
            )
            accounts |= {o.waba_business_account_id for o in reply.outlets}
            token = reply.page.next_page_token
            if not token:
                return sorted(accounts - {""})

    async def aclose(self) -> None:
        await self._channel.close()
