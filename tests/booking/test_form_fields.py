"""The tour form field by field: how each typed value is read, and the problem each
bad one gets, in plain words."""

from __future__ import annotations

from datetime import date

import pytest

from bot.booking import (
    BEDROOM_CHOICES,
    FIELD_LABELS,
    FormProblems,
    TourForm,
    read_form,
    tour_type_label,
)
from bot.booking.fields import Unreadable, read_lease_term, read_move_in_date
from tests.booking.booking_kit import (
    NEW_PROSPECT,
    TODAY,
    TOUR_TYPES,
    problem_with,
    problems,
    read,
    read_one,
)

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
        ("studio", (0,)),
        ("Studio", (0,)),
        ("0", (0,)),
        ("1", (1,)),
        ("2", (2,)),
        ("2br", (2,)),
        ("3 bedrooms", (3,)),
        ("4+", (4,)),
        ("4", (4,)),
        # Several sizes, in the order given: Propexo gets them all, EliseAI the first.
        ("2, 3", (2, 3)),
        ("2 or 3", (2, 3)),
        ("2-3", (2, 3)),
        ("1 to 3 beds", (1, 2, 3)),
        ("studio or 1", (0, 1)),
        ("1 bedroom or studio", (1, 0)),
        ("3+", (3, 4)),
        ("2, 2", (2,)),
    ],
)
def test_bedrooms_are_read(typed: str, bedrooms: tuple[int, ...]) -> None:
    assert read_one("bedrooms", typed).bedrooms == bedrooms


@pytest.mark.parametrize("typed", ["5", "two", "-1", "1.5", "3-1", "2-2", "2 or 5", "2+-3"])
def test_bedrooms_outside_the_choices_are_a_problem(typed: str) -> None:
    assert problem_with("bedrooms", typed) == {"bedrooms": "Bedrooms must be studio, 1, 2, 3 or 4+"}


def test_every_bedroom_choice_reads_back() -> None:
    assert {read_one("bedrooms", text).bedrooms for text, _ in BEDROOM_CHOICES.values()} == {
        (0,),
        (1,),
        (2,),
        (3,),
        (4,),
    }


@pytest.mark.parametrize(
    ("typed", "shown", "label"),
    [
        ("2", "2", "2 bedrooms"),
        ("2-3", "2, 3", "2 or 3 bedrooms"),
        ("studio or 1", "studio, 1", "Studio or 1 bedroom"),
        ("1 or studio", "1, studio", "1 bedroom or studio"),
        ("2+", "2, 3, 4+", "2, 3 or 4+ bedrooms"),
    ],
)
def test_several_sizes_read_back_as_typed_again(typed: str, shown: str, label: str) -> None:
    form = read_one("bedrooms", typed)
    assert form.to_values()["bedrooms"] == shown
    assert read_one("bedrooms", shown).bedrooms == form.bedrooms
    assert form.bedrooms_label == label


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
        "move_in_date": "Move-in date must be a date like 2026-12-15, 15/12/2026 or Dec 15, 2026"
    }


@pytest.mark.parametrize("typed", ["2/30/2027", "13/1/2027", "asap", "Foo 15", "soonish"])
def test_move_in_date_that_is_no_date_is_a_problem(typed: str) -> None:
    assert problem_with("move_in_date", typed) == {
        "move_in_date": "Move-in date must be a date like 2026-12-15, 12/15/2026 or Dec 15, 2026"
    }


@pytest.mark.parametrize(
    "typed", ["next month", "Jan", "January 2027", "early feb", "mid-March", "end of month"]
)
def test_a_month_without_its_day_is_a_problem_that_says_so(typed: str) -> None:
    """Agents write a month ("moving next month"); the form holds a day, and the first of the
    month would be a guess, so it asks for the day and points to the notes."""
    assert problem_with("move_in_date", typed) == {
        "move_in_date": "Move-in date names a month, not a day: give the day (like 12/15/2026), "
        "or leave it empty and say it in Notes"
    }


@pytest.mark.parametrize("today", [date(2026, 11, 25), date(2027, 12, 31), date(2030, 2, 28)])
def test_the_example_in_a_move_in_problem_is_a_date_to_come(today: date) -> None:
    with pytest.raises(Unreadable) as caught:
        read_move_in_date("asap", today=today)
    example = date.fromisoformat(str(caught.value).split("like ")[1].split(",")[0])
    assert example > today
    assert read_move_in_date(example.isoformat(), today=today) == example


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


@pytest.mark.parametrize("typed", ["0", "61", "6 years", "1.5", "-12"])
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


INVISIBLE = [
    ("last_name", "Do\x00e", "a control character (U+0000)"),
    ("notes", "Has a \ud800cat", "a broken character (U+D800)"),
    ("notes", "bell\x07", "a control character (U+0007)"),
    ("first_name", "\u202eenaJ", "a direction override (U+202E)"),
    ("email", "jane\u200b@example.com", "a zero-width space (U+200B)"),
    ("tour_time", "\u2066fri\u2069 2pm", "a direction override (U+2066)"),
    ("notes", "call\U000e0041 me", "hidden text (U+E0041)"),
    ("phone", "\ufeff555-201-7788", "a zero-width space (U+FEFF)"),
]


@pytest.mark.parametrize(("key", "typed", "kind"), INVISIBLE, ids=[k for _, _, k in INVISIBLE])
def test_characters_nobody_can_see_are_refused_under_their_field(
    key: str, typed: str, kind: str
) -> None:
    label = FIELD_LABELS[key]
    assert problem_with(key, typed) == {
        key: f"{label} holds {kind} that nobody can see: delete it or retype the field"
    }


def test_line_breaks_in_notes_and_joiners_in_names_and_emoji_are_kept() -> None:
    form = read(
        **{**NEW_PROSPECT, "first_name": "\u0645\u0647\u200c\u0633\u0627"},
        notes="Family of 3 \U0001f468\u200d\U0001f469\u200d\U0001f466\r\n\twants a yard",
    )
    assert form.first_name == "\u0645\u0647\u200c\u0633\u0627"  # a Persian name, with its ZWNJ
    assert form.notes == "Family of 3 \U0001f468\u200d\U0001f469\u200d\U0001f466\r\n\twants a yard"


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


@pytest.mark.parametrize(
    ("typed", "months"),
    [("12 months", 12), ("9-mo", 9), ("18mo", 18), ("a year", 12), ("1 year", 12),
     ("two years", 24), ("half a year", 6), ("six months", 6), ("12 month lease", 12)],
)  # fmt: skip
def test_a_lease_term_is_read_as_people_write_it(typed: str, months: int) -> None:
    assert read_lease_term(typed) == months


@pytest.mark.parametrize("typed", ["six", "a", "61", "0", "year and a bit"])
def test_a_lease_term_without_a_number_of_months_is_refused(typed: str) -> None:
    with pytest.raises(Unreadable):
        read_lease_term(typed)
