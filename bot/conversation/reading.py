"""Reads an agent's reply in a booking conversation: an answer, a correction, or "book it"/"cancel".

The reply goes through the same reader as the first message (`read_request`); what it finds
replaces what the conversation had. A bare answer to the question just asked is taken as that
field's value, and the form's readers judge it like any other. Words around a correction
("make it … instead", "actually") are not notes: only "notes: …" or "add a note: …" are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.booking.form import FIELD_LABELS
from bot.timewords import read_phrase
from bot.understand import read_request

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
_NAME_WORDS = re.compile(r"^[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,3}$")


@dataclass(frozen=True)
class Reply:
    """What a reply means for the conversation."""

    values: dict[str, str]  # the conversation's values with the reply applied
    changed: tuple[str, ...]  # the fields it set or changed, in the form's order
    intent: Intent | None = None


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
    found = dict(read_request(text, communities=communities))
    notes = found.pop("notes", None)
    updated = dict(values)
    if "tour_time" in found and values.get("tour_time"):
        found["tour_time"] = merged_time(values["tour_time"], found["tour_time"])
    if {"first_name", "last_name"} & found.keys():
        updated.pop("first_name", None)
        updated.pop("last_name", None)
    updated.update(found)
    if not found:
        updated.update(_bare_answer(_MENTION.sub(" ", text).strip(), asked))
    _apply_notes(updated, text, notes)
    changed = tuple(key for key in _order(updated, values) if updated.get(key) != values.get(key))
    return Reply(updated, changed)


def merged_time(before: str, correction: str) -> str:
    """A correction that gives only a time keeps the day ("make it 4pm" after "friday at 2" is
    "friday 4pm"), and one that gives only a day keeps the time; anything else replaces it."""
    old, new = read_phrase(before), read_phrase(correction)
    if new.duration_minutes is not None or new.bad or old.duration_minutes is not None:
        return correction
    if new.times and not new.days and not new.vague_day and old.days:
        return f"{old.days[0].text} {correction}"
    if new.days and not new.times and old.times:
        return f"{correction} at {old.times[0].text}"
    return correction


def _bare_answer(text: str, asked: str | None) -> dict[str, str]:
    """A reply the reader found nothing in, taken as the answer to the question asked."""
    if not text or asked is None:
        return {}
    if asked == "first_name":
        if not _NAME_WORDS.match(text):
            return {}
        first, _, last = text.partition(" ")
        return {"first_name": first, "last_name": last} if last else {"first_name": first}
    if asked == "email":  # the question asked for an email or a phone
        return {"email": text} if "@" in text else {"phone": text}
    if asked in ("community", "prospect"):  # ids: only a name matched against the list will do
        return {}
    return {asked: text}


def _apply_notes(values: dict[str, str], text: str, found: str | None) -> None:
    if added := _ADD_NOTE.match(text):
        note = text[added.end() :].strip()
        values["notes"] = "\n".join(filter(None, [values.get("notes"), note]))
    elif _SET_NOTES.match(text) and found:
        values["notes"] = found


def _order(updated: Mapping[str, str], before: Mapping[str, str]) -> list[str]:
    keys = set(updated) | set(before)
    return [key for key in FIELD_LABELS if key in keys] + sorted(keys - FIELD_LABELS.keys())
