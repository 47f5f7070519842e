"""The whole bot on 127.0.0.1: the real aiohttp server around the Bolt app, talking to the Slack
stand-in and the Propexo simulator, driven by a `SlackAgent`. The console and the tests run it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from aiohttp import web

from bot.app import build_app
from bot.delivery.steps import DeliveryPolicy
from bot.offline.agent import SlackAgent
from bot.offline.propexo import SimulatorServer
from bot.offline.slack import SlackStandIn
from bot.propexo.client import PropexoClient
from bot.server import web_app
from bot.settings import Settings
from bot.store import Store
from bot.time.clock import Clock, system_clock
from bot.tourbot import Tourbot


@dataclass
class RunningBot:
    url: str
    tourbot: Tourbot
    slack: SlackStandIn
    propexo: SimulatorServer
    agent: SlackAgent
    http: httpx.AsyncClient


def offline_settings(
    slack: SlackStandIn,
    propexo: SimulatorServer,
    *,
    database_url: str,
    signing_secret: str,
    env_file: str | None = None,
    **settings: Any,
) -> Settings:
    """Settings that point every outside service at the local stand-ins; the environment (and
    `env_file`) still supply the rest. Raises pydantic's ValidationError for bad values."""
    # The stand-in keeps no posting limit unless given one (SlackStandIn.limit_channels), so
    # there is no pace to keep, unless asked for.
    settings.setdefault("slack_channel_rate", 0.0)
    return Settings(
        _env_file=env_file,
        slack_bot_token="xoxb-offline-token",
        slack_signing_secret=signing_secret,
        slack_api_url=slack.api_url,
        propexo_base_url=propexo.url,
        propexo_api_key=propexo.api_key,
        propexo_integration_id=propexo.integration_id,
        database_url=database_url,
        **settings,
    )


@contextlib.asynccontextmanager
async def running_bot(
    slack: SlackStandIn,
    propexo: SimulatorServer,
    config: Settings,
    *,
    policy: DeliveryPolicy,
    read_timeout: float = 1.0,
    clock: Clock = system_clock,
) -> AsyncIterator[RunningBot]:
    """Serve the bot on a free local port until the block ends; the agent signs with the
    configured signing secret. `clock` is the moment time words are read from."""
    assert config.slack_signing_secret is not None
    tourbot = Tourbot(
        config,
        store=Store.from_url(config.database_url),
        propexo=PropexoClient(
            propexo.url,
            propexo.api_key,
            connect_timeout=0.5,
            read_timeout=read_timeout,
            backoff=0.01,
            # The simulator's budget is never near its end here; a short window keeps a 429's
            # wait to about a second instead of a minute.
            rate_window=1.0,
        ),
        policy=policy,
        clock=clock,
    )
    runner = web.AppRunner(web_app(tourbot, build_app(tourbot)))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(timeout=10) as http:
        agent = SlackAgent(
            http,
            events_url=f"{url}/slack/events",
            signing_secret=config.slack_signing_secret.get_secret_value(),
            slack=slack,
        )
        try:
            yield RunningBot(url, tourbot, slack, propexo, agent, http)
        finally:
            await runner.cleanup()
