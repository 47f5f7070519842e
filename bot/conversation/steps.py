"""What a conversation still needs, asked one thing at a time, and how its details read back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.booking.fields import (
    BEDROOM_CHOICES,
    Unreadable,
    format_dollars,
    read_bedrooms,
    read_dollars,
    read_tour_type,
    tour_type_label,
)
from bot.booking.form import FIELD_LABELS

# The order questions come in: who, when, how to reach them, where; then anything mistyped.
ASK_FIRST = ("first_name", "tour_time", "email", "community")
COMMUNITIES_LISTED = 8


@dataclass(frozen=True)
class Step:
    """The next thing the bot says after its summary: a question, or that it is ready to book."""

    asked: str | None  # the field the question is about; None when ready to book
    question: str | None


def next_step(
    values: Mapping[str, str],
    problems: Mapping[str, str],
    *,
    communities: Sequence[str] = (),
    needs_community: bool = False,
) -> Step:
    """One question about the first thing missing or wrong (`problems`, keyed like the form),
    in the order an agent would give them; ready when nothing is."""
    wanted = dict(problems)
    if needs_community and not values.get("community"):
        wanted["community"] = _community_question(communities)
    for key in (*ASK_FIRST, *FIELD_LABELS):
        if key in wanted:
            return Step(key, _question(key, wanted[key], values))
    return Step(None, None)


def _question(key: str, problem: str, values: Mapping[str, str]) -> str:
    who = values.get("first_name") or "the prospect"
    if key == "first_name":
        return "Who is the tour for? Send their first and last name."
    if key == "tour_time" and not values.get("tour_time"):
        return "When is the tour? Say a day and a time, like “tomorrow at 3pm”."
    if key == "email" and not values.get("email") and not values.get("phone"):
        return f"What is {who}’s email or phone number?"
    if key == "community" or key == "tour_time":
        return problem  # already a question: which community, or the resolver's own
    # The form's own words for a value it cannot use, and how to get past it.
    return f"{problem}. Send the right {FIELD_LABELS[key].lower()}, or say “cancel”."


def _community_question(communities: Sequence[str]) -> str:
    shown = ", ".join(communities[:COMMUNITIES_LISTED])
    more = len(communities) - COMMUNITIES_LISTED
    if more > 0:
        shown += f" (or one of {more} more)"
    return f"Which community is the tour at? For example {shown}."


def details(
    values: Mapping[str, str],
    *,
    time_text: str | None,
    community_name: str | None,
    tour_types: Sequence[str],
) -> list[tuple[str, str]]:
    """The booking's details as (label, text) pairs for the summary, in the form's order."""
    shown: list[tuple[str, str]] = []
    name = " ".join(filter(None, [values.get("first_name"), values.get("last_name")]))
    if name:
        shown.append(("Prospect", name))
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


def _tour_type(text: str, tour_types: Sequence[str]) -> str:
    try:
        return tour_type_label(read_tour_type(text, tour_types))
    except Unreadable:
        return text


def _bedrooms(text: str) -> str:
    try:
        return BEDROOM_CHOICES[read_bedrooms(text)][1]
    except Unreadable:
        return text


def _budget(low: str | None, high: str | None) -> str | None:
    def dollars(text: str) -> str:
        try:
            return format_dollars(read_dollars(text))
        except Unreadable:
            return text

    if low and high:
        return f"{dollars(low)}–{dollars(high)}"
    if high:
        return f"up to {dollars(high)}"
    if low:
        return f"from {dollars(low)}"
    return None
