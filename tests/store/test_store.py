"""The booking store on a SQLite file and on PostgreSQL: idempotent adds, the state machine,
compare-and-set under concurrency, time zones, and every DATABASE_URL form."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import StatementError
from sqlalchemy.pool import AsyncAdaptedQueuePool, StaticPool

from bot.store import (
    TRANSITIONS,
    Booking,
    BookingNotFound,
    BookingState,
    InvalidTransition,
    NewBooking,
    Store,
    database_url,
)
from bot.store.store import _Turns
from tests.reliability_kit import fresh_database

POSTGRES_URL = os.environ.get(
    "TOURBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
START = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
FORM: dict[str, Any] = {
    "name": "Jane Doe",
    "email": "jane@example.com",
    "when": "thu 3pm",
    "notes": "2br, budget $1,800–2,200 · café ☕",
    "bedrooms": 2,
    "self_guided": True,
    "prospect_id": None,
}
BODY: dict[str, Any] = {
    "integration_id": "int_demo",
    "appointment_date": "2026-11-26",
    "appointment_time": "15:00:00",
    "first_name": "Jane",
    "last_name": "Doe",
    "email_1": "jane@example.com",
    "desired_bedrooms": [2],
    "desired_rent": {"min": 1800.0, "max": 2200.0},
}
A = BookingState.ACCEPTED
SENDING = BookingState.SENDING
SUBMITTED = BookingState.SUBMITTED
CONFIRMED = BookingState.CONFIRMED
FAILED = BookingState.FAILED
UNKNOWN = BookingState.UNKNOWN


class Clock:
    """A clock the test moves by hand, so stored times are exact."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


def new_booking(request_key: str = "view-V1", **changes: Any) -> NewBooking:
    booking = NewBooking(
        request_key=request_key,
        team_id="T1",
        user_id="U1",
        channel_id="C1",
        zone="America/New_York",
        starts_at=datetime(2026, 11, 26, 15, 0, tzinfo=NEW_YORK),
        summary="Tour for Jane Doe · Thu, Nov 26, 3:00 PM EST",
        form_values=FORM,
        body=BODY,
        prospect_key="jane@example.com",
    )
    return replace(booking, **changes)


_postgres_problem: list[str | None] = []


async def reachable_postgres() -> str:
    """The test server's URL, or skip (with the reason) when none answers."""
    if not _postgres_problem:
        probe = Store.from_url(POSTGRES_URL, connect_args={"timeout": 3})
        try:
            async with probe.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            _postgres_problem.append(None)
        except Exception as error:
            _postgres_problem.append(f"{type(error).__name__}: {error}")
        finally:
            await probe.close()
    if _postgres_problem[0] is not None:
        where = make_url(POSTGRES_URL).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not reachable at {where} ({_postgres_problem[0]})")
    return POSTGRES_URL


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: Clock
) -> AsyncIterator[Store]:
    """An empty store on a fresh SQLite file, or in a schema of its own on PostgreSQL."""
    if request.param == "sqlite":
        async with Store.from_url(f"sqlite:///{tmp_path / 'tourbot.db'}", clock=clock) as store:
            await store.create_schema()
            yield store
        return
    url = await reachable_postgres()
    schema = f"tourbot_test_{uuid4().hex[:12]}"  # parallel runs never see each other's rows
    async with Store.from_url(url) as admin:
        async with admin.engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            settings = {"server_settings": {"search_path": schema}}
            async with Store.from_url(url, clock=clock, connect_args=settings) as store:
                await store.create_schema()
                yield store
        finally:
            async with admin.engine.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


async def move(store: Store, booking: Booking, *path: BookingState) -> Booking:
    for state in path:
        moved = await store.transition(booking.id, state)
        assert moved is not None, f"{booking.state} -> {state} refused"
        booking = moved
    return booking


def path_to(target: BookingState) -> list[BookingState]:
    """The shortest list of moves from `accepted` to `target`."""
    paths: dict[BookingState, list[BookingState]] = {A: []}
    queue = [A]
    while queue:
        state = queue.pop(0)
        for following in sorted(TRANSITIONS[state]):
            if following not in paths:
                paths[following] = [*paths[state], following]
                queue.append(following)
    return paths[target]


# Adding and reading


