"""`tourbot serve`: the Slack app over HTTP on $PORT (the Procfile's web process)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from aiohttp import web

from bot.app import build_app, slack_client
from bot.server import (
    configure_logging_for,
    keep_start_up_out_of_collections,
    settings_or_none,
    slack_session,
    slack_token_problem,
    web_app,
)
from bot.settings import Settings
from bot.store import StoreUnavailable
from bot.tourbot import Tourbot

logger = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the Slack app over HTTP on $PORT (POST /slack/events, GET /healthz)",
        description="Run the Slack app over HTTP: Slack posts to POST /slack/events (signatures "
        "checked), load balancers ask GET /healthz. Needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET "
        "and the Propexo settings; bookings are delivered in the same process unless "
        "RUN_WORKER=false.",
    )
    serve.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to bind (default $PORT, then 3000)")
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    settings = settings_or_none("http", "propexo")
    if settings is None:
        return 2
    configure_logging_for(settings)
    problem = asyncio.run(_slack_problem(settings))
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    tourbot = Tourbot.from_settings(settings)
    app = web_app(tourbot, build_app(tourbot))
    app.on_startup.append(keep_start_up_out_of_collections)
    port = args.port or settings.port
    try:
        web.run_app(
            app,
            host=args.host,
            port=port,
            print=lambda _: logger.info("Tourbot listening on http://%s:%s", args.host, port),
            access_log=None,
        )
    except StoreUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


async def _slack_problem(settings: Settings) -> str | None:
    """Asked once before listening, so a wrong token or an unreachable Slack is one sentence at
    start rather than a failure on an agent's first /tour."""
    assert settings.slack_bot_token is not None
    client = slack_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    client.session = session = slack_session()
    try:
        return await slack_token_problem(client, settings.slack_api_url)
    finally:
        await session.close()
