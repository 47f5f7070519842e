"""Adding new bookings: written in batches as they arrive, each once per request key, and left out
when the prospect already has a live booking at that moment (a likely double). A caller may give
up waiting (`within`): its booking is then never stored, or it is told the outcome is unknown.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
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
# Each held until the transaction ends; unnest gives the keys in the array's order.
PROSPECT_LOCKS = text(
    "SELECT pg_advisory_xact_lock(k) "
    "FROM unnest(CAST(:keys AS bigint[])) WITH ORDINALITY AS t(k, n) ORDER BY n"
)
COMMIT_GRACE = 0.2  # seconds a caller past its time still waits for a commit already under way


class NotSavedInTime(Exception):
    """The store did not answer within the time given. `certain`: the booking is not stored and
    never will be from this request; otherwise its commit was under way and may have stored it
    (the same request key finds it)."""

    def __init__(self, *, certain: bool) -> None:
        self.certain = certain
        super().__init__(
            "the booking was not stored" if certain else "the booking may or may not be stored"
        )


@dataclass
class _Arrival:
    new: NewBooking
    unless_doubled: bool
    added: asyncio.Future[Added]
    # waiting -> committing (its row is in a transaction about to commit), or -> abandoned (its
    # caller gave up first, so the row is left out). Both moves happen without an await between
    # test and set, so the writer and the caller never both win.
    state: str = "waiting"

    def abandon(self) -> bool:
        """Give up waiting; False if the commit that stores it is already under way."""
        if self.state == "committing":
            return False
        self.state = "abandoned"
        self.added.cancel()
        return True

    def commit(self) -> bool:
        """The writer is about to commit this one's row; False if its caller gave up."""
        if self.state == "abandoned":
            return False
        self.state = "committing"
        return True

    @property
    def waiting(self) -> bool:
        return self.state != "abandoned"


