"""The contracts: generated code matches proto/, every service is served as its contract says."""

import grpc
import pytest
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from services.catalog import SERVICES, contract_only
from services.settings import Settings
from services.tools import protogen


def test_generated_code_is_what_make_proto_would_write():
    assert protogen.main("check") == 0, "gen/ is stale: run `make proto` and commit gen/"


def test_every_service_has_its_generated_stub():
    for spec in SERVICES.values():
        assert hasattr(spec.grpc_module(), f"{spec.pascal}ServiceStub"), spec.name


@pytest.mark.parametrize("name", [n for n in SERVICES if n != "tenant"])
async def test_services_not_built_yet_answer_unimplemented_and_reflect(grpc_channel_to, name):
    spec = SERVICES[name]
    async with contract_only(spec, Settings()) as register:
        channel = await grpc_channel_to(register, [spec.grpc_service])
    method = spec.descriptor().methods[0]
    call = channel.unary_unary(
        f"/{spec.grpc_service}/{method.name}",
        request_serializer=lambda _: b"",
        response_deserializer=lambda raw: raw,
    )
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await call(None)
    assert failed.value.code() == grpc.StatusCode.UNIMPLEMENTED

    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    responses = stub.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    )
    async for response in responses:
        names = {s.name for s in response.list_services_response.service}
        assert {spec.grpc_service, "grpc.health.v1.Health"} <= names
        break
