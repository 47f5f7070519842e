"""What the booking tests share: the tour types and the day forms are read on, the
smallest body Propexo accepts, and helpers that read a form or name what was refused."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.booking import EliseAIAppointment, FormProblems, TourForm, read_form

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
