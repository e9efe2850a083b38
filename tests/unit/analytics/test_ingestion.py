"""Ingesting a batch: each event validated on its own, repeats skipped, rollups summed."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.analytics import model as m
from core.analytics.ingestion import ingest_events, validate
from core.analytics.rollup import normalised_question, rollups
from core.shared.errors import InvalidInput

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
TENANT = uuid.uuid4()


def _event(name=m.MESSAGE_ROUTED, **fields) -> m.AnalyticsEvent:
    base = m.AnalyticsEvent(str(uuid.uuid4()), TENANT, name, NOW - timedelta(minutes=5))
    return replace(base, **fields)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"event_id": " "}, "event_id"),
        ({"name": "message.exploded"}, "event_type"),
        ({"occurred_at": datetime(2026, 11, 20)}, "occurred_at"),
        ({"occurred_at": NOW + timedelta(hours=1)}, "occurred_at"),
        ({"occurred_at": NOW - timedelta(days=500)}, "occurred_at"),
        ({"value": -1.0}, "value"),
        ({"amount": Decimal("NaN")}, "amount"),
        ({"properties": {"confidence": 1.5}}, "properties.confidence"),
        ({"properties": {"items": [{"name": "Latte", "quantity": "two"}]}}, "properties.items"),
    ],
)
def test_validation_names_the_wrong_field(fields, field):
    with pytest.raises(InvalidInput) as refused:
        validate(_event(**fields), NOW)
    assert refused.value.field == field


async def test_valid_events_are_stored_once_and_invalid_ones_reported(uow):
    good, bad = _event(), _event(name="nope")
    first = await ingest_events([good, bad], uow, lambda: NOW)
    again = await ingest_events([good], uow, lambda: NOW)
    assert (first.accepted, first.duplicates, [r.index for r in first.rejected]) == (1, 0, [1])
    assert (again.accepted, again.duplicates) == (0, 1)
    assert uow.commits == 2


async def test_a_batch_over_the_limit_is_refused(uow):
    with pytest.raises(InvalidInput, match="events"):
        await ingest_events([_event()] * 501, uow, lambda: NOW)


def test_rollups_sum_per_hour_and_intent():
    booking = {"intent": "booking", "confidence": 0.5}
    events = [
        _event(properties=booking, value=100.0),
        _event(properties=booking, value=300.0, occurred_at=NOW - timedelta(minutes=50)),
        _event(properties={"intent": "order", "confidence": 1.0}, value=5.0),
        _event(m.ORDER_PAID, amount=Decimal("9.99")),
    ]
    sums = {(k.name, k.bucket_start.hour, k.dimension): t for k, t in rollups(events)}
    assert sums[(m.MESSAGE_ROUTED, 11, "booking")].count == 2
    assert sums[(m.MESSAGE_ROUTED, 11, "booking")].value_sum == 400.0
    assert sums[(m.MESSAGE_ROUTED, 11, "booking")].confidence_sum == 1.0
    assert sums[(m.ORDER_PAID, 11, "")].amount_sum == Decimal("9.99")


def test_questions_are_counted_under_one_spelling():
    assert normalised_question("  Do you have  PARKING?? ") == "do you have parking"
