"""Bookings as the rest of Tourbot sees them, with the state machine they move through, and the
reads and compare-and-set updates of stored bookings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.engine import Row

from bot.store.database import Database
from bot.store.schema import BookingRow, BookingState

# Every move a booking may make. Anything else is a bug in the caller, not a race.
# An outcome claimed this long ago and still not recorded was left by a process that died
# mid-request (a request, retries and 429 waits included, ends well within it).
OUTCOME_CLAIM_STALE = timedelta(minutes=5)

TRANSITIONS: Mapping[BookingState, frozenset[BookingState]] = {
    BookingState.ACCEPTED: frozenset({BookingState.SENDING}),
    BookingState.SENDING: frozenset(
        {
            BookingState.SUBMITTED,
            BookingState.UNKNOWN,  # the request may have reached Propexo
            BookingState.ACCEPTED,  # it certainly did not: try again later
            BookingState.FAILED,  # Propexo refused it (400): sending it again will not help
        }
    ),
    BookingState.SUBMITTED: frozenset({BookingState.CONFIRMED, BookingState.FAILED}),
    BookingState.CONFIRMED: frozenset(),
    BookingState.FAILED: frozenset(),
    BookingState.UNKNOWN: frozenset({BookingState.ACCEPTED}),  # an agent chose "Send anyway"
}


class InvalidTransition(ValueError):
    """A move the state machine does not allow, such as `accepted` straight to `confirmed`."""

    def __init__(self, source: BookingState, target: BookingState) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[source])) or "nothing (it is final)"
        super().__init__(
            f"A booking cannot go from {source} to {target}; from {source} it can go to {allowed}."
        )
        self.source = source
        self.target = target


class BookingNotFound(LookupError):
    """No booking has this id."""

    def __init__(self, booking_id: str) -> None:
        super().__init__(f"No booking with id {booking_id!r}.")
        self.booking_id = booking_id


@dataclass(frozen=True, kw_only=True)
class NewBooking:
    """A booking the bot has just accepted, before it is stored."""

    request_key: str  # idempotency key: the same key twice is the same booking
    team_id: str
    user_id: str
    zone: str
    starts_at: datetime
    summary: str
    form_values: dict[str, Any]
    body: dict[str, Any]
    channel_id: str | None = None
    thread_channel_id: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    prospect_key: str | None = None
    next_attempt_at: datetime | None = None  # None: due at once
    id: str = field(default_factory=lambda: uuid4().hex)

    def __post_init__(self) -> None:
        if self.starts_at.utcoffset() is None:
            raise ValueError("starts_at must be timezone-aware: a naive time is a guess")


@dataclass(frozen=True, kw_only=True, slots=True)
class Booking:
    """A stored booking as it was when read: a snapshot, not a live database object."""

    id: str
    request_key: str
    state: BookingState
    created_at: datetime
    updated_at: datetime
    team_id: str
    user_id: str
    channel_id: str | None
    thread_channel_id: str | None
    thread_ts: str | None
    response_url: str | None
    zone: str
    starts_at: datetime
    summary: str
    form_values: dict[str, Any]
    body: dict[str, Any]
    prospect_key: str | None
    job_id: str | None
    appointment_id: str | None
    write_errors: tuple[str, ...]
    last_error: str | None
    attempts: int
    next_attempt_at: datetime | None
    outcome: str | None
    outcome_by: str | None
    submitted_at: datetime | None = None
    last_told: str | None = None
    request_sent_at: datetime | None = None
    status_ts: str | None = None
    outcome_recorded_at: datetime | None = None  # None with an outcome: it is being recorded

    @property
    def outcome_under_way(self) -> bool:
        """An outcome is claimed, and its request to Propexo has not finished yet."""
        return self.outcome is not None and self.outcome_recorded_at is None


@dataclass(frozen=True)
class Added:
    """What storing a new booking came to."""

    booking: Booking | None  # None: not stored, because of `doubles`
    created: bool  # False: its request key was stored already, and `booking` is that one
    doubles: list[Booking]  # live bookings of the same prospect at the same moment


BOOKING_COLUMNS = tuple(BookingRow.__table__.c)
# Set only by the store itself: the key and id never change, the state only through transition().
UPDATABLE = frozenset(f.name for f in dataclasses.fields(Booking)) - {
    "id",
    "request_key",
    "state",
    "created_at",
    "updated_at",
}


def sources_of(target: BookingState) -> frozenset[BookingState]:
    """The states a booking may be in to move to `target`."""
    return frozenset(source for source, targets in TRANSITIONS.items() if target in targets)


def booking_of(row: Row[Any]) -> Booking:
    """The snapshot of a row read with `BOOKING_COLUMNS`."""
    values = dict(row._mapping)
    values["state"] = BookingState(values["state"])
    values["write_errors"] = tuple(values["write_errors"])
    return Booking(**values)


def claim_held(attempt: int | None, *, unsent: bool) -> list[ColumnElement[bool]]:
    """The conditions under which a worker's claim on a booking still holds."""
    held = [] if attempt is None else [BookingRow.attempts == attempt]
    if unsent:
        held.append(BookingRow.request_sent_at.is_(None))
    return held


