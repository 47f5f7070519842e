"""Reads a free-text tour request (an agent's note, a forwarded lead email) into the booking form.

It never invents: a field it is not sure of stays empty, and what it did not take stays in the
notes. Each piece found is taken out before the next is looked for, so a phone number is never
read as a time, nor a budget as a bedroom count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.booking.form import FIELD_LABELS
from bot.booking.text import visible
from bot.understand.community import prepare_communities, take_community
from bot.understand.contact import take_contacts, take_unreadable, unreadable
from bot.understand.lead_email import read_lead_email, take_spent_labels
from bot.understand.message import FormValues, LeftOut, Message
from bot.understand.names import take_name
from bot.understand.notes import leftover
from bot.understand.time_words import TIME_WORDS_MAX, take_tour_time
from bot.understand.wishes import (
    take_bedrooms,
    take_budget,
    take_lease,
    take_move_in,
    take_tour_type,
)

__all__ = [
    "TIME_WORDS_MAX",
    "FormValues",
    "LeftOut",
    "Read",
    "prepare_communities",
    "read_message",
    "read_request",
    "unreadable_contacts",
]

_SLACK_LINK = re.compile(r"<(?:mailto:|tel:)?([^<>|]*)(?:\|([^<>]*))?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Bold or italic labels as Slack writes them: "*Preferred time:*", "_Phone_:".
_MARKED_LABEL = re.compile(r"(?<![\w*_])([*_]{1,2})([^*_\n:]{1,40}?)(?::\1|\1:)(?![\w*_])")
_SLACK_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
# Labels read with the fields they label: everything else is hidden from the name and time.
_FREE_LABELS = ("time", "message", "name", "first_name", "last_name")


def read_request(text: str, *, communities: Sequence[tuple[str, str]] = ()) -> FormValues:
    """The form fields `text` states plainly, keyed by the booking form's field names.

    `communities` are the known (id, name) pairs: a community named in the text, loosely
    ("the maple", "mapel court"), fills "community" with its id when it is clearly one of them.
    """
    return read_message(text, communities=communities).values


@dataclass(frozen=True)
class Read:
    """What the reader made of a message: the form's values, the words each came from, and
    what it saw but left out, with why."""

    values: FormValues
    sources: dict[str, str]
    left_out: list[LeftOut]


def read_message(text: str, *, communities: Sequence[tuple[str, str]] = ()) -> Read:
    """`read_request`, with its reasons: the source of `tourbot read`."""
    message = Message(_from_slack(text))
    sender_name, sender_email = read_lead_email(message)
    take_contacts(message, sender_email)
    take_unreadable(message)
    take_budget(message)
    take_move_in(message)
    take_lease(message)
    take_bedrooms(message)
    take_tour_type(message)
    take_community(message, communities)
    _hide_labelled(message, exclude=_FREE_LABELS)
    take_name(message, sender_name, message.place_words)
    _hide_labelled(message, exclude=("time", "message"))
    take_tour_time(message)
    take_spent_labels(message)
    if notes := leftover(message.rest, message.named):
        message.set("notes", notes, source=notes)
    for key, written, _, _ in unreadable(message):
        message.leave_out(written, f"meant as the {key}, but it cannot be read as one")
    values = {key: message.values[key] for key in FIELD_LABELS if key in message.values}
    return Read(values, {key: message.sources[key] for key in values}, message.left_out)


def unreadable_contacts(text: str) -> dict[str, str]:
    """What `text` meant as the prospect's email or phone but the form cannot read, by field
    ({"email": "jane@example"}): `read_request` leaves these out, and the agent should know."""
    message = Message(_from_slack(text))
    _, sender_email = read_lead_email(message)
    take_contacts(message, sender_email)
    found: dict[str, str] = {}
    for key, written, _, _ in unreadable(message):
        found.setdefault(key, written)
    return found


def _from_slack(text: str) -> str:
    """Slack's markup as the agent sees it: <mailto:a@b.c|a@b.c> is a@b.c, <@U123> is nothing,
    *Phone:* is Phone:. Control characters (which mark taken pieces inside) become spaces, and
    invisible ones (direction overrides, zero-width spaces) go."""
    text = _CONTROL.sub(" ", visible(text))
    if "*" in text or "_" in text:
        text = _MARKED_LABEL.sub(r"\2:", text)
    if "<" in text:
        text = _SLACK_LINK.sub(_link_text, text)
    if "&" in text:
        text = re.sub(r"&(?:amp|lt|gt);", lambda m: _SLACK_ENTITIES[m.group(0)], text)
    return text


def _link_text(m: re.Match[str]) -> str:
    target, label = m.group(1), m.group(2)
    if label is not None:
        return label
    return " " if target.startswith(("@", "!", "#")) else target


def _hide_labelled(message: Message, *, exclude: tuple[str, ...]) -> None:
    for label in message.labels:
        if label.kind not in exclude:
            message.hide(label.value_start, label.end)
