"""Changes to the tour time as agents make them in a thread: "push it an hour", "half an hour
earlier", "make it 4", "same time tuesday", "not monday, tuesday", "sun" (one of two options
offered), "the 4th" (which "next friday" was meant).

What stays: a new hour keeps the day, a new day keeps the hour, and a weekday alone is the one
nearest the day the talk was about ("thursday instead", said of next Tuesday, is next Thursday;
"sunday" of a Monday is the day before). Anything the words leave unclear goes to the resolver
as words, so it asks; nothing is guessed here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.time.resolve import DateOrder, ResolvedTime, resolve_time
from bot.time.words import (
    WEEKDAYS,
    DateRef,
    DayOfMonth,
    DayRef,
    Reading,
    RelativeDay,
    WeekdayRef,
    normalise,
    read_phrase,
)

_NUMBER = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0}
_DURATION = re.compile(
    r"(?i)\b(?P<amount>half\s+an?|an?\s+half|a\s+quarter\s+of\s+an?|quarter\s+of\s+an?"
    r"|(?:a\s+)?couple(?:\s+of)?|an?|one|two|three|four|five|\d{1,3}(?:\.\d+)?)\s*"
    r"(?P<unit>hours?|hrs?|h|minutes?|mins?|m|days?|weeks?|wks?)\b(?P<half>\s+and\s+a\s+half)?"
)
_UNIT_MINUTES = {"h": 60, "m": 1, "d": 24 * 60, "w": 7 * 24 * 60}
# "same time next week", "move it to next week": the same day and hour, a week on.
_NEXT_WEEK = re.compile(
    r"(?i)\bsame\s+(?:time|day)\s+next\s+week\b|\bnext\s+week\s+same\s+(?:time|day)\b"
    r"|\b(?:move|push|bump|make|change|switch|reschedule)\b.*\b(?:to|till|until)\s+next\s+week\b"
)
_WEEKDAY_WORD = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
# A week on from the tour's day: "the following week", "the following friday" (of a Friday
# tour), "the friday after", "a week later". Not "the friday after thanksgiving".
_FOLLOWING = re.compile(
    rf"(?i)\b(?:the\s+)?following\s+(?:week\b|(?P<weekday>{_WEEKDAY_WORD})\b)"
    rf"|\bthe\s+(?P<weekday2>{_WEEKDAY_WORD})\s+after\b(?!\s+\w)"
    r"|\bthe\s+week\s+after\b(?!\s+\w)|\ba\s+week\s+later\b"
)
# A day counted from the tour's: "the friday before that", "the day after", "the week before".
_FROM_IT = re.compile(
    rf"(?i)\b(?:the\s+)?(?P<what>{_WEEKDAY_WORD}|day|week)\s+(?P<way>before|after)"
    r"(?:\s+(?:that|it|then|that\s+one))?\b(?!\s+(?:tomorrow|today|next|this|the|christmas|\d))"
)
_IT = r"(?:\s+(?:it|that|her|him|them|the\s+tour|the\s+time))?"
# Which way a duration moves the tour: "an hour later", "push it back", "move it up".
_LATER = re.compile(
    rf"(?i)\b(?:later|after|push(?:ed)?|delay(?:ed)?|postpone|(?:move|bump|set|put){_IT}\s+back)\b"
)
_EARLIER = re.compile(
    rf"(?i)\b(?:earlier|sooner|(?:move|bump|bring|pull|push){_IT}\s+(?:up|ahead|in))\b"
)
_FORWARD = re.compile(r"(?i)\bforward\b")  # earlier to some, later to others: asked
# A reply that moves the tour says so, or says little else: "push it an hour", "a day later".
_MOVES_IT = re.compile(
    rf"(?i)\b(?:push|move|bump|shift|delay|postpone|reschedule|slide|make|change)(?:ed|ing)?"
    rf"{_IT}?\b(?:\s+(?:it|that|her|him|them|the\s+tour|the\s+time|back|up|out|forward))"
    r"|\b(?:push|bump|slide)\s+(?:\w+\s+){0,2}?(?:an?|one|two|\d|half)"
)
_FILLER = re.compile(
    r"(?i)\b(?:ok|okay|actually|can|could|we|you|u|do|pls|please|let'?s|maybe|how|about|instead"
    r"|then|it|the|tour|just|so|oh|hmm|sorry|yeah|yes|no|hey|hi|thanks|thx)\b|[^\w\s]"
)
_SHORT = 7  # words, filler aside: "an hour later", "an hour and a half earlier"
# "make it 4 instead", "let's do 4", "ok then 7 it is": an hour alone, said as a change.
_HOUR_CHANGE = re.compile(
    r"(?i)(?:^|\b)(?:make\s+(?:it|that)|change\s+(?:it|that|the\s+time|the\s+tour|time)\s+to"
    r"|(?:move|push|bump|shift|switch)\s+(?:it|that|the\s+tour|the\s+time)?\s*to"
    r"|let'?s\s+(?:do|say|go\s+with)"
    r"|how\s+about|what\s+about|(?:can|could)\s+(?:we|you|u|she|he|they)\s+do"
    r"|(?:she|he|they)\s+(?:said|says|prefers|wants|asked\s+for)|try|(?:at|for)|then)\s+(?:at\s+)?"
    r"(?P<hour>\d{1,2}(?::[0-5]\d)?)(?![\d:/%$]|[,.]\d|\s*(?:bed|br\b|bd\b|ba\b|bath|month|mo\b|year|yr"
    r"|week|wk|day|hour|hr|min|people|persons?|guests?|kids?|pets?|dogs?|cats?|k\b|of\b|units?))"
    # An hour ends the thought or goes on in time words: "2 parking spots" is no hour.
    r"(?=\s*(?:$|[,.!?;:)\-]|(?:[ap]\.?m\b|ish|o'?clock|instead|then|please|pls|on|today"
    r"|tomorrow|tmrw|tonight|if|or|and|but|works?|would|is|sharp|that|this|next|same|not|mon|tue|wed"
    r"|thu|fri|sat|sun|in\s+the|eastern|central|pacific|mountain|[ecmp][sd]?t\b)))"
    r"|(?:^|\b)(?P<hour2>\d{1,2}(?::[0-5]\d)?)\s+it\s+is\b"
    # "4 instead of 2", "3pm instead"
    r"|(?:^|\b)(?P<hour4>\d{1,2}(?::[0-5]\d)?)(?:\s*[ap]\.?m\b\.?)?\s+instead\b"
    # "12 not 2", "not 2, 12": the one said without "not"
    r"|(?:^|\b)(?P<hour5>\d{1,2}(?::[0-5]\d)?)(?:\s*[ap]\.?m\b\.?)?,?\s+not\s+\d{1,2}\b"
    r"(?!\s*(?:bed|br\b|bd\b|ba\b|bath|people|persons?|guests?|units?|k\b|%|\$))"
    r"|\bnot\s+\d{1,2}(?::[0-5]\d)?(?:\s*[ap]\.?m\b\.?)?(?:\s+though)?\s*[,;:-]+\s*(?:it'?s\s+|make\s+it\s+)?"
    r"(?P<hour6>\d{1,2}(?::[0-5]\d)?)\b(?![:/.]\d)"
    # "no, 3": a number alone after a word that corrects.
    r"|^(?:no|nope|actually|wait|sorry|oops|correction)[\s,.!:-]+(?P<hour3>\d{1,2}(?::[0-5]\d)?)"
    r"\s*[.!]?$"
)
_OPTION_SPLIT = re.compile(r"(?i)\s*(?:,\s*)?\b(?:or|either)\b\s*|\s*/\s*")


@dataclass(frozen=True)
class TimeContext:
    """Where and when the tour's words are read: what the resolver needs."""

    zone: ZoneInfo
    now: datetime
    tour_hours: tuple[time, time]
    date_order: DateOrder = "MDY"

    def resolve(self, phrase: str) -> ResolvedTime:
        return resolve_time(
            phrase,
            zone=self.zone,
            now=self.now,
            date_order=self.date_order,
            tour_hours=self.tour_hours,
        )

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()


