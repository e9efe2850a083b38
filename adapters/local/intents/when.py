"""Dates and times in a customer's words, normalised against the outlet-local `now`.

Dates are found by pattern (relative words, weekdays, 27/11, "the 3rd", "5 dec", "in 2
days", a few Spanish and Indonesian words) and read by dateparser, preferring the future;
a day-of-month that has passed rolls to the next month, a passed day-and-month to the next
year. Chat spellings dateparser does not know ("tmrw", "2moro", "2nite", "bsk", "nanti
malam", "lusa") are read from a small table of days from today. Times: "7pm", "19:30",
"7.30pm", "21h", "at 8", "at 730", "around 8", "9ish", "8-ish", "half past seven", "noon",
"a las 9 de la noche", "jam 7 pagi". A bare hour of 1-9 with no am/pm reads as the evening
(bookings and deliveries rarely mean 7 am); a message about the evening ("tonight",
"dinner", "malam", "noche") reads every bare hour up to 11 as pm, one about the morning
("breakfast", "de la mañana", "pagi") reads it as am.
"""

import re
from datetime import date, datetime, timedelta

import dateparser

NUMBER_WORDS = "one two three four five six seven eight nine ten eleven twelve".split()
_WORD = "|".join(NUMBER_WORDS)
# Months in English, Spanish and Indonesian ("9 de diciembre", "9 desember"), by the stems
# their names and abbreviations start with.
_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
    r"|ene|abr|ago|dic|mei|agu|okt|des)[a-z]*\.?"
)
_DAY = r"(?:mon|tues?|wed(?:nes)?|weds|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
# Days from today, for words dateparser misses or reads as a time of day ("tonight").
_RELATIVE = {
    **dict.fromkeys(
        "today tonight tonite 2nite 2night hoy esta_noche esta_tarde esta_mañana hari_ini "
        "malam_ini nanti_malam ntar_malam nanti_sore sore_ini siang_ini".split(),
        0,
    ),
    **dict.fromkeys(
        "tomorrow tomorow tmrw tmr tmrow tmorrow 2moro 2morrow 2morow 2mrw tomoz mañana manana "
        "besok bsk besuk".split(),
        1,
    ),
    **dict.fromkeys("day_after_tomorrow pasado_mañana pasado_manana lusa".split(), 2),
}
_WORDS_OF_DAYS = "|".join(sorted((w.replace("_", " ") for w in _RELATIVE), key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:{_WORDS_OF_DAYS}|in \d{{1,2}} days?)(?!\w)"
    rf"|\b(?:(?:next|this|coming)\s+)?(?:{_DAY}|lunes|martes|miércoles|jueves|viernes"
    r"|sábado|domingo|senin|selasa|rabu|kamis|jumat|sabtu|minggu)\b"
    r"|\b\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:(?:of|de)\s+)?{_MONTH}(?=\W|$)"
    rf"|\b(?!ago\b){_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"  # not "2 weeks ago 3 people"
    r"|\b\d{1,2}(?:st|nd|rd|th)\b"
)
_MORNING_OF = re.compile(r"\b(?:de|por) la $")  # "de la mañana" is the morning, not tomorrow
_CLOCK = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\s*(?:([ap])\.?m?|hs?|hrs)?\b")
_MERIDIEM = re.compile(rf"\b(\d{{1,2}}|{_WORD})\s*(?:([ap])\.?m\b\.?|o'?clock\b)")
# "7 de la tarde", "9 in the morning", "jam 7 malam" (but "malam ini" is tonight, a day).
_PART_OF_DAY = re.compile(
    rf"\b(\d{{1,2}}|{_WORD})(?:[:.]([0-5]\d))?\s*(?:(?:de|por) la (mañana|tarde|noche)"
    r"|in the (morning|afternoon|evening)|at (night)|(pagi|siang|sore|malam)\b(?! ini))"
)
# "21h", "21h30", "a las 9h"; a small "2h" alone is more often a duration.
_HOURS = re.compile(
    r"(?:\b(?:at|around|about|by|las|jam|jm|pukul)\s*|\b(?=1[2-9]h|2[0-3]h))"
    r"([01]?\d|2[0-3])hs?([0-5]\d)?\b"
)
_ISH = re.compile(rf"\b(\d{{1,2}}|{_WORD})(?:[:.]([0-5]\d))?\s*-?\s*ish\b")
# "around 6 people" is a count, not a time.
_NOT_PEOPLE = r"(?!\s*(?:people|persons?|pax|guests?|ppl|of us|personas|orang|org|adults?|kids?))"
_AT_HOUR = re.compile(
    r"(?:\b(?:at|around|about|by|las|jam|jm|pukul|sekitar)|@|~)\s*(\d{1,2})(\d{2})?\b(?![:.]\d)"
    + _NOT_PEOPLE
)
_PAST = re.compile(rf"\b(half|quarter)\s+(past|to)\s+(\d{{1,2}}|{_WORD})\b")
_NAMED = {"noon": "12:00", "midday": "12:00", "midnight": "00:00"}
_EVENING = re.compile(
    r"\b(?:tonight|tonite|2nite|2night|evening|night|dinner|supper|noche|tarde|cena"
    r"|malam|sore)\b"
)
_MORNING = re.compile(
    r"\b(?:morning|breakfast|brunch|desayuno|pagi|sarapan)\b|\b(?:de|por|esta) la mañana\b"
)
_PM_WORDS = {"tarde", "noche", "afternoon", "evening", "night", "sore", "malam"}
_SETTINGS = {"PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY"}


