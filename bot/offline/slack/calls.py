"""The record of every call the stand-in answered, and the waiting on it: tests wait for calls
(or anything else the stand-in records) to arrive instead of sleeping."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from bot.offline.slack.constants import Json
from bot.offline.slack.records import Call

T = TypeVar("T")


class CallsNotArrived(TimeoutError):
    """`wait_for` gave up: fewer calls of the method arrived than expected within the timeout."""


class CallLog:
    """Calls in the order answered, and the waiters to wake whenever something is recorded."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._calls: list[Call] = []
        self._waiters: list[Callable[[], None]] = []

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def response_posts(self, url: str | None = None) -> list[Json]:
        with self._lock:
            return [
                dict(call.args)
                for call in self._calls
                if call.method == "response_url"
                and (url is None or call.args["response_url"] == url)
            ]

    def record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)
        self.wake()

    def wake(self) -> None:
        """Let every waiter look again: something was recorded."""
        with self._lock:
            waiters = list(self._waiters)
        for wake in waiters:
            wake()

    async def wait_for(
        self, method: str, count: int, timeout: float, where: Callable[[Call], bool] | None
    ) -> list[Call]:
        def enough() -> list[Call] | None:
            found = self._matching(method, where)
            return found if len(found) >= count else None

        def gave_up() -> Exception:
            found = len(self._matching(method, where))
            return CallsNotArrived(self._not_arrived(method, count, found, timeout))

        return await self.until(enough, timeout, gave_up)

    async def until(
        self, found: Callable[[], T | None], timeout: float, gave_up: Callable[[], Exception]
    ) -> T:
        """What `found()` returns once it is not None, checked whenever the stand-in records
        something; raises `gave_up()` after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        changed = asyncio.Event()

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # the waiting loop has closed
                loop.call_soon_threadsafe(changed.set)

        deadline = loop.time() + timeout
        with self._lock:
            self._waiters.append(wake)
        try:
            while True:
                changed.clear()
                result = found()
                if result is not None:
                    return result
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise gave_up()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
        finally:
            with self._lock:
                self._waiters.remove(wake)

    def wait_for_blocking(
        self, method: str, count: int, timeout: float, where: Callable[[Call], bool] | None
    ) -> list[Call]:
        """`wait_for` for a thread other than the server's."""
        changed = threading.Event()
        deadline = time.monotonic() + timeout
        with self._lock:
            self._waiters.append(changed.set)
        try:
            while True:
                changed.clear()
                found = self._matching(method, where)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CallsNotArrived(self._not_arrived(method, count, len(found), timeout))
                changed.wait(remaining)
        finally:
            with self._lock:
                self._waiters.remove(changed.set)

    def _matching(self, method: str, where: Callable[[Call], bool] | None) -> list[Call]:
        return [c for c in self.calls_to(method) if where is None or where(c)]

    def _not_arrived(self, method: str, count: int, found: int, timeout: float) -> str:
        seen = ", ".join(c.method for c in self.calls) or "none"
        return (
            f"waited {timeout:g} s for {count} call(s) of {method}, {found} arrived; "
            f"calls so far: {seen}"
        )