@dataclass(frozen=True)
class TimeChange:
    """The tour time's new words (None: the reply does not change the time), or why a change
    the reply asks for cannot be made."""

    phrase: str | None = None
    why: str | None = None


def time_change(
    before: str,
    reply: str,
    said: str | None,
    *,
    asked: str | None,
    context: TimeContext,
    declined: Sequence[str] = (),
) -> TimeChange:
    """What the reply does to the tour time `before`; `said` is the time the reader found in it,
    `declined` the times it turned down ("forget tuesday")."""
    if declined and said is None and (kept := _left_over(before, declined, context)):
        return TimeChange(kept)  # of "tuesday or monday at 2", "forget tuesday" keeps monday
    old = context.resolve(before) if before.strip() else None
    moment = old.local if old is not None and old.status in ("ok", "confirm") else None
    shift = shift_minutes(reply)
    if shift is None and _NEXT_WEEK.search(reply) and not (said and read_phrase(said).days):
        shift = 7 * 24 * 60
    about_it = moves_the_tour(reply)
    if (
        about_it
        and shift is None
        and moment is not None
        and (counted := _FROM_IT.search(normalise(reply)))
    ):
        shift = _days_from(moment.date(), counted["what"], counted["way"]) * 24 * 60
    if (
        about_it
        and shift is None
        and moment is not None
        and (following := _FOLLOWING.search(reply))
    ):
        # "the following friday" of a Friday tour is a week on; of another day, that Friday.
        day = following["weekday"] or following["weekday2"]
        if day is None or WEEKDAYS[moment.weekday()] == day.lower():
            shift = 7 * 24 * 60
    if shift is not None:
        clocks = read_phrase(said).times if said else []
        if moment is not None and clocks and shift % (24 * 60) == 0:
            # "the following friday at 4", "a week later at 3": that day, at the hour said
            day = moment.date() + timedelta(minutes=shift)
            return TimeChange(f"{day:%b} {day.day} {day.year} at {clocks[0].text}")
        return _shifted(moment, old, shift)
    if said is None:
        hour = _HOUR_CHANGE.search(reply)
        if not (hour and before and read_phrase(before).days):
            return TimeChange()
        said = next(
            hour[g] for g in ("hour", "hour2", "hour3", "hour4", "hour5", "hour6") if hour[g]
        )
    new = read_phrase(said, day_first=context.date_order == "DMY")
    if _bare_number(new, said) and asked != "tour_time" and not _HOUR_CHANGE.search(reply):
        return TimeChange()  # "maybe 2" beside "1 bed": a number, not a time
    if not before.strip():
        return TimeChange(said)
    old_reading = read_phrase(before, day_first=context.date_order == "DMY")
    if old_reading.options and (picked := _option(before, new, context)):
        return TimeChange(picked)
    if old_reading.options and len({(t.hour % 12, t.minute) for t in old_reading.times}) > 1:
        return TimeChange(said)  # "sat 11 or sun 2", then "monday": which hour is not said
    if moment is not None and (anchored := _in_the_week(new, moment.date(), context.today)):
        return TimeChange(_on_day(anchored, new, said, moment, context))
    return TimeChange(merged_time(before, said))


