"""Nothing lost, nothing doubled: `tourbot worker` processes on one PostgreSQL, SIGKILLs at random
moments, Propexo down for a while, and a burst paced by the shared budget.

Everything is real and local: worker processes, a PostgreSQL database of their own per test, the
Propexo simulator and the Slack stand-in over sockets on 127.0.0.1. PostgreSQL tests are skipped,
with the reason, when no server answers (see tests/store/store_kit.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, select, text, update

from bot.delivery.steps import DeliveryPolicy
from bot.delivery.worker import Worker
from bot.offline.propexo import DEFAULT_API_KEY, DEFAULT_INTEGRATION_ID, SimulatorServer
from bot.offline.slack import SlackStandIn
from bot.propexo.client import PropexoClient
from bot.store import BookingState, Store
from bot.store.schema import BookingRow, RateUnitRow
from bot.store.store import BUDGET_WINDOW
from handlers.thread import SlackThread
from tests.harness import FAST_POLICY
from tests.reliability_kit import (
    CREATE_PATH,
    WorkerProcess,
    add_bookings,
    all_bookings,
    audit,
    expire_leases,
    fresh_database,
    run_with_kills,
    states,
    wait_until_settled,
    worker_env,
)
from tests.store.store_kit import reachable_postgres


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh database of its own on the test server (dropped afterwards), or a skip."""
    server = await reachable_postgres()
    async with fresh_database(server) as url:
        yield url


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    """The Slack stand-in on a thread of its own: the workers are other processes."""
    with SlackStandIn() as stand_in:
        yield stand_in


