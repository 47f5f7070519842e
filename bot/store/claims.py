"""Scheduled work on bookings: workers claim the due ones under a lease, change them only while
their claim holds, and hand them back for later.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, update

from bot.store.bookings import (
    BOOKING_COLUMNS,
    TRANSITIONS,
    Booking,
    InvalidTransition,
    booking_of,
    checked,
    claim_held,
    update_where,
)
from bot.store.database import Database
from bot.store.schema import BookingRow, BookingState


class Claims:
    """Bookings as work for the workers: when the next is due, claiming it, and letting it go."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim_due(
        self,
        state: BookingState,
        *,
        lease: timedelta,
        limit: int,
        to: BookingState | None = None,
        sent: bool | None = None,
    ) -> list[Booking]:
        """Take up to `limit` bookings in `state` whose `next_attempt_at` has come, oldest due
        first, and push their `next_attempt_at` `lease` ahead so no other worker takes them
        meanwhile; with `to`, they also move to that state (and count an attempt).

        One statement: on PostgreSQL the due rows are locked with FOR UPDATE SKIP LOCKED, so
        workers side by side each get different bookings; SQLite has one writer at a time.
        """
        now = self._db.clock()
        due = (
            select(BookingRow.id)
            .where(BookingRow.state == state.value, BookingRow.next_attempt_at <= now)
            .order_by(BookingRow.next_attempt_at, BookingRow.id)
            .limit(limit)
        )
        if sent is not None:  # whether the request of a `sending` booking went out
            gone = BookingRow.request_sent_at.isnot(None)
            due = due.where(gone if sent else BookingRow.request_sent_at.is_(None))
        if self._db.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        values: dict[str, Any] = {"next_attempt_at": now + lease, "updated_at": now}
        if to is not None:
            if to not in TRANSITIONS[state]:
                raise InvalidTransition(state, to)
            values.update(state=to.value, attempts=BookingRow.attempts + 1)
            if to is BookingState.SENDING:
                values["request_sent_at"] = None  # a new attempt: nothing has gone out yet
        async with self._db.transaction() as connection:
            # The ids first, then exactly those: inside one UPDATE, PostgreSQL may rescan a
            # LIMITed subquery and take more than `limit`. The row locks hold until commit.
            ids = list((await connection.execute(due)).scalars())
            if not ids:
                return []
            rows = await connection.execute(
                update(BookingRow)
                .where(
                    BookingRow.id.in_(ids),
                    BookingRow.state == state.value,
                    BookingRow.next_attempt_at <= now,
                )
                .values(values)
                .returning(*BOOKING_COLUMNS)
            )
            claimed = [booking_of(row) for row in rows]
        return sorted(claimed, key=lambda b: (b.next_attempt_at or now, b.created_at))

    async def update_claimed(
        self, booking_id: str, attempt: int, *, unsent: bool = False, **fields: object
    ) -> Booking | None:
        """Set `fields` of a booking a worker claimed to send, only while that claim holds: it is
        still `sending`, on `attempt` (and, with `unsent`, its request has not gone out). None
        when the claim was lost (its lease ran out and another worker took it over)."""
        values = checked(fields)
        values["updated_at"] = self._db.clock()
        where: list[ColumnElement[bool]] = [BookingRow.state == BookingState.SENDING.value]
        where += claim_held(attempt, unsent=unsent)
        return await update_where(self._db, booking_id, where, values)

    async def reschedule(self, booking: Booking, due: datetime | None) -> Booking | None:
        """Make a booking due at `due`, only if it is still as `booking` shows it (the same
        state, attempt and due time): a step that held it while telling the agent lets it go.
        None if it moved meanwhile."""
        where = [
            BookingRow.state == booking.state.value,
            BookingRow.attempts == booking.attempts,
            BookingRow.next_attempt_at == booking.next_attempt_at,  # IS NULL for None
        ]
        values = {"next_attempt_at": due, "updated_at": self._db.clock()}
        return await update_where(self._db, booking.id, where, values)

    async def next_due(self, *states: BookingState) -> datetime | None:
        """When the earliest booking in `states` (default: every state a worker acts on) is
        due; None when nothing is waiting."""
        wanted = states or (BookingState.ACCEPTED, BookingState.SENDING, BookingState.SUBMITTED)
        async with self._db.transaction() as connection:
            due: datetime | None = (
                await connection.execute(
                    select(func.min(BookingRow.next_attempt_at)).where(
                        BookingRow.state.in_([BookingState(s).value for s in wanted])
                    )
                )
            ).scalar_one_or_none()
        return due
