"""The store as a work queue: migrations, claims, the shared rate budget, likely doubles."""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from uuid import uuid4

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, func, select, text

from bot.delivery.steps import Steps, Update
from bot.offline.propexo import SimulatorServer
from bot.propexo.client import PropexoClient
from bot.store import Booking, BookingState, NewBooking, Store, metadata
from bot.store.schema import SEARCH_INDEXES, BookingRow, RateUnitRow
from bot.store.store import BUDGET_PRUNE_EVERY, MIGRATIONS, BudgetUnit
from tests.harness import FAST_POLICY
from tests.reliability_kit import CREATE_PATH as CREATE
from tests.reliability_kit import new_booking as reliability_booking
from tests.store.store_kit import START, Clock, clock, new_booking, reachable_postgres, store

__all__ = ["clock", "store"]  # the fixtures, from store_kit

ACCEPTED, SENDING, SUBMITTED = BookingState.ACCEPTED, BookingState.SENDING, BookingState.SUBMITTED


def _differences(connection: Connection) -> list[object]:
    def modelled(name: str | None, kind: str, _parents: object) -> bool:
        return not (name and kind in ("table", "index") and name.startswith(SEARCH_INDEXES))

    context = MigrationContext.configure(connection, opts={"include_name": modelled})
    return list(compare_metadata(context, metadata))


async def test_the_migrations_make_exactly_the_models_tables(store: Store) -> None:
    async with store.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_a_database_made_before_migrations_is_taken_over(tmp_path: Path) -> None:
    async with Store.from_url(f"sqlite:///{tmp_path / 'old.db'}") as old:
        # The tables as they were then (the first migration's), with no record of migrations.
        async with old.engine.begin() as connection:
            await connection.run_sync(_first_tables_unrecorded)
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


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
async def test_a_claim_passes_over_a_booking_another_transaction_has_locked(store: Store) -> None:
    """FOR UPDATE SKIP LOCKED: the first due booking, locked by another transaction (another
    worker's claim under way), is passed over at once instead of waited for."""
    locked, _ = await store.add_booking(new_booking("locked", next_attempt_at=START - MINUTE))
    free, _ = await store.add_booking(new_booking("free"))
    async with store.engine.connect() as other:
        await other.execute(
            select(BookingRow.id).where(BookingRow.id == locked.id).with_for_update()
        )
        claimed = await asyncio.wait_for(
            store.claim_due(ACCEPTED, lease=timedelta(seconds=90), limit=1, to=SENDING), 2
        )
        assert [booking.id for booking in claimed] == [free.id]
        await other.rollback()
    [then] = await store.claim_due(ACCEPTED, lease=timedelta(seconds=90), limit=1, to=SENDING)
    assert then.id == locked.id


async def test_a_worker_that_lost_its_claim_sends_nothing(
    store: Store, clock: Clock, propexo_sim: SimulatorServer
) -> None:
    """A worker stalls past its send lease before recording that its request left; the sweep
    hands the booking back and another worker claims it. The first may not send it too, nor
    move it, and gives its unit of the budget back."""
    await store.add_booking(new_booking_for(propexo_sim))
    lease = FAST_POLICY.send_lease
    [stalled] = await store.claim_due(ACCEPTED, lease=lease, limit=1, to=SENDING)
    clock.advance(lease + timedelta(seconds=1))
    [handed_back] = await store.claim_due(
        SENDING, lease=timedelta(0), limit=9, to=ACCEPTED, sent=False
    )
    [taken_over] = await store.claim_due(ACCEPTED, lease=lease, limit=1, to=SENDING)
    assert handed_back.id == taken_over.id == stalled.id
    told: list[str] = []

    async def report(booking: Booking, update: Update) -> None:
        told.append(update.kind)

    async with PropexoClient(propexo_sim.url, propexo_sim.api_key) as client:
        steps = Steps(store, client, report, FAST_POLICY)
        assert await steps.send(stalled) is None
        assert propexo_sim.state.requests_to("POST", CREATE) == []
        assert await units_counting(store) == 0  # its unit was given back
        assert (
            await store.transition(
                stalled.id, BookingState.FAILED, expect=[SENDING], attempt=stalled.attempts
            )
            is None
        )
        sent = await steps.send(taken_over)
    assert sent is not None and sent.state is SUBMITTED
    assert len(propexo_sim.state.requests_to("POST", CREATE)) == 1
    assert told == ["submitted"]


def new_booking_for(propexo: SimulatorServer) -> NewBooking:
    """A booking the simulator takes, due at once on the test's clock."""
    return replace(reliability_booking(0, propexo.integration_id), next_attempt_at=None)


async def units_counting(store: Store) -> int:
    async with store.engine.connect() as connection:
        return (await connection.execute(select(func.count(RateUnitRow.id)))).scalar_one()


