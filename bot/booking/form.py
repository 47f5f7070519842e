"""The tour form an agent fills, read all at once into a `TourForm` (or every problem with it), and
turned into Propexo's request body."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from bot.booking.appointment import NOTES_MAX, TOUR_TYPES_CONTEXT, EliseAIAppointment, text_length
from bot.booking.fields import (
    DateOrder,
    Unreadable,
    bedroom_codes,
    bedroom_words,
    format_dollars,
    read_bedroom_choices,
    read_dollars,
    read_email,
    read_lease_term,
    read_move_in_date,
    read_phone,
    read_tour_type,
    tour_type_label,
)
from bot.booking.text import unwanted

T = TypeVar("T")

FIELD_LABELS: dict[str, str] = {
    "community": "Community",
    "prospect": "Prospect",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "phone": "Phone",
    "tour_time": "Tour time",
    "tour_type": "Tour type",
    "move_in_date": "Move-in date",
    "bedrooms": "Bedrooms",
    "rent_min": "Minimum rent",
    "rent_max": "Maximum rent",
    "lease_term": "Lease term",
    "notes": "Notes",
}
"""The form's fields, in the order the form shows them: the key of each value and each problem."""

NAME_MAX = 100
TOUR_TIME_MAX = 200
ID_MAX = 255


class FormProblems(Exception):
    """What is wrong with a filled form: one message per field key, in the form's order."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = {key: problems[key] for key in FIELD_LABELS if key in problems}
        super().__init__("; ".join(self.problems.values()))


@dataclass(frozen=True, kw_only=True)
class TourForm:
    """A filled tour form, read and normalised; empty fields are None. Made by `read_form`."""

    tour_time: str
    community_id: str | None = None
    prospect_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None  # E.164
    tour_type: str | None = None  # one of the configured Propexo values
    move_in_date: date | None = None
    bedrooms: tuple[int, ...] | None = None  # sizes in the order given; 0 is a studio, 4 "4+"
    rent_min_cents: int | None = None
    rent_max_cents: int | None = None
    lease_term_months: int | None = None
    notes: str | None = None

    @property
    def prospect_name(self) -> str | None:
        """ "Jane Doe", or None when no name was given."""
        return " ".join(name for name in (self.first_name, self.last_name) if name) or None

    @property
    def tour_type_label(self) -> str | None:
        return tour_type_label(self.tour_type) if self.tour_type else None

    @property
    def bedrooms_label(self) -> str | None:
        return bedroom_words(self.bedrooms) if self.bedrooms else None

    @property
    def rent_label(self) -> str | None:
        """ "$1,800–$2,200", "from $1,800", "up to $2,200", or None."""
        low, high = self.rent_min_cents, self.rent_max_cents
        if low is not None and high is not None:
            return f"{format_dollars(low)}–{format_dollars(high)}"
        if low is not None:
            return f"from {format_dollars(low)}"
        if high is not None:
            return f"up to {format_dollars(high)}"
        return None

    def to_values(self) -> dict[str, str]:
        """The form's filled fields as text that `read_form` reads back, to reopen the form."""
        values = {
            "community": self.community_id,
            "prospect": self.prospect_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "phone": self.phone,
            "tour_time": self.tour_time,
            "tour_type": self.tour_type,
            "move_in_date": self.move_in_date.isoformat() if self.move_in_date else None,
            "bedrooms": bedroom_codes(self.bedrooms) if self.bedrooms else None,
            "rent_min": _dollars_or_none(self.rent_min_cents),
            "rent_max": _dollars_or_none(self.rent_max_cents),
            "lease_term": None if self.lease_term_months is None else str(self.lease_term_months),
            "notes": self.notes,
        }
        return {key: value for key, value in values.items() if value}


def _dollars_or_none(cents: int | None) -> str | None:
    return format_dollars(cents) if cents is not None else None


