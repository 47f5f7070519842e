"""Which listeners are still at work after their ack, so a shutdown can let them finish.

Bolt acks first and runs the rest of a listener (opening a modal, storing a zone, answering in a
thread) as a task of its own that nothing waits for; stopping mid-way would cut a database
transaction or a Slack call in half.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.listener.async_listener_completion_handler import AsyncListenerCompletionHandler
from slack_bolt.listener.async_listener_start_handler import AsyncListenerStartHandler


class ListenerWork:
    def __init__(self) -> None:
        self.running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def watch(self, app: AsyncApp) -> None:
        """Count `app`'s listeners in and out (through Bolt's start and completion hooks)."""
        runner = app.listener_runner
        runner.listener_start_handler = _Started(self)
        runner.listener_completion_handler = _Finished(self)

    async def finished(self) -> None:
        """Return once no listener is at work (one that was just acked has started by then)."""
        await asyncio.sleep(0)
        await self._idle.wait()

    def _change(self, by: int) -> None:
        self.running += by
        if self.running > 0:
            self._idle.clear()
        else:
            self._idle.set()


class _Started(AsyncListenerStartHandler):
    def __init__(self, work: ListenerWork) -> None:
        self.work = work

    async def handle(self, request: Any, response: Any) -> None:
        self.work._change(+1)


class _Finished(AsyncListenerCompletionHandler):
    def __init__(self, work: ListenerWork) -> None:
        self.work = work

    async def handle(self, request: Any, response: Any) -> None:
        self.work._change(-1)
