"""Reads the words of a tour time into pieces: days, a clock time, a duration, a zone.

This module only recognises what the text says; `bot.time.resolve` decides what it means (which
date, which zone, whether to ask). Month-name dates are read by dateparser, checked against the
parts it reports; everything else is a small grammar, because raw dateparser is silently wrong on
agents' phrases (see time-policy.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal
from zoneinfo import available_timezones

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Abbreviations and the typos agents really make; whole words only.
_WORD_FIXES = {
    **dict.fromkeys(
        "tmrw tmrow tmr tmw tmo tmrrw 2moro 2morrow 2mrw tomorow tommorow tommorrow tomorrw "
        "tomrrow tomoro tomorro tomm".split(),
        "tomorrow",
    ),
    "tonite": "tonight",
    "2nite": "tonight",
    "2day": "today",
    "tday": "today",
    **dict.fromkeys("mon mo monday mondy monady".split(), "monday"),
    **dict.fromkeys("tue tues tu tuesday tuseday teusday tuesdy".split(), "tuesday"),
    **dict.fromkeys(
        "wed weds wedn wednesday wensday wendsday wedensday wednsday wednesdy".split(),
        "wednesday",
    ),
    **dict.fromkeys(
        "thu thur thurs thr thurday thursday thrusday thursady thusday thurdsay".split(),
        "thursday",
    ),
    **dict.fromkeys("fri friday firday fridy frday".split(), "friday"),
    **dict.fromkeys("sat saturday satruday saterday saturdy".split(), "saturday"),
    **dict.fromkeys("sun sunday sundy sundya".split(), "sunday"),
    "noonish": "noon",
}
_WORD_FIX_RE = re.compile(r"\b(" + "|".join(sorted(_WORD_FIXES, key=len, reverse=True)) + r")\b")

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
    "couple": 2, "a couple of": 2, "few": 3, "a few": 3,
}  # fmt: skip
_COUNT = r"(\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"

# Zone words count only right after a clock time ("3pm PT"), where they cannot be a street name.
ZONE_WORDS = {
    **dict.fromkeys(("pt", "pst", "pdt", "pacific"), "America/Los_Angeles"),
    **dict.fromkeys(("mt", "mst", "mdt", "mountain"), "America/Denver"),
    **dict.fromkeys(("ct", "cst", "cdt", "central"), "America/Chicago"),
    **dict.fromkeys(("et", "est", "edt", "eastern"), "America/New_York"),
    **dict.fromkeys(("akt", "akst", "akdt", "alaska"), "America/Anchorage"),
    **dict.fromkeys(("hst", "hawaii"), "Pacific/Honolulu"),
    **dict.fromkeys(("utc", "gmt", "z"), "UTC"),
}
_ZONE_AFTER_TIME = re.compile(
    r"\s*\(?(" + "|".join(sorted(ZONE_WORDS, key=len, reverse=True)) + r")\)?(?:\s+time)?\b"
)
_IANA = re.compile(r"\b([a-z]+(?:/[a-z_+-]+){1,2})\b")

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WD = "(" + "|".join(WEEKDAYS) + ")"
# A number followed by one of these is a quantity, not a clock time.
_NOT_A_TIME = (
    r"(?!\s*(?:/|:\d|%|k\b|\$|st\b|nd\b|rd\b|th\b|br\b|bd\b|bed|bath|ba\b|days?\b|weeks?\b"
    r"|hours?\b|hrs?\b|minutes?\b|mins?\b|months?\b|mo\b|people|persons?|guests?|units?"
    r"|pets?|dogs?|cats?|years?|yrs?|sq|ft|floor)|\.\d)"
)
_CLOCK = r"(\d{1,2})(?::([0-5]\d))?\s*(am|pm|a|p)?"


Meridiem = Literal["am", "pm"]
Period = Literal["morning", "afternoon", "evening", "night"]
WeekdayMode = Literal["plain", "this", "next", "next_week"]


@dataclass(frozen=True)
class ClockTime:
    """A time of day as written: the hour may still need am or pm."""

    hour: int
    minute: int
    meridiem: Meridiem | None
    text: str
    zero_padded: bool = False  # "07:30" is 24-hour notation


@dataclass(frozen=True)
class RelativeDay:
    days: int
    text: str


@dataclass(frozen=True)
class WeekdayRef:
    weekday: int  # Monday is 0
    mode: WeekdayMode
    text: str


@dataclass(frozen=True)
class DateRef:
    month: int
    day: int
    year: int | None
    text: str


@dataclass(frozen=True)
class DayOfMonth:
    day: int
    text: str


DayRef = RelativeDay | WeekdayRef | DateRef | DayOfMonth


@dataclass
class Reading:
    """Everything time-like found in a phrase."""

    days: list[DayRef] = field(default_factory=list)
    times: list[ClockTime] = field(default_factory=list)
    duration_minutes: float | None = None
    duration_text: str = ""
    period: Period | None = None
    zone: str | None = None
    vague_day: str | None = None  # "next week", "this weekend": a day is still needed
    bad: list[str] = field(default_factory=list)  # written but impossible, e.g. "2/30" or "15pm"
    words: str = ""  # the stretch of the (normalised) text that holds all of the above


def normalise(text: str) -> str:
    text = text.lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = text.replace("\u2019", "'").replace("\u00a0", " ")
    text = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", text)
    text = re.sub(r"(\d)\s*o'?\s?clock\b", r"\1:00", text)
    text = re.sub(r"(\d)\s*-?\s*ish\b", r"\1", text)
    text = re.sub(r"\bnoon-?ish\b", "noon", text)
    text = re.sub(r"(\d{4}-\d\d-\d\d)t(\d)", r"\1 \2", text)  # ISO date-time
    text = text.replace("@", " at ")
    text = re.sub(r"[?!;()\[\]\"*_~]|,(?!\d)|(?<!\d),|\.(?!\d)|'s\b", " ", text)
    text = _WORD_FIX_RE.sub(lambda m: _WORD_FIXES[m.group(1)], text)
    return " ".join(text.split())


class _Text:
    """The normalised phrase, with the spans already claimed by a recogniser."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.claimed: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.claimed)

    def find(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        found = []
        for match in pattern.finditer(self.text):
            if match.end() > match.start() and self.free(match.start(), match.end()):
                self.claimed.append(match.span())
                found.append(match)
        return found


def _count(word: str) -> float:
    return _NUMBER_WORDS[word] if word in _NUMBER_WORDS else float(word)


_DURATION = re.compile(
    r"\bin\s+(?:about\s+|around\s+|roughly\s+|like\s+)?(half\s+an?|" + _COUNT[1:-1] + r")\s*"
    r"(hours?|hrs?|h|minutes?|mins?|m)\b(\s+and\s+a\s+half)?"
)
_DURATION_FROM_NOW = re.compile(
    _COUNT + r"\s*(hours?|hrs?|minutes?|mins?)(\s+and\s+a\s+half)?\s+from\s+now\b"
)
_RELATIVE = [
    (re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b"), 2),
    (re.compile(r"\b(?:the\s+)?day\s+before\s+yesterday\b"), -2),
    (re.compile(r"\ba\s+week\s+from\s+tomorrow\b|\ba\s+week\s+tomorrow\b"), 8),
    (re.compile(r"\ba\s+week\s+from\s+(?:today|now)\b|\ba\s+week\s+today\b"), 7),
    (re.compile(r"\btomorrow\b"), 1),
    (re.compile(r"\btoday\b"), 0),
    (re.compile(r"\byesterday\b"), -1),
]
_RELATIVE_COUNT = re.compile(
    r"\b(?:in\s+" + _COUNT + r"\s+(days?|weeks?)|" + _COUNT + r"\s+(days?|weeks?)\s+from\s+"
    r"(now|today|tomorrow))\b"
)
_TONIGHT = re.compile(r"\b(tonight|this\s+(morning|afternoon|evening))\b")
_WEEKDAY_PATTERNS: list[tuple[re.Pattern[str], WeekdayMode]] = [
    (re.compile(r"\bnext\s+week\s+(?:on\s+)?" + _WD + r"\b"), "next_week"),
    (
        re.compile(r"\b" + _WD + r"\s+(?:of\s+|the\s+)?(?:next|the\s+following)\s+week\b"),
        "next_week",
    ),
    (re.compile(r"\b(?:this\s+coming|coming|upcoming)\s+" + _WD + r"\b"), "plain"),
    (re.compile(r"\bthis\s+" + _WD + r"\b"), "this"),
    (re.compile(r"\b" + _WD + r"\s+(?:of\s+)?this\s+week\b"), "this"),
    (re.compile(r"\bnext\s+" + _WD + r"\b"), "next"),
    (re.compile(r"\b" + _WD + r"\b"), "plain"),
]
_VAGUE_DAY = re.compile(
    r"\b(next\s+week(?:end)?|this\s+week(?:end)?|(?:on\s+the\s+|over\s+the\s+)?weekend"
    r"|later\s+this\s+week|end\s+of\s+(?:the\s+)?(?:week|month))\b"
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b")
_MONTH_DATE = re.compile(
    r"\b" + _MONTH + r"\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\b(?:\s+\d{4}\b)?"
    # "10 may work" is not a date: day-first "may" needs "of" ("the 10th of may").
    r"|\b(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+" + _MONTH + r"|(?!may\b)" + _MONTH + r")"
    r"(?:\s+\d{4}\b)?"
)
_ORDINAL_DAY = re.compile(r"\b(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b")

_NOON = re.compile(r"\b(noon|midday|mid-day|12\s*noon|midnight)\b")
# "10 to 11" is a range; only "quarter to 4" counts down to the hour.
_PAST_TO = re.compile(
    r"\b(?:(half|quarter|\d{1,2})\s+(past|after)|(quarter)\s+(to|til|till|before))\s+(\d{1,2})\b"
)
_RANGE = re.compile(
    r"\b(?:between\s+" + _CLOCK + r"\s+and\s+" + _CLOCK
    + r"|from\s+" + _CLOCK + r"\s*(?:-|to|till|til|until)\s*" + _CLOCK
    + r"|" + _CLOCK + r"\s*(?:-|to|till|until)\s*" + _CLOCK + r")\b" + _NOT_A_TIME
)  # fmt: skip
_COLON_TIME = re.compile(r"\b(\d{1,2}):([0-5]\d)(?::[0-5]\d)?(?:\s*(am|pm)\b|(a|p)\b)?")
_MERIDIEM_TIME = re.compile(r"\b(\d{1,2})(?:\s*(am|pm)\b|(a|p)\b)")
_BARE_AFTER_WORD = re.compile(
    r"\b(?:at|around|about|abt|by|say|approx(?:imately)?|roughly|like)\s+(\d{1,2})\b" + _NOT_A_TIME
)
_BARE = re.compile(r"^\s*(\d{1,2})\b" + _NOT_A_TIME)
_HOUR_AFTER_DAY = re.compile(r"\s+(?:at\s+)?(\d{1,2})\b" + _NOT_A_TIME)
_PERIOD = re.compile(
    r"\b(?:in\s+the\s+)?(morning|afternoon|evening|night|after\s+lunch|lunchtime)\b"
)


def read_phrase(text: str, *, day_first: bool = False) -> Reading:
    """Find every time-like piece in `text` (a phrase, or a sentence that holds one)."""
    t = _Text(normalise(text))
    reading = Reading()
    day_ends: list[int] = []

    def add_day(m: re.Match[str], day: DayRef) -> None:
        reading.days.append(day)
        day_ends.append(m.end())

    for m in t.find(_DURATION) + t.find(_DURATION_FROM_NOW):
        amount = 0.5 if m.group(1).startswith("half") else _count(m.group(1))
        unit = m.group(2)
        minutes = amount * (60 if unit.startswith("h") else 1)
        if m.group(3):
            minutes += 30 if unit.startswith("h") else 0.5
        reading.duration_minutes = (reading.duration_minutes or 0) + minutes
        reading.duration_text = m.group(0)

    for pattern, days in _RELATIVE:
        for m in t.find(pattern):
            add_day(m, RelativeDay(days, m.group(0)))
    for m in t.find(_RELATIVE_COUNT):
        count, unit, count2, unit2, base = m.groups()
        n = int(_count(count or count2)) * (7 if (unit or unit2).startswith("week") else 1)
        add_day(m, RelativeDay(n + (1 if base == "tomorrow" else 0), m.group(0)))
    for m in t.find(_TONIGHT):
        add_day(m, RelativeDay(0, m.group(0)))
        reading.period = "evening" if m.group(1) == "tonight" else _period(m.group(2))

    for m, date_ref in _read_dates(t, reading, day_first):
        add_day(m, date_ref)

    for pattern, mode in _WEEKDAY_PATTERNS:
        for m in t.find(pattern):
            add_day(m, WeekdayRef(WEEKDAYS.index(m.group(1)), mode, m.group(0)))
    for m in t.find(_VAGUE_DAY):
        reading.vague_day = m.group(0)

    _read_times(t, reading, day_ends)

    for m in t.find(_PERIOD):
        reading.period = reading.period or _period(m.group(1))

    for m in _IANA.finditer(t.text):
        zone = _zone_names().get(m.group(1))
        if zone:
            reading.zone = zone
    if t.claimed:
        reading.words = t.text[min(a for a, _ in t.claimed) : max(b for _, b in t.claimed)].strip()
    return reading


def _period(word: str) -> Period:
    if word.startswith("after") or word == "lunchtime":
        return "afternoon"
    return word  # type: ignore[return-value]


def _read_dates(
    t: _Text, reading: Reading, day_first: bool
) -> list[tuple[re.Match[str], DateRef | DayOfMonth]]:
    found: list[tuple[re.Match[str], DateRef | DayOfMonth]] = []

    def add(m: re.Match[str], month: int, day: int, year: int | None) -> None:
        try:
            datetime(year or 2000, month, day)  # 2000 is a leap year: Feb 29 stays possible
        except ValueError:
            reading.bad.append(m.group(0))
            return
        found.append((m, DateRef(month, day, year, m.group(0))))

    for m in t.find(_ISO_DATE):
        add(m, int(m.group(2)), int(m.group(3)), int(m.group(1)))
    for m in t.find(_NUMERIC_DATE):
        a, b, year = int(m.group(1)), int(m.group(2)), m.group(3)
        month, day = (b, a) if day_first else (a, b)
        add(m, month, day, None if year is None else int(year) + (2000 if len(year) == 2 else 0))
    for m in t.find(_MONTH_DATE):
        parsed = _month_date(m.group(0))
        if parsed is None:
            reading.bad.append(m.group(0))
        else:
            add(m, *parsed)
    for m in t.find(_ORDINAL_DAY):
        if 1 <= int(m.group(1)) <= 31:
            found.append((m, DayOfMonth(int(m.group(1)), m.group(0))))
        else:
            reading.bad.append(m.group(0))
    return found


@cache
def _date_parser() -> DateDataParser:
    from dateparser.date import DateDataParser

    # English only: otherwise the first unreadable phrase loads every language (~1 s, 35 MB).
    # The year is decided by our own rule, so the base only needs to be a leap year (Feb 29).
    return DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(2000, 1, 1),
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": ["day", "month"],
        },
    )


@lru_cache(maxsize=4096)
def _month_date(text: str) -> tuple[int, int, int | None] | None:
    """Month and day (and year, if written) of a month-name date, read by dateparser."""
    data = _date_parser().get_date_data(re.sub(r"\bthe\b", " ", text))
    parts = getattr(data, "parts", ())
    if data.date_obj is None or "day" not in parts or "month" not in parts:
        return None
    year = data.date_obj.year if "year" in parts else None
    return data.date_obj.month, data.date_obj.day, year


AddTime = Callable[[re.Match[str], int, "ClockTime | None"], None]


def _read_times(t: _Text, reading: Reading, day_ends: list[int]) -> None:
    times: list[tuple[int, int, ClockTime]] = []

    def add(m: re.Match[str], start: int, clock: ClockTime | None) -> None:
        if clock is None:
            reading.bad.append(m.group(0).strip())
        else:
            times.append((start, m.end(), clock))

    for m in t.find(_NOON):
        hour = 0 if m.group(1) == "midnight" else 12
        add(m, m.start(), ClockTime(hour, 0, "am" if hour == 0 else "pm", m.group(0)))
    for m in t.find(_RANGE):
        # Each of the three forms holds (hour, minute, meridiem) twice; take the one that matched.
        groups = m.groups()
        i = next(i for i in range(0, 18, 6) if groups[i] is not None)
        h1, m1, mer1, h2, m2, mer2 = groups[i : i + 6]
        end = _clock(h2, m2, mer2, h2)
        start_meridiem = mer1 or _range_start_meridiem(int(h1), int(m1 or 0), end)
        add(m, m.start(), _clock(h1, m1, start_meridiem, m.group(0)))
    for m in t.find(_PAST_TO):
        amount_past, past, amount_to, to, hour_text = m.groups()
        amount, relation = (amount_past, past) if past else (amount_to, to)
        minutes = {"half": 30, "quarter": 15}.get(amount) or int(amount)
        hour = int(hour_text)
        if not (1 <= hour <= 12 and 0 < minutes < 60):
            add(m, m.start(), None)
            continue
        if relation in ("to", "til", "till", "before"):
            hour, minutes = (hour - 1 or 12), 60 - minutes
        add(m, m.start(), ClockTime(hour, minutes, None, m.group(0)))
    for m in t.find(_COLON_TIME):
        add(m, m.start(), _clock(m.group(1), m.group(2), m.group(3) or m.group(4), m.group(0)))
    for m in t.find(_MERIDIEM_TIME):
        add(m, m.start(), _clock(m.group(1), None, m.group(2) or m.group(3), m.group(0)))
    for m in t.find(_BARE_AFTER_WORD):
        add(m, m.start(1), _clock(m.group(1), None, None, m.group(1)))
    # A bare hour right after a day is a clock time: "thursday 2", "tomorrow 10".
    for day_end in day_ends:
        hm = _HOUR_AFTER_DAY.match(t.text, day_end)
        if hm and t.free(hm.start(1), hm.end(1)):
            t.claimed.append(hm.span(1))
            add(hm, hm.start(1), _clock(hm.group(1), None, None, hm.group(1)))
    for m in t.find(_BARE):
        add(m, m.start(1), _clock(m.group(1), None, None, m.group(1)))

    times.sort(key=lambda item: item[0])
    reading.times = [clock for _, _, clock in times]
    # A zone counts right after a clock time: "3pm PT", "15:00 UTC".
    for _, end_at, _ in times:
        zm = _ZONE_AFTER_TIME.match(t.text, end_at)
        if zm and t.free(zm.start(1), zm.end(1)):
            t.claimed.append(zm.span())
            reading.zone = ZONE_WORDS[zm.group(1)]


def _clock(hour: str, minute: str | None, meridiem: str | None, text: str) -> ClockTime | None:
    h, mi = int(hour), int(minute or 0)
    mer: Meridiem | None = None
    if meridiem:
        mer = "am" if meridiem.startswith("a") else "pm"
        if not 1 <= h <= 12:
            return None
    elif h > 23 or mi > 59:
        return None
    return ClockTime(h, mi, mer, text, zero_padded=len(hour) == 2 and hour.startswith("0"))


def _range_start_meridiem(hour: int, minute: int, end: ClockTime | None) -> str | None:
    """The start of "3-4pm" takes the end's am/pm, unless that would put it after the end."""
    if end is None or end.meridiem is None or hour > 12:
        return None
    end_minutes = (end.hour % 12 + (12 if end.meridiem == "pm" else 0)) * 60 + end.minute
    same = (hour % 12 + (12 if end.meridiem == "pm" else 0)) * 60 + minute
    if same <= end_minutes:
        return end.meridiem
    return "am" if end.meridiem == "pm" else "pm"


@cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones() if "/" in name}
