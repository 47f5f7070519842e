"""Propexo's request body: what EliseAIAppointment sends and refuses, and the body
build_appointment makes from a read form (the tour's moment in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.booking import EliseAIAppointment, build_appointment, read_form
from tests.booking.booking_kit import (
    MINIMAL,
    NEW_PROSPECT,
    NEW_YORK,
    TODAY,
    appointment,
    read,
    refused,
)

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


@pytest.mark.parametrize(
    ("typed", "sent"), [("2", [2]), ("2-3", [2, 3]), ("studio or 1", [0, 1]), ("3, 2", [3, 2])]
)
def test_several_bedroom_sizes_are_sent_as_a_list_in_the_order_given(
    typed: str, sent: list[int]
) -> None:
    form = read(**NEW_PROSPECT, bedrooms=typed)
    starts_at = datetime(2026, 11, 26, 15, 0, tzinfo=NEW_YORK)
    body = build_appointment(form, starts_at=starts_at, integration_id="int_1").body()
    assert body["desired_num_bedrooms"] == sent  # EliseAI reads the first


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
