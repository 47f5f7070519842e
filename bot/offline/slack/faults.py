"""Misbehaviour on demand: the faults a test asks for (errors, 429s, 5xx pages, delays) and which
call each one hits, so the bot's handling of a flaky Slack can be exercised."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["error", "ratelimited", "server_error", "delay"]

SERVER_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>Server Error | Slack</title></head>"
    "<body><h1>Server Error</h1><p>It seems like there's a problem connecting to our servers."
    "</p></body></html>"
)


@dataclass
class Fault:
    """A misbehaviour for calls of `method` ("*": any method).

    - `error`: answer HTTP 200 `{"ok": false, "error": error}`.
    - `ratelimited`: answer HTTP 429 `{"ok": false, "error": "ratelimited"}` with `Retry-After`.
    - `server_error`: answer `status` (5xx) with Slack's HTML error page.
    - `delay`: wait `seconds`, then answer normally (other faults still apply).

    `times` is how many calls it hits; None means every call until `clear_faults()`.
    """

    method: str
    kind: FaultKind
    error: str = "internal_error"
    times: int | None = 1
    retry_after: int = 1
    status: int = 503
    seconds: float = 0.0
    hits: int = 0

    @property
    def spent(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str) -> bool:
        return self.method in ("*", method) and not self.spent


class Faults:
    """The faults asked for, in order; the first that matches a call hits it."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._faults: list[Fault] = []

    def snapshot(self) -> list[Fault]:
        """A copy of the faults asked for, spent ones included."""
        with self._lock:
            return list(self._faults)

    def fail(self, method: str, error: str, *, times: int | None) -> Fault:
        return self.add(Fault(method=method, kind="error", error=error, times=times))

    def rate_limit(self, method: str, *, retry_after: int, times: int | None) -> Fault:
        return self.add(
            Fault(
                method=method,
                kind="ratelimited",
                error="ratelimited",
                times=times,
                retry_after=retry_after,
            )
        )

    def server_error(self, method: str, *, status: int, times: int | None) -> Fault:
        return self.add(Fault(method=method, kind="server_error", status=status, times=times))

    def delay(self, method: str, seconds: float, *, times: int | None) -> Fault:
        return self.add(Fault(method=method, kind="delay", seconds=seconds, times=times))

    def add(self, fault: Fault) -> Fault:
        if fault.times is not None and fault.times < 1:
            raise ValueError("times must be at least 1, or None for every call")
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, kinds: Iterable[FaultKind]) -> Fault | None:
        """The first live fault of one of `kinds` for `method`, counted as hit; None if none."""
        wanted = set(kinds)
        with self._lock:
            for fault in self._faults:
                if fault.kind in wanted and fault.matches(method):
                    fault.hits += 1
                    return fault
        return None
