"""The real bot server on a local port, against the Slack stand-in and the Propexo simulator."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from bot.app import build_app
from bot.delivery import DeliveryPolicy
from bot.propexo.client import PropexoClient
from bot.propexo.simulator import SimulatorServer
from bot.server import web_app
from bot.settings import Settings
from bot.slack_stand_in import SlackStandIn
from bot.store import Store
from bot.tourbot import Tourbot
from tests.slack_agent import SlackAgent

SIGNING_SECRET = "test-signing-secret"
FAST_POLICY = DeliveryPolicy(first_retry=0.05, max_retry=0.2, first_poll=0.1, max_poll=0.2)


@dataclass
class RunningBot:
    url: str
    tourbot: Tourbot
    slack: SlackStandIn
    propexo: SimulatorServer
    agent: SlackAgent
    http: httpx.AsyncClient


@contextlib.asynccontextmanager
async def running_bot(
    slack: SlackStandIn,
    propexo: SimulatorServer,
    database: Path,
    *,
    read_timeout: float = 1.0,
    policy: DeliveryPolicy = FAST_POLICY,
    **settings: Any,
) -> AsyncIterator[RunningBot]:
    config = Settings(
        _env_file=None,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        propexo_base_url=propexo.url,
        propexo_api_key=propexo.api_key,
        propexo_integration_id=propexo.integration_id,
        database_url=f"sqlite:///{database}",
        **settings,
    )
    tourbot = Tourbot(
        config,
        store=Store.from_url(config.database_url),
        propexo=PropexoClient(
            propexo.url,
            propexo.api_key,
            connect_timeout=0.5,
            read_timeout=read_timeout,
            backoff=0.01,
            rate_window=1.0,
        ),
        policy=policy,
    )
    runner = web.AppRunner(web_app(tourbot, build_app(tourbot)))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(timeout=10) as http:
        agent = SlackAgent(
            http, events_url=f"{url}/slack/events", signing_secret=SIGNING_SECRET, slack=slack
        )
        try:
            yield RunningBot(url, tourbot, slack, propexo, agent, http)
        finally:
            await runner.cleanup()
