"""Which period the close job closes, and when."""

from datetime import date

from core.billing.closing import previous_period
from core.billing.model import Period


def test_the_previous_period_of_any_day_of_a_month():
    october = Period(date(2026, 10, 1), date(2026, 10, 31))
    assert previous_period(date(2026, 11, 1)) == previous_period(date(2026, 11, 30)) == october


def test_january_closes_the_previous_december():
    assert previous_period(date(2027, 1, 15)) == Period(date(2026, 12, 1), date(2026, 12, 31))
