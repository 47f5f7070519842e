"""Work after an ack waits for the acks being answered, then goes one listener at a time;
deliveries wait the same way."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.worker import Worker
from bot.offline.propexo import SimulatorServer
from bot.offline.slack import SlackStandIn
from bot.propexo.client import PropexoClient
from bot.store import Store
from handlers import acks
from handlers.acks import AckGate, let_ack_leave
from handlers.thread import SlackThread
from tests.harness import FAST_POLICY
from tests.reliability_kit import add_bookings

CREATE = ("POST", "/crm/v1/appointments/eliseai")


async def after_ack(gate: AckGate, log: list[str], name: str) -> None:
    """A listener's work after its ack: a first stretch, then a wait, then the rest."""
    with gate.answering():
        task = asyncio.create_task(work(log, name))  # as Bolt runs a listener
        await asyncio.sleep(0)
    await task


async def work(log: list[str], name: str) -> None:
    await let_ack_leave()
    log.append(f"{name} starts")
    await asyncio.sleep(0)
    log.append(f"{name} goes on")


async def test_work_waits_while_a_request_is_being_answered() -> None:
    gate, log = AckGate(), list[str]()
    with gate.answering():
        waiting = asyncio.create_task(after_ack(gate, log, "a"))
        await asyncio.sleep(0.05)
        assert log == []  # another request is still being answered
    await waiting
    assert log == ["a starts", "a goes on"]


async def test_waiting_work_goes_one_listener_at_a_time() -> None:
    gate, log = AckGate(), list[str]()
    with gate.answering():
        tasks = [asyncio.create_task(after_ack(gate, log, name)) for name in "abc"]
        await asyncio.sleep(0.01)
    await asyncio.gather(*tasks)
    # Each one's first stretch runs before the next one is let go.
    assert log.index("a starts") < log.index("b starts") < log.index("c starts")
    assert log.index("a goes on") < log.index("c starts")


async def test_work_held_too_long_goes_anyway_still_one_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(acks, "MAX_HOLD", 0.05)
    gate, log = AckGate(), list[str]()
    with gate.answering():
        tasks = [asyncio.create_task(after_ack(gate, log, name)) for name in "ab"]
        await asyncio.sleep(0.2)
        assert log.index("a starts") < log.index("a goes on") < log.index("b starts")
    await asyncio.gather(*tasks)


async def test_work_that_gives_up_waiting_does_not_hold_up_the_rest() -> None:
    gate, log = AckGate(), list[str]()
    with gate.answering():
        gone = asyncio.create_task(after_ack(gate, log, "a"))
        kept = asyncio.create_task(after_ack(gate, log, "b"))
        await asyncio.sleep(0.01)
        gone.cancel()
    await kept
    assert log == ["b starts", "b goes on"]


async def test_without_a_gate_work_waits_a_moment_for_bolt_to_send_the_ack() -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    await let_ack_leave()
    assert loop.time() - started >= acks.ACK_FLUSH * 0.9


async def test_deliveries_wait_while_slack_requests_are_being_answered(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    gate = AckGate()
    async with Store.from_url(f"sqlite:///{tmp_path / 'tourbot.db'}") as store:
        await store.create_schema()
        await add_bookings(store, 3, propexo_sim.integration_id)
        client = PropexoClient(propexo_sim.url, propexo_sim.api_key)
        thread = SlackThread(
            AsyncWebClient(token="xoxb-t", base_url=slack.api_url), store, pause=gate.after_acks
        )
        worker = Worker(store, client, thread, policy=FAST_POLICY, pause=gate.after_acks)
        try:
            with gate.answering():  # a request arrives before the worker's first round
                running = asyncio.create_task(worker.run())
                await asyncio.sleep(0.5)  # well within the gate's hold
                assert propexo_sim.state.requests_to(*CREATE) == []
                assert slack.calls_to("chat.postMessage") == []
            for _ in range(100):  # answered: deliveries go on
                if len(propexo_sim.state.appointments) == 3:
                    break
                await asyncio.sleep(0.05)
            assert len(propexo_sim.state.appointments) == 3
        finally:
            await worker.stop(grace=2)
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            await client.aclose()
