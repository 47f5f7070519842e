"""A service with an async start and stop, run on a thread of its own with its own event loop,
for synchronous callers (tests, the console, benchmarks) of the local stand-ins."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class LoopThread(Generic[T]):
    def __init__(
        self, name: str, start: Callable[[], Awaitable[T]], stop: Callable[[], Awaitable[object]]
    ) -> None:
        self.name = name
        self._start = start
        self._stop = stop
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> T:
        """Start the service on the new thread; its start's result, or its exception, here."""
        ready = threading.Event()
        outcome: list[T] = []
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                outcome.append(loop.run_until_complete(self._start()))
            except BaseException as exc:  # handed to the thread that called start()
                failure.append(exc)
                loop.close()
                return
            finally:
                ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self._stop())
                pending = asyncio.all_tasks(loop)
                for task in pending:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.close()

        thread = threading.Thread(target=serve, name=self.name, daemon=True)
        thread.start()
        ready.wait()
        if failure:
            thread.join()
            raise failure[0]
        self.loop, self._thread = loop, thread
        return outcome[0]

    @property
    def running(self) -> bool:
        return self._thread is not None

    def stop(self) -> None:
        loop, thread = self.loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self.loop = self._thread = None
