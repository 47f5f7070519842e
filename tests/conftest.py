"""Fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.propexo.simulator import SimulatorServer


@pytest.fixture
def propexo_sim() -> Iterator[SimulatorServer]:
    """A fresh Propexo simulator on a free local port, tuned for fast tests: writes settle after
    0.2 s (or at once with `settle_writes()`) and the slowdown past 80 % of the budget is 50 ms."""
    with SimulatorServer(settle=0.2, slowdown=0.05) as sim:
        yield sim
