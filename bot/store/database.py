"""The database under the store: DATABASE_URL, the engine and its SQLite settings, migrations,
short transactions that take turns on SQLite, and the check of whether bookings can be stored.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# Which async driver each database gets when DATABASE_URL names none (and the only ones allowed).
DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
EXAMPLE_URLS = "sqlite:///tourbot.db (a file) or postgresql://user:password@host:5432/tourbot"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Write-ahead log pages after which a commit copies the log into the database itself (with a
# disk sync): far above what `Store.checkpoint`, run every second, lets pile up.
SQLITE_AUTOCHECKPOINT_PAGES = 20_000
MIGRATIONS = Path(__file__).parent / "migrations"
SAVE_RETRY = 5.0  # seconds between tries at saving a deleted SQLite file's copy
HEALTH_TIMEOUT = 1.5  # seconds a health check waits for the database before saying so
SCHEMA_PROBE = text("SELECT version_num FROM alembic_version")


class StoreUnavailable(Exception):
    """The database cannot be opened: a sentence naming it (never its password) and why."""


def utc_now() -> datetime:
    return datetime.now(UTC)


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


POOL_SIZE, POOL_OVERFLOW = 20, 10  # PostgreSQL connections kept, and opened past them at most


def engine_for(url: str, *, connect_args: Mapping[str, Any] | None = None) -> AsyncEngine:
    """An engine for a DATABASE_URL (see `database_url`); `connect_args` go to the driver."""
    parsed = database_url(url)
    # An error's text leaves out its parameters: they are what agents typed (bot/logs.py).
    options: dict[str, Any] = {"connect_args": dict(connect_args or {}), "hide_parameters": True}
    if parsed.get_backend_name() == "postgresql":
        options["pool_pre_ping"] = True  # survive the server closing idle connections
        # Kept open for bursts (ten searches and a few bookings at once): a connection opened
        # past the pool is closed again when returned, and opening one costs a handshake and
        # every prepared statement again.
        options["pool_size"], options["max_overflow"] = POOL_SIZE, POOL_OVERFLOW
    elif _is_memory(parsed):
        # An in-memory database lives and dies with its connection: share exactly one.
        options["poolclass"] = StaticPool
    engine = create_async_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


class Database:
    """An engine and a clock, shared by every part of the store: it hands out short transactions
    and brings the schema up to date."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        # SQLite has one writer: a second would sleep in its busy handler, and tasks sharing an
        # in-memory database's one connection would share (and could roll back) each other's
        # transactions. So one at a time, waiting in this process at no cost, urgent ones first.
        self._turns = _Turns() if engine.dialect.name == "sqlite" else None
        self._file = _sqlite_file(engine.url)
        self._file_id: tuple[int, int] | None = None  # (device, inode) of the file opened
        self._doubt = False  # the database failed: check its schema before the next transaction
        self._repair = asyncio.Lock()
        self._check: asyncio.Task[str | None] | None = None
        self._told: str | None = None  # the last problem logged, so each is logged once
        self._saved: Path | None = None  # where a deleted SQLite file's contents were saved
        self._save_after = 0.0  # monotonic time before which no copy is tried again
        if self._file is not None:
            event.listen(engine.sync_engine, "do_connect", self._refuse_unknown_file)
        if self._turns is None:  # errors on any connection, the store's own or a caller's
            event.listen(engine.sync_engine, "handle_error", self._note_failure)

    @property
    def dialect(self) -> str:
        """The database's name to SQLAlchemy: "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self, *, urgent: bool = False) -> AsyncIterator[AsyncConnection]:
        """`urgent`: an agent is waiting for its answer (on SQLite, it goes before the rest)."""
        if self._turns is None:
            if self._doubt:  # the database failed since: it may have come back empty
                await self._repair_schema()
            async with self.engine.begin() as connection:
                yield connection
        else:
            async with self._turns.turn(urgent=urgent):
                await self._keep_file()  # never a write into a file nobody will read again
                async with self.engine.begin() as connection:
                    yield connection

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A read-only look for an agent waiting on it (a search): beside the writers, not in
        turn with them, where the database allows (PostgreSQL; a SQLite file, whose log lets
        readers go on while one writes); an in-memory SQLite database has one connection."""
        if self._turns is not None and self._file is None:
            async with self.transaction(urgent=True) as connection:
                yield connection
            return
        async with self.engine.connect() as connection:
            yield connection

    async def create_schema(self) -> None:
        """Bring the schema up to date with the migrations (creating it in an empty database).
        Raises StoreUnavailable when the database cannot be reached or opened."""
        try:
            async with self.transaction() as connection:
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
        if self._file is not None:
            self._file_id = _identity(self._file)

    async def problem(self, timeout: float = HEALTH_TIMEOUT) -> str | None:
        """Why the store cannot take bookings now, in a sentence (None: it can), within
        `timeout` seconds. On the way it mends what it safely can: a PostgreSQL database
        recreated empty gets its schema again; a SQLite file deleted while open is copied aside.
        One check at a time: callers arriving meanwhile share it."""
        loop = asyncio.get_running_loop()
        if self._check is None or self._check.done() or self._check.get_loop() is not loop:
            self._check = asyncio.create_task(self._problem(), name="store-check")
        try:
            found = await asyncio.wait_for(asyncio.shield(self._check), timeout)
        except TimeoutError:
            found = f"the database did not answer within {timeout:g} s"
        if found != self._told:
            if found is not None:
                logger.warning("the store cannot take bookings: %s", found)
            elif self._told is not None:
                logger.warning("the store takes bookings again")
            self._told = found
        return found

    async def _problem(self) -> str | None:
        if _is_memory(self.engine.url):
            return None  # nothing outside this process can take it away
        try:
            if self._file is not None and _identity(self._file) != self._file_id:
                assert self._turns is not None
                async with self._turns.turn(urgent=False):
                    await self._keep_file()
            for tries_left in (1, 0):
                try:
                    async with self.engine.connect() as connection:
                        await connection.execute(SCHEMA_PROBE)
                    return None
                except DBAPIError as exc:
                    # SQLite's schema is only ever made at start, in its turn (see `_keep_file`).
                    if not tries_left or self._turns is not None or not _schema_missing(exc):
                        raise
                    await self._repair_schema(force=True)
        except StoreUnavailable as exc:
            return str(exc)
        except (OSError, DBAPIError) as exc:
            return f"the database cannot be used ({_why_unavailable(exc)})"
        except Exception as exc:  # a driver's own error: health says so rather than a 500
            return f"the database cannot be used ({type(exc).__name__})"
        return None  # unreachable: the last try returns or raises

    async def _repair_schema(self, *, force: bool = False) -> None:
        """After a failure: the schema again, if the database came back without it (recreated
        empty). One repair at a time; a failure is left for the transaction to meet."""
        async with self._repair:
            if not (self._doubt or force):
                return  # another task repaired it meanwhile
            try:
                async with self.engine.connect() as connection:
                    await connection.execute(SCHEMA_PROBE)
            except DBAPIError as exc:
                if not _schema_missing(exc):
                    return
                logger.warning("the database has no Tourbot tables (recreated?): creating them")
                async with self.engine.begin() as connection:
                    await connection.run_sync(_migrate)
            self._doubt = False

    def _note_failure(self, context: ExceptionContext) -> None:
        if not isinstance(context.sqlalchemy_exception, IntegrityError):  # a double is no outage
            self._doubt = True

    def _refuse_unknown_file(self, *_: Any) -> None:
        """SQLite creates a missing file on connect: once the store has opened its file, a new
        connection must find that very file, never an empty one made in its place."""
        assert self._file is not None
        if self._file_id is not None and _identity(self._file) != self._file_id:
            raise StoreUnavailable(f"the database file {self._file} was deleted or replaced")

    async def _keep_file(self) -> None:
        """SQLite, in a turn: StoreUnavailable unless the file at the path is still the one
        opened. A write into a deleted file would be gone at the next restart, so none is made;
        a copy of what it holds is saved beside it for the operator to put back. A file put in
        its place is opened by a restart, not here: SQLite deletes a database's write-ahead log
        by its name when its last connection closes, which by then would be the new file's."""
        if self._file is None or self._file_id is None:
            return
        found = _identity(self._file)
        if found == self._file_id:
            return
        if found is not None:
            raise StoreUnavailable(
                f"the database file {self._file} was replaced while in use: restart Tourbot "
                "to open the new one"
            )
        if self._saved is None and time.monotonic() >= self._save_after:
            self._save_after = time.monotonic() + SAVE_RETRY
            self._saved = await self._save_copy()
        kept = f"a copy with every booking is at {self._saved}" if self._saved else "no copy yet"
        raise StoreUnavailable(
            f"the database file {self._file} was deleted while in use, so bookings are refused "
            f"({kept}): put it back at {self._file} and restart Tourbot"
        )

    async def _save_copy(self) -> Path | None:
        """What the deleted file holds, read through a connection still open on it, as a new
        file beside where it was; None when that cannot be written either."""
        assert self._file is not None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        copy = self._file.with_name(f"{self._file.name}.saved-{stamp}-{os.getpid()}")
        try:
            async with self.engine.connect() as connection:
                await connection.exec_driver_sql("VACUUM INTO ?", (str(copy),))
        except (OSError, DBAPIError, StoreUnavailable) as exc:
            why = _why_unavailable(exc) if not isinstance(exc, StoreUnavailable) else str(exc)
            logger.warning("the database file %s was deleted; no copy saved: %s", self._file, why)
            return None
        logger.warning("the database file %s was deleted; its copy is at %s", self._file, copy)
        return copy

    async def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the database file without waiting for, or
        holding up, any transaction (PASSIVE), so the disk sync that goes with it is nobody's
        commit. Nothing to do on PostgreSQL or in memory."""
        if self._turns is None or _is_memory(self.engine.url):
            return
        if self._file is not None and _identity(self._file) != self._file_id:
            return  # the next transaction or health check sees to the file first
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
        if "unable to open database" in reason:  # SQLite's own words say little
            return "its folder does not exist or cannot be written"
        return reason or type(exc.orig).__name__
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def _schema_missing(exc: DBAPIError) -> bool:
    """The table is not there: PostgreSQL's undefined_table, SQLite's own words."""
    return getattr(exc.orig, "sqlstate", None) == "42P01" or "no such table" in str(exc.orig)


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or _is_memory(url) or url.database is None:
        return None
    return Path(url.database).resolve()


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at `path` (device and inode; None when nothing is)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


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
