"""Every DATABASE_URL form: what each becomes, what a bad one is told to write, and
SQLite files, SQLite in memory and PostgreSQL URLs in use."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import AsyncAdaptedQueuePool, StaticPool

from bot.store import Store, database_url
from tests.store.store_kit import SENDING, new_booking, reachable_postgres

# DATABASE_URL


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sqlite:///tourbot.db", "sqlite+aiosqlite:///tourbot.db"),
        ("sqlite:////var/lib/tourbot/tourbot.db", "sqlite+aiosqlite:////var/lib/tourbot/tourbot.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
        ("sqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("sqlite+aiosqlite:///tourbot.db", "sqlite+aiosqlite:///tourbot.db"),
        ("postgresql://bot@db.internal:5433/tourbot", "postgresql+asyncpg://bot@db.internal:5433/tourbot"),
        ("postgres://bot:pw@db.internal/tourbot", "postgresql+asyncpg://bot:pw@db.internal/tourbot"),
        ("postgresql+asyncpg://bot@db.internal/tourbot", "postgresql+asyncpg://bot@db.internal/tourbot"),
        ("postgres://bot@db.internal/tourbot?sslmode=require", "postgresql+asyncpg://bot@db.internal/tourbot?ssl=require"),
        ("  sqlite:///tourbot.db\n", "sqlite+aiosqlite:///tourbot.db"),
    ],
)  # fmt: skip
async def test_database_url_forms(raw: str, expected: str) -> None:
    assert database_url(raw) == make_url(expected)
    store = Store.from_url(raw)
    assert store.engine.url == make_url(expected)
    in_memory = raw.strip() in ("sqlite://", "sqlite:///:memory:")
    assert isinstance(store.engine.pool, StaticPool if in_memory else AsyncAdaptedQueuePool)
    await store.close()


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "DATABASE_URL is not a database URL. Write it like sqlite:///tourbot.db"),
        ("tourbot.db", "DATABASE_URL is not a database URL. Write it like sqlite:///tourbot.db"),
        ("postgresql://bot:s3cret@db:port/x", "DATABASE_URL is not a database URL. Write it like"),
        ("sqlite://tourbot.db", "DATABASE_URL for SQLite takes a file path, not a host. Write"),
        ("mysql://bot:s3cret@db/tourbot", "names the database 'mysql', but Tourbot stores"),
        ("redis://localhost:6379/0", "names the database 'redis', but Tourbot stores"),
        ("sqlite+pysqlite:///tourbot.db", "driver 'pysqlite', which Tourbot cannot use"),
        ("postgresql+psycopg2://bot:s3cret@db/tourbot", "driver 'psycopg2', which Tourbot cannot"),
        ("postgresql+nosuch://bot@db/tourbot", "driver 'nosuch', which Tourbot cannot use"),
    ],
)
def test_bad_database_urls(raw: str, says: str) -> None:
    with pytest.raises(ValueError) as error:
        Store.from_url(raw)
    message = str(error.value)
    assert message.startswith("DATABASE_URL ")
    assert says in message
    assert "s3cret" not in message
    assert "sqlite:///" in message or "postgresql://" in message


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (
            "postgresql+psycopg2://bot:s3cret@db:5432/tourbot",
            "DATABASE_URL names the driver 'psycopg2', which Tourbot cannot use: it talks to "
            "postgresql through asyncpg (asyncio). Write postgresql://bot:***@db:5432/tourbot "
            "instead.",
        ),
        (
            "sqlite+pysqlite:///data/tourbot.db",
            "DATABASE_URL names the driver 'pysqlite', which Tourbot cannot use: it talks to "
            "sqlite through aiosqlite (asyncio). Write sqlite:///data/tourbot.db instead.",
        ),
        (
            "mysql://bot@db/tourbot",
            "DATABASE_URL names the database 'mysql', but Tourbot stores bookings in SQLite or "
            "PostgreSQL. Write it like sqlite:///tourbot.db (a file) or "
            "postgresql://user:password@host:5432/tourbot.",
        ),
    ],
)
def test_bad_url_messages_say_what_to_write(raw: str, says: str) -> None:
    with pytest.raises(ValueError) as error:
        database_url(raw)
    assert str(error.value) == says


async def test_relative_sqlite_file_uses_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with Store.from_url("sqlite:///tourbot.db") as store:
        await store.create_schema()
        booking, _ = await store.add_booking(new_booking())
        async with store.engine.connect() as connection:
            journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
            busy = (await connection.execute(text("PRAGMA busy_timeout"))).scalar()
    assert (journal, busy) == ("wal", 10_000)
    assert (tmp_path / "tourbot.db").is_file()
    assert abs(booking.created_at - datetime.now(UTC)) < timedelta(seconds=10)
    async with Store.from_url(f"sqlite:///{tmp_path / 'tourbot.db'}") as reopened:
        assert await reopened.get_booking(booking.id) == booking


@pytest.mark.parametrize("raw", ["sqlite://", "sqlite:///:memory:"])
async def test_in_memory_sqlite(raw: str) -> None:
    async with Store.from_url(raw) as store:
        await store.create_schema()
        added = await asyncio.gather(*(store.add_booking(new_booking()) for _ in range(5)))
        booking = added[0][0]
        assert [created for _, created in added] == [True, False, False, False, False]
        claims = await asyncio.gather(*(store.transition(booking.id, SENDING) for _ in range(5)))
        assert [claim is not None for claim in claims].count(True) == 1
        await store.save_user_zone("U1", "America/Denver")
        assert await store.user_zone("U1", max_age=timedelta(minutes=1)) == "America/Denver"
        assert [b.state for b in await store.bookings_for_user("U1")] == [SENDING]


async def test_postgres_url_forms_connect() -> None:
    url = make_url(await reachable_postgres())
    for scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
        raw = url.set(drivername=scheme).render_as_string(hide_password=False)
        async with Store.from_url(raw) as store, store.engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1


async def test_a_burst_of_readers_on_postgres_reuses_the_connections_kept() -> None:
    opened = 0

    def count(*_: object) -> None:
        nonlocal opened
        opened += 1

    async def look(store: Store) -> None:
        async with store.engine.connect() as connection:
            await connection.execute(text("SELECT pg_sleep(0.05)"))

    async with Store.from_url(await reachable_postgres()) as store:
        event.listen(store.engine.sync_engine, "connect", count)
        await asyncio.gather(*(look(store) for _ in range(15)))  # ten searches and a few more
        first = opened
        await asyncio.gather(*(look(store) for _ in range(15)))
    assert first == 15
    assert opened == first  # a burst like the last opens none: each costs a handshake
