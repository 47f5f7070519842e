"""The real bot server on a local port, against the Slack stand-in and the Propexo simulator.

The running stack lives in `bot.offline.runner` (the console uses it too); this adds the tests' fast
delivery policy and signing secret, and a SQLite file per test.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.delivery.steps import DeliveryPolicy
from bot.offline.propexo import SimulatorServer
from bot.offline.runner import RunningBot, offline_settings
from bot.offline.runner import running_bot as offline_bot
from bot.offline.slack import SlackStandIn
from bot.time.clock import Clock, clock_from, system_clock

__all__ = ["FAST_POLICY", "SIGNING_SECRET", "RunningBot", "manifest_scopes", "running_bot"]

SIGNING_SECRET = "test-signing-secret"
# A Wednesday morning in the stand-in agent's Chicago: "friday" is Fri, Nov 27 in any week the
# tests run, for the tests that assert on dates.
WEDNESDAY = clock_from(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/Chicago")))
FAST_POLICY = DeliveryPolicy(first_retry=0.05, max_retry=0.2, first_poll=0.1, max_poll=0.2)
MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"


def manifest_scopes() -> list[str]:
    """The bot scopes manifest.yml asks for: all an installed Tourbot may use."""
    manifest = yaml.safe_load(MANIFEST.read_text())
    return [str(scope) for scope in manifest["oauth_config"]["scopes"]["bot"]]


@contextlib.asynccontextmanager
async def running_bot(
    slack: SlackStandIn,
    propexo: SimulatorServer,
    database: Path,
    *,
    read_timeout: float = 1.0,
    policy: DeliveryPolicy = FAST_POLICY,
    clock: Clock = system_clock,
    copied: bool = True,
    **settings: Any,
) -> AsyncIterator[RunningBot]:
    """`copied`: yield once the first read of Propexo's lists has ended, as for a bot that has
    been running a while (False: at once, while it is still under way)."""
    config = offline_settings(
        slack,
        propexo,
        database_url=f"sqlite:///{database}",
        signing_secret=SIGNING_SECRET,
        **settings,
    )
    async with offline_bot(
        slack, propexo, config, policy=policy, read_timeout=read_timeout, clock=clock
    ) as bot:
        if copied:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(bot.tourbot.sync.round_ended.wait(), 10)
        yield bot
