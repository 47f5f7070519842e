"""Reads the words of a tour time into pieces: days, a clock time, a duration, a zone.

This module only recognises what the text says; `bot.time.resolve` decides what it means (which
date, which zone, whether to ask). It is a small grammar of its own, because raw dateparser is
silently wrong on half of agents' phrases (the figures are in the README).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.time.holidays import HOLIDAY
from bot.time.leftovers import unread_day_words
from bot.time.vocabulary import (
    BACKWARD,
    COUNT,
    COUNT_FROM_A_DAY,
    NTH_WEEKDAY,
    NUMBER_WORDS,
    SPACED_MINUTES,
    WEEKDAY,
    WEEKDAYS,
    ZONE_WORDS,
    normalise,
)
from bot.time.zone_words import WrittenZone, read_zones

__all__ = ["WEEKDAYS", "ZONE_WORDS", "Reading", "normalise", "read_phrase"]

_COUNT = COUNT
# Between a zone word and the time or day it belongs to, only these may stand.
_ZONE_FILLER = re.compile(r"(?:\s|\b(?:at|on|the|time)\b|-|,)*")
_ZONE_FILLER_END = re.compile(r"(?:\s|\b(?:at|on|the|time)\b|-|,)*$")
_OPTIONS = re.compile(r"\b(?:or|either)\b")
_HOUR_OR = re.compile(r"(?<![\d/:.])(\d{1,2})(?::([0-5]\d))?\s*(?:or|/)\s*(?:at\s+)?$")
_OR_HOUR = re.compile(
    r"\s*(?:or|/)\s*(?:at\s+)?(\d{1,2})(?::([0-5]\d))?\b(?![:/.]\d)"
    r"(?!\s*(?:bed|br\b|bd\b|ba\b|bath|people|persons?|guests?|kids?|pets?|dogs?|cats?|units?"
    r"|k\b|%|months?|mo\b|years?|yr))"
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WD = WEEKDAY
# A number followed by one of these is a quantity, not a clock time.
_NOT_A_TIME = (
    r"(?!\s*(?:/|:\d|%|k\b|\$|st\b|nd\b|rd\b|th\b|br\b|bd\b|bed|bath|ba\b|days?\b|weeks?\b"
    r"|hours?\b|hrs?\b|minutes?\b|mins?\b|months?\b|mo\b|people|persons?|guests?|units?"
    r"|pets?|dogs?|cats?|years?|yrs?|sq|ft|floor|adults?|child(?:ren)?|kids?|occupants?"
    r"|residents?|roommates?|tenants?|cars?|spots?|stor(?:y|ies)|levels?|rooms?|baths?|of\b)|\.\d)"
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


@dataclass(frozen=True)
class NamedDay:
    """A holiday: "thanksgiving", "christmas eve"."""

    name: str
    text: str


DayRef = RelativeDay | WeekdayRef | DateRef | DayOfMonth | NamedDay


@dataclass
class Reading:
    """Everything time-like found in a phrase."""

    days: list[DayRef] = field(default_factory=list)
    times: list[ClockTime] = field(default_factory=list)
    duration_minutes: float | None = None
    duration_text: str = ""
    period: Period | None = None
    zones: list[WrittenZone] = field(default_factory=list)
    vague_day: str | None = None  # "next week", "this weekend": a day is still needed
    bad: list[str] = field(default_factory=list)  # written but impossible, e.g. "2/30" or "15pm"
    past: list[str] = field(default_factory=list)  # words pointing backwards: "last tuesday"
    unsure: list[str] = field(default_factory=list)  # a day only a calendar can tell
    options: bool = False  # "tuesday or 12/15": choices offered, even ones that agree
    negated: list[str] = field(default_factory=list)  # days written after "not": "not this friday"
    whose_clock: list[str] = field(default_factory=list)  # "her time": a clock of no known zone
    # The phrase and what no rule read of it, for `unread`.
    unread_in: tuple[str, Callable[[int, int], bool], int, int] | None = field(
        default=None, repr=False
    )
    words: str = ""  # the stretch of the (normalised) text that holds all of the above

    @property
    def unread(self) -> list[str]:
        """The words of a day no rule read: "thrus", "boxing", a bare "22"."""
        return unread_day_words(*self.unread_in) if self.unread_in else []

    @property
    def zone(self) -> str | None:
        """The zone written in the phrase (the first, when several are)."""
        return self.zones[0].zone if self.zones else None


DAY, CLOCK = 1, 2  # what a claimed stretch of the text holds
_LONG = 200  # characters; on shorter text a scan costs less than looking for its cues


class _Text:
    """The normalised phrase, with the spans already claimed by a recogniser. Claims are a mask,
    so checking and claiming cost the length of the span, never the number of claims."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._mask = bytearray(len(text))
        self.first = len(text)
        self.last = 0

    def kind_at(self, at: int) -> int:
        return self._mask[at]

    def free(self, start: int, end: int) -> bool:
        return self._mask.count(0, start, end) == end - start

    def claim(self, start: int, end: int, kind: int = DAY) -> None:
        self._mask[start:end] = bytes((kind,)) * (end - start)
        self.first, self.last = min(self.first, start), max(self.last, end)

    def find(self, pattern: re.Pattern[str], kind: int = DAY) -> list[re.Match[str]]:
        if len(self.text) > _LONG:  # a substring test is far cheaper than a regex scan of a page
            cues = _CUES.get(pattern)
            if cues and not any(cue in self.text for cue in cues):
                return []
        found = []
        for match in pattern.finditer(self.text):
            start, end = match.span()
            if end > start and self.free(start, end):
                self.claim(start, end, kind)
                found.append(match)
        return found

    def qualifies(self, start: int, end: int) -> bool:
        """Whether text[start:end] stands right after a day or a time, or right before a clock
        time, with nothing but filler words between: where a zone word qualifies them."""
        gap = _ZONE_FILLER_END.search(self.text, max(0, start - 24), start)
        at = gap.start() if gap else start
        if at > 0 and self._mask[at - 1]:
            return True
        after = _ZONE_FILLER.match(self.text, end)
        at = after.end() if after else end
        return at < len(self.text) and self._mask[at] == CLOCK


