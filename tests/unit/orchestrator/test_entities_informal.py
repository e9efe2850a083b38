"""Entity extraction reads how people really write: chat spellings, "9ish", Spanish and
Indonesian dates, times and party sizes, against the outlet-local `now`."""

from datetime import datetime

import pytest

from adapters.local.intents.entities import extract

NOW = datetime(2025, 11, 20, 15, 0)  # a Thursday
TODAY, TOMORROW, AFTER = "2025-11-20", "2025-11-21", "2025-11-22"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("table tmrw pls", TOMORROW),
        ("tmr at 8", TOMORROW),
        ("2moro for 4", TOMORROW),
        ("2nite?", TODAY),
        ("tonite at 9", TODAY),
        ("mañana a las 8", TOMORROW),
        ("manana", TOMORROW),
        ("pasado mañana", AFTER),
        ("besok jam 7", TOMORROW),
        ("bsk jm 7 malam", TOMORROW),
        ("nanti malam ya kak", TODAY),
        ("hari ini", TODAY),
        ("lusa", AFTER),
    ],
)
def test_chat_spellings_of_days_are_dates(text, date):
    assert extract(text, NOW)["date"] == date


def test_relative_days_count_from_now_not_from_the_clock():
    assert extract("tmrw", datetime(2026, 2, 28, 22, 0))["date"] == "2026-03-01"


def test_the_morning_in_spanish_is_not_tomorrow():
    found = extract("a las 9 de la mañana", NOW)
    assert (found.get("date"), found["time"]) == (None, "09:00")


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("9ish", "21:00"),
        ("around 8", "20:00"),
        ("8-ish", "20:00"),
        ("seven-ish", "19:00"),
        ("a las 21h", "21:00"),
        ("a las 21:00h", "21:00"),
        ("a las 9 de la noche", "21:00"),
        ("mañana a las 8", "20:00"),
        ("besok jam 7", "19:00"),
        ("bsk jm 7 malam", "19:00"),
        ("jam 7 pagi", "07:00"),
        ("jam 1 siang", "13:00"),
        ("7 in the evening", "19:00"),
        ("tonight around 10", "22:00"),  # the evening makes 10 pm, past the 1-9 convention
        ("dinner at 10ish", "22:00"),
        ("tomorrow morning at 9", "09:00"),  # and the morning makes 9 am
        ("breakfast at 12", "12:00"),
        ("at 11", "11:00"),  # with no part of the day, the convention stands
    ],
)
def test_informal_times(text, time):
    assert extract(text, NOW)["time"] == time


@pytest.mark.parametrize(
    "text", ["for 2 hrs", "for 2h", "kami ber-4", "hari ini", "around 4 of us tomorrow"]
)
def test_durations_and_counts_are_not_times(text):
    assert "time" not in extract(text, NOW)


def test_about_a_number_of_people_then_a_time():
    found = extract("we will be about 6 people at 8", NOW)
    assert (found["party_size"], found["time"]) == ("6", "20:00")


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("para 4", "4"),
        ("somos 5", "5"),
        ("somos cinco", "5"),
        ("mesa para dos esta noche", "2"),
        ("mesa para 4 mañana a las 21h", "4"),
        ("buat 5 orang", "5"),
        ("5 org", "5"),
        ("meja untuk dua orang", "2"),
        ("untuk 4 malam ini", "4"),
        ("kami ber-5 besok", "5"),
        ("berdua", "2"),
        ("kami bertiga besok jam 7", "3"),
        ("table for 4 tmrw", "4"),
        ("book for 4 around 8", "4"),
    ],
)
def test_informal_party_sizes(text, size):
    assert extract(text, NOW)["party_size"] == size


@pytest.mark.parametrize("text", ["for 8-ish", "for 8ish", "for once, I'd like it quiet"])
def test_an_hour_or_a_word_after_for_is_not_a_party(text):
    assert "party_size" not in extract(text, NOW)


def test_a_whole_informal_booking_in_indonesian_and_in_spanish():
    assert extract("bsk jm 7 malam buat 5 org", NOW) == {
        "date": TOMORROW,
        "time": "19:00",
        "party_size": "5",
    }
    assert extract("somos 4, mañana a las 9 de la noche", NOW) == {
        "date": TOMORROW,
        "time": "21:00",
        "party_size": "4",
    }
