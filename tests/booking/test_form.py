"""The tour form as a whole: every problem at once, what a new or an existing
prospect needs, the summary helpers, and any text giving a form or problems."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.booking import (
    FIELD_LABELS,
    FormProblems,
    TourForm,
    build_appointment,
    format_dollars,
    read_form,
)
from tests.booking.booking_kit import NEW_PROSPECT, TODAY, TOUR_TYPES, problems, read

# The form as a whole


def test_every_problem_is_reported_at_once_under_its_own_field() -> None:
    found = problems(
        last_name="Doe",
        phone="555.201.7788 x12",
        tour_type="drive-by",
        move_in_date="1/15/2025",
        bedrooms="5",
        rent_min="$3,000",
        rent_max="2k",
        lease_term="0",
        notes="x" * 1001,
    )
    assert found == {
        "first_name": "Add a first name for a new prospect, or pick an existing one",
        "phone": "Phone can't carry an extension: put x12 in the notes",
        "tour_time": 'Add the tour time, like "tomorrow at 3pm"',
        "tour_type": "Tour type must be Self-guided, In person or Virtual",
        "move_in_date": "Move-in date has passed (2025-01-15): give today or a later date",
        "bedrooms": "Bedrooms must be studio, 1, 2, 3 or 4+",
        "rent_min": "Minimum rent must be no more than the maximum ($2,000)",
        "lease_term": "Lease term must be a whole number of months from 1 to 60",
        "notes": "Notes must be at most 1,000 characters (now 1,001)",
    }


def test_an_empty_form_asks_for_what_a_new_prospect_needs() -> None:
    assert problems() == {
        "first_name": "Add a first name for a new prospect, or pick an existing one",
        "email": "Add an email or a phone for a new prospect",
        "tour_time": 'Add the tour time, like "tomorrow at 3pm"',
    }


def test_a_phone_alone_is_enough_contact() -> None:
    form = read(first_name="Jane", phone="555-201-7788", tour_time="fri 2p")
    assert (form.email, form.phone) == (None, "+15552017788")


def test_a_mistyped_contact_is_reported_once_under_its_own_field() -> None:
    assert problems(first_name="Jane", email="jane@", tour_time="fri 2p") == {
        "email": "Email must look like name@example.com"
    }


def test_rent_minimum_above_maximum_goes_under_minimum() -> None:
    assert problems(**NEW_PROSPECT, rent_min="2,300", rent_max="$2,200") == {
        "rent_min": "Minimum rent must be no more than the maximum ($2,200)"
    }
    form = read(**NEW_PROSPECT, rent_min="2,200", rent_max="$2,200")
    assert form.rent_label == "$2,200–$2,200"


def test_problems_keep_the_form_order_and_make_one_message() -> None:
    error = FormProblems({"notes": "Notes must be short", "email": "Email must be real"})
    assert list(error.problems) == ["email", "notes"]
    assert str(error) == "Email must be real; Notes must be short"


def test_existing_prospect_needs_only_the_tour_time() -> None:
    form = read(prospect="pro_9", tour_time="fri 2p")
    assert form == TourForm(prospect_id="pro_9", tour_time="fri 2p")
    assert form.prospect_name is None


def test_unknown_keys_are_ignored() -> None:
    assert read(**NEW_PROSPECT, request_id="abc") == read(**NEW_PROSPECT)


def test_summary_helpers() -> None:
    form = read(
        **NEW_PROSPECT, last_name="Doe", tour_type="video", bedrooms="studio", rent_max="2200"
    )
    assert form.prospect_name == "Jane Doe"
    assert form.tour_type_label == "Virtual"
    assert form.bedrooms_label == "Studio"
    assert form.rent_label == "up to $2,200"
    assert read(**NEW_PROSPECT, rent_min="1800.5").rent_label == "from $1,800.50"
    assert read(**NEW_PROSPECT).rent_label is None
    assert format_dollars(123456789) == "$1,234,567.89"


def test_a_filled_form_reads_back_from_its_values() -> None:
    form = read(
        **NEW_PROSPECT,
        last_name="Doe",
        phone="(555) 201 7788",
        community="com_1",
        tour_type="self guided",
        move_in_date="Jan 15",
        bedrooms="4+",
        rent_min="1,800.50",
        rent_max="2.2k",
        lease_term="1 year",
        notes="Has a cat",
    )
    assert form.to_values() == {
        "community": "com_1",
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane@example.com",
        "phone": "+15552017788",
        "tour_time": "tomorrow at 3pm",
        "tour_type": "SELF_GUIDED",
        "move_in_date": "2027-01-15",
        "bedrooms": "4+",
        "rent_min": "$1,800.50",
        "rent_max": "$2,200",
        "lease_term": "12",
        "notes": "Has a cat",
    }
    assert read_form(form.to_values(), tour_types=TOUR_TYPES, today=TODAY) == form


def test_field_keys_are_stable() -> None:
    assert list(FIELD_LABELS) == [
        "community",
        "prospect",
        "first_name",
        "last_name",
        "email",
        "phone",
        "tour_time",
        "tour_type",
        "move_in_date",
        "bedrooms",
        "rent_min",
        "rent_max",
        "lease_term",
        "notes",
    ]


# Whatever is typed, the agent sees problems, never a crash


_REALISTIC: Mapping[str, list[str]] = {
    "community": ["com_1"],
    "prospect": ["pro_9"],
    "first_name": ["Jane"],
    "last_name": ["Doe"],
    "email": ["jane@example.com", "Jane@EXAMPLE.com"],
    "phone": ["555-201-7788", "+44 20 7946 0958"],
    "tour_time": ["fri 2p"],
    "tour_type": ["self guided", "video", "IN_PERSON"],
    "move_in_date": ["1/15", "Feb 29", "2027-03-01"],
    "bedrooms": ["studio", "4+"],
    "rent_min": ["1,800", "2k"],
    "rent_max": ["$2,200.50", "3k"],
    "lease_term": ["12", "2 years"],
    "notes": ["Has a cat\nand a dog"],
}


def _typed(key: str) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.text(max_size=300), st.sampled_from(_REALISTIC[key]))


@given(st.fixed_dictionaries({key: _typed(key) for key in FIELD_LABELS}), st.dates())
def test_any_text_gives_a_form_or_problems_in_plain_words(
    values: dict[str, str | None], today: date
) -> None:
    try:
        form = read_form(values, tour_types=TOUR_TYPES, today=today)
    except FormProblems as error:
        assert error.problems
        assert set(error.problems) <= set(FIELD_LABELS)
        for message in error.problems.values():
            assert "pydantic" not in message.lower()
            assert "error" not in message.lower()
    else:
        # A form that was read reads back the same, and always makes a valid body.
        assert read_form(form.to_values(), tour_types=TOUR_TYPES, today=today) == form
        starts_at = datetime(2026, 11, 26, 20, tzinfo=UTC)
        build_appointment(form, starts_at=starts_at, integration_id="int_1")
