"""Adding new bookings: written in batches as they arrive, each once per request key, and left out
when the prospect already has a live booking at that moment (a likely double).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.bookings import (
    BOOKING_COLUMNS,
    Added,
    Booking,
    NewBooking,
    booking_of,
    read_many,
    read_one,
)
from bot.store.database import Database
from bot.store.schema import BookingRow, BookingState

DOUBLES_SHOWN = 5
# Built once, so SQLAlchemy compiles each once: a batch of new bookings is on an agent's wait.
ADD_BOOKINGS = insert(BookingRow)
LIVE_AT_MOMENTS = (
    select(*BOOKING_COLUMNS)
    .where(
        BookingRow.prospect_key.in_(bindparam("prospects", expanding=True)),
        BookingRow.starts_at.in_(bindparam("moments", expanding=True)),
        BookingRow.state != BookingState.FAILED.value,
    )
    .order_by(BookingRow.created_at)
)
GATHER_PAUSE = 0.001  # seconds a batch of new bookings waits for more to arrive, again and again
GATHER_AT_MOST = 0.05  # ... while they keep arriving, and no longer than this
PROSPECT_LOCK = text("SELECT pg_advisory_xact_lock(:key)")  # held until the transaction ends


@dataclass
class _Arrival:
    new: NewBooking
    unless_doubled: bool
    added: asyncio.Future[Added]


class Intake:
    """New bookings, written in batches: those that arrive while one batch is being written go
    together in the next, so a burst of submissions costs a few transactions, not one each."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: list[_Arrival] = []
        self._writer: asyncio.Task[None] | None = None

    async def add_booking(self, new: NewBooking) -> tuple[Booking, bool]:
        """Store `new` as `accepted`. If its request key is already stored, return that booking
        and False instead: the same request twice is one booking, even when both race.
        Bookings added at the same time are written together, in one transaction."""
        added = await self._add(new, unless_doubled=False)
        assert added.booking is not None
        return added.booking, added.created

    async def add_booking_unless_doubled(self, new: NewBooking) -> Added:
        """As `add_booking`, unless the prospect already has a live booking at that moment (as
        `duplicates_of` finds them): then nothing is stored, and `doubles` holds those."""
        return await self._add(new, unless_doubled=True)

    async def duplicates_of(
        self, prospect_key: str, starts_at: datetime, *, excluding: str | None = None
    ) -> list[Booking]:
        """Other live bookings for the same prospect at the same moment (a likely double)."""
        where = and_(
            BookingRow.prospect_key == prospect_key,
            BookingRow.starts_at == starts_at,
            BookingRow.state.notin_([BookingState.FAILED.value]),
        )
        if excluding is not None:
            where = and_(where, BookingRow.request_key != excluding)
        return await read_many(self._db, where, order=(BookingRow.created_at,), limit=5)

    async def _add(self, new: NewBooking, *, unless_doubled: bool) -> Added:
        loop = asyncio.get_running_loop()
        arrival = _Arrival(new, unless_doubled, loop.create_future())
        self._queue.append(arrival)
        writer = self._writer
        if writer is None or writer.done() or writer.get_loop() is not loop:
            self._writer = loop.create_task(self._write_queued(), name="booking-intake")
        return await arrival.added

    async def _write_queued(self) -> None:
        while self._queue:
            await self._gather()
            batch, self._queue = self._queue, []
            try:
                results = await self._add_together(batch)
            except Exception as exc:
                if len(batch) == 1 and not isinstance(exc, IntegrityError):
                    _fail(batch[0], exc)
                    continue
                # A request key stored already (a double click), or a row the database refuses:
                # each on its own, so one booking's trouble is never another's.
                for arrival in batch:
                    await _settle(arrival, self._add_alone(arrival))
                continue
            for arrival, added in zip(batch, results, strict=True):
                if not arrival.added.done():
                    arrival.added.set_result(added)

    async def _gather(self) -> None:
        """Wait while more keep arriving (a burst still being read): one batch then, instead of
        the first alone and the rest waiting for it."""
        loop = asyncio.get_running_loop()
        until = loop.time() + GATHER_AT_MOST
        seen = 0
        while len(self._queue) != seen and loop.time() < until:
            seen = len(self._queue)
            await asyncio.sleep(GATHER_PAUSE)

    async def _add_together(self, arrivals: Sequence[_Arrival]) -> list[Added]:
        """One transaction for all; IntegrityError if any request key is stored already."""
        now = self._db.clock()
        stored: dict[str, Booking] = {}
        async with self._db.transaction(urgent=True) as connection:
            if connection.dialect.name == "postgresql":
                # Instances adding for the same prospect take turns, so each sees the other's.
                for key in sorted({a.new.prospect_key for a in arrivals if a.new.prospect_key}):
                    await connection.execute(PROSPECT_LOCK, {"key": _lock_key(key)})
            doubles = await _doubles(connection, [a.new for a in arrivals if a.unless_doubled])
            kept = _kept_rows(arrivals, doubles, now)  # also finds doubles within this batch
            if kept:
                await connection.execute(ADD_BOOKINGS, kept)
                # Every value is ours (the id too): the stored bookings need no reading back.
                stored = {row["request_key"]: _stored(row) for row in kept}
        return [
            Added(stored.get(key), key in stored, doubles.get(key, []))
            for key in (a.new.request_key for a in arrivals)
        ]

    async def _add_alone(self, arrival: _Arrival) -> Added:
        try:
            [added] = await self._add_together([arrival])
            return added
        except IntegrityError:
            # The UNIQUE request_key decides the race; the loser reads the winner's booking.
            existing = await read_one(self._db, BookingRow.request_key == arrival.new.request_key)
            if existing is None:
                raise  # not the request key: something else is wrong
            return Added(existing, False, [])


