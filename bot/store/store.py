"""The booking store: every booking from the moment the bot accepts it, moved between states by
compare-and-set so that two tasks or two instances never both act on the same booking.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from uuid import uuid4

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Row, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.store.schema import BookingRow, BookingState, RateWindowRow, UserZoneRow

# Every move a booking may make. Anything else is a bug in the caller, not a race.
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

# Which async driver each database gets when DATABASE_URL names none (and the only ones allowed).
DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
EXAMPLE_URLS = "sqlite:///tourbot.db (a file) or postgresql://user:password@host:5432/tourbot"
SQLITE_BUSY_TIMEOUT_MS = 10_000


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


def utc_now() -> datetime:
    return datetime.now(UTC)


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


def database_url(raw: str) -> URL:
    """DATABASE_URL as an async SQLAlchemy URL; a clear `ValueError` if Tourbot cannot use it.

    Messages never repeat the URL, which may hold a password.
    """
    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ValueError(
            f"DATABASE_URL is not a database URL. Write it like {EXAMPLE_URLS}."
        ) from None
    backend, _, driver = url.drivername.partition("+")
    backend = "postgresql" if backend == "postgres" else backend
    if backend not in DRIVERS:
        raise ValueError(
            f"DATABASE_URL names the database {backend!r}, but Tourbot stores bookings in SQLite "
            f"or PostgreSQL. Write it like {EXAMPLE_URLS}."
        )
    if driver and driver != DRIVERS[backend]:
        suggestion = url.set(drivername=backend).render_as_string(hide_password=True)
        raise ValueError(
            f"DATABASE_URL names the driver {driver!r}, which Tourbot cannot use: it talks to "
            f"{backend} through {DRIVERS[backend]} (asyncio). Write {suggestion} instead."
        )
    if backend == "sqlite" and (url.host or url.username or url.port):
        # sqlite://tourbot.db reads "tourbot.db" as a host name: the path needs a third slash.
        raise ValueError(
            "DATABASE_URL for SQLite takes a file path, not a host. Write sqlite:///tourbot.db "
            "(relative to the working directory) or sqlite:////absolute/path/tourbot.db."
        )
    url = url.set(drivername=f"{backend}+{DRIVERS[backend]}")
    if backend == "postgresql" and "sslmode" in url.query and "ssl" not in url.query:
        # Hosted PostgreSQL URLs say ?sslmode=require, which libpq reads and asyncpg calls ssl.
        url = url.difference_update_query(["sslmode"]).update_query_dict(
            {"ssl": url.query["sslmode"]}
        )
    return url


MIGRATIONS = Path(__file__).parent / "migrations"


def _migrate(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    tables = set(inspect(connection).get_table_names())
    if "bookings" in tables and "alembic_version" not in tables:
        command.stamp(config, "0001")  # made before migrations, by create_all: the same tables
    command.upgrade(config, "head")


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while one task writes; the busy timeout makes writers queue
    # instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL survives a crash of the process (SIGKILL) without losing a commit;
    # only a power cut can take the last ones, and it spares a disk sync per transaction.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _booking(row: Row[Any]) -> Booking:
    values = dict(row._mapping)
    values["state"] = BookingState(values["state"])
    values["write_errors"] = tuple(values["write_errors"])
    return Booking(**values)


def _checked(fields: Mapping[str, object]) -> dict[str, object]:
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


class Store:
    """Bookings and cached user time zones in SQLite or PostgreSQL, through SQLAlchemy's asyncio
    engine. Every method runs in its own short transaction and returns plain snapshots."""

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self._clock = clock
        # Tasks sharing the one connection of an in-memory database would share (and could roll
        # back) each other's transactions: let them in one at a time.
        self._shared_connection = asyncio.Lock() if isinstance(engine.pool, StaticPool) else None

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        clock: Callable[[], datetime] = utc_now,
        connect_args: Mapping[str, Any] | None = None,
    ) -> Store:
        """A store for a DATABASE_URL: `sqlite:///relative.db`, `sqlite:////abs/path.db`,
        `sqlite://` (in memory), `postgresql://…` or `postgres://…`, or the same naming its
        async driver (`sqlite+aiosqlite`, `postgresql+asyncpg`). `connect_args` go to the driver.
        """
        parsed = database_url(url)
        options: dict[str, Any] = {"connect_args": dict(connect_args or {})}
        if parsed.get_backend_name() == "postgresql":
            options["pool_pre_ping"] = True  # survive the server closing idle connections
        elif _is_memory(parsed):
            # An in-memory database lives and dies with its connection: share exactly one.
            options["poolclass"] = StaticPool
        engine = create_async_engine(parsed, **options)
        if parsed.get_backend_name() == "sqlite":
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return cls(engine, clock=clock)

    async def create_schema(self) -> None:
        """Bring the schema up to date with the migrations (creating it in an empty database)."""
        async with self._transaction() as connection:
            await connection.run_sync(_migrate)

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def add_booking(self, new: NewBooking) -> tuple[Booking, bool]:
        """Store `new` as `accepted`. If its request key is already stored, return that booking
        and False instead: the same request twice is one booking, even when both race."""
        now = self._clock()
        values = {f.name: getattr(new, f.name) for f in dataclasses.fields(new)}
        values.update(
            state=BookingState.ACCEPTED.value,
            created_at=now,
            updated_at=now,
            next_attempt_at=new.next_attempt_at or now,
            write_errors=[],
            attempts=0,
        )
        try:
            async with self._transaction() as connection:
                row = (
                    await connection.execute(
                        insert(BookingRow).values(values).returning(*BOOKING_COLUMNS)
                    )
                ).one()
            return _booking(row), True
        except IntegrityError:
            # The UNIQUE request_key decides the race; the loser reads the winner's booking.
            existing = await self._one(BookingRow.request_key == new.request_key)
            if existing is None:
                raise  # not the request key: something else is wrong
            return existing, False

    async def get_booking(self, booking_id: str) -> Booking | None:
        return await self._one(BookingRow.id == booking_id)

    async def transition(
        self,
        booking_id: str,
        to: BookingState,
        *,
        expect: Collection[BookingState] | None = None,
        **fields: object,
    ) -> Booking | None:
        """Move a booking to `to` (and set `fields`) only if it is in one of `expect`, by default
        every state allowed to move to `to`. Returns the updated booking, or None if it was not in
        such a state (another task moved it first) or does not exist.

        Raises InvalidTransition if `expect` holds a state that may not move to `to`.
        """
        to = BookingState(to)
        sources = sources_of(to) if expect is None else frozenset(map(BookingState, expect))
        for source in sorted(sources):
            if to not in TRANSITIONS[source]:
                raise InvalidTransition(source, to)
        values = _checked(fields)
        values.update(state=to.value, updated_at=self._clock())
        # One UPDATE … WHERE state IN (…): the database, not this process, decides who wins.
        async with self._transaction() as connection:
            row = (
                await connection.execute(
                    update(BookingRow)
                    .where(
                        BookingRow.id == booking_id,
                        BookingRow.state.in_([source.value for source in sources]),
                    )
                    .values(values)
                    .returning(*BOOKING_COLUMNS)
                )
            ).one_or_none()
        return None if row is None else _booking(row)

    async def update_booking(self, booking_id: str, **fields: object) -> Booking:
        """Set fields other than the state (thread_ts, job_id, …). Raises TypeError for a field
        bookings do not have (or `state`), BookingNotFound for an unknown id."""
        values = _checked(fields)
        values["updated_at"] = self._clock()
        async with self._transaction() as connection:
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
        return _booking(row)

    async def bookings_for_user(self, user_id: str, *, limit: int = 20) -> list[Booking]:
        """The user's bookings, newest first."""
        return await self._many(
            BookingRow.user_id == user_id,
            order=(BookingRow.created_at.desc(), BookingRow.id.desc()),
            limit=limit,
        )

    async def bookings_in_state(self, *states: BookingState) -> list[Booking]:
        """Bookings in any of `states`, oldest first."""
        return await self._many(
            BookingRow.state.in_([BookingState(state).value for state in states]),
            order=(BookingRow.created_at, BookingRow.id),
        )

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
        now = self._clock()
        due = (
            select(BookingRow.id)
            .where(BookingRow.state == state.value, BookingRow.next_attempt_at <= now)
            .order_by(BookingRow.next_attempt_at, BookingRow.id)
            .limit(limit)
        )
        if sent is not None:  # whether the request of a `sending` booking went out
            gone = BookingRow.request_sent_at.isnot(None)
            due = due.where(gone if sent else BookingRow.request_sent_at.is_(None))
        if self.engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        values: dict[str, Any] = {"next_attempt_at": now + lease, "updated_at": now}
        if to is not None:
            if to not in TRANSITIONS[state]:
                raise InvalidTransition(state, to)
            values.update(state=to.value, attempts=BookingRow.attempts + 1)
            if to is BookingState.SENDING:
                values["request_sent_at"] = None  # a new attempt: nothing has gone out yet
        async with self._transaction() as connection:
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
            claimed = [_booking(row) for row in rows]
        return sorted(claimed, key=lambda b: (b.next_attempt_at or now, b.created_at))

    async def record_outcome(
        self, booking_id: str, outcome: str | None, by: str | None
    ) -> Booking | None:
        """Set a confirmed booking's outcome once: None if it already has one (a second click).
        `outcome=None` clears it again (Propexo refused to record it)."""
        where = [BookingRow.id == booking_id, BookingRow.state == BookingState.CONFIRMED.value]
        where.append(
            BookingRow.outcome.is_(None) if outcome is not None else BookingRow.outcome.isnot(None)
        )
        async with self._transaction() as connection:
            row = (
                await connection.execute(
                    update(BookingRow)
                    .where(*where)
                    .values(outcome=outcome, outcome_by=by, updated_at=self._clock())
                    .returning(*BOOKING_COLUMNS)
                )
            ).one_or_none()
        return None if row is None else _booking(row)

    async def next_due(self, *states: BookingState) -> datetime | None:
        """When the earliest booking in `states` (default: every state a worker acts on) is
        due; None when nothing is waiting."""
        wanted = states or (BookingState.ACCEPTED, BookingState.SENDING, BookingState.SUBMITTED)
        async with self._transaction() as connection:
            due: datetime | None = (
                await connection.execute(
                    select(func.min(BookingRow.next_attempt_at)).where(
                        BookingRow.state.in_([BookingState(s).value for s in wanted])
                    )
                )
            ).scalar_one_or_none()
        return due

    async def take_budget(
        self, limit: int, *, window: timedelta = timedelta(minutes=1)
    ) -> datetime | None:
        """Spend one request of the budget shared by every instance: `limit` per `window`.

        Returns None when granted, or when the next window starts when this one is spent.
        """
        now = self._clock()
        seconds = int(window.total_seconds())
        start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, UTC)
        table = RateWindowRow.__table__
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(RateWindowRow)
            .values(window_start=start, used=1)
            .on_conflict_do_update(
                index_elements=[RateWindowRow.window_start],
                set_={"used": table.c.used + 1},
                where=table.c.used < limit,
            )
            .returning(RateWindowRow.used)
        )
        async with self._transaction() as connection:
            granted = (await connection.execute(statement)).one_or_none()
            if granted is not None and granted.used == 1:  # a new window: forget old ones
                await connection.execute(
                    delete(RateWindowRow).where(RateWindowRow.window_start < start - window * 60)
                )
        return None if granted is not None else start + window

    async def give_back_budget(self, *, window: timedelta = timedelta(minutes=1)) -> None:
        """Return one unit of this window's budget: its request never reached Propexo."""
        now = self._clock()
        seconds = int(window.total_seconds())
        start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, UTC)
        async with self._transaction() as connection:
            await connection.execute(
                update(RateWindowRow)
                .where(RateWindowRow.window_start == start, RateWindowRow.used > 0)
                .values(used=RateWindowRow.used - 1)
            )

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
        return await self._many(where, order=(BookingRow.created_at,), limit=5)

    async def user_zone(self, user_id: str, *, max_age: timedelta) -> str | None:
        """The user's cached time zone, or None if unknown or fetched more than `max_age` ago."""
        async with self._transaction() as connection:
            row = (
                await connection.execute(
                    select(UserZoneRow.zone, UserZoneRow.fetched_at).where(
                        UserZoneRow.user_id == user_id
                    )
                )
            ).one_or_none()
        if row is None:
            return None
        zone, fetched_at = row
        return None if self._clock() - fetched_at > max_age else zone

    async def save_user_zone(self, user_id: str, zone: str) -> None:
        """Remember the user's time zone as of now (insert or replace)."""
        values = {"user_id": user_id, "zone": zone, "fetched_at": self._clock()}
        changes = {"zone": zone, "fetched_at": values["fetched_at"]}
        # INSERT … ON CONFLICT DO UPDATE: the same words on both databases, from two dialects.
        statement = (
            postgresql.insert(UserZoneRow)
            .values(values)
            .on_conflict_do_update(index_elements=[UserZoneRow.user_id], set_=changes)
            if self.engine.dialect.name == "postgresql"
            else sqlite.insert(UserZoneRow)
            .values(values)
            .on_conflict_do_update(index_elements=[UserZoneRow.user_id], set_=changes)
        )
        async with self._transaction() as connection:
            await connection.execute(statement)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        if self._shared_connection is None:
            async with self.engine.begin() as connection:
                yield connection
        else:
            async with self._shared_connection, self.engine.begin() as connection:
                yield connection

    async def _one(self, where: ColumnElement[bool]) -> Booking | None:
        async with self._transaction() as connection:
            row = (await connection.execute(select(*BOOKING_COLUMNS).where(where))).one_or_none()
        return None if row is None else _booking(row)

    async def _many(
        self,
        where: ColumnElement[bool],
        *,
        order: Sequence[Any],
        limit: int | None = None,
    ) -> list[Booking]:
        async with self._transaction() as connection:
            rows = await connection.execute(
                select(*BOOKING_COLUMNS).where(where).order_by(*order).limit(limit)
            )
            return [_booking(row) for row in rows]