MINUTE = timedelta(minutes=1)


def granted(taken: BudgetUnit | datetime) -> BudgetUnit:
    assert isinstance(taken, BudgetUnit), f"refused until {taken}"
    return taken


def most_in_a_minute(moments: list[datetime]) -> int:
    """The most of `moments` inside any 60-second span [t, t + 60 s)."""
    ordered = sorted(moments)
    return max(
        (bisect_left(ordered, start + MINUTE) - i for i, start in enumerate(ordered)), default=0
    )


async def test_a_burst_across_a_clock_minute_spends_the_budget_once(
    store: Store, clock: Clock
) -> None:
    clock.now = START + timedelta(seconds=55)  # 15:00:55, five seconds before a clock minute
    for _ in range(5):
        await store.settle_budget(granted(await store.take_budget(5)))  # answered at once
        clock.advance(timedelta(seconds=1))
    # 15:01:00 to 15:01:54: the new clock minute brings nothing back; the first unit leaves
    # a minute after its answer, at 15:01:55.
    while clock.now < START + timedelta(seconds=115):
        assert await store.take_budget(5) == START + timedelta(seconds=115)
        clock.advance(timedelta(seconds=0.5))
    granted(await store.take_budget(5))
    assert await store.take_budget(5) == START + timedelta(seconds=116)


async def test_a_refusal_names_the_moment_a_unit_leaves(store: Store, clock: Clock) -> None:
    units = [granted(await store.take_budget(3)) for _ in range(3)]
    clock.advance(timedelta(seconds=10))
    # All three still out: each leaves a minute after its answer, which may come right now.
    assert await store.take_budget(3) == clock.now + MINUTE
    await store.settle_budget(units[1])  # answered at +10 s: it leaves at +70 s
    clock.advance(timedelta(seconds=5))
    assert await store.take_budget(3) == START + timedelta(seconds=70)
    await store.settle_budget(units[0])  # at +15 s; the earliest to leave is still units[1]
    assert await store.take_budget(3) == START + timedelta(seconds=70)
    clock.now = START + timedelta(seconds=70)
    granted(await store.take_budget(3))
    assert await store.take_budget(3) == START + timedelta(seconds=75)


async def test_a_unit_given_back_is_spendable_at_once(store: Store, clock: Clock) -> None:
    first, second = granted(await store.take_budget(2)), granted(await store.take_budget(2))
    assert isinstance(await store.take_budget(2), datetime)
    await store.give_back_budget(first)  # its request never reached Propexo
    third = granted(await store.take_budget(2))
    assert isinstance(await store.take_budget(2), datetime)
    await store.give_back_budget(first)  # twice is once
    assert isinstance(await store.take_budget(2), datetime)
    await store.settle_budget(second)
    await store.give_back_budget(third)
    granted(await store.take_budget(2))


async def test_a_unit_never_settled_frees_itself(store: Store, clock: Clock) -> None:
    """Its worker died mid-request: the unit counts for a window plus the longest a request may
    take (two minutes), then frees itself."""
    granted(await store.take_budget(1))
    clock.advance(timedelta(minutes=3) - timedelta(milliseconds=1))
    assert isinstance(await store.take_budget(1), datetime)
    clock.advance(timedelta(milliseconds=1))
    granted(await store.take_budget(1))


async def test_a_unit_settled_after_its_hold_still_counts(store: Store, clock: Clock) -> None:
    """A request slower than any should be (pruned meanwhile) counts from its answer on."""
    late = granted(await store.take_budget(1))
    clock.advance(timedelta(minutes=5))
    for _ in range(BUDGET_PRUNE_EVERY):  # one of them prunes the units that have left
        await store.give_back_budget(granted(await store.take_budget(1)))
    await store.settle_budget(late)
    assert await store.take_budget(1) == clock.now + MINUTE


async def test_no_minute_of_arrivals_holds_more_than_the_limit(store: Store, clock: Clock) -> None:
    """Random traffic: each granted request reaches Propexo at some moment between its grant and
    its answer (up to 20 s later), or never (then its unit is given back). However the arrivals
    fall, no 60-second span holds more than the limit, and the budget is used."""
    rng, limit = Random(20261125), 8
    arrivals: list[datetime] = []
    out: list[tuple[datetime, BudgetUnit, bool]] = []  # (answered at, unit, arrived)
    while clock.now < START + timedelta(minutes=6):
        clock.advance(timedelta(seconds=rng.uniform(0, 2)))
        for answered in [o for o in out if o[0] <= clock.now]:
            out.remove(answered)
            if answered[2]:
                await store.settle_budget(answered[1])
            else:
                await store.give_back_budget(answered[1])
        taken = await store.take_budget(limit)
        if isinstance(taken, datetime):
            assert taken > clock.now
            continue
        answer = clock.now + timedelta(seconds=rng.uniform(0, 20))
        arrives = rng.random() > 0.1
        if arrives:
            arrivals.append(clock.now + (answer - clock.now) * rng.random())
        out.append((answer, taken, arrives))
    assert most_in_a_minute(arrivals) <= limit
    assert len(arrivals) >= 4 * limit, len(arrivals)


