"""What a conversation still needs, asked one thing at a time, and how its details read back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.booking.fields import (
    Unreadable,
    bedroom_words,
    format_dollars,
    read_bedroom_choices,
    read_dollars,
    read_tour_type,
    tour_type_label,
)
from bot.booking.form import FIELD_LABELS

# The order questions come in: who, when, how to reach them, where; then anything mistyped.
# Only what the booking cannot go without is asked: as in the form and `tourbot book`, a
# community is optional (PROPEXO_COMMUNITY_ID, or none), and is added when the agent names one.
ASK_FIRST = ("first_name", "last_name", "tour_time", "email", "community")
ONE_NAME = "one_name"  # set when the agent says the prospect goes by one name


@dataclass(frozen=True)
class Step:
    """The next thing the bot says after its summary: a question, or that it is ready to book."""

    asked: str | None  # the field the question is about; None when ready to book
    question: str | None


def next_step(values: Mapping[str, str], problems: Mapping[str, str]) -> Step:
    """One question about the first thing missing or wrong (`problems`, keyed like the form),
    in the order an agent would give them; ready when nothing is."""
    wanted = dict(problems)
    if half := _half_a_name(values):  # "Madonna" to "first and last name?": the other half
        wanted[half] = "a name"
    for key in (*ASK_FIRST, *FIELD_LABELS):
        if key in wanted:
            return Step(key, _question(key, wanted[key], values))
    return Step(None, None)


def _half_a_name(values: Mapping[str, str]) -> str | None:
    """The part of a new prospect's name still missing when only one part was given."""
    if values.get("prospect") or values.get(ONE_NAME):
        return None
    first, last = values.get("first_name"), values.get("last_name")
    if first and not last:
        return "last_name"
    if last and not first:
        return "first_name"
    return None


def _question(key: str, problem: str, values: Mapping[str, str]) -> str:
    who = values.get("first_name") or "the prospect"
    if key == "last_name" and values.get("first_name") and not values.get("last_name"):
        return f"What is {who}’s last name? (If {who} goes by one name, say “no last name”.)"
    if key == "first_name" and values.get("last_name") and not values.get("first_name"):
        return f"What is the first name of {values['last_name']}?"
    if key == "first_name":
        return "Who is the tour for? Send their first and last name."
    if key == "tour_time" and not values.get("tour_time"):
        return "When is the tour? Say a day and a time, like “tomorrow at 3pm”."
    if key == "email" and not values.get("email") and not values.get("phone"):
        return f"What is {who}’s email or phone number?"
    if key == "tour_time":
        return problem  # already a question: the resolver's own
    # The form's own words for a value it cannot use, and how to get past it.
    return f"{problem}. Send the right {FIELD_LABELS[key].lower()}, or say “cancel”."


def details(
    values: Mapping[str, str],
    *,
    time_text: str | None,
    community_name: str | None,
    tour_types: Sequence[str],
    prospect_name: str | None = None,
) -> list[tuple[str, str]]:
    """The booking's details as (label, text) pairs for the summary, in the form's order
    (`prospect_name` names an existing prospect picked by id)."""
    shown: list[tuple[str, str]] = []
    name = " ".join(filter(None, [values.get("first_name"), values.get("last_name")]))
    if name or prospect_name:
        shown.append(("Prospect", prospect_name or name))
    for key in ("email", "phone"):
        if values.get(key):
            shown.append((FIELD_LABELS[key], values[key]))
    if values.get("tour_time"):
        shown.append(("Tour time", time_text or values["tour_time"]))
    if values.get("tour_type"):
        shown.append(("Tour type", _tour_type(values["tour_type"], tour_types)))
    if community_name:
        shown.append(("Community", community_name))
    if values.get("bedrooms"):
        shown.append(("Bedrooms", _bedrooms(values["bedrooms"])))
    if budget := _budget(values.get("rent_min"), values.get("rent_max")):
        shown.append(("Budget", budget))
    if values.get("move_in_date"):
        shown.append(("Move-in", values["move_in_date"]))
    if values.get("lease_term"):
        shown.append(("Lease", f"{values['lease_term']} months"))
    if values.get("notes"):
        shown.append(("Notes", values["notes"]))
    return shown


def shown_value(key: str, value: str, tour_types: Sequence[str]) -> str:
    """One field's value as the summary shows it ("2 bedrooms", "$2,300", "Virtual")."""
    if key == "tour_type":
        return _tour_type(value, tour_types)
    if key == "bedrooms":
        return _bedrooms(value)
    if key in ("rent_min", "rent_max"):
        return _dollars(value)
    if key == "lease_term":
        return f"{value} months"
    return value


def _tour_type(text: str, tour_types: Sequence[str]) -> str:
    try:
        return tour_type_label(read_tour_type(text, tour_types))
    except Unreadable:
        return text


def _bedrooms(text: str) -> str:
    try:
        return bedroom_words(read_bedroom_choices(text))
    except Unreadable:
        return text


def _dollars(text: str) -> str:
    try:
        return format_dollars(read_dollars(text))
    except Unreadable:
        return text


def _budget(low: str | None, high: str | None) -> str | None:
    if low and high:
        return f"{_dollars(low)}–{_dollars(high)}"
    if high:
        return f"up to {_dollars(high)}"
    if low:
        return f"from {_dollars(low)}"
    return None
