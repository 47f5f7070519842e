"""Times and numbers that belong to something else: the hour a tour is moved from, a flight's, a
voicemail's, the office's hours, when to call; an ID or a confirmation number is no phone. Each
rule over generated phrasings, resolved, so a wrong reading shows as a wrong booking."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.time.resolve import resolve_time
from bot.understand import read_request

NEW_YORK = ZoneInfo("America/New_York")
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK)


def _when(values: dict[str, str]) -> str | None:
    """The tour's local time as the resolver books it, or None when it asks or refuses."""
    said = values.get("tour_time")
    if said is None:
        return None
    r = resolve_time(said, zone="America/New_York", now=WEDNESDAY)
    return r.local.strftime("%a %H:%M") if r.status == "ok" and r.local else None


MOVES = ["Moving {name}'s tour on Sat from {old} to {new}", "Change {name} from {old} to {new} sat",
         "pls reschedule {name} sat from {old} to {new}", "{name} switched sat from {old} to {new}",
         "push {name}'s tour on saturday from {old} to {new}"]  # fmt: skip
HOURS = [("2", "3:30", "15:30"), ("10am", "1pm", "13:00"), ("11", "noon", "12:00")]


@pytest.mark.parametrize(("template", "hours"), list(itertools.product(MOVES, HOURS)))
def test_a_tour_moved_from_one_hour_to_another_is_booked_at_the_new_one(
    template: str, hours: tuple[str, str, str]
) -> None:
    old, new, booked = hours
    text = template.format(name="Nadia Khoury", old=old, new=new) + ", nadia.k@example.com"
    values = read_request(text)
    assert _when(values) in (f"Sat {booked}", None), (text, values.get("tour_time"))
    assert values.get("first_name") in ("Nadia", None), values


OTHER_TIMES = [
    "her flight lands sat 11am, can {name} tour the linden sat afternoon?",
    "Got a voicemail at 8:15am from {name}, didn't say when",
    "{name} wants to come by Saturday. Our office is open Sat 10-5",
    "{name}: tour hours are 10am-6pm daily, she'll come Friday",
    "Desired tour date: Sunday\nBest time to reach: weekdays 9-11am\nName: {name}",
    "{name} called, best time to call her back is 4pm, tour thursday",
]


@pytest.mark.parametrize("template", OTHER_TIMES)
def test_the_time_of_something_else_is_never_the_tour(template: str) -> None:
    values = read_request(template.format(name="Bea Novak") + " bea@example.com")
    assert _when(values) is None, values.get("tour_time")  # no hour given for the tour: asked


@pytest.mark.parametrize(
    "label", ["lead ID is", "Zillow lead ID:", "confirmation #", "ref:", "order number", "acct #"]
)
def test_an_identifier_is_no_phone(label: str) -> None:
    values = read_request(f"tour: Ayo Adebayo, ayo@example.com, sat 10am. {label} 4155550177")
    assert "phone" not in values and "4155550177" in values["notes"]
    kept = read_request("tour: Ayo Adebayo, ID checked, cell 415-555-0177, sat 10am")
    assert kept.get("phone") == "415-555-0177"


@pytest.mark.parametrize("word", ["Change", "Rescheduled", "See below", "Happy Thanksgiving"])
def test_a_word_of_the_message_is_no_name(word: str) -> None:
    values = read_request(f"{word}: Aditi Rao aditi@example.com tomorrow 1pm")
    assert (values.get("first_name"), values.get("last_name")) == ("Aditi", "Rao"), values


@pytest.mark.parametrize(
    ("text", "booked"),
    [("sat 2pm (actually 3, she just texted)", "Sat 15:00"),
     ("saturday at 11 - wait, she said 12", "Sat 12:00"), ("fri at 2, no wait 3", "Fri 15:00"),
     ("monday 10am, sorry 11am", "Mon 11:00"), ("tomorrow at 4, no 5", None),
     ("fri 2pm, actually 3 of us", "Fri 14:00"), ("fri 2pm, no 2 bedrooms though", "Fri 14:00")],
)  # fmt: skip
def test_an_hour_corrected_in_the_message_is_the_new_one_or_a_question(
    text: str, booked: str | None
) -> None:
    values = read_request(f"Jane Doe jane@example.com {text}")
    assert _when(values) == booked, values.get("tour_time")


@pytest.mark.parametrize(
    "text",
    ["any day but friday, ideally around 3", "any day except monday at 3",
     "anything but tuesday. 2pm works", "any day other than thursday, 4pm"],
)  # fmt: skip
def test_a_day_excluded_is_never_the_tour_and_its_hour_alone_is_asked(text: str) -> None:
    values = read_request(f"Sam Lee sam@example.com, {text}")
    assert _when(values) is None, values.get("tour_time")