def fast_propexo(
    *, latency: float = 0.0, rate_limit: int = 100_000, port: int = 0
) -> SimulatorServer:
    """A simulator whose writes settle in 50 ms, with no slowdown near its budget (which is out
    of reach unless `rate_limit` says otherwise)."""
    return SimulatorServer(
        port=port, settle=0.05, latency=latency, rate_limit=rate_limit, slowdown=0.0
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def replies(slack: SlackStandIn, starting: str) -> Counter[str | None]:
    """How many thread replies starting with `starting` each thread (by its ts) got."""
    return Counter(
        call.args.get("thread_ts")
        for call in slack.calls_to("chat.postMessage")
        if call.ok and str(call.args.get("text", "")).startswith(starting)
    )


async def test_two_worker_processes_send_each_of_300_bookings_exactly_once(
    postgres_url: str, slack: SlackStandIn, tmp_path: Path
) -> None:
    with fast_propexo() as propexo:
        async with Store.from_url(postgres_url) as store:
            await store.create_schema()
            await add_bookings(store, 300, propexo.integration_id)
            workers = [
                WorkerProcess(
                    worker_env(
                        slack_api_url=slack.api_url,
                        propexo=propexo,
                        database_url=postgres_url,
                        token=f"xoxb-worker-{n}",
                    ),
                    tmp_path / f"worker{n}",
                )
                for n in (1, 2)
            ]
            try:

                def alive() -> None:
                    for worker in workers:
                        worker.check_alive()

                took = await wait_until_settled(store, timeout=45, alive=alive)
                codes = [await worker.terminate() for worker in workers]
            finally:
                for worker in workers:
                    worker.kill()
            bookings = await all_bookings(store)
    result = audit(bookings, propexo)
    print(f"two workers: {result.summary()} in {took:.1f} s")
    assert result.clean, result.summary()
    assert result.states == {"confirmed": 300}
    assert len(propexo.state.requests_to("POST", CREATE_PATH)) == 300
    assert codes == [0, 0], [w.output[-2000:] for w in workers]
    # Each worker reports its own bookings under its own token: both did part of the work.
    submitted = Counter(
        call.token
        for call in slack.calls_to("chat.postMessage")
        if call.args.get("text", "").startswith("Submitted to EliseAI")
    )
    assert sum(submitted.values()) == 300
    assert set(submitted) == {"xoxb-worker-1", "xoxb-worker-2"}, submitted
    print(f"bookings sent per worker: {dict(submitted)}")


@pytest.fixture(params=["postgresql", "sqlite"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tourbot.db'}"
        return
    server = await reachable_postgres()
    async with fresh_database(server) as url:
        yield url


async def test_sigkill_at_random_moments_loses_and_doubles_nothing(
    database_url: str, slack: SlackStandIn, tmp_path: Path
) -> None:
    sqlite = database_url.startswith("sqlite")
    count, kills = (200, 8) if sqlite else (400, 12)
    seed = random.randrange(1_000_000)
    # Every answer takes 0.1 s, so most kills land with requests on the wire.
    with fast_propexo(latency=0.1) as propexo:
        async with Store.from_url(database_url) as store:
            await store.create_schema()
            await add_bookings(store, count, propexo.integration_id)
            env = worker_env(
                slack_api_url=slack.api_url, propexo=propexo, database_url=database_url
            )
            run = await run_with_kills(
                store, env, tmp_path / "worker", kills=kills, rng=random.Random(seed)
            )
            bookings = await all_bookings(store)
    result = audit(bookings, propexo)
    print(f"{kills} kills (seed {seed}): {run}; {result.summary()}")
    assert result.clean, f"seed {seed}: {result.summary()}"
    assert run.exit_code == 0
    assert run.kills >= kills // 2, run
    assert result.bookings == count
    assert set(result.states) <= {"confirmed", "unknown"}, result.states


async def test_propexo_down_for_seconds_then_every_booking_delivered_once(
    database_url: str, tmp_path: Path
) -> None:
    """Propexo refuses connections for 4 s (and until every booking was tried twice); the
    worker (in this process, with retries of 0.25 s doubling to 1 s instead of the defaults' 2 s
    to 60 s) tells each agent once that it is waiting, and delivers everything once Propexo is
    back."""
    count, down = 100, 4.0
    port = free_port()  # nothing listens on it until the simulator starts
    propexo = fast_propexo(port=port)
    policy = DeliveryPolicy(
        rate_limit=100_000, first_retry=0.25, max_retry=1.0, first_poll=0.1, max_poll=0.5
    )
    async with SlackStandIn() as slack, Store.from_url(database_url) as store:
        await store.create_schema()
        await add_bookings(store, count, propexo.integration_id)
        client = PropexoClient(
            f"http://127.0.0.1:{port}", propexo.api_key, connect_timeout=0.5, backoff=0.02
        )
        thread = SlackThread(AsyncWebClient(token="xoxb-down", base_url=slack.api_url), store)
        worker = Worker(store, client, thread, policy=policy)
        running = asyncio.create_task(worker.run())
        try:
            # Down for `down` seconds, and until every booking has been tried twice.
            started = time.monotonic()
            while time.monotonic() - started < down or any(
                b.attempts < 2 for b in await all_bookings(store)
            ):
                assert time.monotonic() - started < 30, await states(store)
                await asyncio.sleep(0.1)
            while_down = await states(store)
            back = time.monotonic()
            propexo.start()
            await wait_until_settled(store, timeout=30)
            took = time.monotonic() - back
            await worker.stop(grace=5)
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            await client.aclose()
            propexo.stop()
        bookings = await all_bookings(store)
    result = audit(bookings, propexo)
    waiting = replies(slack, "Propexo can't be reached right now")
    print(f"down {down:g} s: delivered {took:.2f} s after Propexo came back; {result.summary()}")
    assert set(while_down) <= {"accepted", "sending"} and sum(while_down.values()) == count
    # One "waiting" message per booking, however many retries it took.
    assert len(waiting) == count and set(waiting.values()) == {1}, waiting
    assert result.clean, result.summary()
    assert result.states == {"confirmed": count}
    assert len(propexo.state.requests_to("POST", CREATE_PATH)) == count
    assert took < 10, f"delivered {took:.1f} s after Propexo came back (retries every 1 s)"


async def test_burst_is_paced_by_the_budget_shared_through_the_database(
    postgres_url: str, slack: SlackStandIn, tmp_path: Path
) -> None:
    """300 bookings, two `tourbot worker` processes, PROPEXO_RATE_LIMIT=40 and a simulator
    allowing 80 requests a minute: the workers together send exactly 40 (creates and polls), the
    simulator never answers 429, and every other booking goes back to `accepted` until one of
    the 40 units leaves the budget (a minute after its request was answered, whatever the clock
    minute), its agent told once that it is queued. (With the simulator's limit at 40 too, the
    client's own pacing would spread the last quarter of them over the rest of the minute.)
    """
    count, budget = 300, 40
    with fast_propexo(rate_limit=2 * budget) as propexo:
        async with Store.from_url(postgres_url) as store:
            await store.create_schema()
            await add_bookings(store, count, propexo.integration_id)
            workers = [
                WorkerProcess(
                    worker_env(
                        slack_api_url=slack.api_url,
                        propexo=propexo,
                        database_url=postgres_url,
                        token=f"xoxb-burst-{n}",
                        rate_limit=budget,
                    ),
                    tmp_path / f"worker{n}",
                )
                for n in (1, 2)
            ]
            try:
                for worker in workers:
                    await worker.wait_ready()
                await wait_until_quiet(store, workers, timeout=15)
                codes = [await worker.terminate() for worker in workers]
            finally:
                for worker in workers:
                    worker.kill()
            bookings = await all_bookings(store)
            async with store.engine.connect() as connection:
                leaving = sorted(
                    (await connection.execute(select(RateUnitRow.leaves_at))).scalars()
                )
                first_grant = (
                    await connection.execute(select(func.min(RateUnitRow.granted_at)))
                ).scalar_one()
    # Creates and write-status polls are what the budget paces. (Each `tourbot worker` also reads
    # the communities and the prospect list once as it starts, outside the budget.)
    requests = [
        r
        for r in propexo.state.requests
        if r.path.startswith((CREATE_PATH, "/v1/admin/write-status/"))
    ]
    statuses = Counter(r.status for r in propexo.state.requests)
    creates = propexo.state.requests_to("POST", CREATE_PATH)
    queued = [b for b in bookings if b.state is BookingState.ACCEPTED]
    told = replies(slack, f"Propexo takes {budget} requests a minute")
    print(
        f"burst: {len(requests)} requests ({len(creates)} creates), statuses {dict(statuses)}, "
        f"{len(queued)} queued, states {dict(Counter(b.state.value for b in bookings))}"
    )
    assert codes == [0, 0]
    assert 429 not in statuses, statuses
    assert len(requests) == budget == len(leaving)
    # Each unit leaves a minute after its answer: nothing came back while the test ran.
    assert leaving[0] > datetime.now(UTC)
    assert len(queued) == count - len(creates) and len(creates) > 0
    for booking in queued:
        assert booking.last_told == "queued" and booking.attempts >= 1
        assert booking.next_attempt_at is not None
        # Queued until a unit may leave, a window after its grant at the earliest (asked before
        # any answer came, that is all a worker knows), and not past the last to leave (plus up
        # to 5 s, so they do not all come back at once).
        assert first_grant + BUDGET_WINDOW <= booking.next_attempt_at
        assert booking.next_attempt_at <= leaving[-1] + timedelta(seconds=5)
        assert told[booking.thread_ts] == 1, f"{booking.id} told {told[booking.thread_ts]} times"
    assert sum(told.values()) == len(queued)
    assert audit(bookings, propexo).duplicates == []


async def wait_until_quiet(store: Store, workers: list[WorkerProcess], *, timeout: float) -> None:
    """Until nothing is being sent and every booking waiting to be sent was told it is queued."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        for worker in workers:
            worker.check_alive()
        bookings = await all_bookings(store)
        if not any(b.state is BookingState.SENDING for b in bookings) and all(
            b.last_told == "queued" for b in bookings if b.state is BookingState.ACCEPTED
        ):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"still sending after {timeout:g} s: {await states(store)}")


async def test_sigterm_drains_sends_under_way_and_a_restart_finishes_the_rest(
    postgres_url: str, slack: SlackStandIn, tmp_path: Path
) -> None:
    """SIGTERM while creates are on the wire (each answer takes 0.4 s): the worker lets them
    finish, exits 0 and leaves nothing `sending`; the next worker delivers the rest, none of
    them unknown."""
    count = 150
    with fast_propexo(latency=0.4) as propexo:
        async with Store.from_url(postgres_url) as store:
            await store.create_schema()
            await add_bookings(store, count, propexo.integration_id)
            env = worker_env(
                slack_api_url=slack.api_url, propexo=propexo, database_url=postgres_url
            )
            first = WorkerProcess(env, tmp_path / "worker")
            try:
                await first.wait_ready()
                while len(propexo.state.requests_to("POST", CREATE_PATH)) < 10:
                    first.check_alive()
                    await asyncio.sleep(0.01)
                stopping = time.monotonic()
                code = await first.terminate()
                drained = time.monotonic() - stopping
            finally:
                first.kill()
            left = await states(store)
            second = WorkerProcess(env, tmp_path / "worker")
            try:
                await second.wait_ready()
                await wait_until_settled(store, timeout=30, alive=second.check_alive)
                assert await second.terminate() == 0
            finally:
                second.kill()
            bookings = await all_bookings(store)
    result = audit(bookings, propexo)
    print(f"SIGTERM: drained in {drained:.2f} s, left {dict(left)}; {result.summary()}")
    assert code == 0, first.output[-2000:]
    assert "sending" not in left and "unknown" not in left, left
    assert left["accepted"] > 0, "stopped before everything was sent"
    assert result.clean and result.states == {"confirmed": count}, result.summary()


async def test_claim_due_on_postgresql_claims_no_more_than_its_limit(postgres_url: str) -> None:
    async with Store.from_url(postgres_url) as store:
        await store.create_schema()
        # A table of past bookings, with statistics, then a burst: few rows look due.
        await add_bookings(store, 1000, "int_past")
        async with store.engine.begin() as connection:
            await connection.execute(
                update(BookingRow).values(state=BookingState.CONFIRMED.value, next_attempt_at=None)
            )
            await connection.execute(text("ANALYZE bookings"))
            # Statistics as they were before the burst, whatever autovacuum would do meanwhile.
            await connection.execute(text("ALTER TABLE bookings SET (autovacuum_enabled = off)"))
        await add_bookings(store, 300, "int_burst")
        claimed = [
            len(
                await store.claim_due(
                    BookingState.ACCEPTED,
                    lease=timedelta(seconds=90),
                    limit=limit,
                    to=BookingState.SENDING,
                )
            )
            for limit in (5, 32, 32)
        ]
        in_sending = (await states(store))["sending"]
    assert claimed == [5, 32, 32] and in_sending == 69, (claimed, in_sending)


async def test_attempts_that_never_reach_propexo_do_not_spend_its_budget(tmp_path: Path) -> None:
    count, budget = 30, 40
    port = free_port()  # Propexo down: nothing listens
    policy = DeliveryPolicy(rate_limit=budget, first_retry=0.2, max_retry=0.4)
    async with (
        SlackStandIn() as slack,
        Store.from_url(f"sqlite:///{tmp_path / 'tourbot.db'}") as store,
    ):
        await store.create_schema()
        await add_bookings(store, count, DEFAULT_INTEGRATION_ID)
        client = PropexoClient(f"http://127.0.0.1:{port}", DEFAULT_API_KEY, backoff=0.01)
        thread = SlackThread(AsyncWebClient(token="xoxb-down", base_url=slack.api_url), store)
        worker = Worker(store, client, thread, policy=policy)
        running = asyncio.create_task(worker.run())
        try:
            await asyncio.sleep(2.5)
            cut_off = await worker.stop(grace=2)
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            await client.aclose()
        async with store.engine.connect() as connection:
            spent = (await connection.execute(select(func.count(RateUnitRow.id)))).scalar_one()
        bookings = await all_bookings(store)
    queued = replies(slack, f"Propexo takes {budget} requests a minute")
    told = Counter(
        call.args.get("thread_ts") for call in slack.calls_to("chat.postMessage") if call.ok
    )
    print(
        f"Propexo down: budget spent {spent}, {cut_off} sends cut off by the stop, "
        f"{sum(queued.values())} 'queued' messages, "
        f"messages per thread {sorted(Counter(told.values()).items())}, "
        f"told last {dict(Counter(b.last_told for b in bookings))}"
    )
    # Only sends cut off by the stop itself (perhaps mid-request, so never refunded) may keep
    # their unit, until it frees itself; retries while down must give theirs back.
    assert spent <= cut_off, (spent, cut_off)
    assert not queued, "agents told their booking is queued behind others"


async def test_worker_stopped_by_sigterm_logs_no_error(slack: SlackStandIn, tmp_path: Path) -> None:
    with fast_propexo() as propexo:
        env = worker_env(
            slack_api_url=slack.api_url,
            propexo=propexo,
            database_url=f"sqlite:///{tmp_path / 'tourbot.db'}",
        )
        worker = WorkerProcess(env, tmp_path / "worker")
        try:
            await worker.wait_ready()
            code = await worker.terminate()
        finally:
            worker.kill()
    assert code == 0
    errors = [line for line in worker.output.splitlines() if " ERROR " in line]
    assert not errors, errors


async def test_booking_claimed_but_never_sent_is_sent_after_a_crash(tmp_path: Path) -> None:
    with fast_propexo() as propexo:
        async with (
            SlackStandIn() as slack,
            Store.from_url(f"sqlite:///{tmp_path / 'tourbot.db'}") as store,
        ):
            await store.create_schema()
            await add_bookings(store, 1, propexo.integration_id)
            # What a SIGKILL right after the claim leaves: `sending`, nothing sent, lease run out.
            [claimed] = await store.claim_due(
                BookingState.ACCEPTED,
                lease=timedelta(seconds=90),
                limit=1,
                to=BookingState.SENDING,
            )
            await expire_leases(store)
            client = PropexoClient(propexo.url, propexo.api_key)
            thread = SlackThread(
                AsyncWebClient(token="xoxb-restart", base_url=slack.api_url), store
            )
            worker = Worker(store, client, thread, policy=FAST_POLICY)
            running = asyncio.create_task(worker.run())
            try:
                await wait_until_settled(store, timeout=10)
                await worker.stop(grace=2)
            finally:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
                await client.aclose()
            booking = await store.get_booking(claimed.id)
    assert booking is not None
    sent = propexo.state.requests_to("POST", CREATE_PATH)
    assert sent or booking.state is not BookingState.UNKNOWN, "never sent, yet reported unknown"
    assert booking.state is BookingState.CONFIRMED
