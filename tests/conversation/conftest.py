"""The bot these conversation tests talk to: its clock on a Wednesday, with a default community,
so conversations need no community question."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.offline.propexo import SimulatorServer
from bot.offline.slack import SlackStandIn
from tests.harness import WEDNESDAY, RunningBot, running_bot


@pytest.fixture
async def chat(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """The bot with a default community, so conversations need no community question."""
    async with running_bot(
        slack,
        propexo_sim,
        tmp_path / "tourbot.db",
        clock=WEDNESDAY,
        propexo_community_id="cmty_maple_court",
    ) as running:
        yield running