def find_date(text: str, now: datetime) -> str | None:
    """The first date the text mentions, as YYYY-MM-DD."""
    lowered = text.lower()
    for match in _DATE.finditer(lowered):
        span = match.group(0)
        if (days := _RELATIVE.get(span.replace(" ", "_"))) is not None:
            if span.startswith("ma") and _MORNING_OF.search(lowered[: match.start()]):
                continue
            return (now.date() + timedelta(days=days)).isoformat()
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
    hint = _part_of_day(lowered)
    for word, value in _NAMED.items():
        if re.search(rf"\b{word}\b", lowered):
            return value
    if match := _CLOCK.search(lowered):
        hour, minute, said = int(match.group(1)), int(match.group(2)), match.group(3)
        return _clock(hour, minute, said) if said else _bare(hour, minute, hint)
    if match := _MERIDIEM.search(lowered):
        return _clock(_number(match.group(1)), 0, match.group(2))
    if match := _PART_OF_DAY.search(lowered):
        said = next(word for word in match.groups()[2:] if word)
        hour = _number(match.group(1))
        pm = said in _PM_WORDS or (said == "siang" and hour <= 6)
        return _bare(hour, int(match.group(2) or 0), "p" if pm else "a")
    if match := _PAST.search(lowered):
        return _past(match.group(1), match.group(2), _number(match.group(3)), hint)
    if match := _HOURS.search(lowered):
        return _bare(int(match.group(1)), int(match.group(2) or 0), hint)
    if match := _ISH.search(lowered):
        return _bare(_number(match.group(1)), int(match.group(2) or 0), hint)
    if match := _AT_HOUR.search(lowered):
        return _bare(int(match.group(1)), int(match.group(2) or 0), hint)
    return None


def _part_of_day(lowered: str) -> str | None:
    """ "p" when the message is about the evening, "a" about the morning, else None."""
    evening, morning = bool(_EVENING.search(lowered)), bool(_MORNING.search(lowered))
    return "p" if evening and not morning else "a" if morning and not evening else None


def _past(fraction: str, direction: str, hour: int, hint: str | None) -> str | None:
    """Minutes past or to an hour: "half past seven" -> 19:30, "quarter to nine" -> 20:45."""
    minutes = 30 if fraction == "half" else 15
    if direction == "to":
        return _bare(hour - 1, 60 - minutes, hint)
    return _bare(hour, minutes, hint)


def _bare(hour: int, minute: int, hint: str | None) -> str | None:
    """An hour said without am/pm, read by the message's part of day, else as _clock reads it;
    12 in a morning message stays noon: nobody books breakfast at midnight."""
    if hint == "a" and hour == 12:
        hint = "p"
    return _clock(hour, minute, hint)


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
