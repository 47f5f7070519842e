"""Turns the words an agent typed into the exact UTC moment of a tour, or a question.

The rules (the README's time table): read the words in the tour's zone (a zone in the text wins),
count days on the local calendar, confirm or ask whenever more than one moment fits, never guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.time.holidays import holiday_on_or_after
from bot.time.vocabulary import NUMBER_WORDS, WEEKDAYS
from bot.time.words import (
    ClockTime,
    DateRef,
    DayOfMonth,
    DayRef,
    NamedDay,
    Reading,
    RelativeDay,
    WeekdayRef,
    read_phrase,
)
from bot.time.zone_words import WrittenZone

Status = Literal["ok", "confirm", "ask", "reject"]
DateOrder = Literal["MDY", "DMY"]

DEFAULT_TOUR_HOURS = (time(8, 0), time(20, 0))
HINT = "Try a day and a time, like “tomorrow at 3pm”, “fri 2:30pm” or “12/5 at 10am”."
AHEAD = "Give a time that is still ahead."
MAX_TEXT = 40_000  # the longest message Slack sends; longer text is refused unread
FAR_AHEAD = timedelta(days=60)  # further out is unusual (often a date just past): confirmed


@dataclass(frozen=True)
class ResolvedTime:
    """The resolver's answer. `starts_at` (UTC) and `local` (the tour's zone) are set for ok and
    confirm; `reason` says, in one sentence for the agent, why it is not simply ok."""

    status: Status
    starts_at: datetime | None = None
    local: datetime | None = None
    reason: str | None = None
    alternatives: tuple[datetime, ...] = ()  # other readings, for confirm
    show_year: bool = False  # far enough ahead that the year must be shown with the day

    @property
    def appointment_date(self) -> str | None:
        return self.starts_at.strftime("%Y-%m-%d") if self.starts_at else None

    @property
    def appointment_time(self) -> str | None:
        return self.starts_at.strftime("%H:%M:00") if self.starts_at else None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        if self.starts_at is not None and self.local is not None:
            out["appointment_date"] = self.appointment_date
            out["appointment_time"] = self.appointment_time
            out["local"] = self.local.isoformat()
        if self.status != "ok":
            out["reason"] = self.reason
        return out


class _Answer(Exception):
    """Raised inside the resolver to stop with an ask or a reject."""

    def __init__(self, status: Status, reason: str) -> None:
        self.status = status
        self.reason = reason


def resolve_time(
    text: str,
    *,
    zone: ZoneInfo | str,
    now: datetime | None = None,
    date_order: DateOrder = "MDY",
    tour_hours: tuple[time, time] = DEFAULT_TOUR_HOURS,
) -> ResolvedTime:
    """Resolve `text` read in `zone` (the property's or agent's) at `now` (default: the clock)."""
    tour_zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=tour_zone)
    if not text or not text.strip():
        return ResolvedTime("reject", reason=f"There is no time to read. {HINT}")
    if len(text) > MAX_TEXT:
        return ResolvedTime(
            "reject",
            reason=f"That is {len(text):,} characters, longer than any Slack message "
            f"({MAX_TEXT:,}); give just the day and time. {HINT}",
        )
    reading = read_phrase(text, day_first=date_order == "DMY")
    try:
        return _resolve(reading, tour_zone, now, tour_hours)
    except _Answer as answer:
        return ResolvedTime(answer.status, reason=answer.reason)
    except (OverflowError, ValueError):  # a year like 9999 or 0001 pushed past the calendar
        return ResolvedTime("reject", reason=f"That date is out of range. {HINT}")


def _resolve(
    reading: Reading, tour_zone: ZoneInfo, now: datetime, tour_hours: tuple[time, time]
) -> ResolvedTime:
    if reading.past:
        raise _Answer("reject", _passed(reading, now.astimezone(tour_zone).date()))
    if reading.bad:
        raise _Answer("reject", f"“{reading.bad[0]}” is not a real date or time. {HINT}")
    if reading.unread:
        raise _Answer(
            "ask",
            f"I couldn't read “{reading.unread[0]}” here; write the day as a weekday or a date, "
            "like “thu 2pm” or “12/10 at 2pm”.",
        )
    if reading.unsure:
        raise _Answer(
            "ask",
            f"I can't be sure which day or time “{reading.unsure[0]}” is; write the date as "
            "month/day and the time with a colon, like “12/26 at 3:15pm”.",
        )
    if reading.options and (len(reading.days) > 1 or len(reading.times) > 1):
        raise _Answer("ask", f"“{reading.words}” offers more than one; which one?")
    written = _one_zone(reading.zones)
    if written is None and reading.whose_clock:
        raise _Answer(
            "ask",
            f"Which time zone is “{reading.whose_clock[0]}”? Write it with the time, like "
            "“7pm ET” or “7pm London time”.",
        )
    if reading.duration_minutes is not None:
        if reading.days or reading.times:
            raise _Answer(
                "ask", f"“{reading.duration_text}” and a day or time were both given; which is it?"
            )
        # In UTC: Python adds to an aware local time on the wall clock, not in elapsed time.
        elapsed = now.astimezone(UTC) + timedelta(minutes=reading.duration_minutes)
        starts = elapsed.replace(second=0, microsecond=0)
        return _checked(starts, tour_zone, now, tour_hours, notes=[])

    weekday = next((d for d in reading.days if isinstance(d, WeekdayRef)), None)
    if weekday and weekday.mode == "plain" and (reading.vague_day or "").startswith("next"):
        # "friday at 3, but next week": this Friday or next week's is not for us to choose
        raise _Answer(
            "ask",
            f"“{weekday.text}” and “{reading.vague_day}”: which day? Say “next week "
            f"{weekday.text}” or the date.",
        )
    words_zone = ZoneInfo(written.zone) if written else tour_zone
    today = now.astimezone(words_zone).date()
    clock = _one_clock(reading)
    day, notes, alternatives = _one_day(reading, today, clock)
    if clock is None:
        if day is None and not reading.vague_day and not reading.period:
            raise _Answer("reject", f"I couldn't find a time in that. {HINT}")
        if day is None:
            raise _Answer("ask", "Which day and what time? Add both, like “fri 2pm”.")
        raise _Answer(
            "ask", f"What time on {_day_text(day)}? Add one, like “{_day_word(day)} 3pm”."
        )
    hour, minute = _hour_minute(clock, reading)

    explicit_day = day is not None
    if day is None:
        if reading.vague_day:
            raise _Answer("ask", f"Which day {reading.vague_day}? Add one, like “tuesday 2pm”.")
        day = today
        if _local(day, hour, minute, words_zone, check=False) <= now:
            day = today + timedelta(days=1)  # a bare time already past means tomorrow
    elif (
        isinstance(day, _WeekdayToday) and _local(day, hour, minute, words_zone, check=False) <= now
    ):
        day = day + timedelta(days=7)  # the weekday of today, once its time has passed

    starts = _local(day, hour, minute, words_zone)
    if explicit_day and starts <= now:
        when = _when_text(starts.astimezone(words_zone))
        raise _Answer("reject", f"{when} has already passed. {AHEAD}")
    if written is not None and (season := _season_mismatch(written, starts)):
        notes.append(season)
    other = tuple(
        _local(d, hour, minute, words_zone).astimezone(UTC)
        for d in alternatives
        if _exists(d, hour, minute, words_zone)
    )
    return _checked(starts, tour_zone, now, tour_hours, notes=notes, alternatives=other)


_DAYS_AGO = re.compile(r"(\d+|a|one|two|three|four|five|six|seven) days? ago")
_LAST_WEEKDAY = re.compile(r"(?:last|past|previous) (" + "|".join(WEEKDAYS) + r")$")


def _passed(reading: Reading, today: date) -> str:
    """Why backward words are refused: the moment they name when it can be told, else the words."""
    words = reading.past[0]
    day: date | None = None
    if "day before yesterday" in words or "night before last" in words:
        day = today - timedelta(days=2)
    elif words == "yesterday":
        day = today - timedelta(days=1)
    elif m := _DAYS_AGO.fullmatch(words):
        back = int(m[1]) if m[1].isdigit() else NUMBER_WORDS[m[1]]
        day = today - timedelta(days=back) if back < 400 else None
    elif m := _LAST_WEEKDAY.search(words):
        day = today - timedelta(days=(today.weekday() - WEEKDAYS.index(m[1])) % 7 or 7)
    clocks = {(c.hour, c.minute, c.meridiem) for c in reading.times}
    if day is not None and len(clocks) == 1 and len(reading.past) == 1 and not reading.days:
        hour, minute = _hour_minute(reading.times[0], reading)
        return (
            f"{_when_text(datetime.combine(day, time(hour, minute)))} has already passed. {AHEAD}"
        )
    if day is not None and len(reading.past) == 1 and not (reading.days or reading.times):
        return f"{_day_text(day)} has already passed. {AHEAD}"
    return f"“{words}” points to the past: that time has already passed. {AHEAD}"


def _one_zone(zones: list[WrittenZone]) -> WrittenZone | None:
    if len({z.zone for z in zones}) > 1:
        shown = " or ".join(f"“{z.text.upper()}”" for z in zones)
        raise _Answer("ask", f"Which time zone: {shown}?")
    return zones[0] if zones else None


def _season_mismatch(written: WrittenZone, starts: datetime) -> str | None:
    """People write "EST" all year for New York's clock: take the region's actual time that
    day, and say so, when the abbreviation names the other season."""
    daylight = bool(starts.dst())
    if written.season is None or (written.season == "daylight") == daylight:
        return None
    said = "standard" if written.season == "standard" else "daylight saving"
    return (
        f"{written.text.upper()} is {said} time, but {starts.tzinfo} is on {starts.tzname()} on "
        f"{_day_text(starts.date())}; I took {_clock_text(starts.hour, starts.minute)} "
        f"{starts.tzname()}"
    )


class _WeekdayToday(date):
    """Today, reached by naming today's weekday: it moves a week on if its time has passed."""


