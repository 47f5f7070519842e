"""The request body of Propexo's Create Appointment: EliseAI, checked against every rule its docs
state, plus the contact rule for new prospects that we add ourselves."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.settings import DEFAULT_TOUR_TYPES

# ASCII digits only: Propexo's patterns run in JavaScript, where \d never matches "٣".
APPOINTMENT_TIME_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
PHONE_PATTERN = r"^\+?[0-9]{1,50}$"
NOTES_MAX = 1000
TOUR_TYPES_CONTEXT = "tour_types"
"""Key of the validation context that holds the configured tour types."""


def text_length(text: str) -> int:
    """Length as Propexo counts it: JavaScript counts UTF-16 units, so an emoji costs two."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _iso_date(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("must be a date written YYYY-MM-DD")
    date.fromisoformat(value)  # refuses 2027-02-30
    return value


def _blank_is_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, list) and not value:
        return None
    return value


def _notes_length(value: str) -> str:
    if text_length(value) > NOTES_MAX:
        raise ValueError(f"must be at most {NOTES_MAX} characters")
    return value


IsoDate = Annotated[str, AfterValidator(_iso_date)]
Phone = Annotated[str, Field(pattern=PHONE_PATTERN)]
Notes = Annotated[str, AfterValidator(_notes_length)]
Bedrooms = list[Annotated[int, Field(ge=0)]]
Positive = Annotated[int, Field(ge=1)]
Blank = BeforeValidator(_blank_is_none)
"""Marks an optional field where "", "   " and [] mean the field was left empty."""


class EliseAIAppointment(BaseModel):
    """The JSON body of `POST /crm/v1/appointments/eliseai`.

    `tour_type` is checked against `context={"tour_types": ...}` given to `model_validate`, or the
    default set when no context is given.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    integration_id: str = Field(min_length=1)
    appointment_date: IsoDate
    appointment_time: str = Field(pattern=APPOINTMENT_TIME_PATTERN)
    community_id: Annotated[str | None, Blank] = None
    prospect_id: Annotated[str | None, Blank] = None
    email_1: Annotated[str | None, Blank] = None
    phone_1: Annotated[Phone | None, Blank] = None
    first_name: Annotated[str | None, Blank] = None
    last_name: Annotated[str | None, Blank] = None
    move_in_date: Annotated[IsoDate | None, Blank] = None
    rent_minimum_in_cents: Positive | None = None
    rent_maximum_in_cents: Positive | None = None
    notes: Annotated[Notes | None, Blank] = None
    desired_num_bedrooms: Annotated[Bedrooms | None, Blank] = None
    tour_type: Annotated[str | None, Blank] = None
    lease_term_in_months: Positive | None = None

    @field_validator("tour_type")
    @classmethod
    def _configured_tour_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        allowed: Collection[str] = DEFAULT_TOUR_TYPES
        if isinstance(info.context, Mapping) and TOUR_TYPES_CONTEXT in info.context:
            allowed = info.context[TOUR_TYPES_CONTEXT]
        if value is not None and value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        low, high = self.rent_minimum_in_cents, self.rent_maximum_in_cents
        if low is not None and high is not None and low > high:
            raise ValueError("rent_minimum_in_cents must not exceed rent_maximum_in_cents")
        if self.prospect_id is None:
            # Propexo's Create Prospect: EliseAI needs these; the appointment endpoint is silent.
            if self.first_name is None and self.last_name is None:
                raise ValueError("a new prospect (no prospect_id) needs first_name or last_name")
            if self.email_1 is None and self.phone_1 is None:
                raise ValueError("a new prospect (no prospect_id) needs email_1 or phone_1")
        return self

    def body(self) -> dict[str, Any]:
        """The JSON body to send: empty fields are left out, never sent as null or ""."""
        return self.model_dump(mode="json", exclude_none=True)
