"""`tourbot worker`: delivers bookings only, beside servers started with RUN_WORKER=false."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.app import slack_client
from bot.server import configure_logging_for, settings_or_none, slack_session
from bot.store import StoreUnavailable
from bot.tourbot import Tourbot
from handlers.outbox import drain_outboxes, pace_channels
from handlers.thread import SlackThread

logger = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = commands.add_parser(
        "worker",
        help="deliver bookings only (beside servers started with RUN_WORKER=false)",
        description="Deliver stored bookings to Propexo and report in their threads, with no "
        "Slack endpoint: run beside `tourbot serve` processes started with RUN_WORKER=false. "
        "Needs SLACK_BOT_TOKEN, the Propexo settings and the same DATABASE_URL.",
    )
    worker.set_defaults(run=run_worker)


def run_worker(args: argparse.Namespace) -> int:
    """Deliver bookings until SIGTERM or Ctrl-C, then drain."""
    settings = settings_or_none("slack", "propexo")
    if settings is None:
        return 2
    configure_logging_for(settings)

    async def main() -> int:
        assert settings.slack_bot_token is not None
        client = slack_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
        client.session = slack_session()
        tourbot = Tourbot.from_settings(settings.model_copy(update={"run_worker": True}))
        pace_channels(settings.slack_channel_rate or None)
        tourbot.finish_before_closing(drain_outboxes)  # updates still queued for Slack go first
        try:
            await tourbot.start(SlackThread(client, tourbot.store), lookups=False)
        except StoreUnavailable as exc:
            print(exc, file=sys.stderr)
            if client.session is not None:
                await client.session.close()
            return 1
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        logger.info("Tourbot worker delivering bookings from %s", _where(settings.database_url))
        await stop.wait()
        logger.info("stopping: finishing deliveries under way")
        await tourbot.close()
        if client.session is not None:
            await client.session.close()
        return 0

    return asyncio.run(main())


def _where(database_url: str) -> str:
    return database_url.split("@")[-1]  # never the password
