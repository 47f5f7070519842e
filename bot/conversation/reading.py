"""Reads an agent's reply in a booking conversation: an answer, a correction, or "book it"/"cancel".

The reply goes through the same reader as the first message (`read_request`); what it finds
replaces what the conversation had. A bare answer to the question just asked is taken as that
field's value when it can be one: a name that reads as a name, an email or phone the form reads;
never a tour time the time reader did not find ("let me check with her" keeps "friday").
Words around a correction ("make it … instead", "actually") are not notes: only "notes: …" or
"add a note: …" are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.booking.fields import Unreadable, read_email, read_phone
from bot.booking.form import FIELD_LABELS
from bot.time.words import read_phrase
from bot.understand import read_request, unreadable_contacts
from bot.understand.names import is_name, split_name

Intent = Literal["book", "cancel"]

_POLITE = r"(?:\s*(?:please|pls|thanks|thank you|now))?"
_CANCEL = re.compile(
    rf"(?:no,?\s*)?(?:cancel(?: it| that| this| the booking| the tour)?|never\s*mind|nevermind"
    rf"|forget it|stop|abort|don'?t book(?: it)?){_POLITE}",
    re.IGNORECASE,
)
_BOOK = re.compile(
    rf"(?:ok(?:ay)?,?\s*|yes,?\s*)?(?:book(?: it| that| this)?|yes|yep|yeah|confirm|go ahead"
    rf"|do it|send it|looks good|lgtm|correct){_POLITE}",
    re.IGNORECASE,
)
_ADD_NOTE = re.compile(r"^\s*add (?:a |this )?note\s*[:\-]?\s*", re.IGNORECASE)
_SET_NOTES = re.compile(r"^\s*notes?\s*(?::|-|is\b|are\b|say\b)\s*", re.IGNORECASE)
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_DIALLED = re.compile(r"[\d\s().+\-]*\d[\d\s().+\-]*")
WRITTEN_SHOWN = 60  # characters of a refused answer quoted back
_CORRECTING = r"(?:(?:actually|no|nope|sorry|oops|wait|oh)\b[\s,.!:-]*)*"
# "make it 4 instead": an hour alone, which the time reader leaves alone in any other sentence.
_HOUR_CORRECTION = re.compile(
    rf"{_CORRECTING}(?:make\s+(?:it|that)|change\s+(?:it|that|the\s+time|the\s+tour|time)\s+to"
    r"|move\s+(?:it|that|the\s+tour)\s+to|switch\s+(?:it|that)\s+to|let'?s\s+(?:do|say)"
    r"|how\s+about|can\s+we\s+do)\s+(?:at\s+)?(?P<hour>\d{1,2}(?::[0-5]\d)?)"
    r"(?:\s+(?:instead|then|please|pls|o'?clock))*",
    re.IGNORECASE,
)
# "last name is Smith", "actually it's Jane Smith".
_NAME_PART = re.compile(
    rf"{_CORRECTING}(?:(?:her|his|their|the)\s+)?(?P<part>first|last|family|given|sur)\s*name"
    r"(?:\s+(?:is|should\s+be|=)|\s*[:=-])\s*(?P<name>.+)",
    re.IGNORECASE,
)
_WHOLE_NAME = re.compile(
    rf"{_CORRECTING}(?:it'?s|it’s|it\s+is|(?:her|his|their|the)\s+name(?:'s|’s|\s+is)|name\s+is"
    r"|she'?s|she’s|he'?s|he’s)\s+(?P<name>.+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reply:
    """What a reply means for the conversation."""

    values: dict[str, str]  # the conversation's values with the reply applied
    changed: tuple[str, ...]  # the fields it set or changed, in the form's order
    intent: Intent | None = None
    refused: str | None = None  # why an email or phone in the reply was left out


def intent_of(text: str) -> Intent | None:
    """ "book it", "yes", "cancel", "never mind": the whole reply is one of these, or None."""
    words = _MENTION.sub(" ", text).strip().strip(".!").strip()
    if _CANCEL.fullmatch(words):
        return "cancel"
    if _BOOK.fullmatch(words):
        return "book"
    return None


def read_reply(
    values: Mapping[str, str],
    text: str,
    *,
    asked: str | None,
    communities: Sequence[tuple[str, str]] = (),
) -> Reply:
    """Apply `text` to the conversation's `values`; `asked` is the field last asked for."""
    intent = intent_of(text)
    if intent is not None:
        return Reply(dict(values), (), intent)
    spoken = _MENTION.sub(" ", text).strip()
    found = dict(read_request(text, communities=communities))
    notes = found.pop("notes", None)
    updated = dict(values)
    if {"first_name", "last_name"} & found.keys():  # a name read whole replaces the whole name
        updated.pop("first_name", None)
        updated.pop("last_name", None)
    found = {**_correction(spoken, found, values.get("tour_time", "")), **found}
    refused = _refused(text, found)
    if not found and refused is None:
        found, refused = _bare_answer(spoken, asked)
    if "tour_time" in found and values.get("tour_time"):
        found["tour_time"] = merged_time(values["tour_time"], found["tour_time"])
    updated.update(found)
    _apply_notes(updated, text, notes)
    changed = tuple(key for key in _order(updated, values) if updated.get(key) != values.get(key))
    return Reply(updated, changed, refused=refused)


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


