"""Helpers for the integration tests that call servicers over a real grpc.aio server."""

import grpc
import pytest


async def expect(code: grpc.StatusCode, call, *fragments: str) -> str:
    """Await call, which must fail with code and details holding every fragment; the details."""
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await call
    assert failed.value.code() == code, failed.value.details()
    for fragment in fragments:
        assert fragment in failed.value.details()
    return failed.value.details()
