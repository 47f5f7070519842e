"""Applies an agent's reply to a booking conversation: every kind of reply it holds takes effect.

A reply is read for its shape first (`replies.py`: a cancel, a go-ahead, a question back, chatter),
then for what it changes: the fields the reader (`read_request`) finds, a correction of the name
(`corrections.py`), a change of time relative to the tour's (`when.py`), another person's details
(`people.py`, kept in the notes), or a bare answer to the question just asked. What it changes
replaces what was there; what it adds is added; what it cannot do is said (`why`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.booking.fields import Unreadable, read_email, read_phone
from bot.booking.form import FIELD_LABELS
from bot.conversation.corrections import (
    capitalised,
    instead_of,
    name_change,
    tour_type_change,
)
from bot.conversation.people import (
    contacts_in,
    dropped,
    line_for,
    mentions_someone_else,
    named_after_someone_else,
    person_lines,
    theirs,
)
from bot.conversation.questions import answer
from bot.conversation.replies import MENTION, is_chatter, shape_of, unread_beside_book
from bot.conversation.steps import ONE_NAME
from bot.conversation.when import TimeContext, merged_time, time_change
from bot.understand import read_message, read_request, unreadable_contacts
from bot.understand.name_words import is_name, split_name

__all__ = ["ONE_NAME", "Intent", "Reply", "merged_time", "read_reply", "refusal"]

Intent = Literal["book", "cancel"]

_ADD_NOTE = re.compile(r"^\s*add (?:a |this )?note\s*[:\-]?\s*", re.IGNORECASE)
_SET_NOTES = re.compile(r"^\s*notes?\s*(?::|-|is\b|are\b|say\b)\s*", re.IGNORECASE)
_DIALLED = re.compile(r"[\d\s().+\-]*\d[\d\s().+\-]*")
_NO_LAST_NAME = re.compile(
    r"(?i).*\b(?:no\s+last\s+name|(?:just|only)\s+(?:one|a\s+single|the\s+one|a\s+first)\s+name"
    r"|goes\s+by\s+one\s+name|single\s+name|mononym|that'?s\s+(?:it|all|her\s+whole\s+name"
    r"|his\s+whole\s+name)|none|n/?a)\b.*"
)
_PROSPECT_FIELDS = ("first_name", "last_name", "email", "phone")
# Words that say a reply is about the prospect's name; without them, a name the reader finds in
# a reply is a sign-off or a colleague ("will do - Tom"), not a new name for the prospect.
_NAME_CUE = re.compile(
    r"(?i)\b(?:name|it'?s|its|for|spelled|spelt|called|goes\s+by|prospect|actually|correction"
    r"|sorry|oops|wrong|typo)\b"
)
WRITTEN_SHOWN = 60  # characters of a refused answer quoted back
_OWN_NAME = re.compile(r"(?i)\b(?:my\s+name|i'?m|i\s+am|this\s+is)\b(?!\s+(?:her|his|their)\b)")


@dataclass(frozen=True)
class Reply:
    """What a reply means for the conversation."""

    values: dict[str, str]  # the conversation's values with the reply applied
    changed: tuple[str, ...]  # the fields it set or changed, in the form's order
    intent: Intent | None = None
    refused: str | None = None  # why an email or phone in the reply was left out
    said: str | None = None  # the bot's answer, or what it understood when nothing changed
    noted: tuple[str, ...] = field(default=())  # other people's lines added to the notes
    dropped: tuple[str, ...] = field(default=())  # other people's lines taken out


def read_reply(
    values: Mapping[str, str],
    text: str,
    *,
    asked: str | None,
    communities: Sequence[tuple[str, str]] = (),
    context: TimeContext | None = None,
) -> Reply:
    """Apply `text` to the conversation's `values`; `asked` is the field last asked for and
    `context` where and when its time words are read (without it, a time is read as words)."""
    shape = shape_of(text)
    if shape.cancel:  # "never mind, she signed elsewhere, cancel this": whatever else it says
        return Reply(dict(values), (), "cancel")
    change = _changes(values, shape.rest, asked=asked, communities=communities, context=context)
    moved = change.changed or change.noted or change.dropped
    if shape.weak_cancel and not moved:
        return Reply(dict(values), (), "cancel")
    said = change.said
    if shape.question is not None and context is not None:
        said = answer(shape.question, change.values, context)
    book = shape.book or (shape.weak_book and not moved and shape.question is None)
    if book and not change.changed and (unread := unread_beside_book(shape.rest)):
        # "book it, not 2 though, 12" read as no change: booking would send the old time
        book = False
        said = (
            f"I did not book it: I could not tell what “{unread}” changes. Say it another way, "
            "or press Book to book it as it is."
        )
    if said is None and not moved and change.refused is None and not book:
        said = _understood(shape.rest)
    return Reply(
        change.values,
        change.changed,
        "book" if book else None,
        change.refused,
        said,
        change.noted,
        change.dropped,
    )


def _changes(
    values: Mapping[str, str],
    text: str,
    *,
    asked: str | None,
    communities: Sequence[tuple[str, str]],
    context: TimeContext | None,
) -> Reply:
    """What the words of the reply (its question aside) change, add or take out."""
    spoken = MENTION.sub(" ", text).strip()
    if not spoken:
        return Reply(dict(values), ())
    read = read_message(spoken, communities=communities)
    found = dict(read.values)
    # "scrap tuesday, keep monday": the days the reply turns down, for picking among options.
    declined = [seen.words for seen in read.left_out if "turned down" in seen.why]
    notes = found.pop("notes", None)
    if not found and (new := instead_of(spoken)):  # "riverside not maple": the new words alone
        found = {
            k: v for k, v in read_request(new, communities=communities).items() if k != "notes"
        }
    said: str | None = None
    role = mentions_someone_else(spoken)
    noted = person_lines(notes)
    whole_name = bool({"first_name", "last_name"} & found.keys())
    if (
        whole_name
        and (values.get("first_name") or values.get("last_name"))
        and not (_NAME_CUE.search(spoken) or is_name(_without_contacts(spoken)))
    ):
        found.pop("first_name", None)
        found.pop("last_name", None)
        whole_name = False
    if role is not None:  # another person's details are theirs, never the prospect's
        taken = theirs(spoken, found, role)
        for key in taken:
            found.pop(key)
        if taken and not noted:
            noted = [line_for(role, spoken, taken)]
        if values.get("first_name") or values.get("last_name"):
            found.pop("first_name", None)
            found.pop("last_name", None)
            whole_name = False
    own_name = bool(_OWN_NAME.search(spoken))
    if own_name:  # "fyi my name is Jess Alvarez": the agent's, not the prospect's
        found.pop("first_name", None)
        found.pop("last_name", None)
        whole_name = False
    if (
        not named_after_someone_else(spoken)
        and not own_name
        and (named := name_change(spoken, values))
    ):
        # (a name given after someone else, "…roommate Jess, last name Park", is theirs)
        found.pop("first_name", None)
        found.pop("last_name", None)
        found.update(named)  # one part corrected ("last name is Smythe") leaves the other
        whole_name = False
    if "tour_type" not in found:
        kind, which = tour_type_change(spoken, values.get("tour_type"))
        if kind is not None:
            found["tour_type"] = kind
        said = which
    if context is not None:
        time = time_change(
            values.get("tour_time", ""), spoken, found.get("tour_time"), asked=asked,
            context=context, declined=declined,
        )  # fmt: skip
        found.pop("tour_time", None)
        if time.phrase:
            found["tour_time"] = time.phrase
        said = time.why or said
    elif "tour_time" in found and values.get("tour_time"):
        found["tour_time"] = merged_time(values["tour_time"], found["tour_time"])
    refused = _refused(spoken, found)
    if not found and not noted and refused is None:
        found, refused = _bare_answer(spoken, asked, values)
        if not found and refused is None and (others := contacts_in(spoken)):
            said = (
                f"I took {others[0]} as someone else's (yours, or a colleague's), not the "
                "prospect's: nothing changed. If it is theirs, say “her phone is …”."
            )
    updated = dict(values)
    if whole_name:  # a name the reader found is the whole name: "Jane" alone is no last name
        updated.pop("first_name", None)
        updated.pop("last_name", None)
    updated.update(found)
    notes_now, gone = dropped(spoken, updated.get("notes"))
    if gone:
        _set(updated, "notes", notes_now)
    added = [line for line in noted if line not in (updated.get("notes") or "")]
    if added:
        updated["notes"] = "\n".join(filter(None, [updated.get("notes"), *added]))
    _apply_notes(updated, spoken, notes)
    changed = tuple(key for key in _order(updated, values) if updated.get(key) != values.get(key))
    if found and not changed and said is None:
        said = "That is what I have already; nothing changed."
    return Reply(updated, changed, None, refused, said, tuple(added), tuple(gone))


def _without_contacts(text: str) -> str:
    """The reply without its emails and phones, and the commas around them."""
    for contact in contacts_in(text):
        text = text.replace(contact, " ")
    return " ".join(text.replace(",", " ").split())


def _set(values: dict[str, str], key: str, value: str | None) -> None:
    if value:
        values[key] = value
    else:
        values.pop(key, None)


def _understood(text: str) -> str:
    """What the bot made of a reply that changed nothing, said back to the agent."""
    if not text.strip() or is_chatter(text):
        return "Nothing changed."
    return "I read that as a remark, not a change: nothing changed."


def refusal(key: str, written: str) -> str:
    """Why an answer meant as the prospect's email or phone was left out, and what to send."""
    shown = written if len(written) <= WRITTEN_SHOWN else written[: WRITTEN_SHOWN - 1] + "…"
    if key == "email":
        return f"“{shown}” isn't an email address: send it like name@example.com."
    return f"“{shown}” isn't a phone number: send it with the area code, like 555 201 7788."


