"""Every Propexo request passes the shared budget: the client's gate, over real sockets against
the simulator, and the gate backed by the store (SQLite here; the store's budget itself is
tested on PostgreSQL too in test_store_queue)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.budget import SharedBudget
from bot.delivery.steps import DeliveryPolicy
from bot.delivery.worker import Worker
from bot.offline.propexo import SimulatorServer
from bot.offline.slack import SlackStandIn
from bot.propexo import PropexoUnavailable
from bot.propexo.client import PropexoClient, prepaid
from bot.store import BookingState, Store
from bot.store.store import BudgetUnit
from handlers.thread import SlackThread
from tests.harness import FAST_POLICY
from tests.propexo.test_client import BODY, CREATE, client_for
from tests.reliability_kit import add_bookings


class RecordingGate:
    """A gate that lets everything through and writes down what passed."""

    def __init__(self) -> None:
        self.entered = 0
        self.left: list[bool] = []

    async def enter(self) -> int:
        self.entered += 1
        return self.entered

    async def leave(self, ticket: object, *, arrived: bool) -> None:
        self.left.append(arrived)


@pytest.fixture
async def gated(propexo_sim: SimulatorServer) -> tuple[PropexoClient, RecordingGate]:
    client = client_for(propexo_sim)
    client.gate = RecordingGate()
    return client, client.gate


async def test_each_attempt_passes_the_gate(
    gated: tuple[PropexoClient, RecordingGate], propexo_sim: SimulatorServer
) -> None:
    client, gate = gated
    async with client:
        await client.list_communities(propexo_sim.integration_id)
        assert (gate.entered, gate.left) == (1, [True])
        propexo_sim.add_fault(CREATE, "status", status=429)
        await client.create_appointment(BODY)  # refused once, then accepted: two arrivals
        assert (gate.entered, gate.left) == (3, [True, True, True])


async def test_a_paid_request_passes_free_but_its_retries_do_not(
    gated: tuple[PropexoClient, RecordingGate], propexo_sim: SimulatorServer
) -> None:
    client, gate = gated
    async with client:
        with prepaid():
            await client.create_appointment(BODY)
        assert gate.entered == 0
        propexo_sim.add_fault(CREATE, "status", status=429)
        with prepaid():
            await client.create_appointment(BODY)
        assert (gate.entered, gate.left) == (1, [True])  # the attempt after the 429


async def test_a_request_that_never_left_is_given_back() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    gate = RecordingGate()
    async with PropexoClient(
        f"http://127.0.0.1:{port}", "key", connect_timeout=0.2, retries=1, backoff=0.01
    ) as client:
        client.gate = gate
        with pytest.raises(PropexoUnavailable):
            await client.list_communities()
    assert gate.left == [False, False]  # refused connections: never reached Propexo


async def test_the_shared_gate_waits_for_a_free_unit(tmp_path: Path) -> None:
    async with Store.from_url(f"sqlite:///{tmp_path / 'budget.db'}") as store:
        await store.create_schema()
        budget = SharedBudget(store, limit=2)
        first, second = await budget.enter(), await budget.enter()
        assert isinstance(first, BudgetUnit) and isinstance(second, BudgetUnit)
        waiting = asyncio.create_task(budget.enter())
        await asyncio.sleep(0.3)
        assert not waiting.done()  # both units count: the third request waits
        await budget.leave(first, arrived=False)  # never reached Propexo: free again
        third = await asyncio.wait_for(waiting, 5)
        assert isinstance(third, BudgetUnit)
        await budget.leave(second, arrived=True)
        await budget.leave(third, arrived=True)


async def test_a_caller_cancelled_mid_write_leaves_no_unit_spent(tmp_path: Path) -> None:
    async with Store.from_url(f"sqlite:///{tmp_path / 'budget.db'}") as store:
        await store.create_schema()
        budget = SharedBudget(store, limit=1)
        cancelled = 0
        for delay in (0, 0.0005, 0.001, 0.002, 0.005):
            # Cancelled while taking: a unit it got meanwhile goes straight back.
            entering = asyncio.create_task(budget.enter())
            await asyncio.sleep(delay)
            entering.cancel()
            try:
                taken = await entering
            except asyncio.CancelledError:
                cancelled += 1
            else:  # it had its unit before the cancellation came
                await budget.leave(taken, arrived=False)
            unit = await asyncio.wait_for(budget.enter(), 0.5)  # the only unit is free
            # Cancelled while giving back: the write still finishes before the caller stops.
            leaving = asyncio.create_task(budget.leave(unit, arrived=False))
            await asyncio.sleep(delay)
            leaving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await leaving
            again = await asyncio.wait_for(budget.enter(), 0.5)
            await budget.leave(again, arrived=False)
        assert cancelled >= 1  # at least the one cancelled before it started


class CountingStore(Store):
    """The real store, counting how often the budget is asked."""

    asked = 0

    async def take_budget(self, limit: int, **kwargs: Any) -> BudgetUnit | datetime:
        self.asked += 1
        return await super().take_budget(limit, **kwargs)


async def test_a_round_of_sends_asks_a_spent_budget_once(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    engine = Store.from_url(f"sqlite:///{tmp_path / 'budget.db'}").engine
    async with CountingStore(engine) as store:
        await store.create_schema()
        await add_bookings(store, 10, propexo_sim.integration_id)
        policy = DeliveryPolicy(**{**FAST_POLICY.__dict__, "rate_limit": 1})
        client = PropexoClient(propexo_sim.url, propexo_sim.api_key)
        thread = SlackThread(AsyncWebClient(token="xoxb-t", base_url=slack.api_url), store)
        worker = Worker(store, client, thread, policy=policy)
        assert await worker.run_once() == 10  # one send, nine queued behind it
        await asyncio.wait_for(worker.stop(grace=5), 10)
        await client.aclose()
        queued = [b for b in await store.bookings_in_state(BookingState.ACCEPTED)]
    assert len(propexo_sim.state.requests_to("POST", "/crm/v1/appointments/eliseai")) == 1
    assert len(queued) == 9 and all(b.last_told == "queued" for b in queued)
    assert store.asked == 2  # the unit granted, then "spent until …" once for the nine
