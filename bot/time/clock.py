"""The moment an agent's words are read from: "tomorrow" and "friday" count from it.

Production reads the system's clock; the console's `--now` and the tests start it elsewhere, so a
scripted session reads the same days whenever it is played.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def clock_from(start: datetime) -> Clock:
    """A clock that reads `start` now and runs on from there at the system's pace."""
    if start.tzinfo is None:
        raise ValueError("a clock's start needs a UTC offset or a zone")
    offset = start - system_clock()
    return lambda: system_clock() + offset