def _refused(text: str, found: Mapping[str, str]) -> str | None:
    for key, written in unreadable_contacts(text).items():
        if key not in found:
            return refusal(key, written)
    return None


def _bare_answer(
    text: str, asked: str | None, values: Mapping[str, str]
) -> tuple[dict[str, str], str | None]:
    """A reply the reader found nothing in, as the answer to the question asked, if it can be
    one; else nothing, and perhaps why."""
    text = text.strip().rstrip(".!")
    if not text or asked is None:
        return {}, None
    if asked in ("first_name", "last_name"):
        return _name_answer(text, asked, values), None
    if asked in ("email", "phone"):  # the question asked for an email or a phone
        return _contact(text)
    # A time only as the time reader finds it; ids only as a name matched against the list.
    if asked in ("tour_time", "community", "prospect"):
        return {}, None
    return {asked: text}, None


def _name_answer(text: str, asked: str, values: Mapping[str, str]) -> dict[str, str]:
    """ "Lee" to "Who is the tour for?" is a first name (the last is asked next); "Kim Lee" to
    "What is Kim's last name?" is the whole name; "no last name" says there is none."""
    if asked == "last_name" and _NO_LAST_NAME.fullmatch(text):
        return {ONE_NAME: "yes"}
    if not is_name(text):  # "hold on", "I'll ask her", "ok"
        return {}
    words = [capitalised(w) for w in text.split()]
    first = values.get("first_name", "")
    if asked == "last_name":
        if len(words) >= 2 and words[0].casefold() == first.casefold():
            return {"last_name": " ".join(words[1:])}
        if len(words) >= 2 and words[-1].casefold() == first.casefold():
            given, family = split_name(words)
            return {"first_name": given, "last_name": family}
        return {"last_name": " ".join(words)}
    given, family = split_name(words)
    return {"first_name": given, "last_name": family} if family else {"first_name": given}


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


def prospect_given(values: Mapping[str, str]) -> bool:
    """The values say who the tour is for: a name, an email, a phone or a picked prospect."""
    return any(values.get(key) for key in (*_PROSPECT_FIELDS, "prospect"))