def _one_clock(reading: Reading) -> ClockTime | None:
    distinct = {(c.hour, c.minute, c.meridiem) for c in reading.times}
    if len(distinct) > 1:
        shown = " or ".join(f"“{c.text}”" for c in reading.times)
        raise _Answer("ask", f"I see more than one time ({shown}); which one?")
    return reading.times[0] if reading.times else None


def _hour_minute(clock: ClockTime, reading: Reading) -> tuple[int, int]:
    hour, minute = clock.hour, clock.minute
    if clock.meridiem == "am":
        return (0 if hour == 12 else hour), minute
    if clock.meridiem == "pm":
        return (hour if hour == 12 else hour + 12), minute
    if hour == 0 or hour > 12 or clock.zero_padded:
        return hour, minute  # 24-hour notation
    period = reading.period
    if period == "morning":
        return (0 if hour == 12 else hour), minute
    if period in ("afternoon", "evening", "night"):
        if hour == 12:
            raise _Answer("ask", "Did you mean 12 noon or 12 midnight?")
        return hour + 12, minute
    # Tour hours: 8–11 morning, 12 noon, 1–7 afternoon or evening.
    return (hour if hour >= 8 else hour + 12), minute


def _one_day(
    reading: Reading, today: date, clock: ClockTime | None
) -> tuple[date | None, list[str], list[date]]:
    """The single day the words name (None if they name none), notes for confirm, other readings."""
    notes: list[str] = []
    alternatives: list[date] = []
    if reading.negated:  # "monday 3pm, not this monday": the day turned down may be the one read
        raise _Answer(
            "ask", f"Which day did you mean? You wrote “not {reading.negated[0]}”; add the date."
        )
    weekdays = [d for d in reading.days if isinstance(d, WeekdayRef)]
    others = [d for d in reading.days if not isinstance(d, WeekdayRef)]
    if len(weekdays) > 1 and len({w.weekday for w in weekdays}) > 1:
        raise _Answer("ask", f"Which day: {' or '.join(w.text for w in weekdays)}?")

    candidates = {_day_of(d, today) for d in others}
    if len(candidates) > 1:
        shown = " or ".join(f"“{d.text}”" for d in others)
        raise _Answer("ask", f"Which day: {shown}?")
    if candidates:
        day = candidates.pop()
        for w in weekdays:  # "Thu 12/3": the weekday must agree with the date
            if day.weekday() != w.weekday and isinstance(others[0], RelativeDay):
                raise _Answer("ask", f"Which day: “{others[0].text}” or “{w.text}”?")
            if day.weekday() != w.weekday:
                raise _Answer(
                    "ask",
                    f"{_day_text(day, weekday=False)} is a {_weekday_name(day.weekday())}, "
                    f"not a {_weekday_name(w.weekday)}; which day did you mean?",
                )
        return day, notes, alternatives
    if not weekdays:
        return None, notes, alternatives

    readings = [_weekday_day(w, today) for w in weekdays]
    # "next friday, not this friday": the same weekday named two ways is one day only if every
    # way names that one day for sure.
    if len({day for day, _, _ in readings}) > 1 or (
        len({w.mode for w in weekdays}) > 1 and any(later for _, _, later in readings)
    ):
        shown = " or ".join(dict.fromkeys(f"“{w.text}”" for w in weekdays))
        raise _Answer("ask", f"Which day: {shown}?")
    return readings[0]