def read_form(
    values: Mapping[str, str | None],
    *,
    tour_types: Sequence[str],
    today: date,
    date_order: DateOrder = "MDY",
) -> TourForm:
    """Read a filled form, keyed by `FIELD_LABELS`' keys (other keys are ignored).

    Raises `FormProblems` with every problem at once, each in words the agent can act on.
    """
    # Refused, not dropped: the agent sees nothing, so only they can say what was meant.
    problems = {
        key: f"{FIELD_LABELS[key]} {problem}"
        for key in FIELD_LABELS
        if (problem := unwanted(values.get(key) or "")) is not None
    }
    refused = set(problems)
    text = {key: "" if key in refused else _clean(key, values.get(key)) for key in FIELD_LABELS}

    def given(key: str) -> bool:
        return bool(text[key]) or key in refused

    def read(key: str, parse: Callable[[str], T]) -> T | None:
        if not text[key]:
            return None
        try:
            return parse(text[key])
        except Unreadable as problem:
            problems[key] = f"{FIELD_LABELS[key]} {problem}"
            return None

    form = TourForm(
        tour_time=read("tour_time", _at_most(TOUR_TIME_MAX)) or "",
        community_id=read("community", _picked("must be picked from the list")),
        prospect_id=read("prospect", _picked("must be picked from the search")),
        first_name=read("first_name", _at_most(NAME_MAX)),
        last_name=read("last_name", _at_most(NAME_MAX)),
        email=read("email", read_email),
        phone=read("phone", read_phone),
        tour_type=read("tour_type", lambda value: read_tour_type(value, tour_types)),
        move_in_date=read(
            "move_in_date",
            lambda value: read_move_in_date(value, today=today, date_order=date_order),
        ),
        bedrooms=read("bedrooms", read_bedroom_choices),
        rent_min_cents=read("rent_min", read_dollars),
        rent_max_cents=read("rent_max", read_dollars),
        lease_term_months=read("lease_term", read_lease_term),
        notes=read("notes", _at_most(NOTES_MAX)),
    )

    if not text["tour_time"]:
        problems.setdefault("tour_time", 'Add the tour time, like "tomorrow at 3pm"')
    # Judged on what was typed: a mistyped prospect or phone has its own message already.
    if not given("prospect"):
        if not given("first_name"):
            problems["first_name"] = "Add a first name for a new prospect, or pick an existing one"
        if not given("email") and not given("phone"):
            problems["email"] = "Add an email or a phone for a new prospect"
    low, high = form.rent_min_cents, form.rent_max_cents
    if low is not None and high is not None and low > high:
        maximum = format_dollars(high)
        problems["rent_min"] = f"Minimum rent must be no more than the maximum ({maximum})"
    if problems:
        raise FormProblems(problems)
    return form


def _at_most(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if text_length(value) > limit:
            raise Unreadable(f"must be at most {limit:,} characters (now {text_length(value):,})")
        return value

    return check


def _picked(hint: str) -> Callable[[str], str]:
    # Ids come from a list or a search, never typed: a space or a long text is a paste gone wrong.
    def check(value: str) -> str:
        if " " in value or len(value) > ID_MAX:
            raise Unreadable(hint)
        return value

    return check


def _clean(key: str, value: str | None) -> str:
    if value is None:
        return ""
    # Notes keep their lines; every other field is one line of words.
    return value.strip() if key == "notes" else " ".join(value.split())


def build_appointment(
    form: TourForm,
    *,
    starts_at: datetime,
    integration_id: str,
    community_id: str | None = None,
) -> EliseAIAppointment:
    """The Propexo body booking `form` at `starts_at` (aware, any zone) as its UTC date and time.

    The form's community wins over `community_id`, the default one.
    """
    if starts_at.utcoffset() is None:
        raise ValueError("starts_at must be an aware datetime")
    at = starts_at.astimezone(UTC)
    fields = {
        "integration_id": integration_id,
        "appointment_date": at.date().isoformat(),
        "appointment_time": f"{at:%H:%M}:00",
        "community_id": form.community_id or community_id,
        "prospect_id": form.prospect_id,
        "email_1": form.email,
        "phone_1": form.phone,
        "first_name": form.first_name,
        "last_name": form.last_name,
        "move_in_date": form.move_in_date.isoformat() if form.move_in_date else None,
        "rent_minimum_in_cents": form.rent_min_cents,
        "rent_maximum_in_cents": form.rent_max_cents,
        "notes": form.notes,
        # Propexo takes a list; EliseAI reads only its first size.
        "desired_num_bedrooms": list(form.bedrooms) if form.bedrooms else None,
        "tour_type": form.tour_type,
        "lease_term_in_months": form.lease_term_months,
    }
    # read_form already held the tour type to the configured set.
    context = {TOUR_TYPES_CONTEXT: [form.tour_type] if form.tour_type else []}
    return EliseAIAppointment.model_validate(fields, context=context)
