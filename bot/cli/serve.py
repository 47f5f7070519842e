"""`tourbot serve`: the Slack app over HTTP on $PORT (the Procfile's web process)."""

from __future__ import annotations

import argparse
import logging
import sys

from aiohttp import web

from bot.app import build_app
from bot.server import (
    configure_logging_for,
    keep_start_up_out_of_collections,
    settings_or_none,
    web_app,
)
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
