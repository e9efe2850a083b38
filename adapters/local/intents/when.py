"""Dates and times in a customer's words, normalised against the outlet-local `now`.

Dates are found by pattern (relative words, weekdays, 27/11, "the 3rd", "5 dec", "in 2
days", a few Spanish and Indonesian words) and read by dateparser, preferring the future;
a day-of-month that has passed rolls to the next month, a passed day-and-month to the next
year. Times: "7pm", "19:30", "7.30pm", "at 8", "at 730", "half past seven", "noon". A bare
hour of 1-9 with no am/pm reads as the evening (bookings and deliveries rarely mean 7 am).
"""

import re
from datetime import date, datetime

import dateparser

NUMBER_WORDS = "one two three four five six seven eight nine ten eleven twelve".split()
_WORD = "|".join(NUMBER_WORDS)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY = r"(?:mon|tues?|wed(?:nes)?|weds|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_DATE = re.compile(
    r"\b(?:day after tomorrow|today|tonight|tonite|tomorrow|tomorow|tmrw|tmr|hoy|besok|lusa"
    r"|hari ini|malam ini|in \d{1,2} days?)\b|\bmañana\b"
    rf"|\b(?:(?:next|this|coming)\s+)?(?:{_DAY}|lunes|martes|miércoles|jueves|viernes"
    r"|sábado|domingo|senin|selasa|rabu|kamis|jumat|sabtu|minggu)\b"
    r"|\b\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?=\W|$)"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)\b"
)
_CLOCK = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\s*([ap])?\.?m?\b")
_MERIDIEM = re.compile(rf"\b(\d{{1,2}}|{_WORD})\s*(?:([ap])\.?m\b\.?|o'?clock\b)")
_AT_HOUR = re.compile(r"\b(?:at|around|by|@|las|jam|pukul)\s+(\d{1,2})(\d{2})?\b(?![:.]\d)")
_PAST = re.compile(rf"\b(half|quarter)\s+(past|to)\s+(\d{{1,2}}|{_WORD})\b")
_NAMED = {"noon": "12:00", "midday": "12:00", "midnight": "00:00"}
_SETTINGS = {"PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY"}


def find_date(text: str, now: datetime) -> str | None:
    """The first date the text mentions, as YYYY-MM-DD."""
    lowered = text.lower()
    for match in _DATE.finditer(lowered):
        span = match.group(0)
        settings = {**_SETTINGS, "RELATIVE_BASE": now.replace(tzinfo=None)}
        parsed = dateparser.parse(span, languages=["en", "es", "id"], settings=settings)
        if parsed is not None:
            return _roll_forward(parsed.date(), now.date(), span).isoformat()
    return None


def _roll_forward(day: date, today: date, span: str) -> date:
    """dateparser leaves "the 3rd" or "27/11" in the past; customers mean the next one."""
    if day >= today or re.search(r"\d{4}", span):
        return day
    if re.search(rf"[/-]|{_MONTH}", span):
        return day.replace(year=day.year + 1)
    month, year = (day.month % 12) + 1, day.year + day.month // 12
    return day.replace(year=year, month=month)


def find_time(text: str) -> str | None:
    """The first time of day the text mentions, as HH:MM."""
    lowered = text.lower()
    for word, value in _NAMED.items():
        if re.search(rf"\b{word}\b", lowered):
            return value
    if match := _CLOCK.search(lowered):
        return _clock(int(match.group(1)), int(match.group(2)), match.group(3))
    if match := _MERIDIEM.search(lowered):
        return _clock(_number(match.group(1)), 0, match.group(2))
    if match := _PAST.search(lowered):
        return _past(match.group(1), match.group(2), _number(match.group(3)))
    if match := _AT_HOUR.search(lowered):
        return _clock(int(match.group(1)), int(match.group(2) or 0), None)
    return None


def _past(fraction: str, direction: str, hour: int) -> str | None:
    """Minutes past or to an hour: "half past seven" -> 19:30, "quarter to nine" -> 20:45."""
    minutes = 30 if fraction == "half" else 15
    if direction == "to":
        return _clock(hour - 1, 60 - minutes, None)
    return _clock(hour, minutes, None)


def _clock(hour: int, minute: int, meridiem: str | None) -> str | None:
    """HH:MM from a 12- or 24-hour reading; a bare 1-9 is taken as pm."""
    if (meridiem == "p" and hour < 12) or (meridiem is None and 1 <= hour <= 9):
        hour += 12
    elif meridiem == "a" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def _number(token: str) -> int:
    """A digit string or an English number word up to twelve."""
    return int(token) if token.isdigit() else NUMBER_WORDS.index(token) + 1