async def test_add_and_read_back(store: Store, clock: Clock) -> None:
    booking, created = await store.add_booking(new_booking(id="b1"))

    assert created is True
    assert booking == Booking(
        id="b1",
        request_key="view-V1",
        state=A,
        created_at=START,
        updated_at=START,
        team_id="T1",
        user_id="U1",
        channel_id="C1",
        thread_channel_id=None,
        thread_ts=None,
        response_url=None,
        zone="America/New_York",
        starts_at=datetime(2026, 11, 26, 20, 0, tzinfo=UTC),
        summary="Tour for Jane Doe · Thu, Nov 26, 3:00 PM EST",
        form_values=FORM,
        body=BODY,
        prospect_key="jane@example.com",
        job_id=None,
        appointment_id=None,
        write_errors=(),
        last_error=None,
        attempts=0,
        next_attempt_at=START,  # due at once
        outcome=None,
        outcome_by=None,
    )
    clock.advance(timedelta(hours=1))
    stored = await store.get_booking("b1")
    assert stored == booking
    assert stored is not None
    for moment in (stored.created_at, stored.updated_at, stored.starts_at, stored.next_attempt_at):
        assert moment is not None
        assert moment.tzinfo is UTC
    assert stored.starts_at.astimezone(NEW_YORK).hour == 15
    assert await store.get_booking("nope") is None


async def test_a_booking_as_added_is_the_booking_read_back(store: Store) -> None:
    local = datetime(2026, 11, 26, 15, 0, tzinfo=NEW_YORK)  # times in another zone are stored
    added, _ = await store.add_booking(new_booking(starts_at=local, next_attempt_at=local))
    assert added == await store.get_booking(added.id)
    assert added.starts_at == local and added.starts_at.tzinfo is UTC
    assert added.next_attempt_at is not None and added.next_attempt_at.tzinfo is UTC


async def test_generated_id_and_later_attempt(store: Store) -> None:
    later = START + timedelta(minutes=5)
    booking, _ = await store.add_booking(new_booking(next_attempt_at=later))
    assert len(booking.id) == 32
    int(booking.id, 16)
    assert booking.next_attempt_at == later


async def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        new_booking(starts_at=datetime(2026, 11, 26, 15, 0))
    booking, _ = await store.add_booking(new_booking())
    with pytest.raises(StatementError, match="naive datetime"):
        await store.update_booking(booking.id, next_attempt_at=datetime(2026, 11, 26, 15, 0))


async def test_same_request_key_is_one_booking(store: Store, clock: Clock) -> None:
    first, created = await store.add_booking(new_booking(id="b1", summary="first"))
    clock.advance(timedelta(seconds=3))
    again, created_again = await store.add_booking(new_booking(id="b2", summary="second"))

    assert (created, created_again) == (True, False)
    assert again == first
    assert again.summary == "first"
    assert await store.get_booking("b2") is None
    assert [b.id for b in await store.bookings_for_user("U1")] == ["b1"]


async def test_concurrent_adds_with_one_key_make_one_booking(store: Store) -> None:
    results = await asyncio.gather(
        *(store.add_booking(new_booking("view-race", id=f"b{n}")) for n in range(8))
    )

    assert sorted(created for _, created in results) == [False] * 7 + [True]
    winner = next(booking for booking, created in results if created)
    assert {booking.id for booking, _ in results} == {winner.id}
    assert [b.id for b in await store.bookings_for_user("U1")] == [winner.id]


async def test_adds_at_the_same_time_are_each_stored_and_answered(store: Store) -> None:
    news = [new_booking(f"view-{n}", id=f"b{n}", prospect_key=f"p{n}") for n in range(30)]
    news.append(new_booking("view-3", id="again"))  # a double click among them

    results = await asyncio.gather(*(store.add_booking(new) for new in news))

    assert [booking.id for booking, _ in results] == [f"b{n}" for n in range(30)] + ["b3"]
    assert [created for _, created in results] == [True] * 30 + [False]
    assert len(await store.bookings_in_state(A)) == 30


