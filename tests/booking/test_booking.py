"""The booking model: Propexo's request body, the tour form, and the mapping between them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.booking import (
    BEDROOM_CHOICES,
    FIELD_LABELS,
    EliseAIAppointment,
    FormProblems,
    TourForm,
    build_appointment,
    format_dollars,
    read_form,
    tour_type_label,
)

TOUR_TYPES = ("SELF_GUIDED", "IN_PERSON", "VIRTUAL")
TODAY = date(2026, 11, 25)
NEW_YORK = ZoneInfo("America/New_York")

# The smallest body Propexo accepts for a new prospect.
MINIMAL: dict[str, Any] = {
    "integration_id": "int_1",
    "appointment_date": "2026-11-26",
    "appointment_time": "20:00:00",
    "first_name": "Jane",
    "email_1": "jane@example.com",
}


def appointment(**changes: Any) -> EliseAIAppointment:
    return EliseAIAppointment.model_validate(
        {**MINIMAL, **changes}, context={"tour_types": TOUR_TYPES}
    )


def refused(**changes: Any) -> str:
    """The field pydantic names for the one refused rule (`__root__` for a model-wide rule)."""
    with pytest.raises(ValidationError) as caught:
        appointment(**changes)
    [error] = caught.value.errors()
    return ".".join(str(part) for part in error["loc"]) or "__root__"


def read(**values: str | None) -> TourForm:
    return read_form(values, tour_types=TOUR_TYPES, today=TODAY)


def problems(**values: str | None) -> dict[str, str]:
    with pytest.raises(FormProblems) as caught:
        read(**values)
    return caught.value.problems


NEW_PROSPECT = {"first_name": "Jane", "email": "jane@example.com", "tour_time": "tomorrow at 3pm"}


def read_one(key: str, text: str) -> TourForm:
    return read(**{**NEW_PROSPECT, key: text})


def problem_with(key: str, text: str) -> dict[str, str]:
    return problems(**{**NEW_PROSPECT, key: text})


# The request body


def test_minimal_body_is_sent_as_given() -> None:
    assert appointment().body() == MINIMAL


def test_body_leaves_out_empty_fields_instead_of_sending_nulls() -> None:
    body = appointment(
        community_id=None, last_name="", notes="   ", desired_num_bedrooms=[], phone_1=None
    ).body()
    assert body == MINIMAL


def test_body_keeps_every_documented_field() -> None:
    full = {
        **MINIMAL,
        "community_id": "com_1",
        "phone_1": "+12025550179",
        "last_name": "Doe",
        "move_in_date": "2027-01-15",
        "rent_minimum_in_cents": 180000,
        "rent_maximum_in_cents": 220000,
        "notes": "Has a cat",
        "desired_num_bedrooms": [0],
        "tour_type": "VIRTUAL",
        "lease_term_in_months": 12,
    }
    assert appointment(**full).body() == full


def test_existing_prospect_needs_no_name_or_contact() -> None:
    body = EliseAIAppointment.model_validate(
        {
            "integration_id": "int_1",
            "appointment_date": "2026-11-26",
            "appointment_time": "20:00:00",
            "prospect_id": "pro_9",
        }
    ).body()
    assert body == {
        "integration_id": "int_1",
        "appointment_date": "2026-11-26",
        "appointment_time": "20:00:00",
        "prospect_id": "pro_9",
    }


def test_unknown_key_is_refused() -> None:
    assert refused(unit_id="u1") == "unit_id"


@pytest.mark.parametrize(
    "time", ["24:00:00", "9:00:00", "09:00", "09:60:00", "09:00:60", "٠٩:00:00"]
)
def test_time_outside_the_documented_pattern_is_refused(time: str) -> None:
    assert refused(appointment_time=time) == "appointment_time"


@pytest.mark.parametrize("time", ["00:00:00", "23:59:59", "09:30:00"])
def test_time_inside_the_documented_pattern_is_kept(time: str) -> None:
    assert appointment(appointment_time=time).appointment_time == time


@pytest.mark.parametrize("day", ["2026-02-30", "26-11-2026", "2026/11/26", "tomorrow", ""])
def test_bad_appointment_date_is_refused(day: str) -> None:
    assert refused(appointment_date=day) == "appointment_date"


def test_bad_move_in_date_is_refused() -> None:
    assert refused(move_in_date="1/15/2027") == "move_in_date"


@pytest.mark.parametrize("phone", ["555-201-7788", "+1 555", "+", "12a", "1" * 51, "+٣٣"])
def test_phone_outside_the_documented_pattern_is_refused(phone: str) -> None:
    assert refused(phone_1=phone) == "phone_1"


@pytest.mark.parametrize("field", ["rent_minimum_in_cents", "rent_maximum_in_cents"])
def test_rent_of_zero_is_refused(field: str) -> None:
    assert refused(**{field: 0}) == field


def test_rent_must_be_an_integer_not_a_string_or_a_bool() -> None:
    assert refused(rent_minimum_in_cents="180000") == "rent_minimum_in_cents"
    assert refused(rent_minimum_in_cents=True) == "rent_minimum_in_cents"


def test_notes_of_1001_characters_are_refused_and_1000_kept() -> None:
    assert refused(notes="x" * 1001) == "notes"
    assert appointment(notes="x" * 1000).notes == "x" * 1000


def test_notes_count_characters_as_javascript_does() -> None:
    # 500 emoji are 1,000 UTF-16 units; one more letter goes over.
    assert appointment(notes="🏠" * 500).notes == "🏠" * 500
    assert refused(notes="🏠" * 500 + "x") == "notes"


def test_negative_bedrooms_are_refused() -> None:
    assert refused(desired_num_bedrooms=[-1]) == "desired_num_bedrooms.0"


def test_lease_term_of_zero_is_refused() -> None:
    assert refused(lease_term_in_months=0) == "lease_term_in_months"


def test_tour_type_outside_the_configured_set_is_refused() -> None:
    assert refused(tour_type="DRIVE_BY") == "tour_type"


def test_tour_type_set_comes_from_the_validation_context() -> None:
    custom = EliseAIAppointment.model_validate(
        {**MINIMAL, "tour_type": "LIVE_VIDEO"}, context={"tour_types": ("LIVE_VIDEO",)}
    )
    assert custom.tour_type == "LIVE_VIDEO"
    with pytest.raises(ValidationError):
        EliseAIAppointment.model_validate(
            {**MINIMAL, "tour_type": "VIRTUAL"}, context={"tour_types": ("LIVE_VIDEO",)}
        )


def test_without_context_the_default_tour_types_apply() -> None:
    assert EliseAIAppointment(**{**MINIMAL, "tour_type": "IN_PERSON"}).tour_type == "IN_PERSON"
    with pytest.raises(ValidationError):
        EliseAIAppointment(**{**MINIMAL, "tour_type": "LIVE_VIDEO"})


def test_rent_minimum_above_maximum_is_refused() -> None:
    assert refused(rent_minimum_in_cents=220001, rent_maximum_in_cents=220000) == "__root__"
    assert (
        appointment(rent_minimum_in_cents=220000, rent_maximum_in_cents=220000).body()[
            "rent_minimum_in_cents"
        ]
        == 220000
    )


def test_new_prospect_without_contact_is_refused() -> None:
    assert refused(email_1=None) == "__root__"
    assert appointment(email_1=None, phone_1="+12025550179").phone_1 == "+12025550179"


def test_new_prospect_without_name_is_refused() -> None:
    assert refused(first_name="") == "__root__"
    assert appointment(first_name=None, last_name="Doe").last_name == "Doe"


def test_integration_id_and_appointment_are_required() -> None:
    for field in ("integration_id", "appointment_date", "appointment_time"):
        body = {key: value for key, value in MINIMAL.items() if key != field}
        with pytest.raises(ValidationError):
            EliseAIAppointment.model_validate(body)
    assert refused(integration_id="") == "integration_id"


# The form, field by field


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("555-201-7788", "+15552017788"),
        ("(555) 201 7788", "+15552017788"),
        ("+1 555 201 7788", "+15552017788"),
        ("555.201.7788", "+15552017788"),
        ("1 (202) 555-0179", "+12025550179"),
        ("+12025550179", "+12025550179"),
        ("+44 20 7946 0958", "+442079460958"),
        ("  202  555 0179 ", "+12025550179"),
    ],
)
def test_phone_is_read_as_e164_with_us_by_default(typed: str, e164: str) -> None:
    assert read_one("phone", typed).phone == e164


@pytest.mark.parametrize(
    "typed",
    [
        "555-0100",
        "123-456-7890",
        "12345",
        "call 555-201-7788",
        "phone",
        "+44 20 7946",
        "1-800-FLOWERS",
    ],
)
def test_phone_that_is_no_number_is_a_problem(typed: str) -> None:
    assert problem_with("phone", typed) == {"phone": "Phone must be a number like +1 555 201 7788"}


def test_phone_with_an_extension_asks_for_the_notes() -> None:
    assert problem_with("phone", "555.201.7788 x12") == {
        "phone": "Phone can't carry an extension: put x12 in the notes"
    }
    assert problem_with("phone", "202-555-0179 ext. 4") == {
        "phone": "Phone can't carry an extension: put x4 in the notes"
    }


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("jane@example.com", "jane@example.com"),
        ("Jane.Doe@EXAMPLE.COM", "Jane.Doe@example.com"),
        (" jane+tours@mail.example.org ", "jane+tours@mail.example.org"),
    ],
)
def test_email_is_read_and_normalised(typed: str, normalised: str) -> None:
    assert read_one("email", typed).email == normalised


@pytest.mark.parametrize(
    "typed", ["jane", "jane@", "jane@example", "jane @example.com", "a@b@c.com"]
)
def test_email_that_does_not_look_like_one_is_a_problem(typed: str) -> None:
    assert problem_with("email", typed) == {"email": "Email must look like name@example.com"}


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("$1,800", 180000),
        ("1800", 180000),
        ("1,800.50", 180050),
        ("$1800.5", 180050),
        ("2k", 200000),
        ("2.5K", 250000),
        ("$ 2,200/mo", 220000),
        ("0.01", 1),
    ],
)
def test_rent_is_read_in_dollars_as_cents(typed: str, cents: int) -> None:
    assert read_one("rent_max", typed).rent_max_cents == cents


@pytest.mark.parametrize(
    "typed", ["about 1800", "1,80", "18,00", "$1,800.505", "1800-2200", "€1800"]
)
def test_rent_that_is_no_amount_is_a_problem(typed: str) -> None:
    assert problem_with("rent_min", typed) == {
        "rent_min": "Minimum rent must be an amount in dollars like $1,800"
    }


def test_rent_of_zero_or_of_millions_is_a_problem() -> None:
    assert problem_with("rent_max", "$0") == {"rent_max": "Maximum rent must be more than $0"}
    assert problem_with("rent_max", "2000k") == {
        "rent_max": "Maximum rent must be at most $1,000,000"
    }


@pytest.mark.parametrize(
    ("typed", "bedrooms"),
    [
        ("studio", 0),
        ("Studio", 0),
        ("0", 0),
        ("1", 1),
        ("2", 2),
        ("2br", 2),
        ("3 bedrooms", 3),
        ("4+", 4),
        ("4", 4),
    ],
)
def test_bedrooms_are_read(typed: str, bedrooms: int) -> None:
    assert read_one("bedrooms", typed).bedrooms == bedrooms


@pytest.mark.parametrize("typed", ["5", "3+", "two", "-1", "1.5"])
def test_bedrooms_outside_the_choices_are_a_problem(typed: str) -> None:
    assert problem_with("bedrooms", typed) == {"bedrooms": "Bedrooms must be studio, 1, 2, 3 or 4+"}


def test_every_bedroom_choice_reads_back() -> None:
    assert {read_one("bedrooms", text).bedrooms for text, _ in BEDROOM_CHOICES.values()} == {
        0,
        1,
        2,
        3,
        4,
    }


@pytest.mark.parametrize(
    ("typed", "moving_in"),
    [
        ("2027-01-15", date(2027, 1, 15)),
        ("1/15/2027", date(2027, 1, 15)),
        ("1/15/27", date(2027, 1, 15)),
        ("Jan 15, 2027", date(2027, 1, 15)),
        ("January 15th 2027", date(2027, 1, 15)),
        ("15 January 2027", date(2027, 1, 15)),
        ("Sept 1", date(2027, 9, 1)),
        # No year: the next occurrence, today included.
        ("1/15", date(2027, 1, 15)),
        ("12/1", date(2026, 12, 1)),
        ("11/25", date(2026, 11, 25)),
        ("11/24", date(2027, 11, 24)),
        ("Jan. 15", date(2027, 1, 15)),
        ("2/29", date(2028, 2, 29)),
    ],
)
def test_move_in_date_is_read(typed: str, moving_in: date) -> None:
    assert read_one("move_in_date", typed).move_in_date == moving_in


def test_move_in_date_follows_day_month_order_when_configured() -> None:
    values = {**NEW_PROSPECT, "move_in_date": "15/1/2027"}
    form = read_form(values, tour_types=TOUR_TYPES, today=TODAY, date_order="DMY")
    assert form.move_in_date == date(2027, 1, 15)
    with pytest.raises(FormProblems) as caught:
        read_form(
            {**values, "move_in_date": "1/15/2027"},
            tour_types=TOUR_TYPES,
            today=TODAY,
            date_order="DMY",
        )
    assert caught.value.problems == {
        "move_in_date": "Move-in date must be a date like 2027-01-15, 15/1/2027 or Jan 15, 2027"
    }


@pytest.mark.parametrize("typed", ["2/30/2027", "13/1/2027", "next month", "asap", "Jan", "Foo 15"])
def test_move_in_date_that_is_no_date_is_a_problem(typed: str) -> None:
    assert problem_with("move_in_date", typed) == {
        "move_in_date": "Move-in date must be a date like 2027-01-15, 1/15/2027 or Jan 15, 2027"
    }


def test_move_in_date_in_the_past_is_a_problem() -> None:
    assert problem_with("move_in_date", "1/15/2026") == {
        "move_in_date": "Move-in date has passed (2026-01-15): give today or a later date"
    }


@pytest.mark.parametrize(
    ("typed", "tour_type"),
    [
        ("SELF_GUIDED", "SELF_GUIDED"),
        ("self-guided", "SELF_GUIDED"),
        ("Self guided tour", "SELF_GUIDED"),
        ("in person", "IN_PERSON"),
        ("In-Person", "IN_PERSON"),
        ("guided", "IN_PERSON"),
        ("virtual", "VIRTUAL"),
        ("video", "VIRTUAL"),
    ],
)
def test_tour_type_words_map_onto_propexo_values(typed: str, tour_type: str) -> None:
    assert read_one("tour_type", typed).tour_type == tour_type


def test_tour_type_outside_the_configured_set_is_a_problem() -> None:
    with pytest.raises(FormProblems) as caught:
        read_form(
            {**NEW_PROSPECT, "tour_type": "video"},
            tour_types=("SELF_GUIDED", "IN_PERSON"),
            today=TODAY,
        )
    assert caught.value.problems == {"tour_type": "Tour type must be Self-guided or In person"}
    assert problem_with("tour_type", "drive by") == {
        "tour_type": "Tour type must be Self-guided, In person or Virtual"
    }


def test_configured_tour_type_gets_a_label_and_is_read_by_it() -> None:
    assert tour_type_label("SELF_GUIDED") == "Self-guided"
    assert tour_type_label("LIVE_VIDEO") == "Live video"
    form = read_form(
        {**NEW_PROSPECT, "tour_type": "live video"}, tour_types=("LIVE_VIDEO",), today=TODAY
    )
    assert form.tour_type == "LIVE_VIDEO"


@pytest.mark.parametrize(
    ("typed", "months"), [("12", 12), ("12 months", 12), ("6mo", 6), ("1 year", 12), ("60", 60)]
)
def test_lease_term_is_read_in_months(typed: str, months: int) -> None:
    assert read_one("lease_term", typed).lease_term_months == months


@pytest.mark.parametrize("typed", ["0", "61", "6 years", "1.5", "a year", "-12"])
def test_lease_term_outside_1_to_60_months_is_a_problem(typed: str) -> None:
    assert problem_with("lease_term", typed) == {
        "lease_term": "Lease term must be a whole number of months from 1 to 60"
    }


def test_notes_keep_their_lines_up_to_1000_characters() -> None:
    assert (
        read_one("notes", "  Has a cat.\nPrefers mornings.  ").notes
        == "Has a cat.\nPrefers mornings."
    )
    assert problem_with("notes", "x" * 1001) == {
        "notes": "Notes must be at most 1,000 characters (now 1,001)"
    }


def test_names_and_tour_time_are_trimmed_and_bounded() -> None:
    form = read(
        first_name="  Jane ",
        last_name=" van  der Berg",
        email="j@example.com",
        tour_time=" fri  2p ",
    )
    assert (form.first_name, form.last_name, form.tour_time) == ("Jane", "van der Berg", "fri 2p")
    assert form.prospect_name == "Jane van der Berg"
    assert problem_with("last_name", "x" * 101) == {
        "last_name": "Last name must be at most 100 characters (now 101)"
    }
    assert problem_with("tour_time", "x" * 201) == {
        "tour_time": "Tour time must be at most 200 characters (now 201)"
    }


def test_characters_that_cannot_be_sent_or_stored_are_dropped() -> None:
    form = read(**NEW_PROSPECT, last_name="Do\x00e", notes="Has a \ud800cat\x07\nand a dog")
    assert (form.last_name, form.notes) == ("Doe", "Has a cat\nand a dog")


def test_ids_with_spaces_are_a_problem() -> None:
    assert problem_with("community", "Oak Park") == {
        "community": "Community must be picked from the list"
    }
    assert problems(prospect="Jane Doe", tour_time="fri 2p") == {
        "prospect": "Prospect must be picked from the search"
    }


def test_empty_optional_fields_stay_empty() -> None:
    form = read(
        **NEW_PROSPECT,
        last_name="",
        phone=None,
        tour_type="   ",
        move_in_date="",
        bedrooms="",
        rent_min="",
        rent_max=None,
        lease_term="",
        notes="\n",
        community="",
    )
    assert form == TourForm(
        first_name="Jane", email="jane@example.com", tour_time="tomorrow at 3pm"
    )


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


# From the form to the body


def test_full_form_becomes_the_exact_body() -> None:
    form = read(
        community="com_7",
        first_name="Jane",
        last_name="Doe",
        email="Jane@Example.com",
        phone="555-201-7788",
        tour_time="tomorrow at 3pm",
        tour_type="self guided",
        move_in_date="1/15",
        bedrooms="2",
        rent_min="$1,800",
        rent_max="2,200",
        lease_term="12",
        notes="Has a cat",
    )
    starts_at = datetime(2026, 11, 26, 15, 0, tzinfo=NEW_YORK)
    body = build_appointment(form, starts_at=starts_at, integration_id="int_1").body()
    assert body == {
        "integration_id": "int_1",
        "appointment_date": "2026-11-26",
        "appointment_time": "20:00:00",
        "community_id": "com_7",
        "email_1": "Jane@example.com",
        "phone_1": "+15552017788",
        "first_name": "Jane",
        "last_name": "Doe",
        "move_in_date": "2027-01-15",
        "rent_minimum_in_cents": 180000,
        "rent_maximum_in_cents": 220000,
        "notes": "Has a cat",
        "desired_num_bedrooms": [2],
        "tour_type": "SELF_GUIDED",
        "lease_term_in_months": 12,
    }


def test_a_5pm_tour_in_los_angeles_is_1am_utc_the_next_day() -> None:
    starts_at = datetime(2026, 11, 26, 17, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    body = build_appointment(
        read(**NEW_PROSPECT), starts_at=starts_at, integration_id="int_1"
    ).body()
    assert body == {
        "integration_id": "int_1",
        "appointment_date": "2026-11-27",
        "appointment_time": "01:00:00",
        "email_1": "jane@example.com",
        "first_name": "Jane",
    }


@pytest.mark.parametrize(
    ("local", "utc_date", "utc_time"),
    [
        (datetime(2026, 11, 26, 10, 0), "2026-11-26", "04:30:00"),
        (datetime(2026, 11, 27, 2, 15), "2026-11-26", "20:45:00"),
    ],
)
def test_a_half_hour_zone_keeps_its_half_hour(
    local: datetime, utc_date: str, utc_time: str
) -> None:
    starts_at = local.replace(tzinfo=ZoneInfo("Asia/Kolkata"))
    built = build_appointment(read(**NEW_PROSPECT), starts_at=starts_at, integration_id="int_1")
    assert (built.appointment_date, built.appointment_time) == (utc_date, utc_time)


def test_summer_time_is_respected() -> None:
    starts_at = datetime(2027, 7, 1, 15, 0, tzinfo=NEW_YORK)
    built = build_appointment(read(**NEW_PROSPECT), starts_at=starts_at, integration_id="int_1")
    assert (built.appointment_date, built.appointment_time) == ("2027-07-01", "19:00:00")


def test_seconds_are_always_zero() -> None:
    starts_at = datetime(2026, 11, 26, 20, 0, 42, 500, tzinfo=UTC)
    built = build_appointment(read(**NEW_PROSPECT), starts_at=starts_at, integration_id="int_1")
    assert built.appointment_time == "20:00:00"


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        build_appointment(
            read(**NEW_PROSPECT), starts_at=datetime(2026, 11, 26, 15), integration_id="int_1"
        )


def test_the_forms_community_wins_over_the_default() -> None:
    starts_at = datetime(2026, 11, 26, 20, tzinfo=UTC)
    chosen = read(**NEW_PROSPECT, community="com_7")
    built = build_appointment(chosen, starts_at=starts_at, integration_id="i", community_id="com_1")
    assert built.community_id == "com_7"
    default = build_appointment(
        read(**NEW_PROSPECT), starts_at=starts_at, integration_id="i", community_id="com_1"
    )
    assert default.community_id == "com_1"


def test_existing_prospect_sends_only_what_was_filled() -> None:
    form = read(prospect="pro_9", tour_time="fri 2p", phone="202 555 0179", bedrooms="studio")
    starts_at = datetime(2026, 11, 27, 14, tzinfo=NEW_YORK)
    body = build_appointment(form, starts_at=starts_at, integration_id="int_1").body()
    assert body == {
        "integration_id": "int_1",
        "appointment_date": "2026-11-27",
        "appointment_time": "19:00:00",
        "prospect_id": "pro_9",
        "phone_1": "+12025550179",
        "desired_num_bedrooms": [0],
    }


def test_a_configured_tour_type_outside_the_defaults_reaches_the_body() -> None:
    form = read_form(
        {**NEW_PROSPECT, "tour_type": "Live video"}, tour_types=("LIVE_VIDEO",), today=TODAY
    )
    starts_at = datetime(2026, 11, 26, 20, tzinfo=UTC)
    built = build_appointment(form, starts_at=starts_at, integration_id="int_1")
    assert built.body()["tour_type"] == "LIVE_VIDEO"


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
