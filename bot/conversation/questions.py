"""Answers to what an agent asks the bot in a booking thread ("is 7pm too late?", "is saturday
10am open?"). An answer changes nothing: the agent says the change when they want it.

What the bot knows is the tour hours (TOUR_HOURS); what it cannot see is EliseAI's calendar, and
it says so rather than pretend.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time

from bot.conversation.when import TimeContext, time_change
from bot.time.resolve import short_when
from bot.time.words import read_phrase
from bot.understand import read_request

_CALENDAR = re.compile(r"(?i)\b(?:open|available|availability|free|taken|booked|slots?)\b")


def hours_text(hours: tuple[time, time]) -> str:
    start, end = hours
    return f"{_clock(start)}–{_clock(end)}"


def answer(
    question: str, values: Mapping[str, str], context: TimeContext, *, first: bool = False
) -> str:
    """The bot's answer, in a sentence or two, ending with what it did: nothing. `first`: the
    question opens the conversation, so there is nothing yet to leave unchanged."""
    if first:
        return _first_answer(question, values, context)
    hours = f"tour hours ({hours_text(context.tour_hours)})"
    calendar = (
        "I can't see EliseAI's calendar from here, so I can't tell whether it is free. "
        if _CALENDAR.search(question)
        else ""
    )
    asked = _asked_time(question, values, context)
    if asked is None:
        if calendar:
            return f"{calendar}Tours can be booked within {hours}. Nothing changed."
        return f"I can't answer that here; tours can be booked within {hours}. Nothing changed."
    phrase, when, said = asked
    resolved = context.resolve(phrase)
    if resolved.local is None:
        return f"{resolved.reason or 'I could not read that time.'} Nothing changed."
    at = resolved.local.time()
    start, end = context.tour_hours
    inside = start <= at <= end
    verdict = (
        f"{when} is inside {hours}."
        if inside
        else f"{when} is outside {hours}: I would ask you to confirm it before booking."
    )
    tour = values.get("tour_time", "")
    current = context.resolve(tour).local if tour else None
    if current is not None and current == resolved.local:
        return f"{calendar}{verdict} The tour is at that time already; nothing changed."
    return f"{calendar}{verdict} Nothing changed: say “make it {_said(said)}” to move the tour."


def _first_answer(question: str, values: Mapping[str, str], context: TimeContext) -> str:
    hours = f"tour hours ({hours_text(context.tour_hours)})"
    calendar = (
        "I can't see EliseAI's calendar from here, so I can't tell whether it is free"
        if _CALENDAR.search(question)
        else ""
    )
    tour = values.get("tour_time")
    resolved = context.resolve(tour) if tour else None
    if resolved is None or resolved.local is None:
        return (
            f"{calendar}. Tours can be booked within {hours}."
            if calendar
            else (f"Tours can be booked within {hours}.")
        )
    start, end = context.tour_hours
    inside = start <= resolved.local.time() <= end
    where = "inside" if inside else "outside"
    joined = f"{calendar}; " if calendar else ""
    return f"{joined}{short_when(resolved)} is {where} {hours}."


def _asked_time(
    question: str, values: Mapping[str, str], context: TimeContext
) -> tuple[str, str, str] | None:
    """The time the question is about, on the tour's day when it gives only an hour: the
    phrase, how the bot says it ("Wed, Nov 25, 7:00 PM EST"), and how the agent said it."""
    said = read_request(question).get("tour_time")
    reading = read_phrase(question)
    if said is None and not (reading.days or reading.times):
        return None
    change = time_change(
        values.get("tour_time", ""), question, said, asked="tour_time", context=context
    )
    phrase = change.phrase or said
    if not phrase:
        return None
    resolved = context.resolve(phrase)
    return phrase, short_when(resolved) if resolved.local else phrase, said or phrase


def _said(phrase: str) -> str:
    return phrase if len(phrase) <= 40 else phrase[:39] + "…"


def _clock(at: time) -> str:
    hour = at.hour % 12 or 12
    return f"{hour}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"
