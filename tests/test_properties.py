"""Property-based tests (hypothesis): whatever an agent types, in any zone, at any moment within
ten years, the time resolver, the text reader, the form and a conversation's replies answer;
they never crash."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.booking import FIELD_LABELS, BookingDraft, FormProblems, prepare_booking
from bot.conversation.reading import read_reply
from bot.conversation.steps import ASK_FIRST, details, next_step
from bot.settings import Settings
from bot.time.resolve import ResolvedTime, resolve_time
from bot.understand import read_request

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
ZONES = sorted(available_timezones() - {"localtime", "Factory"})
# Words the readers know, so that random phrases reach past the first "I can't read that".
WORDS = [
    "tomorrow", "today", "tonight", "next", "this", "at", "on", "in", "the", "of", "and", "or",
    "mon", "tues", "wed", "thu", "fri", "sat", "sunday", "noon", "midnight", "morning",
    "afternoon", "evening", "am", "pm", "a.m.", "3pm", "10:30", "2p", "12", "0", "24:00", "7",
    "9:45am", "12/5", "31/12", "2/29", "12/31/2027", "2027-01-15", "Jan", "march 3rd", "dec",
    "hours", "minutes", "2 hours", "week", "EST", "PST", "UTC", "CET", "GMT+2", "+05:30", "Z",
    "Jane", "Doe", "jane@example.com", "555-201-7788", "+44 20 7946 0958", "$1,800", "2k",
    "2br", "studio", "self-guided", "virtual", "move-in", "12 month lease", "budget", "-",
    "–", "/", ",", ".", "'", "\"", "<!channel>", "😀", "\u202e", "\x00", "٣", "\n",
]  # fmt: skip
CALENDAR_EDGES = ["1/1/0001 1am", "12/31/9999 11pm", "in 9999999999999 hours"]

# Phrases shaped like the ones agents type, so that many resolve (ok or confirm), not just fail.
DAYS = ["", "today", "tomorrow", "fri", "next tues", "this sat", "sunday", "12/5", "5/12/2027",
        "Dec 3rd", "31/12", "2/29", "3/8", "11/1", "the 15th", "on the 31st", "jan 1"]  # fmt: skip
clocks = st.one_of(
    st.builds(
        "{}:{:02d}{}".format,
        st.integers(0, 24),
        st.integers(0, 59),
        st.sampled_from(["", "am", "pm", " a.m.", " PM"]),
    ),
    st.builds("{}{}".format, st.integers(0, 13), st.sampled_from(["", "am", "pm", "p", "a"])),
    st.sampled_from(["noon", "midnight", "2-3", "9 in the morning", "7 tonight"]),
)
timelike = st.builds(
    "{} {} {} {}".format,
    st.sampled_from(DAYS),
    st.sampled_from(["", "at", "@", ","]),
    clocks,
    st.sampled_from(["", "EST", "PT", "UTC", "CET", "in the afternoon"]),
)
phrases = st.one_of(
    st.text(max_size=60),
    timelike,
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=8).map(" ".join),
)
zones = st.sampled_from(ZONES)
moments = st.datetimes(
    min_value=(NOW - timedelta(days=3653)).replace(tzinfo=None),
    max_value=(NOW + timedelta(days=3653)).replace(tzinfo=None),
    timezones=st.sampled_from([ZoneInfo(z) for z in ZONES[::7]] + [UTC]),
)
SETTINGS = Settings(_env_file=None, propexo_integration_id="int_1")
fast = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_resolved(resolved: ResolvedTime) -> None:
    assert resolved.status in ("ok", "confirm", "ask", "reject")
    if resolved.status in ("ok", "confirm"):
        at = resolved.starts_at
        assert at is not None and resolved.local is not None
        assert at.utcoffset() == timedelta(0) and at.tzinfo is UTC
        assert (at.second, at.microsecond) == (0, 0)
        assert resolved.appointment_date == at.astimezone(UTC).date().isoformat()
        assert resolved.local == at  # the same instant, shown in the tour's zone
    else:
        assert resolved.starts_at is None
    if resolved.status != "ok":
        assert resolved.reason


@fast
@given(text=phrases, zone=zones, now=moments, day_first=st.booleans())
@example(text="tomorrow at 3pm", zone="America/New_York", now=NOW, day_first=False)
def test_resolve_time_always_answers(text: str, zone: str, now: datetime, day_first: bool) -> None:
    check_resolved(resolve_time(text, zone=zone, now=now, date_order="DMY" if day_first else "MDY"))


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_resolve_time_at_the_ends_of_the_calendar(zone: str) -> None:
    for text in CALENDAR_EDGES:
        check_resolved(resolve_time(text, zone=zone, now=NOW))


@fast
@given(text=st.one_of(st.text(max_size=300), phrases))
def test_read_request_always_answers_with_form_fields(text: str) -> None:
    values = read_request(text)
    assert set(values) <= set(FIELD_LABELS)
    assert all(isinstance(v, str) and v for v in values.values())


form_values = st.dictionaries(
    st.sampled_from(sorted(FIELD_LABELS)),
    st.one_of(st.none(), phrases, st.sampled_from(WORDS), st.text(max_size=30)),
    max_size=len(FIELD_LABELS),
)
PLAUSIBLE = {
    "community": ["cmty_maple_court", "cmty x"],
    "prospect": ["prsp_0001", ""],
    "last_name": ["Doe", "O'Brien", "😀" * 60],
    "phone": ["555-201-7788", "+44 20 7946 0958", "12"],
    "tour_type": ["SELF_GUIDED", "virtual", "in person", "VIP"],
    "move_in_date": ["2027-01-15", "Jan 15", "2/29", "2027-02-30"],
    "bedrooms": ["studio", "2", "4+", "5"],
    "rent_min": ["$1,800", "2k", "0"],
    "rent_max": ["$2,200", "1.5k", "$99,999,999"],
    "lease_term": ["12", "1 year", "61"],
    "notes": ["call first", "x" * 1001, "<!here>"],
}
plausible_form = st.fixed_dictionaries(
    {"first_name": st.sampled_from(["Jane", "Zoë", "<!channel>", "Ana", ""]),
     "email": st.sampled_from(["jane@example.com", "zoë@exämple.com", "jane@", ""]),
     "tour_time": st.one_of(timelike, phrases)},
    optional={key: st.sampled_from([*choices, None, None, ""]) | st.text(max_size=12)
              for key, choices in PLAUSIBLE.items()},
)  # fmt: skip
likely_draft = st.fixed_dictionaries(
    {"first_name": st.just("Jane"), "email": st.just("jane@example.com"), "tour_time": timelike},
    optional={key: st.sampled_from(choices[:2]) for key, choices in PLAUSIBLE.items()},
)  # fmt: skip


def check_booking(values: Mapping[str, str | None], zone: str, now: datetime) -> None:
    try:
        draft = prepare_booking(values, settings=SETTINGS, zone=ZoneInfo(zone), now=now)
    except FormProblems as problems:
        assert problems.problems and set(problems.problems) <= set(FIELD_LABELS)
        assert all(isinstance(m, str) and m for m in problems.problems.values())
        return
    assert isinstance(draft, BookingDraft)
    assert draft.time.status in ("ok", "confirm")
    check_resolved(draft.time)
    body = draft.appointment.body()
    assert body["appointment_date"] == draft.time.appointment_date


@fast
@given(values=st.one_of(form_values, plausible_form, likely_draft), zone=zones, now=moments)
def test_prepare_booking_gives_a_draft_or_form_problems(
    values: dict[str, str | None], zone: str, now: datetime
) -> None:
    check_booking(values, zone, now)


@fast
@given(
    values=st.one_of(plausible_form, likely_draft).map(
        lambda v: {k: x for k, x in v.items() if x is not None}
    ),
    reply=phrases,
    asked=st.sampled_from([None, *ASK_FIRST, *FIELD_LABELS]),
)
def test_a_reply_in_a_conversation_always_reads(
    values: dict[str, str], reply: str, asked: str | None
) -> None:
    read = read_reply(values, reply, asked=asked, communities=[("c1", "Maple Court")])
    assert set(read.changed) <= set(read.values) | set(values)
    assert all(isinstance(value, str) for value in read.values.values())
    if read.intent is not None:
        assert read.values == values and not read.changed
    step = next_step(read.values, {})
    assert (step.asked is None) == (step.question is None)
    details(read.values, time_text=None, community_name=None, tour_types=SETTINGS.tour_types)
