"""A bounded schemathesis pass over every REST operation of the running mesh (`make fuzz` runs
a longer one): no 5xx, and every answer as the OpenAPI description says."""

from services.tools.fuzz import run_schemathesis, running_target

# A few examples per operation and a time budget keep this to about two minutes.
MAX_EXAMPLES = 3
MAX_SECONDS = 90


async def test_no_operation_fails_or_breaks_its_description(pg_server_url, tmp_path):
    async with running_target(pg_server_url, tmp_path) as target:
        figures = await run_schemathesis(target, MAX_EXAMPLES, MAX_SECONDS, tmp_path)
    print(figures)  # errors, schemathesis' own crashes, are shown but are not the API's
    assert figures.failures == []
    assert "5xx" not in figures.status_classes
    assert figures.status_classes.get("2xx", 0) > 0  # it reached the services, not only Envoy
