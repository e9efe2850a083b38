"""Every event type the dashboards read is one production code emits.

The funnel once read booking.confirmed and the revenue order.paid while only the benchmark's
synthetic generator wrote them: tested, benchmarked, and always zero. Read here: the event
names the analytics queries name. Emitted: event names written anywhere in the services'
code, the analytics context itself, its adapters and the tools (synthetic data, benchmarks)
left out.
"""

import ast
from pathlib import Path

from core.analytics import model

ROOT = Path(__file__).resolve().parents[2]
READERS = ("core/analytics/queries.py", "adapters/postgres/analytics_sql.py")
NOT_EMITTERS = (
    "core/analytics/",
    "adapters/postgres/analytics_",
    "adapters/grpc/analytics_",
    "services/tools/",
)


def _tree(relative: str) -> ast.AST:
    return ast.parse((ROOT / relative).read_text(encoding="utf-8"))


def read_by_queries() -> set[str]:
    found = set()
    for reader in READERS:
        for node in ast.walk(_tree(reader)):
            if isinstance(node, ast.Attribute) and node.attr.isupper():
                value = getattr(model, node.attr, None)
                if value in model.EVENT_NAMES:
                    found.add(value)
            elif isinstance(node, ast.Constant) and node.value in model.EVENT_NAMES:
                found.add(node.value)
    return found


def emitted_by_services() -> set[str]:
    found = set()
    for folder in ("core", "adapters", "services"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(NOT_EMITTERS):
                continue
            for node in ast.walk(_tree(relative)):
                if isinstance(node, ast.Constant) and node.value in model.EVENT_NAMES:
                    found.add(node.value)
    return found


def test_the_queries_read_something():
    assert {model.BOOKING_CONFIRMED, model.ORDER_PAID, model.MESSAGE_ROUTED} <= read_by_queries()


def test_every_event_the_queries_read_is_emitted_by_a_service():
    assert read_by_queries() - emitted_by_services() == set()


def test_every_known_event_has_an_emitter():
    """A name analytics accepts that nothing emits is a dashboard waiting to read zero."""
    assert model.EVENT_NAMES - emitted_by_services() == set()