async def test_a_booking_that_doubles_another_is_not_stored(store: Store) -> None:
    first, _ = await store.add_booking(new_booking("view-1", id="b1"))
    failed, _ = await store.add_booking(new_booking("view-0", id="b0"))
    await move(store, failed, SENDING, FAILED)  # a failed one is no double

    doubled = await store.add_booking_unless_doubled(new_booking("view-2", id="b2"))
    elsewhen = await store.add_booking_unless_doubled(
        new_booking("view-3", id="b3", starts_at=START + timedelta(days=3))
    )
    again = await store.add_booking_unless_doubled(new_booking("view-1", id="b4"))

    assert (doubled.booking, doubled.created, doubled.doubles) == (None, False, [first])
    assert await store.get_booking("b2") is None
    assert (elsewhen.booking is not None, elsewhen.created, elsewhen.doubles) == (True, True, [])
    assert (again.booking, again.created, again.doubles) == (first, False, [])  # not its own double
    assert doubled.doubles == await store.duplicates_of(
        "jane@example.com", first.starts_at, excluding="view-2"
    )


async def test_doubles_are_found_for_each_of_bookings_added_together(store: Store) -> None:
    first, _ = await store.add_booking(new_booking("view-1", id="b1"))

    results = await asyncio.gather(
        store.add_booking_unless_doubled(new_booking("view-2", id="b2")),
        store.add_booking_unless_doubled(new_booking("view-3", id="b3", prospect_key="ana")),
        store.add_booking(new_booking("view-4", id="b4")),  # no question asked: stored
    )

    assert [(r.booking and r.booking.id, r.doubles) for r in results[:2]] == [
        (None, [first]),
        ("b3", []),
    ]
    assert results[2] == (await store.get_booking("b4"), True)


async def test_a_double_is_the_same_prospect_at_the_same_moment_not_either_alone(
    store: Store,
) -> None:
    three, four = (datetime(2026, 11, 26, hour, 0, tzinfo=NEW_YORK) for hour in (15, 16))
    await store.add_booking(new_booking("view-1", prospect_key="ana", starts_at=four))
    await store.add_booking(new_booking("view-2", prospect_key="ben", starts_at=three))

    results = await asyncio.gather(  # ana at three, ben at four: each pairing crossed
        store.add_booking_unless_doubled(
            new_booking("view-3", prospect_key="ana", starts_at=three)
        ),
        store.add_booking_unless_doubled(new_booking("view-4", prospect_key="ben", starts_at=four)),
    )

    assert [(r.created, r.doubles) for r in results] == [(True, []), (True, [])]


async def test_a_checkpoint_moves_the_log_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "tourbot.db"

    def bookings_in_the_file() -> int:  # immutable: the file alone, without its log
        with contextlib.closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as db:
            count: int = db.execute("SELECT count(*) FROM bookings").fetchone()[0]
            return count

    async with Store.from_url(f"sqlite:///{path}") as store:
        await store.create_schema()
        await store.checkpoint()
        await store.add_booking(new_booking())
        assert bookings_in_the_file() == 0  # committed, in the write-ahead log only
        await store.checkpoint()
        assert bookings_in_the_file() == 1
    async with Store.from_url("sqlite://") as memory:
        await memory.checkpoint()  # nothing to do, and no error


async def test_transactions_on_sqlite_take_turns_urgent_ones_first() -> None:
    turns, order = _Turns(), list[str]()

    async def hold(name: str, *, urgent: bool = False) -> None:
        async with turns.turn(urgent=urgent):
            order.append(name)
            await asyncio.sleep(0.01)

    first = asyncio.create_task(hold("first"))
    await asyncio.sleep(0)
    waiting = {name: asyncio.create_task(hold(name, urgent=name in "bd")) for name in "abcde"}
    await asyncio.sleep(0)
    waiting["e"].cancel()  # one that gives up holds nobody up
    await asyncio.gather(first, *waiting.values(), return_exceptions=True)

    assert order == ["first", "b", "d", "a", "c"]


async def test_closing_waits_for_a_transaction_under_way(tmp_path: Path) -> None:
    store = Store.from_url(f"sqlite:///{tmp_path / 'tourbot.db'}")
    await store.create_schema()

    async def slow_read() -> None:
        async with store._transaction() as connection:
            await asyncio.sleep(0.05)
            await connection.execute(text("SELECT 1"))

    reading = asyncio.create_task(slow_read())
    await asyncio.sleep(0.01)
    await store.close()

    assert reading.done() and reading.exception() is None


# The state machine