def _weekday_day(ref: WeekdayRef, today: date) -> tuple[date, list[str], list[date]]:
    """The day a weekday names, notes for confirm, and its other reading."""
    notes: list[str] = []
    alternatives: list[date] = []
    monday = today - timedelta(days=today.weekday())
    if ref.mode == "this":
        day = monday + timedelta(days=ref.weekday)
        if day < today:
            raise _Answer(
                "reject",
                f"“{ref.text}” was {_day_text(day)}, already past. Did you mean next week's?",
            )
        return day, notes, []
    if ref.mode == "next_week":
        return monday + timedelta(days=7 + ref.weekday), notes, []
    ahead = (ref.weekday - today.weekday()) % 7
    if ref.mode == "plain":
        if ahead == 0:
            return _WeekdayToday.fromordinal(today.toordinal()), notes, []
        return today + timedelta(days=ahead), notes, []
    nearest = today + timedelta(days=ahead or 7)  # "next <weekday>"
    # Within this week people disagree; said on a weekend too, since many weeks start on Sunday.
    if nearest <= monday + timedelta(days=6) or today.weekday() >= 5:
        later = nearest + timedelta(days=7)
        notes.append(
            f"“{ref.text}” could mean {_day_text(nearest)} or {_day_text(later)}; "
            f"I took {_day_text(nearest)}"
        )
        alternatives.append(later)
    return nearest, notes, alternatives


