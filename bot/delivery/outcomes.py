"""Recording how a tour went ("Toured", "No-show") in EliseAI, once, whoever clicks first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from bot.propexo.client import PropexoClient
from bot.propexo.errors import PropexoError
from bot.store import Booking, Store

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
    Propexo; if Propexo refuses, the claim is released and the agent can try again."""
    booking = await store.get_booking(booking_id)
    if booking is None:
        return OutcomeResult(None, False, "I can't find that booking any more.")
    claimed = await store.record_outcome(booking_id, outcome, by)
    if claimed is None:
        done = OUTCOME_WORDS.get(booking.outcome or "", "An outcome")
        return OutcomeResult(booking, False, f"{done} was already recorded for this tour.")
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
    except PropexoError as exc:
        await store.record_outcome(booking_id, None, None)
        return OutcomeResult(booking, False, f"The outcome was not recorded: {exc}")
    return OutcomeResult(claimed, True, f"{OUTCOME_WORDS[outcome]}, recorded in EliseAI.")