@pytest.fixture(params=["sqlite", "postgresql"])
async def two_instances(
    request: pytest.FixtureRequest, tmp_path: Path, clock: Clock
) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores, as two instances would have, on one SQLite file or one PostgreSQL schema."""
    if request.param == "sqlite":
        url, options = f"sqlite:///{tmp_path / 'tourbot.db'}", {}
        async with Store.from_url(url, clock=clock) as a, Store.from_url(url, clock=clock) as b:
            await a.create_schema()
            yield a, b
        return
    url = await reachable_postgres()
    schema = f"tourbot_test_{uuid4().hex[:12]}"
    options = {"server_settings": {"search_path": schema}}
    async with Store.from_url(url) as admin:
        async with admin.engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            async with (
                Store.from_url(url, clock=clock, connect_args=options) as a,
                Store.from_url(url, clock=clock, connect_args=options) as b,
            ):
                await a.create_schema()
                yield a, b
        finally:
            async with admin.engine.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


async def test_two_instances_racing_grant_exactly_the_limit(
    two_instances: tuple[Store, Store], clock: Clock
) -> None:
    """Two instances, twenty tasks each, 200 asks at the same moment: 37 granted, and every
    refusal names the same moment."""

    async def ask(store: Store) -> list[BudgetUnit | datetime]:
        return [await store.take_budget(37) for _ in range(5)]

    answers = await asyncio.gather(*(ask(store) for store in two_instances for _ in range(20)))
    flat = [answer for answers_of_one in answers for answer in answers_of_one]
    units = [answer for answer in flat if isinstance(answer, BudgetUnit)]
    assert len(units) == 37 and len({unit.id for unit in units}) == 37
    assert {answer for answer in flat if isinstance(answer, datetime)} == {START + MINUTE}


async def test_two_instances_hammering_never_spend_more_than_the_limit_in_a_minute(
    two_instances: tuple[Store, Store], clock: Clock
) -> None:
    """Two instances, twelve tasks each, asking as fast as the database answers while the clock
    runs at about a hundred times real speed from 15 s before a clock minute: the grants of any
    60-second span never exceed the limit, and the budget is used in every window."""
    limit, end = 25, START + timedelta(minutes=4)
    clock.now = START + timedelta(seconds=45)
    grants: list[datetime] = []

    async def tick() -> None:
        while clock.now < end:
            await asyncio.sleep(0.002)
            clock.advance(timedelta(seconds=0.25))

    async def hammer(store: Store) -> None:
        while clock.now < end:
            taken = await store.take_budget(limit)
            if isinstance(taken, datetime):
                await asyncio.sleep(0)
                continue
            grants.append(taken.granted_at)
            await asyncio.sleep(0.001)  # the request
            await store.settle_budget(taken)

    await asyncio.gather(tick(), *(hammer(store) for store in two_instances for _ in range(12)))
    assert most_in_a_minute(grants) == limit
    assert len(grants) >= 3 * limit, len(grants)


async def test_a_database_mid_minute_keeps_its_spent_budget_on_upgrade(tmp_path: Path) -> None:
    """Units spent in the current clock minute before the upgrade still count after it."""
    minute = datetime.fromtimestamp(time.time() // 60 * 60, UTC)
    async with Store.from_url(f"sqlite:///{tmp_path / 'old.db'}") as old:
        async with old.engine.begin() as connection:
            await connection.run_sync(_tables_at, "0002")
            await connection.execute(
                text("INSERT INTO rate_windows (window_start, used) VALUES (:start, 3), (:old, 9)"),
                {
                    "start": minute.replace(tzinfo=None),
                    "old": (minute - timedelta(hours=1)).replace(tzinfo=None),
                },
            )
        await old.create_schema()
        assert isinstance(await old.take_budget(3), datetime)
        granted(await old.take_budget(4))
        assert isinstance(await old.take_budget(4), datetime)
        async with old.engine.connect() as connection:
            units = (await connection.execute(select(RateUnitRow.leaves_at))).scalars().all()
    assert sorted(units)[:3] == [minute + 2 * MINUTE] * 3  # the old hour's 9 were dropped
    assert len(units) == 4


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


def _first_tables_unrecorded(connection: Connection) -> None:
    _tables_at(connection, "0001")
    connection.execute(text("DROP TABLE alembic_version"))


def _tables_at(connection: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