def test_transition_table() -> None:
    assert dict(TRANSITIONS) == {
        A: {SENDING},
        SENDING: {SUBMITTED, UNKNOWN, A, FAILED},
        SUBMITTED: {CONFIRMED, FAILED},
        CONFIRMED: set(),
        FAILED: set(),
        UNKNOWN: {A},
    }


ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in targets]


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=[f"{s}-{t}" for s, t in ALLOWED])
async def test_every_allowed_transition(
    store: Store, clock: Clock, source: BookingState, target: BookingState
) -> None:
    booking, _ = await store.add_booking(new_booking())
    booking = await move(store, booking, *path_to(source))
    assert booking.state == source
    moment = clock.advance(timedelta(minutes=1))

    moved = await store.transition(booking.id, target, expect={source})

    assert moved is not None
    assert (moved.state, moved.updated_at, moved.created_at) == (target, moment, START)
    assert await store.get_booking(booking.id) == moved


async def test_refused_transitions(store: Store) -> None:
    booking, _ = await store.add_booking(new_booking())

    # Not in a state that may move there: nothing happens.
    assert await store.transition(booking.id, CONFIRMED) is None
    assert await store.transition(booking.id, A) is None
    assert await store.transition("nope", SENDING) is None
    assert await store.get_booking(booking.id) == booking

    # A move the table forbids is a bug in the caller.
    with pytest.raises(InvalidTransition, match="cannot go from accepted to confirmed") as error:
        await store.transition(booking.id, CONFIRMED, expect={A})
    assert str(error.value) == (
        "A booking cannot go from accepted to confirmed; from accepted it can go to sending."
    )
    with pytest.raises(InvalidTransition, match="it can go to nothing"):
        await store.transition(booking.id, A, expect=[CONFIRMED])
    with pytest.raises(TypeError, match="no updatable field colour"):
        await store.transition(booking.id, SENDING, colour="red")
    with pytest.raises(TypeError, match=r"only through Store\.transition\(\)"):
        await store.transition(booking.id, SENDING, state="submitted")
    assert await store.get_booking(booking.id) == booking


async def test_transition_sets_fields(store: Store, clock: Clock) -> None:
    booking, _ = await store.add_booking(new_booking())
    retry_at = START + timedelta(minutes=10)

    sending = await store.transition(booking.id, SENDING, attempts=1, next_attempt_at=retry_at)
    submitted = await store.transition(booking.id, SUBMITTED, job_id="job_123")
    failed = await store.transition(
        booking.id,
        FAILED,
        write_errors=["email_1: not a valid email", "phone_1: too short"],
        last_error="EliseAI refused the prospect's contact details.",
    )

    assert sending is not None and (sending.attempts, sending.next_attempt_at) == (1, retry_at)
    assert submitted is not None and submitted.job_id == "job_123"
    assert failed == await store.get_booking(booking.id)
    assert failed is not None
    assert failed.state == FAILED
    assert failed.job_id == "job_123"
    assert failed.write_errors == ("email_1: not a valid email", "phone_1: too short")
    assert failed.last_error == "EliseAI refused the prospect's contact details."


async def test_concurrent_claims_one_wins(store: Store) -> None:
    booking, _ = await store.add_booking(new_booking())

    results = await asyncio.gather(*(store.transition(booking.id, SENDING) for _ in range(6)))

    winners = [moved for moved in results if moved is not None]
    assert len(winners) == 1
    assert winners[0].state == SENDING
    assert await store.bookings_in_state(SENDING) == winners


# Other fields and queries


async def test_update_booking(store: Store, clock: Clock) -> None:
    booking, _ = await store.add_booking(new_booking())
    moment = clock.advance(timedelta(seconds=2))

    updated = await store.update_booking(
        booking.id, thread_channel_id="C9", thread_ts="1764086400.000100", response_url=None
    )

    assert updated == replace(
        booking, thread_channel_id="C9", thread_ts="1764086400.000100", updated_at=moment
    )
    assert await store.get_booking(booking.id) == updated
    outcome = await store.update_booking(booking.id, outcome="completed", outcome_by="U7")
    assert (outcome.outcome, outcome.outcome_by, outcome.thread_ts) == (
        "completed",
        "U7",
        "1764086400.000100",
    )
    with pytest.raises(TypeError, match="no updatable field colour, request_key"):
        await store.update_booking(booking.id, colour="red", request_key="other")
    with pytest.raises(TypeError, match=r"only through Store\.transition\(\)"):
        await store.update_booking(booking.id, state="confirmed")
    with pytest.raises(TypeError, match="write_errors must be a list"):
        await store.update_booking(booking.id, write_errors="oops")
    with pytest.raises(BookingNotFound, match="No booking with id 'nope'"):
        await store.update_booking("nope", thread_ts="1")


