"""`tourbot socket`: the same Slack app over Socket Mode, for a workspace with no public URL."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_app
from bot.server import configure_logging_for, settings_or_none, slack_session
from bot.store import StoreUnavailable
from bot.tourbot import Tourbot
from handlers.thread import SlackThread

logger = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    socket = commands.add_parser(
        "socket",
        help="run the Slack app over Socket Mode",
        description="Run the same Slack app over Socket Mode, for a workspace with no public "
        "URL: Tourbot dials Slack instead. Needs SLACK_BOT_TOKEN, SLACK_APP_TOKEN (xapp-, with "
        "connections:write) and the Propexo settings.",
    )
    socket.set_defaults(run=run_socket)


def run_socket(args: argparse.Namespace) -> int:
    """Take Slack's work over Socket Mode until SIGTERM or Ctrl-C, then drain; 1 when Slack
    cannot be reached or refuses the app token."""
    settings = settings_or_none("socket", "propexo")
    if settings is None:
        return 2
    configure_logging_for(settings)
    assert settings.slack_app_token is not None
    app_token = settings.slack_app_token.get_secret_value()

    async def main() -> int:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        tourbot = Tourbot.from_settings(settings)
        bolt = build_app(tourbot)
        bolt.client.session = session = slack_session()
        problem = await _socket_mode_problem(bolt.client, app_token, settings.slack_api_url)
        if problem is not None:
            print(problem, file=sys.stderr)
            await session.close()
            return 1
        try:
            await tourbot.start(SlackThread(bolt.client, tourbot.store))
        except StoreUnavailable as exc:
            print(exc, file=sys.stderr)
            await session.close()
            return 1
        handler = AsyncSocketModeHandler(bolt, app_token)
        logger.info("Tourbot connecting to Slack over Socket Mode")
        connecting = asyncio.create_task(handler.connect_async())  # type: ignore[no-untyped-call]
        await stop.wait()
        logger.info("stopping: closing the Slack connection, finishing deliveries under way")
        connecting.cancel()
        await handler.close_async()  # type: ignore[no-untyped-call]
        await tourbot.close()
        await session.close()
        return 0

    return asyncio.run(main())


async def _socket_mode_problem(client: AsyncWebClient, app_token: str, api_url: str) -> str | None:
    """Why Socket Mode cannot start, in a sentence; None when Slack issues a connection URL.
    Asked once up front: slack-sdk retries a refused token forever, a traceback each time."""
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        return (
            f"Slack refused SLACK_APP_TOKEN ({exc.response.get('error')}): use an app-level "
            "token with the connections:write scope, from Basic Information > App-Level Tokens "
            "of the same app as SLACK_BOT_TOKEN."
        )
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"Tourbot could not reach Slack at {api_url}: {exc or type(exc).__name__}."
    return None
