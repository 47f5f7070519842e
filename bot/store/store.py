"""The booking store: every booking from the moment the bot accepts it, moved between states by
compare-and-set so that two tasks or two instances never both act on the same booking.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
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
    Executable,
    and_,
    bindparam,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Row, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.store.dialogues import Dialogues
from bot.store.schema import (
    BookingRow,
    BookingState,
    RateBudgetRow,
    RateUnitRow,
    UserZoneRow,
    UTCDateTime,
)

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
# Write-ahead log pages after which a commit copies the log into the database itself (with a
# disk sync): far above what `Store.checkpoint`, run every second, lets pile up.
SQLITE_AUTOCHECKPOINT_PAGES = 20_000
# Propexo's budget: its window, and the longest a request may take, from its unit's grant to its
# answer (longer than a send's lease; the client may wait out a rate window before sending).
BUDGET_WINDOW = timedelta(minutes=1)
BUDGET_FLIGHT = timedelta(minutes=2)
BUDGET_NAME = "propexo"
BUDGET_PRUNE_EVERY = 64  # grants between deletions of the units that have left


class InvalidTransition(ValueError):
    """A move the state machine does not allow, such as `accepted` straight to `confirmed`."""

    def __init__(self, source: BookingState, target: BookingState) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[source])) or "nothing (it is final)"
        super().__init__(
            f"A booking cannot go from {source} to {target}; from {source} it can go to {allowed}."
        )
        self.source = source
        self.target = target


class StoreUnavailable(Exception):
    """The database cannot be opened: a sentence naming it (never its password) and why."""


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
    status_ts: str | None = None


@dataclass(frozen=True)
class Added:
    """What storing a new booking came to."""

    booking: Booking | None  # None: not stored, because of `doubles`
    created: bool  # False: its request key was stored already, and `booking` is that one
    doubles: list[Booking]  # live bookings of the same prospect at the same moment


@dataclass(frozen=True, slots=True)
class BudgetUnit:
    """One Propexo request's unit of the shared budget, as `Store.take_budget` granted it."""

    id: int
    granted_at: datetime


def _budget_lock(upsert: Callable[[type[RateBudgetRow]], Any]) -> Executable:
    """INSERT … ON CONFLICT DO UPDATE of the one lock row, which also makes it if missing."""
    statement = upsert(RateBudgetRow).values(name=BUDGET_NAME, asked_at=bindparam("now"))
    lock: Executable = statement.on_conflict_do_update(
        index_elements=[RateBudgetRow.name], set_={"asked_at": statement.excluded.asked_at}
    )
    return lock


# Built once: they run before every Propexo request, and building them cost a third of the call.
BUDGET_LOCK = {"postgresql": _budget_lock(postgresql.insert), "sqlite": _budget_lock(sqlite.insert)}
_NOW = bindparam("now", type_=UTCDateTime())
# Counting and spending in one statement: a unit is inserted only if fewer than `limit` count.
SPEND_UNIT = (
    insert(RateUnitRow)
    .from_select(
        [RateUnitRow.granted_at, RateUnitRow.leaves_at],
        select(_NOW, bindparam("held_until", type_=UTCDateTime())).where(
            select(func.count())
            .select_from(RateUnitRow)
            .where(RateUnitRow.leaves_at > _NOW)
            .scalar_subquery()
            < bindparam("limit")
        ),
    )
    .returning(RateUnitRow.id)
)


BOOKING_COLUMNS = tuple(BookingRow.__table__.c)
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


