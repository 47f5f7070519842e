"""Delivery through the worker when Propexo answers oddly: slowly a byte at a time, with a
redirect, with 429s, with a job id longer than any column would guess; what the agent hears."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

from bot.delivery.worker import Worker
from bot.offline.propexo import DEFAULT_API_KEY, SimulatorServer
from bot.offline.slack import SlackStandIn
from bot.propexo.client import PropexoClient
from bot.store import BookingState, Store
from tests.delivery.test_delivery import (
    CREATE,
    CREATE_PATH,
    open_thread,
    sqlite_store,
    thread_for,
    thread_of,
    until,
)
from tests.harness import FAST_POLICY
from tests.reliability_kit import add_bookings
from tests.store.store_kit import postgres_store


@contextlib.asynccontextmanager
async def delivering(
    store: Store, slack: SlackStandIn, sim: SimulatorServer, **client: float
) -> AsyncIterator[Worker]:
    """A worker in this loop, its Propexo client made with `client`'s test-sized options."""
    options: dict[str, float] = {"connect_timeout": 0.5, "backoff": 0.01, **client}
    propexo = PropexoClient(sim.url, DEFAULT_API_KEY, **options)  # type: ignore[arg-type]
    worker = Worker(store, propexo, thread_for(store, slack), policy=FAST_POLICY)
    running = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        await worker.stop(grace=0.5)
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await propexo.aclose()


async def test_an_answer_dripping_a_byte_at_a_time_is_told_unknown_within_the_deadline(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    propexo_sim.add_fault(CREATE, "drip", seconds=0.2)  # each read gets a byte in time
    async with sqlite_store(tmp_path) as store:
        [booking_id] = await add_bookings(store, 1, propexo_sim.integration_id)
        await open_thread(store, slack, booking_id)
        started = time.monotonic()
        async with delivering(store, slack, propexo_sim, read_timeout=0.5, deadline=1.0):
            left = await until(store, booking_id, lambda b: b.last_told == "unknown")
            heard = time.monotonic() - started
        [told] = thread_of(slack, left)
    assert heard < 3.0  # the deadline, not the drip (the answer takes minutes to drip)
    assert left.state is BookingState.UNKNOWN
    assert told.text.startswith(
        "I sent this booking but can't tell whether Propexo booked it (no whole answer within "
        "1 s). Check EliseAI for this tour"
    )
    assert len(propexo_sim.state.requests_to("POST", CREATE_PATH)) == 1


async def test_a_redirect_fails_the_booking_as_a_settings_problem(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    login = "https://app.propexo.com/login"
    propexo_sim.add_fault(CREATE, "redirect", status=302, message=login)
    async with sqlite_store(tmp_path) as store:
        [booking_id] = await add_bookings(store, 1, propexo_sim.integration_id)
        await open_thread(store, slack, booking_id)
        async with delivering(store, slack, propexo_sim):
            left = await until(store, booking_id, lambda b: b.last_told == "failed")
        [told] = thread_of(slack, left)
    assert left.state is BookingState.FAILED
    assert told.text == (
        f"Propexo answered with a redirect to {login} (HTTP 302), so Tourbot is not talking to "
        "Propexo's API and nothing was booked. Ask whoever runs Tourbot to check "
        "PROPEXO_BASE_URL."
    )
    assert "refused this booking" not in told.text
    assert propexo_sim.state.appointments == []


async def test_429s_in_a_row_are_told_waiting_at_once(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    propexo_sim.add_fault(CREATE, "status", status=429, times=3)
    async with sqlite_store(tmp_path) as store:
        [booking_id] = await add_bookings(store, 1, propexo_sim.integration_id)
        await open_thread(store, slack, booking_id)
        # Propexo's window is a minute; 5 s here is long enough to tell "at once" from "after".
        started = time.monotonic()
        async with delivering(store, slack, propexo_sim, rate_window=5.0):
            left = await until(store, booking_id, lambda b: b.last_told == "waiting")
            heard = time.monotonic() - started
            creates = propexo_sim.state.requests_to("POST", CREATE_PATH)
            [told] = thread_of(slack, left)
    assert [r.status for r in creates] == [429]  # heard before the client tried again
    assert left.state is BookingState.SENDING  # the client is still at it
    assert told.text.startswith(
        "Propexo is turning requests away right now (its rate limit is used up), so nothing is "
        "booked yet. I'll try again at "
    )
    assert heard < 2.0


async def test_a_job_id_of_any_length_is_stored_on_postgresql(
    slack: SlackStandIn, propexo_sim: SimulatorServer
) -> None:
    job_id = "job_" + "7" * 296
    propexo_sim.add_fault(CREATE, "job_id", message=job_id)
    async with postgres_store() as store:
        [booking_id] = await add_bookings(store, 1, propexo_sim.integration_id)
        await open_thread(store, slack, booking_id)
        async with delivering(store, slack, propexo_sim):
            left = await until(store, booking_id, lambda b: b.last_told == "confirmed")
        told = [message.text for message in thread_of(slack, left)]
    assert (left.state, left.job_id) == (BookingState.CONFIRMED, job_id)
    assert told == [
        f"Submitted to EliseAI (Propexo job `{job_id}`). Waiting for it to confirm…",
        "Confirmed in EliseAI.",
    ]
