"""Letting acks leave before the work that follows them.

In HTTP mode Bolt sends an ack when its runner next looks (every 10 ms); a listener that goes
straight on to build a view or post a thread keeps the event loop, and under a burst every other
request's ack waits behind that work. So the server counts the Slack requests it is answering,
and work after an ack waits until none is left, then goes one listener at a time.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

ACK_FLUSH = 0.02  # without a gate (Socket Mode): two of Bolt's 10 ms looks
MAX_HOLD = 1.0  # seconds work waits for other acks before it goes anyway; a trigger_id lives 3 s


class AckGate:
    """The Slack requests one server is answering, and the work waiting for them to be sent."""

    def __init__(self) -> None:
        self._answering = 0
        self._waiting: deque[tuple[float, asyncio.Future[None]]] = deque()  # (due, turn)
        self._going = False  # one was let go and has not yet run its first stretch of work

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Around a request, from its arrival until its response is handed back."""
        self._answering += 1
        token = _GATE.set(self)  # Bolt runs the listener in a task that inherits this
        try:
            yield
        finally:
            _GATE.reset(token)
            self._answering -= 1
            self._let_one_go()

    async def after_acks(self) -> None:
        """Return once no request is being answered, or once MAX_HOLD has passed."""
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[None] = loop.create_future()
        self._waiting.append((loop.time() + MAX_HOLD, turn))
        timer = loop.call_later(MAX_HOLD, self._let_one_go)
        self._let_one_go()
        try:
            await turn
        finally:
            timer.cancel()
            if turn.done() and not turn.cancelled():
                loop.call_soon(self._gone)  # the next goes after this one's first stretch

    def _gone(self) -> None:
        self._going = False
        self._let_one_go()

    def _let_one_go(self) -> None:
        """One at a time, even when many are overdue: a crowd let go at once is a stall."""
        while self._waiting and self._waiting[0][1].done():  # given up (cancelled)
            self._waiting.popleft()
        if self._going or not self._waiting:
            return
        due, turn = self._waiting[0]
        if self._answering and asyncio.get_running_loop().time() < due:
            return
        self._waiting.popleft()
        self._going = True
        turn.set_result(None)


_GATE: ContextVar[AckGate | None] = ContextVar("ack_gate", default=None)


async def yield_to_acks() -> None:
    """Between later stretches of work after an ack: wait while Slack requests are being
    answered. Outside a request (no gate known) it does not wait."""
    gate = _GATE.get()
    if gate is not None:
        await gate.after_acks()


async def let_ack_leave() -> None:
    """Wait until this request's ack, and any other being answered, has gone."""
    gate = _GATE.get()
    if gate is None:
        await asyncio.sleep(ACK_FLUSH)
    else:
        await gate.after_acks()