def _why_unavailable(exc: OSError | DBAPIError) -> str:
    if isinstance(exc, DBAPIError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else ""
        if "unable to open database file" in reason:  # SQLite's own words say little
            return "its folder does not exist or cannot be written"
        return reason or type(exc.orig).__name__
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


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
    cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
    cursor.close()


def _booking(row: Row[Any]) -> Booking:
    values = dict(row._mapping)
    values["state"] = BookingState(values["state"])
    values["write_errors"] = tuple(values["write_errors"])
    return Booking(**values)


def _claim_held(attempt: int | None, *, unsent: bool) -> list[ColumnElement[bool]]:
    """The conditions under which a worker's claim on a booking still holds."""
    held = [] if attempt is None else [BookingRow.attempts == attempt]
    if unsent:
        held.append(BookingRow.request_sent_at.is_(None))
    return held


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
        # SQLite has one writer: a second would sleep in its busy handler, and tasks sharing an
        # in-memory database's one connection would share (and could roll back) each other's
        # transactions. So one at a time, waiting in this process at no cost, urgent ones first.
        self._turns = _Turns() if engine.dialect.name == "sqlite" else None
        self.dialogues = Dialogues(self._transaction, clock)
        self._intake = _Intake(self)

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
        """Bring the schema up to date with the migrations (creating it in an empty database).
        Raises StoreUnavailable when the database cannot be reached or opened."""
        try:
            async with self._transaction() as connection:
                await connection.run_sync(_migrate)
        except (OSError, DBAPIError) as exc:
            url = self.engine.url
            where = url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)
            check = (
                "Check DATABASE_URL."
                if url.get_backend_name() == "sqlite"
                else "Check DATABASE_URL, and that the server is running and lets this user in."
            )
            raise StoreUnavailable(
                f"Tourbot cannot open its database at {where} ({_why_unavailable(exc)}). {check}"
            ) from exc

    async def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the database file without waiting for, or
        holding up, any transaction (PASSIVE), so the disk sync that goes with it is nobody's
        commit. Nothing to do on PostgreSQL or in memory."""
        if self._turns is None or _is_memory(self.engine.url):
            return
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    async def close(self) -> None:
        """Close the connections, once the transactions already under way (on SQLite, also those
        waiting their turn) are done: closing never cuts one in half."""
        if self._turns is None:
            await self.engine.dispose()
            return
        async with self._turns.turn(urgent=False):
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
        and False instead: the same request twice is one booking, even when both race.
        Bookings added at the same time are written together, in one transaction."""
        added = await self._intake.add(new, unless_doubled=False)
        assert added.booking is not None
        return added.booking, added.created

    async def add_booking_unless_doubled(self, new: NewBooking) -> Added:
        """As `add_booking`, unless the prospect already has a live booking at that moment (as
        `duplicates_of` finds them): then nothing is stored, and `doubles` holds those."""
        return await self._intake.add(new, unless_doubled=True)

    async def _add_together(self, arrivals: Sequence[_Arrival]) -> list[Added]:
        """One transaction for all; IntegrityError if any request key is stored already."""
        now = self._clock()
        stored: dict[str, Booking] = {}
        async with self._transaction(urgent=True) as connection:
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
            existing = await self._one(BookingRow.request_key == arrival.new.request_key)
            if existing is None:
                raise  # not the request key: something else is wrong
            return Added(existing, False, [])

    async def get_booking(self, booking_id: str) -> Booking | None:
        return await self._one(BookingRow.id == booking_id)

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
        values = _checked(fields)
        values.update(state=to.value, updated_at=self._clock())
        where: list[ColumnElement[bool]] = [
            BookingRow.state.in_([source.value for source in sources])
        ]
        where += _claim_held(attempt, unsent=unsent)
        # One UPDATE … WHERE state IN (…): the database, not this process, decides who wins.
        return await self._update_where(booking_id, where, values)

    async def update_claimed(
        self, booking_id: str, attempt: int, *, unsent: bool = False, **fields: object
    ) -> Booking | None:
        """Set `fields` of a booking a worker claimed to send, only while that claim holds: it is
        still `sending`, on `attempt` (and, with `unsent`, its request has not gone out). None
        when the claim was lost (its lease ran out and another worker took it over)."""
        values = _checked(fields)
        values["updated_at"] = self._clock()
        where: list[ColumnElement[bool]] = [BookingRow.state == BookingState.SENDING.value]
        where += _claim_held(attempt, unsent=unsent)
        return await self._update_where(booking_id, where, values)

    async def reschedule(self, booking: Booking, due: datetime | None) -> Booking | None:
        """Make a booking due at `due`, only if it is still as `booking` shows it (the same
        state, attempt and due time): a step that held it while telling the agent lets it go.
        None if it moved meanwhile."""
        where = [
            BookingRow.state == booking.state.value,
            BookingRow.attempts == booking.attempts,
            BookingRow.next_attempt_at == booking.next_attempt_at,  # IS NULL for None
        ]
        values = {"next_attempt_at": due, "updated_at": self._clock()}
        return await self._update_where(booking.id, where, values)

    async def _update_where(
        self, booking_id: str, where: Sequence[ColumnElement[bool]], values: Mapping[str, object]
    ) -> Booking | None:
        async with self._transaction() as connection:
            row = (
                await connection.execute(
                    update(BookingRow)
                    .where(BookingRow.id == booking_id, *where)
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

    async def shows_a_booking(self, channel_id: str, ts: str) -> bool:
        """Whether the message at `ts` is one that shows a booking's state."""
        async with self._transaction() as connection:
            found = await connection.execute(
                select(BookingRow.id)
                .where(BookingRow.thread_channel_id == channel_id, BookingRow.status_ts == ts)
                .limit(1)
            )
            return found.first() is not None

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
        self, limit: int, *, window: timedelta = BUDGET_WINDOW, flight: timedelta = BUDGET_FLIGHT
    ) -> BudgetUnit | datetime:
        """Spend one unit of Propexo's budget, shared by every instance: at most `limit` units
        count at any moment. Returns the unit, or, when all are spent, the earliest moment one
        may leave (asking again then may still be refused if others asked first).

        A unit counts from its grant until one `window` after its request's answer
        (`settle_budget`). A request reaches Propexo before its answer, so when the last of any
        `window` of arrivals was granted, the units of all the others still counted: no
        `window`-long span of arrivals holds more than `limit`, however long the client held a
        request before sending it. Until it is settled a unit counts for `window` plus `flight`
        (the longest a request may take), so the unit of a worker that died frees itself.

        One transaction that writes first, so instances queue on the lock instead of reading
        the same count (and SQLite never has to turn a read into a write).
        """
        if limit < 1:
            raise ValueError(f"a budget of {limit} requests allows none: give at least 1")
        async with self._transaction() as connection:
            await connection.execute(BUDGET_LOCK[self.engine.dialect.name], {"now": self._clock()})
            now = self._clock()  # after the lock: the wait for it is not part of the window
            unit = await _spend_unit(connection, limit, now, now + window + flight)
            if unit is None:
                # A unit still in flight leaves a window after its answer, which may come now.
                return min(await _room_at(connection, limit, now), now + window)
            if unit.id % BUDGET_PRUNE_EVERY == 0:  # units that have left are never read again
                await connection.execute(delete(RateUnitRow).where(RateUnitRow.leaves_at <= now))
        return unit

    async def settle_budget(self, unit: BudgetUnit, *, window: timedelta = BUDGET_WINDOW) -> None:
        """The unit's request has been answered (or given up on after it may have reached
        Propexo): it counts for one `window` from now, the latest Propexo can have counted it."""
        now = self._clock()
        async with self._transaction() as connection:
            settled = await connection.execute(
                update(RateUnitRow)
                .where(RateUnitRow.id == unit.id)
                .values(leaves_at=now + window)
                .returning(RateUnitRow.id)
            )
            if settled.first() is None:  # it outlived its hold and was pruned: count it again
                await connection.execute(
                    insert(RateUnitRow).values(granted_at=unit.granted_at, leaves_at=now + window)
                )

    async def give_back_budget(self, unit: BudgetUnit) -> None:
        """Return the unit at once: its request never reached Propexo, so Propexo never counted
        it."""
        async with self._transaction() as connection:
            await connection.execute(delete(RateUnitRow).where(RateUnitRow.id == unit.id))

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
    async def _transaction(self, *, urgent: bool = False) -> AsyncIterator[AsyncConnection]:
        """`urgent`: an agent is waiting for its answer (on SQLite, it goes before the rest)."""
        if self._turns is None:
            async with self.engine.begin() as connection:
                yield connection
        else:
            async with self._turns.turn(urgent=urgent), self.engine.begin() as connection:
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


async def _spend_unit(
    connection: AsyncConnection, limit: int, now: datetime, held_until: datetime
) -> BudgetUnit | None:
    """A new unit, if fewer than `limit` count at `now`."""
    values = {"now": now, "held_until": held_until, "limit": limit}
    row = (await connection.execute(SPEND_UNIT, values)).first()
    return None if row is None else BudgetUnit(row.id, now)


async def _room_at(connection: AsyncConnection, limit: int, now: datetime) -> datetime:
    """When fewer than `limit` units will count: when the `limit`-th last to leave has left."""
    leaving: datetime | None = (
        await connection.execute(
            select(RateUnitRow.leaves_at)
            .where(RateUnitRow.leaves_at > now)
            .order_by(RateUnitRow.leaves_at.desc())
            .offset(limit - 1)
            .limit(1)
        )
    ).scalar_one_or_none()
    return now if leaving is None else leaving  # None: a unit was given back meanwhile


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
    """For each of `news` (by request key), what `Store.duplicates_of` would find: one query."""
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
    found = [_booking(row) for row in rows]
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


PROSPECT_LOCK = text("SELECT pg_advisory_xact_lock(:key)")  # held until the transaction ends


def _lock_key(prospect_key: str) -> int:
    """A PostgreSQL advisory lock's key for a prospect: 64 bits of a stable hash, signed."""
    digest = hashlib.blake2b(prospect_key.encode(), digest_size=8, person=b"tourbot-doubles")
    return int.from_bytes(digest.digest(), "big", signed=True)


@dataclass
class _Arrival:
    new: NewBooking
    unless_doubled: bool
    added: asyncio.Future[Added]


class _Intake:
    """New bookings, written in batches: those that arrive while one batch is being written go
    together in the next, so a burst of submissions costs a few transactions, not one each."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._queue: list[_Arrival] = []
        self._writer: asyncio.Task[None] | None = None

    async def add(self, new: NewBooking, *, unless_doubled: bool) -> Added:
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
                results = await self._store._add_together(batch)
            except IntegrityError:
                # A request key stored already (a double click): each on its own, to say which.
                for arrival in batch:
                    await _settle(arrival, self._store._add_alone(arrival))
                continue
            except Exception as exc:
                for arrival in batch:
                    _fail(arrival, exc)
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


class _Turns:
    """A lock whose urgent waiters go before the others, each kind first come, first served."""

    def __init__(self) -> None:
        self._start(None)

    def _start(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._others: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def turn(self, *, urgent: bool) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # whoever held or waited went with the loop they ran on
            self._start(loop)
        if self._held:
            given: asyncio.Future[None] = loop.create_future()
            (self._urgent if urgent else self._others).append(given)
            try:
                await given
            except asyncio.CancelledError:
                if given.done() and not given.cancelled():  # handed over, then cancelled
                    self._hand_over()
                raise
        self._held = True
        try:
            yield
        finally:
            self._hand_over()

    def _hand_over(self) -> None:
        for waiting in (self._urgent, self._others):
            while waiting:
                given = waiting.popleft()
                if not given.done():
                    given.set_result(None)  # still held: it passes to that waiter
                    return
        self._held = False