def _days_from(day: date, what: str, way: str) -> int:
    """Days from the tour's `day` to "the friday before" (the nearest one before it), "the day
    after", "the week before"."""
    step = -1 if way == "before" else 1
    if what in ("day", "week"):
        return step * (1 if what == "day" else 7)
    wanted = WEEKDAYS.index(what)
    days = step
    while (day + timedelta(days=days)).weekday() != wanted:
        days += step
    return days


def merged_time(before: str, correction: str) -> str:
    """A correction that gives only a time keeps the day ("make it 4pm" after "friday at 2" is
    "friday 4pm"), and one that gives only a day keeps the time; anything else replaces it.
    A day with a part of the day ("saturday morning") replaces the hour too: the resolver then
    asks what time, where keeping 2pm would book "saturday morning at 2pm"."""
    old, new = read_phrase(before), read_phrase(correction)
    if new.duration_minutes is not None or new.bad or old.duration_minutes is not None:
        return correction
    if new.times and not new.days and not new.vague_day and old.days:
        return f"{old.days[0].text} {correction}"
    if new.days and not new.times and new.period is None and old.times:
        return f"{correction} at {old.times[0].text}"
    return correction


def moves_the_tour(reply: str) -> bool:
    """Whether a reply that counts time ("an hour", "a day after") speaks of the tour: it says
    so ("push it", "move her"), or says little else. "She'll call us 30 minutes after she
    lands", "her move got delayed 2 weeks" move nothing."""
    return bool(_MOVES_IT.search(reply)) or len(_FILLER.sub(" ", reply).split()) <= _SHORT


