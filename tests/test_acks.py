"""Work after an ack waits for the acks being answered, then goes one listener at a time."""

from __future__ import annotations

import asyncio

import pytest

from handlers import acks
from handlers.acks import AckGate, let_ack_leave


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