async def _settle(arrival: _Arrival, adding: Awaitable[Added]) -> None:
    try:
        added = await adding
    except Exception as exc:
        _fail(arrival, exc)
        return
    if not arrival.added.done():
        arrival.added.set_result(added)


def _fail(arrival: _Arrival, exc: Exception) -> None:
    if not arrival.added.done():
        arrival.added.set_exception(exc)


def _lock_key(prospect_key: str) -> int:
    """A PostgreSQL advisory lock's key for a prospect: 64 bits of a stable hash, signed."""
    digest = hashlib.blake2b(prospect_key.encode(), digest_size=8, person=b"tourbot-doubles")
    return int.from_bytes(digest.digest(), "big", signed=True)


def _new_row(new: NewBooking, now: datetime) -> dict[str, Any]:
    values = {f.name: getattr(new, f.name) for f in dataclasses.fields(new)}
    values.update(
        state=BookingState.ACCEPTED.value,
        created_at=now,
        updated_at=now,
        starts_at=new.starts_at.astimezone(UTC),  # as the database gives it back
        next_attempt_at=(new.next_attempt_at or now).astimezone(UTC),
        write_errors=[],
        attempts=0,
    )
    return values


def _stored(row: Mapping[str, Any]) -> Booking:
    """The booking `_new_row` stores, as reading it back would give it."""
    values: dict[str, Any] = {column.name: row.get(column.name) for column in BOOKING_COLUMNS}
    values["state"] = BookingState(values["state"])
    values["write_errors"] = tuple(values["write_errors"])
    return Booking(**values)


async def _doubles(
    connection: AsyncConnection, news: Sequence[NewBooking]
) -> dict[str, list[Booking]]:
    """For each of `news` (by request key), what `Intake.duplicates_of` would find: one query."""
    wanted = [new for new in news if new.prospect_key is not None]
    if not wanted:
        return {}
    # Every pairing of these prospects and moments: a superset, matched exactly below.
    rows = await connection.execute(
        LIVE_AT_MOMENTS,
        {
            "prospects": sorted({new.prospect_key for new in wanted if new.prospect_key}),
            "moments": sorted({new.starts_at for new in wanted}),
        },
    )
    found = [booking_of(row) for row in rows]
    return {
        new.request_key: [
            booking
            for booking in found
            if booking.prospect_key == new.prospect_key
            and booking.starts_at == new.starts_at
            and booking.request_key != new.request_key
        ][:DOUBLES_SHOWN]
        for new in wanted
    }


def _kept_rows(
    arrivals: Sequence[_Arrival], doubles: dict[str, list[Booking]], now: datetime
) -> list[dict[str, Any]]:
    """The rows to store, in order of arrival: an arrival that doubles a stored booking, or one
    kept before it in the same batch, is left out (and `doubles` says which)."""
    kept: list[dict[str, Any]] = []
    placed: dict[tuple[str, datetime], list[dict[str, Any]]] = {}
    for arrival in arrivals:
        key = arrival.new.request_key
        if doubles.get(key):
            continue
        row = _new_row(arrival.new, now)
        moment = (arrival.new.prospect_key or "", row["starts_at"])
        earlier = [r for r in placed.get(moment, []) if r["request_key"] != key]
        if arrival.unless_doubled and arrival.new.prospect_key and earlier:
            doubles[key] = [_stored(r) for r in earlier][:DOUBLES_SHOWN]
            continue
        kept.append(row)
        if arrival.new.prospect_key:
            placed.setdefault(moment, []).append(row)
    return kept