def shift_minutes(reply: str) -> int | None:
    """ "push it an hour" is +60, "half an hour earlier" -30; None when the reply moves nothing
    (or says a duration from now: "in 2 hours")."""
    found = _DURATION.search(reply)
    if found is None:
        return None
    if not moves_the_tour(reply):
        return None
    ups = [m.span() for m in _EARLIER.finditer(reply)]
    earlier = bool(ups)
    # "push it up": the verb of an earlier move is no later one.
    later = any(not any(a <= m.start() < b for a, b in ups) for m in _LATER.finditer(reply))
    if later == earlier and not _FORWARD.search(reply):
        return None  # "in 2 hours", "2 hours" alone: not a move of the tour
    amount = found["amount"].lower()
    if amount.startswith(("half", "a half")):
        count = 0.5
    elif "quarter" in amount:
        count = 0.25
    elif "couple" in amount:
        count = 2.0
    else:
        count = _NUMBER.get(amount) or float(amount)
    if found["half"]:
        count += 0.5
    minutes = count * _UNIT_MINUTES[found["unit"].lower()[0]]
    if _FORWARD.search(reply) and not (later or earlier):
        return 0  # which way is asked
    return round(-minutes if earlier and not later else minutes)


def canonical(day: date, at: time, today: date) -> str:
    """A day and time in words every reader agrees on: "Sat Nov 28 at 4:00pm"."""
    year = f" {day.year}" if day.year != today.year else ""
    hour, half = at.hour % 12 or 12, "am" if at.hour < 12 else "pm"
    return f"{day:%a} {day:%b} {day.day}{year} at {hour}:{at.minute:02d}{half}"