class Intake:
    """New bookings, written in batches: those that arrive while one batch is being written go
    together in the next, so a burst of submissions costs a few transactions, not one each."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: list[_Arrival] = []
        self._writer: asyncio.Task[None] | None = None
        # PostgreSQL: a connection kept for new bookings, so an agent's booking never queues
        # behind every other transaction for one of the pool's (measured: seconds under load).
        self._kept: AsyncConnection | None = None
        self._trouble = False  # the kept connection failed: the ordinary way until one succeeds

    async def close(self) -> None:
        """Let the batch being written finish, then give back the kept connection."""
        if self._writer is not None and not self._writer.done():
            await asyncio.wait({self._writer}, timeout=10)
        if self._kept is not None:
            await self._kept.close()
            self._kept = None

    @contextlib.asynccontextmanager
    async def _kept_transaction(self) -> AsyncIterator[AsyncConnection]:
        """PostgreSQL: a transaction on the kept connection (opened again after a failure)."""
        if self._kept is None or self._kept.closed or self._kept.invalidated:
            self._kept = await self._db.engine.connect()
        kept = self._kept
        try:
            async with kept.begin():
                yield kept
        except DBAPIError as exc:
            if not isinstance(exc, IntegrityError):  # a double is no trouble with the connection
                self._kept = None
                await kept.close()  # a broken connection goes back to the pool invalidated
            raise

    async def add_booking(
        self, new: NewBooking, *, within: float | None = None
    ) -> tuple[Booking, bool]:
        """Store `new` as `accepted`. If its request key is already stored, return that booking
        and False instead: the same request twice is one booking, even when both race.
        Bookings added at the same time are written together, in one transaction. Raises
        NotSavedInTime when not stored `within` seconds (see `NotSavedInTime.certain`)."""
        added = await self._add(new, unless_doubled=False, within=within)
        assert added.booking is not None
        return added.booking, added.created

    async def add_booking_unless_doubled(
        self, new: NewBooking, *, within: float | None = None
    ) -> Added:
        """As `add_booking`, unless the prospect already has a live booking at that moment (as
        `duplicates_of` finds them): then nothing is stored, and `doubles` holds those."""
        return await self._add(new, unless_doubled=True, within=within)

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

    async def _add(self, new: NewBooking, *, unless_doubled: bool, within: float | None) -> Added:
        loop = asyncio.get_running_loop()
        arrival = _Arrival(new, unless_doubled, loop.create_future())
        self._queue.append(arrival)
        writer = self._writer
        if writer is None or writer.done() or writer.get_loop() is not loop:
            self._writer = loop.create_task(self._write_queued(), name="booking-intake")
        if within is None:
            return await arrival.added
        with contextlib.suppress(TimeoutError):
            # Shielded: giving up must go through `abandon`, never cancel the batch's write.
            return await asyncio.wait_for(asyncio.shield(arrival.added), within)
        if arrival.abandon():
            raise NotSavedInTime(certain=True)
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(asyncio.shield(arrival.added), COMMIT_GRACE)
        raise NotSavedInTime(certain=arrival.abandon())  # a failed commit hands it back

    async def _write_queued(self) -> None:
        while self._queue:
            await self._gather()
            batch = [arrival for arrival in self._queue if arrival.waiting]
            self._queue = []
            if not batch:
                continue
            try:
                results = await self._add_together(batch)
            except Exception as exc:
                if len(batch) == 1 and not isinstance(exc, IntegrityError):
                    _fail(batch[0], exc)
                    continue
                # A request key stored already (a double click), or a row the database refuses:
                # each on its own, so one booking's trouble is never another's.
                for arrival in batch:
                    if arrival.waiting:
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
        """One transaction for all; IntegrityError if any request key is stored already. The
        rows of arrivals whose callers gave up by the time the rows are written are taken out
        before the commit, so what a caller was told (not stored) stays true."""
        if self._db.dialect == "postgresql" and not self._trouble:
            try:
                return await self._write(arrivals, self._kept_transaction)
            except IntegrityError:
                raise
            except DBAPIError:
                # Once more the ordinary way, which first checks what the database came back as.
                self._trouble = True
        results = await self._write(arrivals, lambda: self._db.transaction(urgent=True))
        self._trouble = False
        return results

    async def _write(
        self,
        arrivals: Sequence[_Arrival],
        transaction: Callable[[], AbstractAsyncContextManager[AsyncConnection]],
    ) -> list[Added]:
        now = self._db.clock()
        stored: dict[str, Booking] = {}
        try:
            async with transaction() as connection:
                if connection.dialect.name == "postgresql":
                    # Instances adding for the same prospect take turns, so each sees the other's.
                    # One round trip for the batch's locks, taken in key order (no deadlock).
                    keys = {a.new.prospect_key for a in arrivals if a.new.prospect_key}
                    if keys:
                        locks = sorted(_lock_key(key) for key in keys)
                        await connection.execute(PROSPECT_LOCKS, {"keys": locks})
                wanted = [a for a in arrivals if a.waiting]
                doubles = await _doubles(connection, [a.new for a in wanted if a.unless_doubled])
                kept = _kept_rows(wanted, doubles, now)  # also finds doubles within this batch
                if kept:
                    await connection.execute(ADD_BOOKINGS, kept)
                    # Every value is ours (the id too): the stored bookings need no reading back.
                    stored = {row["request_key"]: _stored(row) for row in kept}
                gone = {a.new.request_key for a in arrivals if not a.commit()} & set(stored)
                if gone:  # their callers were told "not stored" while the rows were written
                    await connection.execute(
                        delete(BookingRow).where(BookingRow.request_key.in_(sorted(gone)))
                    )
                    stored = {key: booking for key, booking in stored.items() if key not in gone}
        except BaseException:
            for arrival in arrivals:  # rolled back: a caller may give up on them again
                if arrival.state == "committing":
                    arrival.state = "waiting"
            raise
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