def refusal(key: str, written: str) -> str:
    """Why an answer meant as the prospect's email or phone was left out, and what to send."""
    shown = written if len(written) <= WRITTEN_SHOWN else written[: WRITTEN_SHOWN - 1] + "…"
    if key == "email":
        return f"“{shown}” isn't an email address: send it like name@example.com."
    return f"“{shown}” isn't a phone number: send it with the area code, like 555 201 7788."


def _correction(spoken: str, found: Mapping[str, str], tour_time: str) -> dict[str, str]:
    """What a correction the reader leaves alone says: "make it 4 instead" (an hour on the day
    the tour already has, read by the resolver's tour-hours rule), "last name is Smith",
    "actually it's Jane Smith"."""
    said = spoken.strip().rstrip(".!")
    hour = _HOUR_CORRECTION.fullmatch(said) if "tour_time" not in found else None
    if hour and read_phrase(tour_time).days:
        return {"tour_time": hour["hour"]}
    if found:  # "it's Harbor View" named the community
        return {}
    if (part := _NAME_PART.fullmatch(said)) and is_name(part["name"]):
        key = "first_name" if part["part"].lower() in ("first", "given") else "last_name"
        return {key: " ".join(part["name"].split())}
    if (whole := _WHOLE_NAME.fullmatch(said)) and is_name(whole["name"]):
        words = whole["name"].split()
        if len(words) >= 2:  # "it's Janet" may be either half of the name
            first, last = split_name(words)
            return {"first_name": first, "last_name": last}
    return {}


def _refused(text: str, found: Mapping[str, str]) -> str | None:
    for key, written in unreadable_contacts(text).items():
        if key not in found:
            return refusal(key, written)
    return None


def _bare_answer(text: str, asked: str | None) -> tuple[dict[str, str], str | None]:
    """A reply the reader found nothing in, as the answer to the question asked, if it can be
    one; else nothing, and perhaps why."""
    if not text or asked is None:
        return {}, None
    if asked in ("first_name", "last_name"):
        if not is_name(text):  # "hold on", "I'll ask her", "ok"
            return {}, None
        if asked == "last_name":
            return {"last_name": " ".join(text.split())}, None
        first, last = split_name(text.split())
        return ({"first_name": first, "last_name": last} if last else {"first_name": first}), None
    if asked in ("email", "phone"):  # the question asked for an email or a phone
        return _contact(text)
    # A time only as the time reader finds it; ids only as a name matched against the list.
    if asked in ("tour_time", "community", "prospect"):
        return {}, None
    return {asked: text}, None


def _contact(text: str) -> tuple[dict[str, str], str | None]:
    for key, reader in (("email", read_email), ("phone", read_phone)):
        try:
            reader(text)
        except Unreadable:
            continue
        return {key: text}, None
    if "@" in text:
        return {}, refusal("email", text)
    if _DIALLED.fullmatch(text):
        return {}, refusal("phone", text)
    return {}, None  # chatter: the question is simply asked again


def _apply_notes(values: dict[str, str], text: str, found: str | None) -> None:
    if added := _ADD_NOTE.match(text):
        note = text[added.end() :].strip()
        values["notes"] = "\n".join(filter(None, [values.get("notes"), note]))
    elif _SET_NOTES.match(text) and found:
        values["notes"] = found


def _order(updated: Mapping[str, str], before: Mapping[str, str]) -> list[str]:
    keys = set(updated) | set(before)
    return [key for key in FIELD_LABELS if key in keys] + sorted(keys - FIELD_LABELS.keys())