def clock_text(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _shifted(moment: datetime | None, old: ResolvedTime | None, minutes: int) -> TimeChange:
    if minutes == 0:
        return TimeChange(why="Earlier or later? Say “an hour earlier” or “an hour later”.")
    if moment is None:
        return TimeChange(why="There is no tour time to move yet: say a day and a time.")
    if old is not None and old.alternatives:  # "next friday": which one is still open
        return TimeChange(why=old.reason)
    # On the wall clock: a day later is the same hour even across a change of clocks.
    moved = moment + timedelta(minutes=minutes)
    return TimeChange(canonical(moved.date(), moved.time(), moment.date()))


def _bare_number(new: Reading, said: str) -> bool:
    """A number with nothing that makes it a time: no day, no am/pm, no colon, no "at"."""
    return (
        not new.days
        and new.period is None
        and len(new.times) == 1
        and new.times[0].meridiem is None
        and ":" not in said
        and not re.search(r"(?i)\b(?:at|@|o'?clock)\b", said)
    )


def _option(before: str, new: Reading, context: TimeContext) -> str | None:
    """Of the options `before` offers ("sat 11 or sun 2"), the one the reply picks ("sun")."""
    matches: list[str] = []
    for option, offered in _options(before, context):
        same_day = new.days and offered.days and _same_days(new, offered)
        same_time = new.times and offered.times and _same_time(new, offered)
        if (same_day and (same_time or not new.times)) or (same_time and not new.days):
            matches.append(option)
    return matches[0] if len(matches) == 1 else None


def _left_over(before: str, declined: Sequence[str], context: TimeContext) -> str | None:
    """The one option of `before` that the turned-down words leave, if one is left."""
    options = _options(before, context)
    if len(options) < 2:
        return None
    out = [read_phrase(words, day_first=context.date_order == "DMY") for words in declined]
    kept = [
        option
        for option, offered in options
        if not any(
            (d.days and offered.days and _same_days(d, offered))
            or (d.times and not d.days and offered.times and _same_time(d, offered))
            for d in out
        )
    ]
    return kept[0] if len(kept) == 1 else None


def _options(before: str, context: TimeContext) -> list[tuple[str, Reading]]:
    """The options `before` offers, each with its reading; a time said once for all of them
    ("sat or sun at 2") goes with each option that has none of its own."""
    day_first = context.date_order == "DMY"
    options = [part.strip() for part in _OPTION_SPLIT.split(before) if part.strip()]
    readings = [read_phrase(option, day_first=day_first) for option in options]
    timed = [r for r in readings if r.times]
    shared = ""
    if len(timed) == 1 and readings[-1].times and readings[-1].days:
        last = normalise(options[-1])
        for day in readings[-1].days:
            last = last.replace(day.text, " ")
        shared = " ".join(last.split())
    found = []
    for option, reading in zip(options, readings, strict=True):
        if shared and not reading.times and reading.days:
            option = f"{option} {shared}"
            reading = read_phrase(option, day_first=day_first)
        found.append((option, reading))
    return found


def _same_days(one: Reading, other: Reading) -> bool:
    return {_day_key(d) for d in one.days} <= {_day_key(d) for d in other.days}


def _day_key(day: DayRef) -> tuple[object, ...]:
    """What a day's words say, whatever their spelling ("sun" and "Sunday" are one)."""
    if isinstance(day, WeekdayRef):
        return ("weekday", day.weekday)
    if isinstance(day, DateRef):
        return ("date", day.month, day.day)
    if isinstance(day, DayOfMonth):
        return ("of the month", day.day)
    if isinstance(day, RelativeDay):
        return ("from today", day.days)
    return ("holiday", day.name)


def _same_time(one: Reading, other: Reading) -> bool:
    return {(t.hour % 12, t.minute) for t in one.times} <= {
        (t.hour % 12, t.minute) for t in other.times
    }


def _in_the_week(new: Reading, talked_of: date, today: date) -> date | None:
    """A weekday said alone ("thursday", not "next thursday") as the one nearest the day the
    talk was about, after today (today is said "today"): "sunday instead" of a Monday tour is
    the day before it, "thursday" of next Tuesday's is next Thursday."""
    weekdays = [d for d in new.days if isinstance(d, WeekdayRef)]
    if len(new.days) != 1 or len(weekdays) != 1 or weekdays[0].mode != "plain":
        return None
    after = (weekdays[0].weekday - talked_of.weekday()) % 7 or 7
    later, earlier = talked_of + timedelta(days=after), talked_of - timedelta(days=7 - after)
    ahead = [d for d in (earlier, later) if d > today]
    return min(ahead, key=lambda d: (abs((d - talked_of).days), -d.toordinal()), default=None)


def _on_day(day: date, new: Reading, said: str, moment: datetime, context: TimeContext) -> str:
    """The new day at the new time, or at the tour's time when the reply gives none."""
    if not new.times:
        if new.period is not None:  # "thursday morning": the hour is asked again
            return f"{day:%a} {day:%b} {day.day} {new.period}"
        return canonical(day, moment.time(), context.today)
    resolved = context.resolve(said)
    if resolved.local is None:
        return said
    return canonical(day, resolved.local.time(), context.today)
