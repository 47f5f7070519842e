"""Recording how a tour went ("Toured", "No-show") in EliseAI, once, whoever clicks first."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.propexo.client import PropexoClient
from bot.propexo.errors import PropexoError
from bot.store import Booking, BookingState, Store

Outcome = Literal["COMPLETE", "NO_SHOW"]
OUTCOME_WORDS: dict[str, str] = {"COMPLETE": "Toured", "NO_SHOW": "No-show"}


@dataclass(frozen=True)
class OutcomeResult:
    booking: Booking | None
    recorded: bool
    message: str


async def record_outcome(
    store: Store, propexo: PropexoClient, booking_id: str, outcome: Outcome, *, by: str
) -> OutcomeResult:
    """Claim the outcome in the store first (so a double click sends nothing twice), then tell
    Propexo. The claim is "under way" until Propexo answers: a click meanwhile is told so. If
    Propexo refuses, or the request fails, the claim is released and the agent can try again."""
    booking = await store.get_booking(booking_id)
    if booking is None:
        return OutcomeResult(None, False, "I can't find that booking any more.")
    if booking.state is not BookingState.CONFIRMED:
        return OutcomeResult(
            booking, False, "This tour is not confirmed in EliseAI, so it has no outcome yet."
        )
    if booking.starts_at > datetime.now(UTC):
        return OutcomeResult(
            booking,
            False,
            f"This tour starts {_local(booking)}: record Toured or No-show once it has started.",
        )
    claimed = await store.record_outcome(booking_id, outcome, by)
    if claimed is None:
        return OutcomeResult(booking, False, await _taken(store, booking))
    if not booking.appointment_id:
        await store.record_outcome(booking_id, None, None)
        return OutcomeResult(
            booking,
            False,
            "Propexo gave no appointment id for this tour, so record the outcome in EliseAI.",
        )
    try:
        await propexo.update_appointment(
            booking.appointment_id, outcome, outcome_time=datetime.now(UTC)
        )
    except BaseException as exc:
        # Released however the request ended (a refusal, a crash, a stop), and whole.
        await asyncio.shield(store.record_outcome(booking_id, None, None))
        if not isinstance(exc, PropexoError):
            raise
        return OutcomeResult(
            booking, False, f"{OUTCOME_WORDS[outcome]} was not recorded, so try again: {exc}"
        )
    recorded = await store.outcome_recorded(booking_id, outcome)
    return OutcomeResult(
        recorded or claimed, True, f"{OUTCOME_WORDS[outcome]}, recorded in EliseAI."
    )


async def _taken(store: Store, booking: Booking) -> str:
    """What a click that found the outcome claimed is told: recorded, or still under way."""
    now = await store.get_booking(booking.id) or booking
    done = OUTCOME_WORDS.get(now.outcome or "", "An outcome")
    if now.outcome_under_way:
        return f"{done} is being recorded for this tour: the message will say once it is done."
    if now.outcome is None:  # released between the claim and this read: a refusal just now
        return "The outcome was not recorded just now; try again."
    return f"{done} was already recorded for this tour."


def _local(booking: Booking) -> str:
    """The tour's start at the property: "Thu, Nov 26, 3:00 PM EST"."""
    local = booking.starts_at.astimezone(ZoneInfo(booking.zone))
    clock = f"{local.hour % 12 or 12}:{local:%M %p}"
    return f"{local:%a, %b} {local.day}, {clock} {local.tzname()}"