def checked(fields: Mapping[str, object]) -> dict[str, object]:
    """`fields` as values to store; TypeError for a field that may not be set this way."""
    unknown = sorted(set(fields) - UPDATABLE)
    if "state" in unknown:
        raise TypeError("the state changes only through Store.transition()")
    if unknown:
        raise TypeError(f"bookings have no updatable field {', '.join(unknown)}")
    values = dict(fields)
    if "write_errors" in values:
        errors = values["write_errors"]
        if isinstance(errors, str) or not isinstance(errors, Sequence):
            raise TypeError("write_errors must be a list of messages, not a single value")
        values["write_errors"] = [str(error) for error in errors]
    return values


async def read_one(db: Database, where: ColumnElement[bool]) -> Booking | None:
    """The booking matching `where`, in a transaction of its own."""
    async with db.transaction() as connection:
        row = (await connection.execute(select(*BOOKING_COLUMNS).where(where))).one_or_none()
    return None if row is None else booking_of(row)


async def read_many(
    db: Database,
    where: ColumnElement[bool],
    *,
    order: Sequence[Any],
    limit: int | None = None,
) -> list[Booking]:
    """The bookings matching `where`, in `order`, in a transaction of their own."""
    async with db.transaction() as connection:
        rows = await connection.execute(
            select(*BOOKING_COLUMNS).where(where).order_by(*order).limit(limit)
        )
        return [booking_of(row) for row in rows]


async def update_where(
    db: Database,
    booking_id: str,
    where: Sequence[ColumnElement[bool]],
    values: Mapping[str, object],
) -> Booking | None:
    """Set `values` of the booking only if it still matches `where`: one UPDATE, so the
    database decides who wins a race. None if it did not match (or does not exist)."""
    async with db.transaction() as connection:
        row = (
            await connection.execute(
                update(BookingRow)
                .where(BookingRow.id == booking_id, *where)
                .values(values)
                .returning(*BOOKING_COLUMNS)
            )
        ).one_or_none()
    return None if row is None else booking_of(row)


