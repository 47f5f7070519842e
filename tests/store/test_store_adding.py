"""Adding bookings to the store and reading them back, on SQLite and PostgreSQL:
idempotent adds, likely doubles (from one process or two), checkpoints and turns."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, StatementError

from bot.store import Booking, Store
from bot.store.store import _Turns
from tests.reliability_kit import fresh_database
from tests.store.store_kit import (
    BODY,
    FAILED,
    FORM,
    NEW_YORK,
    SENDING,
    START,
    A,
    Clock,
    clock,
    move,
    new_booking,
    postgres_store,
    reachable_postgres,
    store,
)

__all__ = ["clock", "store"]  # the fixtures, from store_kit


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


async def test_a_row_the_database_refuses_fails_only_its_own_booking_on_postgresql() -> None:
    # PostgreSQL stores no NUL in text or JSON; the form refuses one, but whatever row the
    # database refuses, the bookings written in the same batch are stored all the same.
    async with postgres_store() as store:
        bad = new_booking("view-bad", form_values={**FORM, "notes": "nul\x00here"})
        news = [new_booking(f"view-{n}", prospect_key=f"p{n}") for n in range(3)]
        results = await asyncio.gather(
            *(store.add_booking(new) for new in [news[0], bad, *news[1:]]),
            return_exceptions=True,
        )
        assert isinstance(results[1], DBAPIError)
        stored = [result for result in results if not isinstance(result, BaseException)]
        assert [(booking.request_key, created) for booking, created in stored] == [
            ("view-0", True),
            ("view-1", True),
            ("view-2", True),
        ]
        assert len(await store.bookings_in_state(A)) == 3


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