def _day_of(ref: DayRef, today: date) -> date:
    if isinstance(ref, RelativeDay):
        return today + timedelta(days=ref.days)
    if isinstance(ref, DateRef):
        if ref.year is not None:
            return _date(ref.year, ref.month, ref.day, ref.text)
        for year in range(today.year, today.year + 9):
            try:
                day = date(year, ref.month, ref.day)
            except ValueError:
                continue  # Feb 29 outside a leap year
            if day >= today:
                return day
        raise _Answer("reject", f"“{ref.text}” is not a date I can book.")
    if isinstance(ref, NamedDay):
        return holiday_on_or_after(ref.name, today)
    if isinstance(ref, DayOfMonth):
        year, month = today.year, today.month
        for _ in range(13):
            try:
                if (candidate := date(year, month, ref.day)) >= today:
                    return candidate
            except ValueError:
                pass  # no such day this month (the 31st in November)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        raise _Answer("reject", f"“{ref.text}” is not a date I can book.")
    raise AssertionError(ref)


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Answer("reject", f"“{text}” is not a real date. {HINT}") from None


def _exists(day: date, hour: int, minute: int, zone: ZoneInfo) -> bool:
    naive = datetime(day.year, day.month, day.day, hour, minute)
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def _local(day: date, hour: int, minute: int, zone: ZoneInfo, *, check: bool = True) -> datetime:
    """The instant of a local wall time; asks when DST skips it (a time that happens twice takes
    its first occurrence and is confirmed later)."""
    naive = datetime(day.year, day.month, day.day, hour, minute)
    aware = naive.replace(tzinfo=zone, fold=0)
    if check and not _exists(day, hour, minute, zone):
        raise _Answer(
            "ask",
            f"{_clock_text(hour, minute)} does not exist on {_day_text(day)} in {zone.key}: "
            "the clocks skip that hour for daylight saving. Which time did you mean?",
        )
    return aware


