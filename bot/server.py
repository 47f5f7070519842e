"""`tourbot serve` (HTTP mode, the Procfile's web process) and `tourbot socket` (Socket Mode).

Both build the same app; both warm the time resolver and ready the store before taking work.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import time

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.app import build_app
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from bot.tourbot import Tourbot
from handlers.thread import SlackThread

logger = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve", help="run the Slack app over HTTP on $PORT (POST /slack/events, GET /healthz)"
    )
    serve.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to bind (default $PORT, then 3000)")
    serve.set_defaults(run=run_serve)
    socket = commands.add_parser("socket", help="run the Slack app over Socket Mode")
    socket.set_defaults(run=run_socket)
    worker = commands.add_parser(
        "worker", help="deliver bookings only (beside servers started with RUN_WORKER=false)"
    )
    worker.set_defaults(run=run_worker)


def web_app(tourbot: Tourbot, bolt: AsyncApp) -> web.Application:
    """Slack's endpoint and a health check, around the Bolt app."""
    started = time.monotonic()

    async def slack_events(request: web.Request) -> web.Response:
        bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response(
            {
                "ok": True,
                "uptime_seconds": round(time.monotonic() - started, 1),
                "deliveries_in_flight": tourbot.deliveries_in_flight,
            }
        )

    async def start(_: web.Application) -> None:
        bolt.client.session = slack_session()
        await tourbot.start(SlackThread(bolt.client, tourbot.store))

    async def stop(_: web.Application) -> None:
        await tourbot.close()
        if bolt.client.session is not None:
            await bolt.client.session.close()

    app = web.Application()
    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)
    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


def slack_session() -> aiohttp.ClientSession:
    """One connection pool for every Web API call: without it slack-sdk opens a session (and a
    connection) per call, which under load costs more than the listeners themselves."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))


def _configure_logging(settings: Settings) -> None:
    """JSON lines or text (LOG_FORMAT), never holding a contact detail or any of our secrets."""
    secrets = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.propexo_api_key,
    )
    configure_logging(
        settings.log_format, secrets=[s.get_secret_value() for s in secrets if s is not None]
    )


def _settings(*needs: str) -> Settings | None:
    try:
        return load_settings(*needs)  # type: ignore[arg-type]
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None


def run_serve(args: argparse.Namespace) -> int:
    settings = _settings("http", "propexo")
    if settings is None:
        return 2
    _configure_logging(settings)
    tourbot = Tourbot.from_settings(settings)
    app = web_app(tourbot, build_app(tourbot))
    port = args.port or settings.port
    web.run_app(
        app,
        host=args.host,
        port=port,
        print=lambda _: logger.info("Tourbot listening on http://%s:%s", args.host, port),
        access_log=None,
    )
    return 0


def run_socket(args: argparse.Namespace) -> int:
    settings = _settings("socket", "propexo")
    if settings is None:
        return 2
    _configure_logging(settings)
    assert settings.slack_app_token is not None
    app_token = settings.slack_app_token.get_secret_value()

    async def main() -> None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        tourbot = Tourbot.from_settings(settings)
        bolt = build_app(tourbot)
        bolt.client.session = slack_session()
        await tourbot.start(SlackThread(bolt.client, tourbot.store))
        handler = AsyncSocketModeHandler(bolt, app_token)
        try:
            await handler.start_async()  # type: ignore[no-untyped-call]
        finally:
            await tourbot.close()

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a developer stops it
        asyncio.run(main())
    return 0


def run_worker(args: argparse.Namespace) -> int:
    """Deliver bookings until SIGTERM or Ctrl-C, then drain."""
    settings = _settings("slack", "propexo")
    if settings is None:
        return 2
    _configure_logging(settings)

    async def main() -> None:
        from slack_sdk.web.async_client import AsyncWebClient

        assert settings.slack_bot_token is not None
        client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(),
            base_url=settings.slack_api_url,
            session=slack_session(),
        )
        tourbot = Tourbot.from_settings(settings.model_copy(update={"run_worker": True}))
        await tourbot.start(SlackThread(client, tourbot.store), lookups=False)
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

    asyncio.run(main())
    return 0


def _where(database_url: str) -> str:
    return database_url.split("@")[-1]  # never the password