async def test_bookings_for_user_newest_first(store: Store, clock: Clock) -> None:
    for n in range(1, 4):
        await store.add_booking(new_booking(f"view-{n}", id=f"b{n}"))
        clock.advance(timedelta(minutes=1))
    await store.add_booking(new_booking("view-other", id="other", user_id="U2"))

    assert [b.id for b in await store.bookings_for_user("U1")] == ["b3", "b2", "b1"]
    assert [b.id for b in await store.bookings_for_user("U1", limit=2)] == ["b3", "b2"]
    assert [b.id for b in await store.bookings_for_user("U2")] == ["other"]
    assert await store.bookings_for_user("U3") == []


async def test_bookings_in_state_oldest_first(store: Store, clock: Clock) -> None:
    for n in range(1, 4):
        await store.add_booking(new_booking(f"view-{n}", id=f"b{n}"))
        clock.advance(timedelta(minutes=1))
    await store.transition("b2", SENDING)

    assert [b.id for b in await store.bookings_in_state(A)] == ["b1", "b3"]
    assert [b.id for b in await store.bookings_in_state(SENDING)] == ["b2"]
    assert [b.id for b in await store.bookings_in_state(A, SENDING)] == ["b1", "b2", "b3"]
    assert await store.bookings_in_state(CONFIRMED) == []
    assert await store.bookings_in_state() == []


async def test_user_zones(store: Store, clock: Clock) -> None:
    hour = timedelta(hours=1)
    assert await store.user_zone("U1", max_age=hour) is None

    await store.save_user_zone("U1", "America/New_York")
    await store.save_user_zone("U2", "Europe/Paris")
    assert await store.user_zone("U1", max_age=hour) == "America/New_York"

    clock.advance(timedelta(minutes=61))
    assert await store.user_zone("U1", max_age=hour) is None
    assert await store.user_zone("U1", max_age=2 * hour) == "America/New_York"

    await store.save_user_zone("U1", "America/Chicago")  # the upsert refreshes it
    assert await store.user_zone("U1", max_age=hour) == "America/Chicago"
    clock.advance(hour)
    assert await store.user_zone("U1", max_age=hour) == "America/Chicago"  # exactly max_age old
    assert await store.user_zone("U2", max_age=3 * hour) == "Europe/Paris"


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


async def test_doubles_arriving_together_are_caught(store: Store) -> None:
    at_three = datetime(2026, 11, 26, 15, 0, tzinfo=NEW_YORK)
    results = await asyncio.gather(  # two agents press Book for Ana at the same moment
        *(
            store.add_booking_unless_doubled(
                new_booking(f"view-{n}", prospect_key="ana", starts_at=at_three)
            )
            for n in range(4)
        )
    )
    created = [r for r in results if r.created]
    assert len(created) == 1 and created[0].booking is not None
    for refused in (r for r in results if not r.created):
        assert refused.booking is None
        assert [b.id for b in refused.doubles] == [created[0].booking.id]


async def test_doubles_from_two_instances_are_caught() -> None:
    """Two processes' stores on one PostgreSQL, each with a booking for Ana at three."""
    await reachable_postgres()
    at_three = datetime(2026, 11, 26, 15, 0, tzinfo=NEW_YORK)
    async with (
        fresh_database() as database,
        Store.from_url(database) as first,
        Store.from_url(database) as second,
    ):
        await first.create_schema()
        for _ in range(10):
            key = uuid4().hex
            results = await asyncio.gather(
                first.add_booking_unless_doubled(
                    new_booking(f"a-{key}", prospect_key=key, starts_at=at_three)
                ),
                second.add_booking_unless_doubled(
                    new_booking(f"b-{key}", prospect_key=key, starts_at=at_three)
                ),
            )
            assert sorted(r.created for r in results) == [False, True]
