"""Fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.offline.propexo import SimulatorServer
from bot.offline.slack import SlackStandIn
from handlers.outbox import pace_channels
from handlers.pace import CHANNEL_RATE
from tests.harness import WEDNESDAY, RunningBot, manifest_scopes, running_bot


@pytest.fixture(autouse=True)
def unpaced_channels() -> Iterator[None]:
    """Threads built straight from a Slack client post as fast as the stand-in answers: it keeps
    no posting limit unless a test gives it one, and tests/delivery/test_slack_pace.py, which
    does, paces its own outboxes."""
    pace_channels(None)
    yield
    pace_channels(CHANNEL_RATE)


@pytest.fixture
def propexo_sim() -> Iterator[SimulatorServer]:
    """A fresh Propexo simulator on a free local port, tuned for fast tests: writes settle after
    0.2 s (or at once with `settle_writes()`) and the slowdown past 80 % of the budget is 50 ms."""
    with SimulatorServer(settle=0.2, slowdown=0.05) as sim:
        yield sim


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    """Slack's Web API, played on a local port in the test's event loop, granting the bot what
    manifest.yml asks for: a call that needs more is refused, as Slack would."""
    async with SlackStandIn(scopes=manifest_scopes()) as stand_in:
        yield stand_in


@pytest.fixture
async def bot(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """The real bot server on a local port, against both, storing in a fresh SQLite file."""
    async with running_bot(slack, propexo_sim, tmp_path / "tourbot.db") as running:
        yield running


@pytest.fixture
async def on_wednesday(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """The bot, reading times from WEDNESDAY, for tests that assert on dates."""
    async with running_bot(slack, propexo_sim, tmp_path / "tourbot.db", clock=WEDNESDAY) as running:
        yield running
