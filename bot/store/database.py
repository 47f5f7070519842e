"""The database under the store: DATABASE_URL, the engine and its SQLite settings, migrations,
and short transactions that take turns on SQLite.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

Clock = Callable[[], datetime]

# Which async driver each database gets when DATABASE_URL names none (and the only ones allowed).
DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
EXAMPLE_URLS = "sqlite:///tourbot.db (a file) or postgresql://user:password@host:5432/tourbot"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Write-ahead log pages after which a commit copies the log into the database itself (with a
# disk sync): far above what `Store.checkpoint`, run every second, lets pile up.
SQLITE_AUTOCHECKPOINT_PAGES = 20_000
MIGRATIONS = Path(__file__).parent / "migrations"


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


def engine_for(url: str, *, connect_args: Mapping[str, Any] | None = None) -> AsyncEngine:
    """An engine for a DATABASE_URL (see `database_url`); `connect_args` go to the driver."""
    parsed = database_url(url)
    # An error's text leaves out its parameters: they are what agents typed (bot/logs.py).
    options: dict[str, Any] = {"connect_args": dict(connect_args or {}), "hide_parameters": True}
    if parsed.get_backend_name() == "postgresql":
        options["pool_pre_ping"] = True  # survive the server closing idle connections
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

    @property
    def dialect(self) -> str:
        """The database's name to SQLAlchemy: "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self, *, urgent: bool = False) -> AsyncIterator[AsyncConnection]:
        """`urgent`: an agent is waiting for its answer (on SQLite, it goes before the rest)."""
        if self._turns is None:
            async with self.engine.begin() as connection:
                yield connection
        else:
            async with self._turns.turn(urgent=urgent), self.engine.begin() as connection:
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