# Minutes left unread after an hour: "3 30" where only "3" was read as the clock.
_MINUTES_LEFT = re.compile(  # the minutes in a lookahead: "dec 10 10 05" is tried at both 10s
    r"(?<![\d:./])(\d{1,2}) (?=([0-5]\d)\b(?![:./]\d)"
    r"(?!\s*(?:min|mins|minutes|hours?|hrs?|days?|weeks?|months?|people|persons|bed|br|ba)\b))"
)
_VAGUE_COUNTS = frozenset(("few", "a few", "couple", "a couple", "a couple of", "several"))


def _count(word: str) -> float:
    return NUMBER_WORDS[word] if word in NUMBER_WORDS else float(word)


_PAST = BACKWARD  # found first, so "last thursday" is never read as a Thursday ahead
_NTH_WEEKDAY, _COUNT_FROM_A_DAY = NTH_WEEKDAY, COUNT_FROM_A_DAY  # a calendar can tell
# One is in every match of `_COUNT_FROM_A_DAY`.
_COUNTED_CUES = ("after", "before", "week", "from", "following", "by", "til", "than", "earlier")

_DURATION = re.compile(
    r"\bin\s+(?:about\s+|around\s+|roughly\s+|like\s+)?(half\s+an?|" + _COUNT[1:-1] + r")\s*"
    r"(hours?|hrs?|h|minutes?|mins?|m)\b(\s+and\s+a\s+half)?"
)
_DURATION_FROM_NOW = re.compile(
    r"\b" + _COUNT + r"\s*(hours?|hrs?|minutes?|mins?)(\s+and\s+a\s+half)?\s+from\s+now\b"
)
_RELATIVE = [
    (re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b"), 2),
    (re.compile(r"\ba\s+week\s+from\s+tomorrow\b|\ba\s+week\s+tomorrow\b|\btomorrow\s+week\b"), 8),
    (re.compile(r"\ba\s+week\s+from\s+(?:today|now)\b|\ba\s+week\s+today\b|\btoday\s+week\b"), 7),
    (re.compile(r"\btomorrow\b"), 1),
    (re.compile(r"\btoday\b"), 0),
]
_RELATIVE_COUNT = re.compile(
    r"\b(?:in\s+"
    + _COUNT
    + r"\s+(days?|weeks?|fortnights?)|"
    + _COUNT
    + r"\s+(days?|weeks?|fortnights?)\s+(?:from|after)\s+"
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
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "oct": 10, "nov": 11, "dec": 12}  # fmt: skip
_MONTH_DATE = re.compile(
    r"\b(?P<m1>"
    + _MONTH
    + r")\s+(?:the\s+)?(?P<d1>\d{1,2})(?:st|nd|rd|th)?\b(?:\s+(?P<y1>\d{4})\b)?"
    # "10 may work" is not a date: day-first "may" needs "of" ("the 10th of may").
    r"|\b(?:the\s+)?(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+(?P<m2>" + _MONTH + r")|(?!may\b)"
    r"(?P<m3>" + _MONTH + r"))(?:\s+(?P<y2>\d{4})\b)?"
)
_ORDINAL_DAY = re.compile(r"\b(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b")

_NOON = re.compile(r"\b(noon|midday|mid-day|12\s*noon|midnight)\b")
# "10 to 11" is a range; only "quarter to 4" counts down to the hour.
_PAST_TO = re.compile(
    r"\b(?:(half|quarter|\d{1,2})\s+(past|after)|(quarter)\s+(to|til|till|before|of))\s+(\d{1,2})\b"
)
_RANGE = re.compile(
    r"\b(?:between\s+" + _CLOCK + r"\s+and\s+" + _CLOCK
    + r"|from\s+" + _CLOCK + r"\s*(?:-|to|till|til|until)\s*" + _CLOCK
    + r"|" + _CLOCK + r"\s*(?:-|to|till|until)\s*" + _CLOCK + r")\b" + _NOT_A_TIME
)  # fmt: skip
_COLON_TIME = re.compile(r"\b(\d{1,2}):([0-5]\d)(?::[0-5]\d)?(?:\s*(am|pm)\b|(a|p)\b)?")
# "14.30", "9.30am": the clock as much of the world writes it. Not money ("$14.30") or a decimal.
_DOTTED_TIME = re.compile(
    r"(?<![\d.$])\b(\d{1,2})\.([0-5]\d)(?![\d.%])(?!\s*(?:k\b|%|percent|miles?|mi\b|bath|ba\b))"
    r"(?:\s*(am|pm)\b|(a|p)\b)?"
)
_MERIDIEM_TIME = re.compile(r"\b(\d{1,2})(?:\s*(am|pm)\b|(a|p)\b)")
_BARE_AFTER_WORD = re.compile(
    r"\b(?:at|around|about|abt|by|say|approx(?:imately)?|roughly|like|maybe"
    # a correction: "at 4, no 5", "(actually 3, she just texted)", "wait, she said 12"
    r"|no|nope|actually|wait|sorry|said|rather|make\s+it)[\s,]+(\d{1,2})\b" + _NOT_A_TIME
)
_BARE = re.compile(r"^\s*(\d{1,2})\b" + _NOT_A_TIME)
# ("saturday morning 9", "tomorrow afternoon 3": the part of the day may stand between)
_HOUR_AFTER_DAY = re.compile(
    r"\s+(?:(?:in\s+the\s+)?(?:morning|afternoon|evening|night)\s+)?(?:at\s+)?(\d{1,2})\b"
    + _NOT_A_TIME
)
_PERIOD = re.compile(
    r"\b(?:in\s+the\s+)?(morning|afternoon|evening|night|after\s+lunch|lunchtime)\b"
)


# A pattern runs only on text that holds one of its cues.
_CUES: dict[re.Pattern[str], tuple[str, ...]] = {
    _NTH_WEEKDAY: (" of", " in"),
    _PAST: (
        "yesterday",
        "last",
        "past",
        "previous",
        "other day",
        "earlier",
        "ago",
        "back",
        "gone",
        "passed",
        "been",
        "prior",
    ),
    _DURATION: ("in ",),
    _DURATION_FROM_NOW: ("from now",),
    _RELATIVE[0][0]: ("after tomorrow",),
    _RELATIVE[1][0]: ("week",),
    _RELATIVE[2][0]: ("week",),
    _RELATIVE[3][0]: ("tomorrow",),
    _RELATIVE[4][0]: ("today",),
    _RELATIVE_COUNT: ("day", "week", "fortnight"),
    _TONIGHT: ("tonight", "this "),
    _WEEKDAY_PATTERNS[0][0]: ("next week",),
    _WEEKDAY_PATTERNS[1][0]: ("week",),
    _WEEKDAY_PATTERNS[2][0]: ("coming",),
    _WEEKDAY_PATTERNS[3][0]: ("this ",),
    _WEEKDAY_PATTERNS[4][0]: ("this week",),
    _WEEKDAY_PATTERNS[5][0]: ("next ",),
    _WEEKDAY_PATTERNS[6][0]: ("day",),
    HOLIDAY: (
        "thanksgiving",
        "christmas",
        "xmas",
        "new year",
        " day",
        "friday",
        "halloween",
        "july",
        "nye",
        "juneteenth",
    ),
    _VAGUE_DAY: ("week", "end of"),
    _ISO_DATE: ("-",),
    _NUMERIC_DATE: ("/",),
    _NOON: ("noon", "midday", "mid-day", "midnight"),
    _RANGE: ("-", " to ", " til", "between", "until"),
    _PAST_TO: ("past", "after", " to ", " til", "before", " of "),
    _COLON_TIME: (":",),
    _DOTTED_TIME: (".",),
    _PERIOD: ("morning", "afternoon", "evening", "night", "lunch"),
}


# Words that turn the day after them down: "not this friday", "isn't monday", "not on the 5th".
_NEGATION = re.compile(
    r"(?:\bnot|n't|\bnever|\bexcept(?:\s+for)?|\bother\s+than|\bany\s*(?:day|time|thing)\s+but"
    r"|\banything\s+but)\s+(?:on\s+|the\s+)*$"
)


def read_phrase(text: str, *, day_first: bool = False) -> Reading:
    """Find every time-like piece in `text` (a phrase, or a sentence that holds one)."""
    t = _Text(normalise(text))
    reading = Reading()
    day_ends: list[int] = []

    def add_day(m: re.Match[str], day: DayRef) -> None:
        reading.days.append(day)
        day_ends.append(m.end())
        if _NEGATION.search(t.text, max(0, m.start() - 20), m.start()):
            reading.negated.append(m.group(0))

    reading.unsure = [
        m.group(0)
        for pattern, cues in ((_NTH_WEEKDAY, (" of", " in")), (_COUNT_FROM_A_DAY, _COUNTED_CUES))
        if any(cue in t.text for cue in cues)  # most phrases hold none: no scan
        for m in t.find(pattern)
    ]
    reading.past = [m.group(0) for m in t.find(_PAST)]

    for m in t.find(_DURATION) + t.find(_DURATION_FROM_NOW):
        if m.group(1) in _VAGUE_COUNTS:  # "in a few hours" names no time: asked
            reading.unsure.append(m.group(0))
            continue
        amount = 0.5 if m.group(1).startswith("half") else _count(m.group(1))
        unit = m.group(2)
        minutes = amount * (60 if unit.startswith("h") else 1)
        if m.group(3):
            minutes += 30 if unit.startswith("h") else 0.5
        reading.duration_minutes = (reading.duration_minutes or 0) + minutes
        reading.duration_text = m.group(0)

    for m in t.find(_RELATIVE_COUNT):  # before "today": "2 weeks from today" is one day
        count, unit, count2, unit2, base = m.groups()
        if (count or count2) in _VAGUE_COUNTS:  # "a couple days from now": which day?
            reading.unsure.append(m.group(0))
            continue
        per = {"w": 7, "f": 14}.get((unit or unit2)[0], 1)  # a fortnight is two weeks
        n = int(_count(count or count2)) * per
        add_day(m, RelativeDay(n + (1 if base == "tomorrow" else 0), m.group(0)))
    for pattern, days in _RELATIVE:
        for m in t.find(pattern):
            add_day(m, RelativeDay(days, m.group(0)))
    for m in t.find(_TONIGHT):
        add_day(m, RelativeDay(0, m.group(0)))
        reading.period = "evening" if m.group(1) == "tonight" else _period(m.group(2))

    for m, date_ref in _read_dates(t, reading, day_first):
        add_day(m, date_ref)

    for m in t.find(HOLIDAY):
        add_day(m, NamedDay(m.group(1), m.group(0)))
    for pattern, mode in _WEEKDAY_PATTERNS:
        for m in t.find(pattern):
            add_day(m, WeekdayRef(WEEKDAYS.index(m.group(1)), mode, m.group(0)))
    for m in t.find(_VAGUE_DAY):
        reading.vague_day = m.group(0)

    _read_times(t, reading, day_ends, day_first)
    spaced = SPACED_MINUTES.search(t.text) if reading.times else None  # one quick look first
    for m in _MINUTES_LEFT.finditer(t.text, spaced.start()) if spaced else ():
        # "dec 10 3 30" read as 3 o'clock: which time?
        if t.kind_at(m.start(1)) == CLOCK and t.free(*m.span(2)):
            reading.unsure.append(t.text[m.start(1) : m.end(2)])

    for m in t.find(_PERIOD):
        reading.period = reading.period or _period(m.group(1))

    reading.zones, clocks = read_zones(t.text, t)
    reading.whose_clock.extend(clocks)
    # read when the phrase is resolved, not when it is found; in a page, near what was read
    reading.unread_in = (t.text, t.free, t.first, t.last)
    if t.last > t.first:
        reading.words = t.text[t.first : t.last].strip()
        pieces = len(reading.days) + len({(c.hour, c.minute) for c in reading.times})
        reading.options = pieces > 1 and bool(_OPTIONS.search(reading.words))
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
        month = _MONTHS[(m["m1"] or m["m2"] or m["m3"])[:3]]
        year = m["y1"] or m["y2"]
        add(m, month, int(m["d1"] or m["d2"]), int(year) if year else None)
    for m in t.find(_ORDINAL_DAY):
        if 1 <= int(m.group(1)) <= 31:
            found.append((m, DayOfMonth(int(m.group(1)), m.group(0))))
        else:
            reading.bad.append(m.group(0))
    return found


AddTime = Callable[[re.Match[str], int, "ClockTime | None"], None]


def _read_times(t: _Text, reading: Reading, day_ends: list[int], day_first: bool) -> None:
    times: list[tuple[int, int, ClockTime]] = []

    def add(m: re.Match[str], start: int, clock: ClockTime | None) -> None:
        if clock is None:
            reading.bad.append(m.group(0).strip())
        else:
            times.append((start, m.end(), clock))

    for m in t.find(_NOON, CLOCK):
        hour = 0 if m.group(1) == "midnight" else 12
        add(m, m.start(), ClockTime(hour, 0, "am" if hour == 0 else "pm", m.group(0)))
    for m in t.find(_RANGE, CLOCK):
        # Each of the three forms holds (hour, minute, meridiem) twice; take the one that matched.
        groups = m.groups()
        i = next(i for i in range(0, 18, 6) if groups[i] is not None)
        h1, m1, mer1, h2, m2, mer2 = groups[i : i + 6]
        end = _clock(h2, m2, mer2, h2)
        start_meridiem = mer1 or _range_start_meridiem(int(h1), int(m1 or 0), end)
        add(m, m.start(), _clock(h1, m1, start_meridiem, m.group(0)))
    for m in t.find(_PAST_TO, CLOCK):
        amount_past, past, amount_to, to, hour_text = m.groups()
        amount, relation = (amount_past, past) if past else (amount_to, to)
        minutes = {"half": 30, "quarter": 15}.get(amount) or int(amount)
        hour = int(hour_text)
        if not (1 <= hour <= 12 and 0 < minutes < 60):
            add(m, m.start(), None)
            continue
        if relation in ("to", "til", "till", "before", "of"):
            hour, minutes = (hour - 1 or 12), 60 - minutes
        add(m, m.start(), ClockTime(hour, minutes, None, m.group(0)))
    for m in t.find(_COLON_TIME, CLOCK):
        add(m, m.start(), _clock(m.group(1), m.group(2), m.group(3) or m.group(4), m.group(0)))
    dotted = t.find(_DOTTED_TIME, CLOCK)
    for m in t.find(_MERIDIEM_TIME, CLOCK):
        add(m, m.start(), _clock(m.group(1), None, m.group(2) or m.group(3), m.group(0)))
    for m in t.find(_BARE_AFTER_WORD, CLOCK):
        add(m, m.start(1), _clock(m.group(1), None, None, m.group(1)))
    # A bare hour right after a day is a clock time: "thursday 2", "tomorrow 10".
    for day_end in day_ends:
        hm = _HOUR_AFTER_DAY.match(t.text, day_end)
        if hm and t.free(hm.start(1), hm.end(1)):
            t.claim(*hm.span(1), CLOCK)
            add(hm, hm.start(1), _clock(hm.group(1), None, None, hm.group(1)))
    for m in t.find(_BARE, CLOCK):
        add(m, m.start(1), _clock(m.group(1), None, None, m.group(1)))

    # "14.30" is a time; in a day-first zone "10.12" may be 10 December: a date beside another
    # time, a time beside a day, else a question.
    for m in dotted:
        hour, minute, meridiem = int(m.group(1)), int(m.group(2)), m.group(3) or m.group(4)
        dated = day_first and not meridiem and 1 <= hour <= 31 and 1 <= minute <= 12
        if dated and times:
            reading.days.append(DateRef(minute, hour, None, m.group(0)))
        elif dated and not (reading.days or reading.period):
            reading.unsure.append(m.group(0))
        else:
            add(m, m.start(), _clock(m.group(1), m.group(2), meridiem, m.group(0)))

    # "at 3 or 4", "2/3": a bare number offered beside a clock is another clock.
    for clock_start, clock_end, _ in list(times):
        om = _OR_HOUR.match(t.text, clock_end)
        if om and t.free(*om.span(1)):
            t.claim(*om.span(1), CLOCK)
            add(om, om.start(1), _clock(om.group(1), om.group(2), None, om.group(0).strip()))
        ob = _HOUR_OR.search(t.text, max(0, clock_start - 12), clock_start)  # "1 / 2pm"
        if ob and t.free(*ob.span(1)):
            t.claim(*ob.span(1), CLOCK)
            add(ob, ob.start(1), _clock(ob.group(1), ob.group(2), None, ob.group(1)))

    times.sort(key=lambda item: item[0])
    reading.times = [clock for _, _, clock in times]


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
