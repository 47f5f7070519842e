"""The steps that take an accepted booking to EliseAI: send it, then follow its write.

Each step starts from a booking a worker has claimed in the store, changes its state there first
and tells the agent second, so what the thread says is what the store says. A create that may
have reached Propexo is never sent again: it becomes `unknown`, and the agent is asked to check.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol, TypeVar

from bot.delivery.budget import account
from bot.logs import reason
from bot.propexo.client import PropexoClient, on_rate_limited, prepaid
from bot.propexo.errors import (
    PropexoConfigurationError,
    PropexoError,
    PropexoOutcomeUnknown,
    PropexoRateLimited,
    PropexoRejected,
    PropexoTransientError,
)
from bot.store import Booking, BookingState, Store
from bot.store.store import BudgetUnit

logger = logging.getLogger(__name__)
Answer = TypeVar("Answer")

UpdateKind = Literal[
    "submitted", "confirmed", "rejected", "failed", "unknown", "waiting", "queued", "pending",
    "resent",
]  # fmt: skip

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


# Where an update's `when` goes in its text: each front end writes the moment its own way
# (Slack in each reader's zone).
WHEN = "{when}"


@dataclass(frozen=True)
class Update:
    """A change the agent should hear about, in their words."""

    kind: UpdateKind
    text: str  # holds WHEN where `when` is to be shown
    details: tuple[str, ...] = ()
    can_edit: bool = False  # offer "Edit and retry"
    can_resend: bool = False  # offer "Send anyway" (the outcome is unknown)
    by: str | None = None  # the Slack user who asked for it, named after the text
    can_record_outcome: bool = False  # offer "Toured" and "No-show"
    when: datetime | None = None  # the moment WHEN stands for in `text`


class Reporter(Protocol):
    """Tells the agent an update; raises when it could not (it is then told again later, if
    the same kind comes up again)."""

    async def __call__(self, booking: Booking, update: Update) -> None: ...


@dataclass(frozen=True)
class DeliveryPolicy:
    """How deliveries are paced, retried and followed."""

    rate_limit: int = 150  # Propexo requests in any 60 s, for every instance together
    give_up_after: timedelta = timedelta(minutes=15)  # retrying a Propexo that cannot be reached
    first_retry: float = 2.0
    max_retry: float = 60.0
    first_poll: float = 1.5  # agents are watching the thread: look soon after the 200
    max_poll: float = 15.0
    still_pending_after: timedelta = timedelta(minutes=5)
    stop_polling_after: timedelta = timedelta(hours=24)
    # How long a claim to send holds before another worker takes the booking over. Renewed
    # every third of it while the create is under way (the client may wait out Propexo's 429s
    # for minutes), so it runs out only for a worker that died or stalled.
    send_lease: timedelta = timedelta(seconds=90)
    poll_lease: timedelta = timedelta(seconds=60)


Pause = Callable[[], Awaitable[None]]
SPENT_BELIEVED = 1.0  # seconds a "budget spent" answer is taken as still true


async def no_pause() -> None:
    return None


class Steps:
    """Sending and following bookings; each method takes a booking a worker has claimed.

    `pause` is awaited before each stretch of work that follows an answer from Propexo: a server
    answering Slack lets those answers go first (deliveries can wait a moment; an agent can't)."""

    def __init__(
        self,
        store: Store,
        propexo: PropexoClient,
        report: Reporter,
        policy: DeliveryPolicy,
        pause: Pause = no_pause,
    ) -> None:
        self.store = store
        self.propexo = propexo
        self.report = report
        self.policy = policy
        self.pause = pause
        # The budget's last "spent until …", believed for a second: the claims of a busy
        # round are queued without each asking the database the same question.
        self._spent: tuple[datetime, datetime] | None = None  # (believed until, spent until)
        self._asking = asyncio.Lock()  # takes queue on the database's lock anyway

    async def send(self, booking: Booking) -> Booking | None:
        """Send a booking claimed in `sending`. Returns it as left (None if taken from us)."""
        unit = await self._take_unit()
        if isinstance(unit, datetime):
            return await self._queue(booking, unit)
        # Recorded before the request leaves: a worker that dies after this is "may have arrived".
        # Only while the claim is still ours: a worker stalled past its lease may find the
        # booking handed back and sent by another, and must not send it too.
        try:
            marked = await self.store.update_claimed(
                booking.id, booking.attempts, unsent=True, request_sent_at=_now()
            )
        except BaseException:  # stopped or failed before anything left: the unit is not spent
            await account(self.store, unit, arrived=False)
            raise
        if marked is None:
            logger.warning("booking %s was taken over before it was sent; not sending", booking.id)
            await account(self.store, unit, arrived=False)
            return None
        booking = marked

        told = False

        async def rate_limited(seconds: float) -> None:
            # The client waits for Propexo's next minute before trying again: say so now, once.
            nonlocal told
            if not told:
                told = True
                await self._tell(booking, _rate_limited(_now() + timedelta(seconds=seconds)))

        try:
            create = self.propexo.create_appointment(booking.body)
            with on_rate_limited(rate_limited):
                created = await self._budgeted(unit, self._holding(booking, create))
        except PropexoRejected as exc:
            return await self._end(booking, BookingState.FAILED, _rejected(exc), exc)
        except PropexoOutcomeUnknown as exc:
            update = unknown_update(exc.reason)
            return await self._end(booking, BookingState.UNKNOWN, update, exc)
        except PropexoConfigurationError as exc:
            update = Update("failed", str(exc), can_edit=True)
            return await self._end(booking, BookingState.FAILED, update, exc)
        except PropexoTransientError as exc:  # it certainly did not arrive: try again later
            return await self._retry_later(booking, exc)
        except PropexoError as exc:  # anything else Propexo said: never retried blindly
            update = Update("failed", str(exc), can_edit=True)
            return await self._end(booking, BookingState.FAILED, update, exc)
        job = f" (Propexo job `{created.job_id}`)" if created.job_id else ""
        update = Update("submitted", f"Submitted to EliseAI{job}. Waiting for it to confirm…")
        # Without a job id there is nothing to poll: it is never due (a poll needs the id).
        first_poll = timedelta(seconds=self.policy.first_poll) if created.job_id else None
        submitted = await self._move(
            booking, BookingState.SUBMITTED, update, first_poll, job_id=created.job_id,
            appointment_id=created.appointment_id, last_error=None, submitted_at=_now(),
        )  # fmt: skip
        if submitted is not None and created.job_id is None:  # say so rather than poll forever
            await self._tell(submitted, _pending("Propexo gave no job id to follow"))
        return submitted

    async def poll(self, booking: Booking) -> Booking | None:
        """Look at the write status of a booking claimed in `submitted`."""
        assert booking.job_id is not None
        unit = await self._take_unit()
        if isinstance(unit, datetime):
            return await self.store.update_booking(booking.id, next_attempt_at=unit)
        try:
            status = await self._budgeted(unit, self.propexo.write_status(booking.job_id))
        except PropexoError as exc:
            logger.info("write status of %s unavailable: %s", booking.id, reason(exc))
            return await self._poll_again(booking)
        await self.pause()
        if status.succeeded:
            confirmed = await self.store.transition(
                booking.id, BookingState.CONFIRMED, expect=[BookingState.SUBMITTED],
                appointment_id=status.created_record_id or booking.appointment_id,
                write_errors=list(status.errors), next_attempt_at=None,
            )  # fmt: skip
            if confirmed is not None:
                partly = " (partly: " + "; ".join(status.errors) + ")" if status.errors else ""
                confirmed_update = Update(
                    "confirmed", f"Confirmed in EliseAI{partly}.", can_record_outcome=True
                )
                await self._tell(confirmed, confirmed_update)
            return confirmed
        if status.failed:
            failed = await self.store.transition(
                booking.id, BookingState.FAILED, expect=[BookingState.SUBMITTED],
                write_errors=list(status.errors), next_attempt_at=None,
            )  # fmt: skip
            if failed is not None:
                reasons = tuple(status.errors) or ("EliseAI gave no reason.",)
                update = Update(
                    "failed", "EliseAI did not book this tour.", details=reasons, can_edit=True
                )
                await self._tell(failed, update)
            return failed
        return await self._poll_again(booking)

    async def cut_off(self, booking: Booking) -> Booking:
        """A booking left in `sending` past its lease (its worker died or was stopped mid-request):
        the request may have reached Propexo, so the agent must check before it is sent again."""
        await self._tell(booking, unknown_update())
        return booking

    async def _take_unit(self) -> BudgetUnit | datetime:
        """A unit of the shared budget, or when one may be free (see `Store.take_budget`)."""
        async with self._asking:
            if self._spent is not None and _now() < self._spent[0]:
                return self._spent[1]
            unit = await self.store.take_budget(self.policy.rate_limit)
            if isinstance(unit, datetime):
                self._spent = (_now() + timedelta(seconds=SPENT_BELIEVED), unit)
            else:
                self._spent = None
            return unit

    async def _holding(self, booking: Booking, request: Awaitable[Answer]) -> Answer:
        """`request`, with the booking's send lease renewed while it runs: a lease that ran out
        would have a send still under way reported unknown (or its booking taken over)."""
        done = asyncio.Event()
        renewing = asyncio.create_task(self._renew(booking, done), name=f"lease-{booking.id}")
        try:
            return await request
        finally:
            done.set()
            await renewing

    async def _renew(self, booking: Booking, done: asyncio.Event) -> None:
        lease = self.policy.send_lease
        while True:
            try:
                await asyncio.wait_for(done.wait(), lease.total_seconds() / 3)
                return
            except TimeoutError:
                pass
            try:
                held = await self.store.update_claimed(
                    booking.id, booking.attempts, next_attempt_at=_now() + lease
                )
            except Exception:  # tried again in a third of a lease; two misses still leave time
                logger.warning("could not renew the send lease of %s", booking.id, exc_info=True)
                continue
            if held is None:  # taken over: whoever took it reports it
                return

    async def _budgeted(self, unit: BudgetUnit, request: Awaitable[Answer]) -> Answer:
        """The answer to one Propexo request made with `unit` of the budget. Propexo counts a
        request when it arrives, so its unit stays spent for a window after the answer; one
        that certainly never arrived is given back. The client's own retries pay for
        themselves (its gate)."""
        arrived = True
        try:
            with prepaid():
                return await request
        except PropexoTransientError as exc:
            arrived = getattr(exc, "sent", True)
            raise
        finally:
            await account(self.store, unit, arrived=arrived)

    async def _poll_again(self, booking: Booking) -> Booking | None:
        now = _now()
        since = now - (booking.submitted_at or booking.updated_at)
        if since > self.policy.stop_polling_after:
            left = await self.store.update_booking(booking.id, next_attempt_at=None)
            await self._tell(left, _pending("I have stopped checking"), once=False)
            return left
        if since > self.policy.still_pending_after:
            await self._tell(booking, _pending("I'll keep checking and say so here"))
        # Soon after the 200, then less often: 1.5 s, 3 s, 6 s … up to max_poll.
        wait = min(
            self.policy.first_poll * 2 ** int(since.total_seconds() // 5), self.policy.max_poll
        )
        return await self.store.update_booking(
            booking.id, next_attempt_at=now + timedelta(seconds=wait)
        )

    async def _queue(self, booking: Booking, until: datetime) -> Booking | None:
        update = Update(
            "queued",
            f"Propexo takes {self.policy.rate_limit} requests a minute and the last minute's are "
            f"used, so this booking is queued behind others. It goes out at about {WHEN}; "
            "nothing is needed from you.",
            when=until,
        )
        # Not all at once when the unit frees: a few seconds apart. A moment, not a delay: the
        # time spent telling the agent must not push it past the unit's leaving.
        due = until + timedelta(seconds=random.uniform(0, 5))
        return await self._move(booking, BookingState.ACCEPTED, update, due)

    async def _retry_later(self, booking: Booking, exc: PropexoTransientError) -> Booking | None:
        now = _now()
        deadline = booking.created_at + self.policy.give_up_after
        wait = min(
            self.policy.first_retry * 2 ** max(booking.attempts - 1, 0), self.policy.max_retry
        )
        refusing, refused, cause = _not_taking(exc)
        if now + timedelta(seconds=wait) > deadline:
            update = Update(
                "failed",
                f"Propexo {refused} for {_minutes(self.policy.give_up_after)} ({cause}), so this "
                "tour is not booked. Try again when Propexo is back.",
                can_edit=True,
            )
            return await self._end(booking, BookingState.FAILED, update, exc)
        update = Update(
            "waiting",
            f"Propexo {refusing} right now ({cause}), so nothing is booked yet. I'll keep trying "
            f"until {WHEN} and tell you here.",
            when=deadline,
        )
        due = timedelta(seconds=_jitter(wait))
        return await self._move(booking, BookingState.ACCEPTED, update, due, last_error=str(exc))

    async def _end(
        self, booking: Booking, state: BookingState, update: Update, error: Exception
    ) -> Booking | None:
        ended = await self._move(booking, state, update, None, once=False, last_error=str(error))
        if ended is not None:
            logger.info("booking %s is %s: %s", booking.id, state.value, reason(error))
        return ended

    async def _move(
        self,
        booking: Booking,
        to: BookingState,
        update: Update,
        due_in: timedelta | datetime | None,
        *,
        once: bool = True,
        **fields: Any,
    ) -> Booking | None:
        """Move a booking this worker claimed to send to `to`, tell the agent `update`, then
        make it due `due_in` from then, or at `due_in` when it is a moment (None: not due). Not
        due while telling: a quick next step (a poll, a retry) never overtakes its message,
        however long Slack takes. None if the claim was lost."""
        telling = not (once and booking.last_told == update.kind)
        # Held for a lease while the agent is told, then let go.
        due = None
        if due_in is not None:
            due = _now() + self.policy.send_lease if telling else _due(due_in)
        moved = await self.store.transition(
            booking.id, to, expect=[BookingState.SENDING], attempt=booking.attempts,
            next_attempt_at=due, **fields,
        )  # fmt: skip
        if moved is None:
            return None
        await self._tell(moved, update, once=once)
        if due_in is None or not telling:
            return moved
        return await self.store.reschedule(moved, _due(due_in))

    async def _tell(self, booking: Booking, update: Update, *, once: bool = True) -> None:
        """Report `update`; `once` skips a repeat of the kind last told (queued, waiting …).
        Only a report that went through counts as told: one refused is told the next time."""
        if once and booking.last_told == update.kind:
            return
        await self.pause()  # after the state change: only the agent's message waits
        try:
            await self.report(booking, update)
        except Exception:  # the store holds the truth; a failed report must not stop delivery
            logger.exception("could not report %s on booking %s", update.kind, booking.id)
            return
        if booking.last_told != update.kind:
            # Written whole even by a stop arriving now: it would leave the transaction open.
            await _uncut(self.store.update_booking(booking.id, last_told=update.kind))


def unknown_update(reason: str | None = None) -> Update:
    # The reason may be a timeout, a dropped connection or a 5xx (Propexo did answer): true of
    # each, nothing says whether the tour was booked.
    how = (
        f"I sent this booking but can't tell whether Propexo booked it ({reason})"
        if reason
        else "Tourbot stopped while it was sending this booking, so I can't tell whether "
        "Propexo booked it"
    )
    return Update(
        "unknown",
        f"{how}. Check EliseAI for this tour: if it is not there, press Send anyway; if it is, "
        "there is nothing to do.",
        can_resend=True,
    )


def _not_taking(exc: PropexoTransientError) -> tuple[str, str, str]:
    """Why Propexo took no booking just now, as (present, past, cause): the create certainly
    did not go through (a create that may have goes `unknown` instead)."""
    if isinstance(exc, PropexoRateLimited):
        return "is turning requests away", "turned requests away", "its rate limit is used up"
    cause = getattr(exc, "reason", None) or (f"HTTP {exc.status}" if exc.status else "no answer")
    return "can't be reached", "could not be reached", cause


def _rate_limited(again: datetime) -> Update:
    return Update(
        "waiting",
        "Propexo is turning requests away right now (its rate limit is used up), so nothing is "
        f"booked yet. I'll try again at {WHEN} and tell you here.",
        when=again,
    )


def _pending(why: str) -> Update:
    return Update(
        "pending",
        f"EliseAI has not confirmed this booking yet ({why}). Check EliseAI before booking it "
        "again.",
    )


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


async def _uncut(write: Awaitable[Answer]) -> Answer:
    """`write`, finished even when the caller is cancelled meanwhile (then cancelled after it):
    a cancelled SQLite transaction can keep the database locked for everyone else."""
    writing = asyncio.ensure_future(write)
    try:
        return await asyncio.shield(writing)
    except asyncio.CancelledError:
        await writing
        raise


def _due(due_in: timedelta | datetime) -> datetime:
    return due_in if isinstance(due_in, datetime) else _now() + due_in


def _jitter(seconds: float) -> float:
    return seconds * random.uniform(0.8, 1.2)  # instances retrying together do not stay in step


def _now() -> datetime:
    return datetime.now(UTC)


def _minutes(span: timedelta) -> str:
    minutes = max(1, round(span.total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