class Bookings:
    """Reading stored bookings and changing them: moves between states, other fields, outcomes."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get_booking(self, booking_id: str) -> Booking | None:
        return await read_one(self._db, BookingRow.id == booking_id)

    async def transition(
        self,
        booking_id: str,
        to: BookingState,
        *,
        expect: Collection[BookingState] | None = None,
        attempt: int | None = None,
        unsent: bool = False,
        **fields: object,
    ) -> Booking | None:
        """Move a booking to `to` (and set `fields`) only if it is in one of `expect`, by default
        every state allowed to move to `to`. Returns the updated booking, or None if it was not in
        such a state (another task moved it first) or does not exist.

        `attempt`: only while the booking is still on that attempt, the claim a worker took
        (`claim_due` counts one per claim, so a claim handed back and taken again is another).
        `unsent`: only while its request has not gone out (`request_sent_at` is empty).

        Raises InvalidTransition if `expect` holds a state that may not move to `to`.
        """
        to = BookingState(to)
        sources = sources_of(to) if expect is None else frozenset(map(BookingState, expect))
        for source in sorted(sources):
            if to not in TRANSITIONS[source]:
                raise InvalidTransition(source, to)
        values = checked(fields)
        values.update(state=to.value, updated_at=self._db.clock())
        where: list[ColumnElement[bool]] = [
            BookingRow.state.in_([source.value for source in sources])
        ]
        where += claim_held(attempt, unsent=unsent)
        # One UPDATE … WHERE state IN (…): the database, not this process, decides who wins.
        return await update_where(self._db, booking_id, where, values)

    async def update_booking(self, booking_id: str, **fields: object) -> Booking:
        """Set fields other than the state (thread_ts, job_id, …). Raises TypeError for a field
        bookings do not have (or `state`), BookingNotFound for an unknown id."""
        values = checked(fields)
        values["updated_at"] = self._db.clock()
        async with self._db.transaction() as connection:
            row = (
                await connection.execute(
                    update(BookingRow)
                    .where(BookingRow.id == booking_id)
                    .values(values)
                    .returning(*BOOKING_COLUMNS)
                )
            ).one_or_none()
        if row is None:
            raise BookingNotFound(booking_id)
        return booking_of(row)

    async def record_outcome(
        self, booking_id: str, outcome: str | None, by: str | None, *, stale: timedelta
    ) -> Booking | None:
        """Claim a confirmed booking's outcome: None if it has one, recorded or under way (a
        second click), unless that claim is older than `stale` (its process died mid-request).
        `outcome=None` releases a claim not yet recorded (Propexo refused to record it)."""
        now = self._db.clock()
        where = [BookingRow.id == booking_id, BookingRow.state == BookingState.CONFIRMED.value]
        if outcome is None:
            where += [BookingRow.outcome.isnot(None), BookingRow.outcome_recorded_at.is_(None)]
        else:
            abandoned = and_(
                BookingRow.outcome_recorded_at.is_(None), BookingRow.updated_at < now - stale
            )
            where.append(or_(BookingRow.outcome.is_(None), abandoned))
        values = {"outcome": outcome, "outcome_by": by, "updated_at": now}
        return await update_where(self._db, booking_id, where, values)

    async def outcome_recorded(self, booking_id: str, outcome: str) -> Booking | None:
        """Propexo has the claimed `outcome`: it is recorded (None if the claim was lost)."""
        now = self._db.clock()
        where = [BookingRow.outcome == outcome, BookingRow.outcome_recorded_at.is_(None)]
        values = {"outcome_recorded_at": now, "updated_at": now}
        return await update_where(self._db, booking_id, where, values)

    async def shows_a_booking(self, channel_id: str, ts: str) -> bool:
        """Whether the message at `ts` is one that shows a booking's state."""
        async with self._db.transaction() as connection:
            found = await connection.execute(
                select(BookingRow.id)
                .where(BookingRow.thread_channel_id == channel_id, BookingRow.status_ts == ts)
                .limit(1)
            )
            return found.first() is not None

    async def bookings_for_user(self, user_id: str, *, limit: int = 20) -> list[Booking]:
        """The user's bookings, newest first."""
        return await read_many(
            self._db,
            BookingRow.user_id == user_id,
            order=(BookingRow.created_at.desc(), BookingRow.id.desc()),
            limit=limit,
        )

    async def upcoming_for_user(
        self, user_id: str, states: Collection[BookingState], *, limit: int = 15
    ) -> list[Booking]:
        """The user's bookings in `states` whose tour has not started yet, soonest first."""
        return await read_many(
            self._db,
            and_(
                BookingRow.user_id == user_id,
                BookingRow.starts_at >= self._db.clock(),
                BookingRow.state.in_([BookingState(state).value for state in states]),
            ),
            order=(BookingRow.starts_at, BookingRow.id),
            limit=limit,
        )

    async def bookings_in_state(self, *states: BookingState) -> list[Booking]:
        """Bookings in any of `states`, oldest first."""
        return await read_many(
            self._db,
            BookingRow.state.in_([BookingState(state).value for state in states]),
            order=(BookingRow.created_at, BookingRow.id),
        )
