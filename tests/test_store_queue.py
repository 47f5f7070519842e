"""The store as a work queue: migrations, claims, the shared rate budget, likely doubles."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from bot.store import BookingState, Store, metadata
from tests.test_store import START, Clock, clock, new_booking, store

__all__ = ["clock", "store"]  # the fixtures, shared with test_store

ACCEPTED, SENDING, SUBMITTED = BookingState.ACCEPTED, BookingState.SENDING, BookingState.SUBMITTED


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection)
    return list(compare_metadata(context, metadata))


async def test_the_migrations_make_exactly_the_models_tables(store: Store) -> None:
    async with store.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_a_database_made_before_migrations_is_taken_over(tmp_path: Path) -> None:
    async with Store.from_url(f"sqlite:///{tmp_path / 'old.db'}") as old:
        async with old.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        await old.create_schema()
        booking, created = await old.add_booking(new_booking())
        assert created and (await old.get_booking(booking.id)) == booking


async def test_claims_take_only_what_is_due(store: Store, clock: Clock) -> None:
    due, _ = await store.add_booking(new_booking("a"))
    later, _ = await store.add_booking(new_booking("b", next_attempt_at=START + timedelta(hours=1)))
    [claimed] = await store.claim_due(ACCEPTED, lease=timedelta(seconds=90), limit=10, to=SENDING)
    assert claimed.id == due.id
    assert (claimed.state, claimed.attempts) == (SENDING, 1)
    assert claimed.next_attempt_at == START + timedelta(seconds=90)
    assert await store.claim_due(ACCEPTED, lease=timedelta(seconds=90), limit=10) == []
    clock.advance(timedelta(hours=1))
    [then] = await store.claim_due(ACCEPTED, lease=timedelta(seconds=90), limit=10, to=SENDING)
    assert then.id == later.id
    # A lease that ran out is due again: a worker that died while sending is found.
    clock.advance(timedelta(seconds=91))
    cut_off = await store.claim_due(SENDING, lease=timedelta(0), limit=10, to=BookingState.UNKNOWN)
    assert {b.id for b in cut_off} == {due.id, later.id}


async def test_claims_without_a_state_change_only_move_the_lease(
    store: Store, clock: Clock
) -> None:
    booking, _ = await store.add_booking(new_booking())
    await store.transition(booking.id, SENDING)
    await store.transition(booking.id, SUBMITTED, next_attempt_at=START)
    [polled] = await store.claim_due(SUBMITTED, lease=timedelta(seconds=30), limit=5)
    assert (polled.state, polled.attempts) == (SUBMITTED, 0)  # polls are not send attempts
    assert polled.next_attempt_at == START + timedelta(seconds=30)


async def test_concurrent_claims_never_share_a_booking(store: Store) -> None:
    for n in range(60):
        await store.add_booking(new_booking(f"k{n}"))
    ids: list[str] = []
    while len(ids) < 60:
        # Claimers racing for locked rows skip them (SKIP LOCKED), so a round may come back short.
        rounds = await asyncio.gather(
            *(
                store.claim_due(ACCEPTED, lease=timedelta(seconds=90), limit=7, to=SENDING)
                for _ in range(12)
            )
        )
        claimed = [b.id for batch in rounds for b in batch]
        assert claimed, "no claimer got anything"
        ids += claimed
    assert len(ids) == len(set(ids)) == 60


async def test_the_shared_rate_budget(store: Store, clock: Clock) -> None:
    window = timedelta(minutes=1)
    start = START.replace(second=0, microsecond=0)
    assert [await store.take_budget(3) for _ in range(3)] == [None, None, None]
    assert await store.take_budget(3) == start + window
    clock.advance(window)
    assert await store.take_budget(3) is None


async def test_likely_doubles(store: Store) -> None:
    first, _ = await store.add_booking(new_booking("first"))
    await store.add_booking(new_booking("other-time", starts_at=START + timedelta(hours=3)))
    await store.add_booking(new_booking("other-prospect", prospect_key="ana@example.com"))
    doubles = await store.duplicates_of("jane@example.com", first.starts_at, excluding="second")
    assert [b.id for b in doubles] == [first.id]
    assert await store.duplicates_of("jane@example.com", first.starts_at, excluding="first") == []
    await store.transition(first.id, SENDING)
    await store.transition(first.id, BookingState.FAILED)
    assert await store.duplicates_of("jane@example.com", first.starts_at) == []


async def test_next_due(store: Store) -> None:
    assert await store.next_due() is None
    await store.add_booking(new_booking("a", next_attempt_at=START + timedelta(seconds=5)))
    await store.add_booking(new_booking("b", next_attempt_at=START + timedelta(seconds=2)))
    assert await store.next_due() == START + timedelta(seconds=2)