def _checked(
    starts: datetime,
    tour_zone: ZoneInfo,
    now: datetime,
    tour_hours: tuple[time, time],
    *,
    notes: list[str],
    alternatives: tuple[datetime, ...] = (),
) -> ResolvedTime:
    """Apply the guards every reading goes through: a year ahead at most, DST folds, tour hours."""
    local = starts.astimezone(tour_zone)
    now_local = now.astimezone(tour_zone)
    if local.date() > _add_year(now_local.date()):
        raise _Answer(
            "reject",
            f"{_when_text(local)}, {local.year} is more than a year ahead. "
            "Check the date or the year.",
        )
    notes = list(notes)
    alternatives = tuple(alternatives)
    far = local.date() > now_local.date() + FAR_AHEAD
    if far:
        notes.append(
            f"{_day_text(local.date(), year=True)} is more than {FAR_AHEAD.days} days ahead; "
            "check the date and the year"
        )
    wall = starts.replace(fold=1)
    if wall.utcoffset() != starts.utcoffset():  # the wall time happens twice (DST ends)
        second = wall.astimezone(UTC)
        alternatives += (second,)
        notes.append(
            f"{_clock_text(starts.hour, starts.minute)} happens twice on "
            f"{_day_text(starts.date())} as clocks go back; I took the first "
            f"({starts.tzname()}), not the second ({wall.tzname()})"
        )
    start, end = tour_hours
    if not (start <= local.time().replace(tzinfo=None) <= end):
        notes.append(
            f"{_clock_text(local.hour, local.minute)} is outside tour hours "
            f"({_clock_text(start.hour, start.minute)}–{_clock_text(end.hour, end.minute)})"
        )
    utc = starts.astimezone(UTC)
    if notes:
        reason = "; ".join(notes) + ". Please confirm."
        return ResolvedTime("confirm", utc, local, reason, alternatives, show_year=far)
    return ResolvedTime("ok", utc, local)


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _weekday_name(weekday: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[weekday]


def _day_word(day: date) -> str:
    return _weekday_name(day.weekday())[:3].lower()


def _day_text(day: date, *, weekday: bool = True, year: bool = False) -> str:
    text = f"{day:%b} {day.day}" + (f", {day.year}" if year else "")
    return f"{day:%a}, {text}" if weekday else text


def _clock_text(hour: int, minute: int) -> str:
    if (hour, minute) == (12, 0):
        return "12:00 PM"
    return f"{hour % 12 or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"


def _when_text(moment: datetime) -> str:
    return f"{_day_text(moment.date())} at {_clock_text(moment.hour, moment.minute)}"


def short_when(resolved: ResolvedTime) -> str:
    """The local day and time with the zone's abbreviation: "Thu, Nov 26, 3:00 PM EST" (with the
    year, "Fri, Dec 3, 2027, 3:15 PM EST", when the tour is far ahead)."""
    local = resolved.local
    if local is None:
        return ""
    day = _day_text(local.date(), year=resolved.show_year)
    return f"{day}, {_clock_text(local.hour, local.minute)} {local.tzname()}"


def describe(resolved: ResolvedTime, *, place: str = "at the property") -> str:
    """One line an agent can check: "Thu, Nov 26, 3:00 PM EST at the property · 20:00 UTC"."""
    if resolved.local is None or resolved.starts_at is None:
        return resolved.reason or ""
    return f"{short_when(resolved)} {place} · {resolved.starts_at:%H:%M} UTC"


def warm_up() -> None:
    """Load everything the first agent's phrase would otherwise pay for (the zone names and
    places, each zone's rules)."""
    for phrase in (
        "tomorrow at 3pm",
        "Dec 3rd 3:15 PM",
        "3pm PT",
        "next fri 2-3",
        "3pm Europe/Paris",
        "7pm madrid time",  # the places of the zone database
        "thrus 2pm",  # a misspelt day
    ):
        resolve_time(phrase, zone="America/New_York")
