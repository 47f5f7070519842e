"""Free text to form fields: what is said plainly is taken, nothing is invented.

Most cases live in tests/data/understand-messages.yaml, a table of realistic messages (agents'
notes, forwarded lead emails) with the exact fields expected from each.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.booking.appointment import NOTES_MAX, text_length
from bot.booking.fields import (
    Unreadable,
    read_bedroom_choices,
    read_dollars,
    read_email,
    read_lease_term,
    read_move_in_date,
    read_phone,
    read_tour_type,
)
from bot.booking.form import FIELD_LABELS, NAME_MAX, FormProblems, read_form
from bot.time.resolve import resolve_time
from bot.time.words import read_phrase
from bot.understand import read_request, unreadable_contacts

TABLE = Path(__file__).parents[1] / "data" / "understand-messages.yaml"
_TABLE: dict[str, Any] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
COMMUNITIES: list[tuple[str, str]] = [(cid, name) for cid, name in _TABLE["communities"]]
MESSAGES: list[dict[str, Any]] = _TABLE["messages"]
LEFT_OUT = [entry for entry in MESSAGES if entry.get("left_out")]
TOUR_TYPES = ("SELF_GUIDED", "IN_PERSON", "VIRTUAL")
TODAY = date(2026, 11, 25)  # the day of the time resolver's development table
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def _read(entry: dict[str, Any]) -> dict[str, str]:
    communities = COMMUNITIES if entry.get("communities", True) else []
    return read_request(entry["text"], communities=communities)


def _time(value: str) -> object:
    resolved = resolve_time(value, zone="America/New_York", now=NOW)
    if resolved.status == "reject":
        raise Unreadable(resolved.reason or "")
    return resolved


def _community(value: str) -> str:
    if value not in {cid for cid, _ in COMMUNITIES}:
        raise Unreadable("is not a known community")
    return value


def _name(value: str) -> str:
    if len(value) > NAME_MAX or not value.strip():
        raise Unreadable("is not a name")
    return value


# The form's reader for each field: every value taken from a message must be one it accepts.
READERS: dict[str, Callable[[str], object]] = {
    "community": _community,
    "first_name": _name,
    "last_name": _name,
    "email": read_email,
    "phone": read_phone,
    "tour_time": _time,
    "tour_type": lambda value: read_tour_type(value, TOUR_TYPES),
    "move_in_date": lambda value: read_move_in_date(value, today=TODAY),
    "bedrooms": read_bedroom_choices,
    "rent_min": read_dollars,
    "rent_max": read_dollars,
    "lease_term": read_lease_term,
    "notes": str,
}


def test_the_table_is_big_and_well_formed() -> None:
    assert len(MESSAGES) >= 60
    ids = [entry["id"] for entry in MESSAGES]
    assert len(ids) == len(set(ids))
    for entry in MESSAGES:
        assert set(entry["expect"]) <= set(FIELD_LABELS), entry["id"]
        assert set(entry.get("left_out", {})) <= set(FIELD_LABELS), entry["id"]
        assert not set(entry.get("left_out", {})) & set(entry["expect"]), entry["id"]


@pytest.mark.parametrize("entry", MESSAGES, ids=[entry["id"] for entry in MESSAGES])
def test_extraction_table(entry: dict[str, Any]) -> None:
    assert _read(entry) == {key: str(value) for key, value in entry["expect"].items()}


@pytest.mark.parametrize("entry", MESSAGES, ids=[entry["id"] for entry in MESSAGES])
def test_every_value_is_one_the_form_reads(entry: dict[str, Any]) -> None:
    values = _read(entry)
    for key, value in values.items():
        READERS[key](value)
    try:
        read_form(values, tour_types=TOUR_TYPES, today=TODAY)
    except FormProblems as problems:  # only what the message did not say may be missing
        assert not set(problems.problems) & set(values), problems.problems


@pytest.mark.parametrize("entry", LEFT_OUT, ids=[entry["id"] for entry in LEFT_OUT])
def test_what_is_left_out_stays_in_the_notes(entry: dict[str, Any]) -> None:
    values = _read(entry)
    for key, words in entry["left_out"].items():
        assert key not in values
        for text in words:
            assert text in values.get("notes", ""), (key, text)


def test_the_product_example() -> None:
    assert read_request(
        "Jane Doe jane@example.com 555-201-7788 tomorrow at 3pm self-guided, 2br, "
        "budget $1,800-2,200"
    ) == {
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane@example.com",
        "phone": "555-201-7788",
        "tour_time": "tomorrow at 3pm",
        "tour_type": "self-guided",
        "bedrooms": "2",
        "rent_min": "1800",
        "rent_max": "2200",
    }


def test_a_longer_note() -> None:
    assert read_request(
        "book a tour for Marcus Lee, (617) 555-0142, fri 2pm in person, studio under 2k, "
        "moving in Jan 15, 12 month lease"
    ) == {
        "first_name": "Marcus",
        "last_name": "Lee",
        "phone": "(617) 555-0142",
        "tour_time": "fri 2pm",  # as the agent wrote it; the resolver reads it as friday
        "tour_type": "in person",
        "bedrooms": "studio",
        "rent_max": "2000",
        "move_in_date": "Jan 15",
        "lease_term": "12",
    }


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("Priya Patel wants a virtual tour", "tour_type", "virtual"),
        ("video tour tomorrow", "tour_type", "virtual"),
        ("in-person tomorrow", "tour_type", "in person"),
        ("3 bed", "bedrooms", "3"),
        ("4+ br", "bedrooms", "4+"),
        ("2 bedrooms", "bedrooms", "2"),
        ("1800 to 2200 rent", "rent_max", "2200"),
        ("1.8k-2.2k", "rent_min", "1800"),
        ("budget around $1,950", "rent_max", "1950"),
        ("at least $1,500", "rent_min", "1500"),
        ("move-in 2/1", "move_in_date", "2/1"),
        ("lease of 6 months", "lease_term", "6"),
        ("+1 (202) 555-0179", "phone", "+1 (202) 555-0179"),
        # "María" is the second half of a compound given name, not a family name.
        ("for Ana María López", "first_name", "Ana María"),
        ("for Ana María López", "last_name", "López"),
        ("6-month lease", "lease_term", "6"),
        ("lease: 12 months", "lease_term", "12"),
        ("1 year lease", "lease_term", "12"),
        ("max $2,400", "rent_max", "2400"),
        ("under 2k", "rent_max", "2000"),
        ("move in date: 2027-03-01", "move_in_date", "2027-03-01"),
        ("moving in Jan 15", "move_in_date", "Jan 15"),
        ("studio", "bedrooms", "studio"),
        ("2br", "bedrooms", "2"),
        ("5 bedroom house", "bedrooms", "4+"),
        ("Name: Jane", "first_name", "Jane"),
        ("tomorrow at 3pm", "tour_time", "tomorrow at 3pm"),
        ("Tmrw @ 3PM", "tour_time", "Tmrw @ 3PM"),
    ],
)
def test_each_piece(text: str, key: str, value: str) -> None:
    assert read_request(text).get(key) == value


def test_numbers_are_not_mistaken_for_one_another() -> None:
    values = read_request("Ann Lee 617-555-0142 fri 2-3, 2-3 beds, $2,000 budget")
    assert values["tour_time"] == "fri 2-3"
    assert values["phone"] == "617-555-0142"
    assert values["rent_max"] == "2000"
    assert "rent_min" not in values
    assert values["bedrooms"] == "2, 3"  # several sizes: the form takes them all
    assert "notes" not in values


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "call me", "hi there, Tuesday works", "jane", "Tour Tomorrow"]
)
def test_nothing_invented(text: str) -> None:
    values = read_request(text)
    assert "first_name" not in values and "email" not in values and "phone" not in values
    assert "rent_min" not in values and "bedrooms" not in values


@pytest.mark.parametrize(
    "text",
    ["book a tour please", "Hi team! Can you book a tour? Thanks!", "tomorrow at 3pm 🙏", "—"],
)
def test_filler_makes_no_notes(text: str) -> None:
    assert "notes" not in read_request(text)


@pytest.mark.parametrize(
    ("text", "community"),
    [
        ("tour at maple court tomorrow", "cmty_maple"),
        ("tour at the Maple Court tomorrow", "cmty_maple"),
        ("tour at mapel court tomorrow", "cmty_maple"),
        ("tour at Maple Court Apartments", "cmty_maple"),
        ("tour at maple ridge", "cmty_ridge"),
        ("tour at cmty_ridge", "cmty_ridge"),
        ("tour at maple", None),  # both are Maple something
        ("tour at the Maple", None),
        ("maple court or maple ridge", None),
        ("tour at mapel", None),  # a typo alone is not enough
        ("prefers oak floors", None),
        ("court at 3pm", None),  # a word every name has
    ],
)
def test_communities_are_matched_loosely_but_only_when_clear(
    text: str, community: str | None
) -> None:
    communities = [("cmty_maple", "Maple Court Apartments"), ("cmty_ridge", "Maple Ridge")]
    assert read_request(text, communities=communities).get("community") == community


def test_without_known_communities_a_name_stays_in_the_notes() -> None:
    values = read_request("tour at Maple Court tomorrow 3pm")
    assert "community" not in values
    assert values["notes"] == "tour at Maple Court"


def test_slack_markup_is_read_as_the_agent_sees_it() -> None:
    values = read_request(
        "<@U0BOT> book <mailto:ann@example.com|ann@example.com> <tel:+15552017788|555-201-7788> "
        "sat 10am &amp; has a dog"
    )
    assert values == {
        "email": "ann@example.com",
        "phone": "555-201-7788",
        "tour_time": "sat 10am",
        "notes": "has a dog",
    }


@pytest.mark.parametrize(
    ("text", "written", "read_as"),
    [
        ("fri 3 p. m. please", "fri 3 p. m.", "friday 3 pm"),
        ("sat (11am)", "sat 11am", "saturday 11am"),
        ("TOMORROW@3PM", "TOMORROW@3PM", "tomorrow at 3pm"),
        ("tmrw,3pm,2br", "tmrw,3pm", "tomorrow 3pm"),
        ("Jane Doe tomorrow at 3 o'clock", "tomorrow at 3 o'clock", "tomorrow at 3:00"),
        ("Thurs. 10:30 a.m.", "Thurs. 10:30 a.m.", "thursday 10:30 am"),
    ],
)
def test_the_time_keeps_the_agents_words(text: str, written: str, read_as: str) -> None:
    values = read_request(text)
    assert values["tour_time"] == written
    assert read_phrase(written).words == read_as
    assert "notes" not in values


@pytest.mark.parametrize(
    ("text", "notes"),
    [
        ("prefers the 3rd floor", "prefers the 3rd floor"),
        ("any weekday after 5pm", "any weekday after 5pm"),
        ("unit is available March 1", "unit is available March 1"),
        ("she called this morning", "she called this morning"),
        ("moving in 2 weeks", "moving in 2 weeks"),
        ("Happy Friday!", "Happy Friday"),
        ("Good morning team", None),
    ],
)
def test_times_that_are_not_the_tours(text: str, notes: str | None) -> None:
    values = read_request(text)
    assert "tour_time" not in values
    assert values.get("notes") == notes


# A visit or a call that happened: its day and hour are the past, never the tour's.
PAST_EVENTS = ["toured", "she toured", "saw it", "saw the place", "came by", "was here", "called",
               "visited"]  # fmt: skip
WHEN_PAST = ["last week", "last thursday", "last thurs at 4", "3 weeks back", "a while ago",
             "2 wks ago at 11am", "the other day", "friday gone", "this past sat",
             "yesterday at 5"]  # fmt: skip


@pytest.mark.parametrize("when", WHEN_PAST)
@pytest.mark.parametrize("event", PAST_EVENTS)
def test_a_visit_in_the_past_is_a_note_and_the_wish_is_the_tour(event: str, when: str) -> None:
    text = f"Jane Doe jane@example.com {event} {when}, wants a second look fri 3pm"
    values = read_request(text)
    assert values["tour_time"] == "fri 3pm", text
    assert f"{event} {when}" in values["notes"]
    alone = read_request(f"Jane Doe jane@example.com {event} {when}")
    said = alone.get("tour_time")
    wednesday = datetime(2026, 11, 25, 10, tzinfo=ZoneInfo("America/New_York"))
    assert said is None or resolve_time(said, zone="America/New_York", now=wednesday).status in (
        "ask",
        "reject",
    ), (text, said)


@pytest.mark.parametrize(
    ("text", "unreadable"),
    [
        ("Jane Doe jane@example fri 2pm", {"email": "jane@example"}),
        ("Jane Doe jane at gmail dot com fri 2pm", {"email": "jane at gmail dot com"}),
        ("Jane Doe, cell 555-0199, fri 2pm", {"phone": "555-0199"}),
        ("Jane Doe\nPhone: (555) 201-778\nTour: fri 2pm", {"phone": "(555) 201-778"}),
        ("Jane Doe jane@example.com 555-201-7788 fri 2pm", {}),
        ("Jane Doe fri@2pm", {}),
    ],
)
def test_an_unreadable_email_or_phone_is_no_note(text: str, unreadable: dict[str, str]) -> None:
    """A wrong address in the notes would outlive the right one given later."""
    values = read_request(text)
    assert "notes" not in values and values["tour_time"] in ("fri 2pm", "fri@2pm")
    assert unreadable_contacts(text) == unreadable


@pytest.mark.parametrize(
    "text",
    [
        "she makes $6,000/mo",
        "income 6k/month",
        "current rent $1,650",
        "current rent 1650/mo",
        "earns 5000-6000 a month",
        "security deposit $500",
    ],
)
def test_money_that_is_not_the_budget(text: str) -> None:
    assert read_request(text) == {"notes": text}


def test_a_budget_beside_other_money_is_still_the_budget() -> None:
    assert read_request("currently looking budget $2000, makes 6k/month") == {
        "rent_max": "2000",
        "notes": "currently looking; makes 6k/month",
    }


@pytest.mark.parametrize("text", ["12 mo", "12 mos", "12 months"])
def test_months_beside_a_number_are_the_lease_never_monday(text: str) -> None:
    assert read_request(f"tour fri 2pm, {text}") == {"tour_time": "fri 2pm", "lease_term": "12"}


def test_two_move_in_dates_give_none() -> None:
    values = read_request("move-in 2/1 or 3/1, tour sat 2pm")
    assert "move_in_date" not in values
    assert values == {"tour_time": "sat 2pm", "notes": "move-in 2/1 or 3/1"}


def test_long_leftovers_are_cut_to_what_the_notes_field_holds() -> None:
    notes = read_request("Jane Doe tomorrow at 3pm, " + "has a dog, " * 200)["notes"]
    assert text_length(notes) <= NOTES_MAX
    assert notes.startswith("has a dog; has a dog") and notes.endswith("…")
