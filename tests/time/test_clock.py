"""The clock time words are read from: the system's, or one started elsewhere that runs on."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.time.clock import clock_from, system_clock


def test_a_clock_started_elsewhere_reads_its_start_then_runs_on() -> None:
    start = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    clock = clock_from(start)
    first = clock()
    assert timedelta(0) <= first - start < timedelta(seconds=1)
    time.sleep(0.05)
    assert clock() - first >= timedelta(seconds=0.05)


def test_the_system_clock_is_utc_now() -> None:
    assert abs(system_clock() - datetime.now(UTC)) < timedelta(seconds=1)
    assert system_clock().tzinfo is UTC


def test_a_start_without_an_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a UTC offset"):
        clock_from(datetime(2026, 11, 25, 15, 0))
