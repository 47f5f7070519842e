"""Delivering an accepted booking to Propexo and following it until EliseAI settles it.

Every step is a state change in the store first and a report to the agent second, so whatever
the agent reads in the thread is what the store says. A create that may have reached Propexo is
never sent again: it becomes `unknown`, and the agent is asked to check.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from bot.propexo.client import PropexoClient
from bot.propexo.errors import (
    PropexoConfigurationError,
    PropexoError,
    PropexoOutcomeUnknown,
    PropexoRejected,
    PropexoTransientError,
)
from bot.store import Booking, BookingState, Store

logger = logging.getLogger(__name__)

UpdateKind = Literal[
    "submitted", "confirmed", "rejected", "failed", "unknown", "waiting", "pending"
]

# Propexo's field names, in the words of the form the agent filled.
PROPEXO_FIELDS = {
    "appointment_date": "Tour time",
    "appointment_time": "Tour time",
    "community_id": "Community",
    "prospect_id": "Prospect",
    "email_1": "Email",
    "phone_1": "Phone",
    "first_name": "First name",
    "last_name": "Last name",
    "move_in_date": "Move-in date",
    "rent_minimum_in_cents": "Minimum rent",
    "rent_maximum_in_cents": "Maximum rent",
    "notes": "Notes",
    "desired_num_bedrooms": "Bedrooms",
    "tour_type": "Tour type",
    "lease_term_in_months": "Lease term",
    "integration_id": "Tourbot's integration setting",
}


@dataclass(frozen=True)
class Update:
    """A change the agent should hear about, in their words."""

    kind: UpdateKind
    text: str
    details: tuple[str, ...] = ()
    can_edit: bool = False  # offer "Edit and retry"


class Reporter(Protocol):
    async def __call__(self, booking: Booking, update: Update) -> None: ...


@dataclass(frozen=True)
class DeliveryPolicy:
    """How long to keep trying when Propexo cannot be reached, and how to wait for the write."""

    give_up_after: timedelta = timedelta(minutes=15)
    first_retry: float = 2.0
    max_retry: float = 60.0
    first_poll: float = 1.5
    max_poll: float = 15.0
    write_timeout: float = 180.0


async def deliver(
    booking_id: str,
    *,
    store: Store,
    propexo: PropexoClient,
    report: Reporter,
    policy: DeliveryPolicy = DeliveryPolicy(),
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Booking | None:
    """Send an `accepted` booking and follow it to `confirmed`, `failed` or `unknown`.

    Returns the booking as it was left, or None if another delivery had already claimed it.
    """
    booking = await store.get_booking(booking_id)
    if booking is None:
        return None
    deadline = booking.created_at + policy.give_up_after
    wait = policy.first_retry
    told_waiting = False
    while True:
        claimed = await store.transition(
            booking_id, BookingState.SENDING, expect=[BookingState.ACCEPTED],
            attempts=booking.attempts + 1,
        )  # fmt: skip
        if claimed is None:
            return None  # someone else is delivering it
        booking = claimed
        try:
            created = await propexo.create_appointment(booking.body)
        except PropexoRejected as exc:
            return await _settle(store, report, booking, BookingState.FAILED, _rejected(exc), exc)
        except PropexoOutcomeUnknown as exc:
            update = Update(
                "unknown",
                "I can't tell whether Propexo received this booking: the connection broke before "
                "it answered. Check EliseAI for it before sending it again, so the prospect is "
                "not booked twice.",
                can_edit=False,
            )
            return await _settle(store, report, booking, BookingState.UNKNOWN, update, exc)
        except PropexoConfigurationError as exc:
            update = Update("failed", str(exc), can_edit=True)
            return await _settle(store, report, booking, BookingState.FAILED, update, exc)
        except PropexoTransientError as exc:
            # It certainly did not arrive (the client raises OutcomeUnknown otherwise): retry.
            now = datetime.now(UTC)
            if now + timedelta(seconds=wait) > deadline:
                update = Update(
                    "failed",
                    f"Propexo could not be reached for {_minutes(policy.give_up_after)} minutes, "
                    "so this booking was not sent. Try again when Propexo is back.",
                    can_edit=True,
                )
                return await _settle(store, report, booking, BookingState.FAILED, update, exc)
            back = await store.transition(
                booking_id, BookingState.ACCEPTED, expect=[BookingState.SENDING],
                last_error=str(exc), next_attempt_at=now + timedelta(seconds=wait),
            )  # fmt: skip
            if back is None:
                return None
            booking = back
            if not told_waiting:
                told_waiting = True
                await report(
                    booking,
                    Update(
                        "waiting",
                        f"Propexo isn't answering right now ({exc.message}). Nothing was sent; "
                        f"I'll keep trying until {deadline:%H:%M} UTC and tell you here.",
                    ),
                )
            await sleep(wait * random.uniform(0.8, 1.2))
            wait = min(wait * 2, policy.max_retry)
            continue
        except PropexoError as exc:  # anything else Propexo said: not retried blindly
            update = Update("failed", str(exc), can_edit=True)
            return await _settle(store, report, booking, BookingState.FAILED, update, exc)
        break

    submitted = await store.transition(
        booking_id, BookingState.SUBMITTED, expect=[BookingState.SENDING],
        job_id=created.job_id, appointment_id=created.appointment_id, last_error=None,
    )  # fmt: skip
    if submitted is None:
        return None
    booking = submitted
    job = f" (Propexo job `{created.job_id}`)" if created.job_id else ""
    await report(
        booking, Update("submitted", f"Submitted to EliseAI{job}. Waiting for it to confirm…")
    )
    if created.job_id is None:
        return booking
    return await follow_write(booking, store=store, propexo=propexo, report=report, policy=policy)


async def follow_write(
    booking: Booking,
    *,
    store: Store,
    propexo: PropexoClient,
    report: Reporter,
    policy: DeliveryPolicy = DeliveryPolicy(),
) -> Booking:
    """Poll a submitted booking's write status until it settles, and report how it ended."""
    assert booking.job_id is not None
    try:
        status = await propexo.wait_for_write(
            booking.job_id,
            first_poll=policy.first_poll,
            max_interval=policy.max_poll,
            timeout=policy.write_timeout,
        )
    except PropexoError as exc:
        await report(
            booking,
            Update("pending", f"Submitted, but I can't read its status from Propexo: {exc}"),
        )
        return booking
    if status.succeeded:
        confirmed = await store.transition(
            booking.id, BookingState.CONFIRMED, expect=[BookingState.SUBMITTED],
            appointment_id=status.created_record_id or booking.appointment_id,
            write_errors=list(status.errors),
        )  # fmt: skip
        booking = confirmed or booking
        partly = " (partly: " + "; ".join(status.errors) + ")" if status.errors else ""
        await report(booking, Update("confirmed", f"Confirmed in EliseAI{partly}."))
        return booking
    if status.failed:
        failed = await store.transition(
            booking.id, BookingState.FAILED, expect=[BookingState.SUBMITTED],
            write_errors=list(status.errors),
        )  # fmt: skip
        booking = failed or booking
        reasons = tuple(status.errors) or ("EliseAI gave no reason.",)
        await report(
            booking,
            Update("failed", "EliseAI did not book this tour.", details=reasons, can_edit=True),
        )
        return booking
    await report(
        booking,
        Update(
            "pending",
            f"EliseAI has not confirmed yet (still {status.status.lower()} after "
            f"{_minutes(timedelta(seconds=policy.write_timeout))} minutes). Check EliseAI before "
            "booking it again.",
        ),
    )
    return booking


def _rejected(exc: PropexoRejected) -> Update:
    details = tuple(
        f"{PROPEXO_FIELDS.get(issue.field or '', issue.field or 'Booking')}: {issue.message}"
        for issue in exc.issues
    )
    if not details:
        details = (exc.propexo_message,)
    return Update(
        "rejected",
        "Propexo refused this booking, so nothing was booked. Fix what it names and try again.",
        details=details,
        can_edit=True,
    )


async def _settle(
    store: Store,
    report: Reporter,
    booking: Booking,
    state: BookingState,
    update: Update,
    error: Exception,
) -> Booking:
    settled = await store.transition(
        booking.id, state, expect=[BookingState.SENDING], last_error=str(error)
    )
    booking = settled or booking
    logger.info("booking %s is %s: %s", booking.id, state.value, type(error).__name__)
    await report(booking, update)
    return booking


def _minutes(span: timedelta) -> int:
    return max(1, round(span.total_seconds() / 60))
