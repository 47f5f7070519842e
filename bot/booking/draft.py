"""From a filled form to a booking ready to send: the form read, the time resolved, the body built.

Slack's modal, the conversation and `tourbot book` all go through `prepare_booking`, so a value
is judged the same way wherever the agent typed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.booking.appointment import EliseAIAppointment
from bot.booking.form import FormProblems, TourForm, build_appointment, read_form
from bot.settings import Settings, SettingsError
from bot.time.resolve import ResolvedTime, resolve_time


@dataclass(frozen=True)
class BookingDraft:
    """A valid booking; when `time.status` is "confirm", the agent must confirm it first."""

    form: TourForm
    time: ResolvedTime
    appointment: EliseAIAppointment

    @property
    def needs_confirmation(self) -> bool:
        return self.time.status == "confirm"


def prepare_booking(
    values: Mapping[str, str | None],
    *,
    settings: Settings,
    zone: ZoneInfo,
    now: datetime | None = None,
) -> BookingDraft:
    """Read `values` (keyed like `FIELD_LABELS`) in the tour's `zone`.

    Raises `FormProblems` naming every problem at once, the tour time's included.
    """
    if not settings.propexo_integration_id:
        raise SettingsError(["PROPEXO_INTEGRATION_ID is required to build a booking"])
    now = now or datetime.now(UTC)
    today = now.astimezone(zone).date()
    problems: dict[str, str] = {}
    form: TourForm | None = None
    try:
        form = read_form(
            values, tour_types=settings.tour_types, today=today, date_order=settings.date_order
        )
    except FormProblems as exc:
        problems.update(exc.problems)

    time: ResolvedTime | None = None
    phrase = (values.get("tour_time") or "").strip()
    if phrase and "tour_time" not in problems:
        time = resolve_time(
            phrase,
            zone=zone,
            now=now,
            date_order=settings.date_order,
            tour_hours=settings.tour_hours_range,
        )
        if time.status in ("ask", "reject"):
            problems["tour_time"] = time.reason or "Tour time cannot be read"
    if problems or form is None or time is None or time.starts_at is None:
        raise FormProblems(problems)
    appointment = build_appointment(
        form,
        starts_at=time.starts_at,
        integration_id=settings.propexo_integration_id,
        community_id=settings.propexo_community_id,
    )
    return BookingDraft(form, time, appointment)
